import json
import shutil

import nbformat
import pytest

from conftest import CORPUS
from vnpress.runner import NOTEBOOKS_DIR, run


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    """Every notebook, executed once on the seed corpus through the runner."""
    out = tmp_path_factory.mktemp("out")
    return run(corpus_dir=CORPUS, out_root=out)


def test_run_writes_reports_tables_and_manifest(seed_run):
    d = seed_run.run_dir
    assert seed_run.ok, seed_run.notebooks
    html = (d / "01-exploration.html").read_text(encoding="utf-8")
    assert "Exploration" in html and "<img" in html and "photo_caption" in html
    assert "def " not in html  # code is hidden by default
    assert (d / "01-exploration" / "tables" / "articles.csv").exists()
    assert (d / "01-exploration" / "figures" / "length_distribution.png").exists()
    manifest = json.loads((d / "manifest.json").read_text())
    assert [nb["notebook"] for nb in manifest["notebooks"]] == ["01-exploration", "02-term-frequency",
                                                                "03-stance-by-country", "04-timeline"]
    assert {nb["status"] for nb in manifest["notebooks"]} == {"ok"}
    assert set(manifest["corpus_files"]) >= {p.name for p in CORPUS.glob("*.txt")}
    assert manifest["packages"]["underthesea"]
    index = (d / "index.html").read_text(encoding="utf-8")
    assert "01-exploration.html" in index
    assert (d.parent.parent / "latest").resolve() == d.resolve()


@pytest.mark.parametrize("name,tables,figures,text", [
    ("02-term-frequency", ["frequencies", "tfidf", "bigrams", "keyness", "kwic"],
     ["top_terms", "wordcloud", "keyness", "dispersion"], "tội phạm mạng"),
    ("03-stance-by-country", ["countries", "stance_by_country", "stance_by_article", "evidence", "evaluation"],
     ["frame_heatmap"], "Nhật Bản"),
    ("04-timeline", ["events", "dates", "coverage", "evaluation"], ["timeline"], "2024-12-24"),
])
def test_analysis_notebooks_render_their_tables_and_figures(seed_run, name, tables, figures, text):
    d = seed_run.run_dir
    html = (d / f"{name}.html").read_text(encoding="utf-8")
    assert text in html and html.count("<img") >= len(figures)
    assert "Traceback" not in html and "Error" not in html.split("</style>")[-1]
    for t in tables:
        assert (d / name / "tables" / f"{t}.csv").stat().st_size > 0, t
    for f in figures:
        assert (d / name / "figures" / f"{f}.png").stat().st_size > 5000, f


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


def test_unchanged_notebooks_are_reused_and_changes_rerun(tmp_path):
    first = run(corpus_dir=CORPUS, out_root=tmp_path, only=["04-timeline"])
    second = run(corpus_dir=CORPUS, out_root=tmp_path, only=["04-timeline"])
    assert second.notebooks[0]["reused_from"] == first.run_dir.name
    assert (second.run_dir / "04-timeline.html").read_bytes() == (first.run_dir / "04-timeline.html").read_bytes()
    assert (second.run_dir / "04-timeline" / "tables" / "events.csv").exists()
    changed = run(corpus_dir=CORPUS, out_root=tmp_path, only=["04-timeline"], params=[("top_n", "5")])
    forced = run(corpus_dir=CORPUS, out_root=tmp_path, only=["04-timeline"], params=[("top_n", "5")], force=True)
    assert changed.notebooks[0]["reused_from"] == "" and forced.notebooks[0]["reused_from"] == ""
    assert json.loads((forced.run_dir / "manifest.json").read_text())["notebooks"][0]["status"] == "ok"
