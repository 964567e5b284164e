"""Reports for people: the findings page (headline sentences, stance and coverage charts, cautions), report
tables without index and with a link to their CSV, contents and a link back in each report, one .xlsx workbook
per run, CITATION.cff. Pages are opened in headless Chromium with the network off."""

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from vnpress.analyses import stance
from vnpress.reports import figures, findings, report
from vnpress.reports.spreadsheet import saved_tables, sheet_names, write_workbook
from vnpress.util.csvio import write_csv

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=5000"]
PROBE = ("<script>addEventListener('load',()=>{document.body.dataset.images=Array.from(document.images)"
         ".map(i=>i.complete&&i.naturalWidth>0?'1':'0').join('')})</script>")

# a small study: four countries, weekly coverage by outlet type, events, syndicated stories, three undated articles
COUNTRIES = pd.DataFrame({
    "iso": ["VN", "JP", "CH", "RU"], "name": ["Việt Nam", "Nhật Bản", "Thụy Sĩ", "Nga"], "articles": [5, 1, 2, 4],
    "stance": ["support", "conditional", "conditional", "oppose"],
    "frames": ["sovereignty;cooperation", "cooperation;capacity_building", "human_rights;legal_harmonization",
               "sovereignty"],
    "stances_by_article": ["support:5", "conditional:1", "conditional:1;support:1", "oppose:3;neutral:1"],
    "uncertain": [0, 0, 0, 3]})
BY_ARTICLE = pd.DataFrame({"article_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a2"],
                           "actor_type": ["country"] * 6 + ["organization"]})
COVERAGE = pd.DataFrame({"period": ["2025-W43", "2025-W43", "2025-W44", "2025-W44"],
                         "group": ["state", "diaspora", "state", ""], "articles": [6, 2, 1, 1],
                         "share": [0.6, 0.2, 0.1, 0.1]})
EVENTS = pd.DataFrame({"value": ["2024-12-24", "2025-10-25"],
                       "event": ["Công ước được Đại hội đồng thông qua", "lễ mở ký Công ước tại Hà Nội"],
                       "sources": [2, 7], "articles": ["a1;a2", "a1;a2;a3;a4;a5;a6;a7"], "conflict": ["", ""],
                       "sentences": ["", ""]})
SUMMARY = pd.DataFrame({"fact": ["articles", "publication dates by source"],
                        "value": ["13", "manifest: 10; unknown: 3"]})
STORIES = pd.DataFrame({"story_id": ["s1", "s1", "s1", "s2", "s3"], "article_id": ["a1", "a2", "a3", "a4", "a5"]})


def _study(run_dir, coverage=True):
    """A run folder holding the tables the notebooks save, as they save them (`report.save_table`)."""
    tables = {("03-stance-by-country", "stance_by_country"): COUNTRIES,
              ("03-stance-by-country", "stance_by_article"): BY_ARTICLE, ("04-timeline", "events"): EVENTS,
              ("01-exploration", "corpus_summary"): SUMMARY, ("01-exploration", "stories"): STORIES}
    if coverage:
        tables[("01-exploration", "coverage")] = COVERAGE
    for (notebook, name), df in tables.items():
        report.save_table(df.copy(), name, run_dir / notebook)
    return run_dir


def _manifest(run_dir):
    return {"created_utc": run_dir.name, "corpus_dir": "corpus", "corpus_files": {}, "parameters": {},
            "packages": {}, "git_commit": "", "notebooks": [], "input_problems": [], "workbook": {}}


def _open(html, tmp_path):
    """The DOM Chromium builds from `html` offline, with '1'/'0' per image for whether it rendered."""
    page = tmp_path / "page.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    res = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=180)
    images = re.search(r'data-images="([01]*)"', res.stdout)
    assert images, res.stderr[-500:]
    return res.stdout, images.group(1)


def test_headlines_say_what_the_tables_show(tmp_path):
    table = findings.headlines_table(_study(tmp_path))
    by = {(r.section, r.english.split(" ")[0]): r for r in table.itertuples()}
    countries = by[("countries", "4")]
    assert countries.english == ("4 countries act in the coverage; 1 support the Convention, 2 with conditions or "
                                 "still weighing it, 1 oppose it.")
    assert countries.vietnamese.startswith("4 quốc gia phát biểu hoặc hành động trong tin bài; 1 ủng hộ Công ước")
    assert countries.articles == 6  # distinct articles with a country actor
    caution = table[table["english"].str.startswith("Caution: 1 of 4")].iloc[0]
    assert "(Japan)" in caution.english and "(Nhật Bản)" in caution.vietnamese and caution.articles == 1
    uncertain = table[table["english"].str.contains("mostly uncertain")].iloc[0]
    assert "Russia" in uncertain.english and "Nga" in uncertain.vietnamese and uncertain.articles == 4
    assert "The most common frame in what countries say is sovereignty (2 of 4 countries)." in set(table["english"])
    coverage = table[table["english"].str.startswith("10 dated articles")].iloc[0]
    assert "the week of 20 October 2025 (8 articles, 80%)" in coverage.english
    assert "tuần từ ngày 20/10/2025" in coverage.vietnamese and coverage.section == "coverage"
    assert "State media carried the most coverage (7 of 10 dated articles)." in set(table["english"])
    assert "5 articles tell 3 distinct stories; 1 of them" in " ".join(table["english"])
    event = table[table["section"] == "events"].iloc[0]
    assert event.english == "The most reported dated event: 2025-10-25, signing (of the Convention) (7 articles)."
    assert "lễ mở ký Công ước tại Hà Nội" in event.vietnamese
    undated = table[table["section"] == "corpus"].iloc[0]
    assert undated.english.startswith("3 of 13 articles have no known publication date") and undated.articles == 3


