import json
import shutil

import nbformat
import pytest

from conftest import CORPUS
from vnpress.runner import NOTEBOOKS_DIR, run


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return run(corpus_dir=CORPUS, out_root=out, only=["01-exploration"])


def test_run_writes_reports_tables_and_manifest(seed_run):
    d = seed_run.run_dir
    assert seed_run.ok, seed_run.notebooks
    html = (d / "01-exploration.html").read_text(encoding="utf-8")
    assert "Exploration" in html and "<img" in html and "photo_caption" in html
    assert "def " not in html  # code is hidden by default
    assert (d / "01-exploration" / "tables" / "articles.csv").exists()
    assert (d / "01-exploration" / "figures" / "length_distribution.png").exists()
    manifest = json.loads((d / "manifest.json").read_text())
    assert manifest["notebooks"][0]["status"] == "ok"
    assert set(manifest["corpus_files"]) >= {p.name for p in CORPUS.glob("*.txt")}
    assert manifest["packages"]["underthesea"]
    index = (d / "index.html").read_text(encoding="utf-8")
    assert "01-exploration.html" in index
    assert (d.parent.parent / "latest").resolve() == d.resolve()


def test_failing_notebook_is_marked_and_others_run(tmp_path):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    shutil.copy(NOTEBOOKS_DIR / "01-exploration.ipynb", nbdir / "01-exploration.ipynb")
    bad = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('corpus_dir: str = "x"  # corpus')
    params.metadata["tags"] = ["parameters"]
    bad.cells = [params, nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')")]
    bad.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(bad, nbdir / "09-broken.ipynb")
    result = run(corpus_dir=CORPUS, out_root=tmp_path / "out", notebooks_dir=nbdir)
    status = {nb["notebook"]: nb["status"] for nb in result.notebooks}
    assert status == {"01-exploration": "ok", "09-broken": "failed"}
    assert not result.ok
    assert "deliberate failure" in (result.run_dir / "09-broken.html").read_text(encoding="utf-8")
    assert "failed" in result.index.read_text(encoding="utf-8")


def test_unknown_or_mistyped_parameter_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown parameter 'nonsense'"):
        run(corpus_dir=CORPUS, out_root=tmp_path, params=[("nonsense", "1")], only=["01-exploration"])
    with pytest.raises(ValueError, match="must be int"):
        run(corpus_dir=CORPUS, out_root=tmp_path, params=[("top_n", "many")], only=["01-exploration"])
