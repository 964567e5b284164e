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


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory):
    """Every notebook, executed once on the seed corpus through the runner (concurrently, default jobs)."""
    from vnpress.runner import run

    return run(corpus_dir=CORPUS, out_root=tmp_path_factory.mktemp("out"))