def test_chart_tables_are_tidy_and_english():
    stance = findings.stance_chart_table(COUNTRIES)
    assert stance.columns.tolist() == ["country", "name", "iso", "stance", "articles"]
    assert stance[stance["iso"] == "CH"][["country", "stance", "articles"]].values.tolist() == [
        ["Switzerland", "support", 1], ["Switzerland", "conditional", 1]]
    assert stance["articles"].sum() == 5 + 1 + 2 + 4
    coverage = findings.coverage_chart_table(COVERAGE)
    assert coverage["group"].tolist() == ["diaspora", "state", "state", "unknown"]
    assert findings.period_phrase("2025-10") == ("October 2025", "tháng 10/2025")


def test_notebook_stance_figures_name_countries_in_english_beside_vietnamese():
    by_article = pd.DataFrame({"article_id": ["a", "b", "b", "c"], "iso": ["RU", "RU", "IL", "org:un"],
                               "name": ["Nga", "Nga", "Israel", "Liên hợp quốc"],
                               "actor_type": ["country", "country", "country", "organization"],
                               "stance": ["oppose", "conditional", "support", "neutral"]})
    fig = figures.stance_figure(by_article, "country")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Israel", "Russia (Nga)"]
    assert "conditional (ủng hộ có điều kiện hoặc còn cân nhắc)" in [t.get_text() for t in fig.legends[0].get_texts()]
    organizations = figures.stance_figure(by_article, "organization").axes[0]
    assert [t.get_text() for t in organizations.get_yticklabels()] == ["Liên hợp quốc"]
    empty = figures.stance_figure(pd.DataFrame(columns=["name", "stance"]), "country").axes[0]
    assert [t.get_text() for t in empty.texts] == ["no country actors"]
    matrix = stance.frame_matrix(by_article.assign(frames=["sovereignty", "sovereignty;cooperation", "", ""]))
    rows = [t.get_text() for t in figures.heatmap(matrix).axes[0].get_yticklabels()]
    assert rows == ["Russia (Nga)"] and matrix.loc["Nga", "sovereignty"] == 2


def test_term_charts_gloss_terms_and_name_the_keyness_groups():
    freq = pd.DataFrame({"term": ["tội phạm mạng", "Hoa Kỳ", "quan trắc"], "count": [9, 5, 2]})
    bars = [t.get_text() for t in figures.top_terms_figure(freq).axes[0].get_yticklabels()]
    assert bars == ["quan trắc", "Hoa Kỳ (United States)", "tội phạm mạng (cybercrime)"]
    key = pd.DataFrame({"term": ["Nga", "Israel"], "log_ratio": [-2.0, 1.5]})
    ax = figures.keyness_figure(key, target="outlet type state").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Nga (Russia)", "Israel"]
    assert "more used in the outlet type state" in ax.get_title()


def test_report_tables_give_a_country_its_english_name():
    table = pd.DataFrame({"iso": ["CH", "org:unodc"], "name": ["Thụy Sĩ", "UNODC"], "articles": [2, 1]})
    shown = report.people_table(table)
    assert shown.columns.tolist() == ["iso", "name", "English name", "articles"]
    assert shown["English name"].tolist() == ["Switzerland", ""]
    assert ">Switzerland</td>" in report.people_html(table) and table.columns.tolist() == ["iso", "name", "articles"]
    organizations = table[table["iso"].str.startswith("org:")]
    assert report.people_table(organizations).columns.tolist() == ["iso", "name", "articles"]


def test_a_broken_table_is_one_line_and_the_rest_still_shows(tmp_path):
    _study(tmp_path)
    write_csv(EVENTS.drop(columns=["sources"]), tmp_path / "04-timeline" / "tables" / "events.csv")
    page = report.findings_html(tmp_path)
    assert page.count("04-timeline/tables/events.csv: missing column(s) sources; left out of the findings") == 1
    assert "4 countries act in the coverage" in page and "Switzerland" in page


