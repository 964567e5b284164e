from pathlib import Path

import pytest

from vnpress.processing import layers

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
    from vnpress.reports.runner import run

    return run(corpus_dir=CORPUS, out_root=tmp_path_factory.mktemp("out"))


@pytest.fixture
def seen(monkeypatch):
    """Records, per analysis, the article keys its batch jobs received (jobs run in this process)."""

    log: dict[str, list[str]] = {}
    real = layers._analyse_batch

    def counting(analysis, files, rows, done, items):
        log.setdefault(analysis.name, []).extend(k for k, _ in items)
        return real(analysis, files, rows, done, items)

    monkeypatch.setattr(layers, "_analyse_batch", counting)
    return log
