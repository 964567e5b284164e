import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import CORPUS, ROOT

from vnpress.reports.runner import NOTEBOOKS_DIR, run


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
    ("01-exploration", ["coverage", "coverage_events", "coverage_by_outlet"], ["coverage"], "Coverage over time"),
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


def _tables(run_dir) -> dict[str, bytes]:
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.glob("*/tables/*.csv"))}


def test_concurrent_run_equals_sequential(seed_run, tmp_path):
    assert json.loads((seed_run.run_dir / "manifest.json").read_text())["jobs"] > 1 or pytest.skip("one core")
    sequential = run(corpus_dir=CORPUS, out_root=tmp_path, jobs=1)
    assert sequential.ok
    concurrent, serial = _tables(seed_run.run_dir), _tables(sequential.run_dir)
    assert len(concurrent) >= 20 and concurrent.keys() == serial.keys()
    assert [name for name in concurrent if concurrent[name] != serial[name]] == []


def test_findings_page_reads_the_saved_tables_and_links_to_sections(seed_run):
    d = seed_run.run_dir
    index = (d / "index.html").read_text(encoding="utf-8")
    assert index.index("id='findings'") < index.index("<h2>Run</h2>")  # findings at the top
    assert "Vietnam <span class='vi' lang='vi'>(Việt Nam)</span>" in index  # CLDR English beside Vietnamese
    assert "European Union" in index and "Switzerland" in index
    assert "support <span class='vi' lang='vi'>(ủng hộ)</span>" in index
    assert "sovereignty <span class='vi' lang='vi'>(chủ quyền)</span>" in index
    assert "2024-12-24" in index and "tội phạm mạng" in index and "cybercrime" in index
    assert "id='glossary'" in index and "Quốc gia này" in index
    articles = next(line for line in (d / "01-exploration" / "tables" / "corpus_summary.csv").read_text().splitlines()
                    if line.startswith("articles,"))
    assert f"<td>articles</td><td>{articles.split(',')[1]}</td>" in index
    links = re.findall(r"From <a href='([0-9a-z-]+\.html)#([^']+)'>", index)
    assert len(links) >= 4  # corpus, countries, events, terms; coverage once notebook 01 saves it
    for page, anchor in links:
        assert f'id="{anchor}"' in (d / page).read_text(encoding="utf-8"), (page, anchor)


def test_findings_page_says_which_tables_are_missing(tmp_path):
    result = run(corpus_dir=CORPUS, out_root=tmp_path, only=["04-timeline"])
    index = result.index.read_text(encoding="utf-8")
    assert "Not available: 03-stance-by-country saved no table stance_by_country.csv" in index
    assert "2024-12-24" in index  # the events section, which this run has


def test_cli_prints_one_line_per_notebook_and_logs_the_kernel(tmp_path):
    res = subprocess.run([sys.executable, "-m", "vnpress.cli", "run", "--out", str(tmp_path), "--only",
                          "04-timeline", "01-exploration", "--jobs", "2"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert sorted(line.split()[:2] for line in lines[:-1]) == [["01-exploration", "ok"], ["04-timeline", "ok"]]
    assert re.fullmatch(r"04-timeline +ok +\d+\.\d s", next(x for x in lines if x.startswith("04"))), lines
    assert lines[-1].endswith("index.html") and res.stderr == ""
    logs = tmp_path / "latest" / "logs"
    assert "IPKernelApp" in (logs / "04-timeline.log").read_text() and (logs / "run.log").exists()