@needs_chromium
def test_findings_page_in_a_browser_shows_headlines_and_both_charts(tmp_path):
    run_dir = _study(tmp_path / "run")
    dom, images = _open(report.index_html(_manifest(run_dir), run_dir), tmp_path)
    assert images == "11"  # the coverage chart and the stance chart, both decoded
    assert 'alt="Coverage over time by outlet type"' in dom and 'alt="Stance by country"' in dom
    assert "4 countries act in the coverage" in dom and "4 quốc gia phát biểu" in dom
    assert "see the section</a>" in dom and "id=\"findings-countries\"" in dom
    assert "How to cite" in dom and "vnpress: a research workbook for Vietnamese press coverage" in dom


@needs_chromium
def test_without_a_coverage_table_the_page_says_so(tmp_path):
    run_dir = _study(tmp_path / "run", coverage=False)
    dom, images = _open(report.index_html(_manifest(run_dir), run_dir), tmp_path)
    assert images == "1"
    assert "Not available: 01-exploration saved no table coverage.csv in this run, so there is no coverage chart" in dom


def test_report_tables_for_people(tmp_path):
    df = pd.DataFrame({"term": [f"từ {i}" for i in range(30)], "per_10k": [i / 3 for i in range(30)],
                       "stances_by_article": ["support:4;conditional:1"] * 30}, index=range(100, 130))
    shown = report.save_table(df, "frequencies", tmp_path / "02-term-frequency")
    page = report.people_html(shown.head(25))
    assert "<th title='per_10k: occurrences per 10,000 counted words'>per 10,000 words</th>" in page
    assert page.count("<tr>") == 1 + report.DISPLAY_ROWS and ">100<" not in page  # no index column
    assert "<td>0.33</td>" in page and "<td>support 4 · conditional 1</td>" in page
    assert "first 20 of 30 rows; full table: <a href='02-term-frequency/tables/frequencies.csv'>" in page


def test_each_report_has_contents_a_link_back_and_its_files():
    page = ("<html><head></head><body><main><h1 id='x'>01</h1><h2 id=\"Input-problems\">Input problems"
            "<a class=\"anchor-link\" href=\"#Input-problems\">¶</a></h2></main></body></html>")
    out = report.add_navigation(page, ["01-exploration/tables/articles.csv", "01-exploration/figures/length.png"])
    assert out.index("Back to the run's index") < out.index("Input problems")
    assert "<li class='toc-h2'><a href='#Input-problems'>Input problems</a></li>" in out
    assert "<a href='01-exploration/figures/length.png'>" in out and out.index("vnpress-files") < out.index("</main>")


def test_workbook_holds_every_table_formula_safe(tmp_path):
    _study(tmp_path)
    write_csv(pd.DataFrame({"term": ["=SUM(A1)", "Hà Nội"], "count": [3, 2]}),
              tmp_path / "02-term-frequency" / "tables" / "a_table_name_well_over_thirty_one_characters_1.csv")
    write_csv(pd.DataFrame({"x": [1]}),
              tmp_path / "02-term-frequency" / "tables" / "a_table_name_well_over_thirty_one_characters_2.csv")
    contents = write_workbook(tmp_path, tmp_path / "tables.xlsx")
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    tables = saved_tables(tmp_path)
    assert book.sheetnames == ["contents", *sheet_names(tables)] and len(tables) == 8
    assert all(len(n) <= 31 for n in book.sheetnames) and len(set(book.sheetnames)) == len(book.sheetnames)
    sheet = contents.set_index("table").loc["a_table_name_well_over_thirty_one_characters_1", "sheet"]
    assert list(book[sheet].values) == [("term", "count"), ("'=SUM(A1)", 3), ("Hà Nội", 2)]
    assert list(book["03 stance_by_country"].values)[1][:3] == ("VN", "Việt Nam", 5)
    assert contents["rows"].tolist() == [len(pd.read_csv(p, encoding="utf-8-sig")) for p in tables]


def test_citation_file_is_valid_cff():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"cff-version", "message", "title", "authors"} <= set(cff) and cff["authors"]
    assert all("name" in a or "family-names" in a for a in cff["authors"])
    assert cff["version"] == report.citation()["version"]


def test_seed_run_findings_xlsx_and_reports(seed_run, tmp_path):
    d = seed_run.run_dir
    dom, images = _open((d / "index.html").read_text(encoding="utf-8"), tmp_path)
    assert "11 countries act in the coverage" in dom and "rest on one article" in dom and "1" in images
    assert 'alt="Stance by country"' in dom and set(images) == {"1"}
    has_coverage = (d / "01-exploration" / "tables" / "coverage.csv").is_file()
    assert ('alt="Coverage over time by outlet type"' in dom) == has_coverage
    assert ("saved no table coverage.csv" in dom) != has_coverage
    book = openpyxl.load_workbook(d / "tables.xlsx", read_only=True)
    assert len(book.sheetnames) == 1 + len(saved_tables(d)) >= 30
    for page in ("01-exploration.html", "03-stance-by-country.html"):
        html = (d / page).read_text(encoding="utf-8")
        assert "Back to the run's index" in html and "Files saved by this report" in html
        assert re.search(rf"full table: <a href=.{page[:-5]}/tables/\w+\.csv.>", html)
        assert 'class="dataframe"' not in html  # no raw pandas table
