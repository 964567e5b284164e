from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def seed_wb(tmp_path_factory):
    """The seed corpus, loaded and processed once per test session."""
    import vnpress

    return vnpress.load(CORPUS, tmp_path_factory.mktemp("cache"), workers=1)
