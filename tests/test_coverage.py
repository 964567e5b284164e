"""Coverage over time (`vnpress.analyses.coverage`, `vnpress coverage`): articles per week or month, by outlet or outlet type,
gaps shown, undated articles counted apart; the chart with the key dated events."""

import io
import subprocess
import sys
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout

import matplotlib
import pandas as pd
import pytest

import vnpress
from vnpress.analyses import coverage
from vnpress.cli import main
from vnpress.reports import figures

matplotlib.use("Agg")

# (file, outlet, outlet_type, published, text): five outlet types, a gap of two weeks, an article without outlet,
# and one without any date (neither in the manifest nor in its text)
ARTICLES = [
    ("a.txt", "VnExpress", "commercial", "2025-10-20",
     "Ngày 25/10/2025, Việt Nam sẽ tổ chức lễ mở ký Công ước của Liên hợp quốc về chống tội phạm mạng tại Hà Nội. "
     "Đại diện nhiều quốc gia đã xác nhận tham dự."),
    ("b.txt", "Nhân Dân", "party", "2025-10-25",
     "Sáng 25/10/2025, lễ mở ký Công ước Hà Nội đã diễn ra tại Trung tâm Hội nghị Quốc gia. "
     "Bộ trưởng Bộ Công an thay mặt Nhà nước Việt Nam ký Công ước."),
    ("c.txt", "VOV", "state", "2025-10-26",
     "Hôm qua, ngày 25/10/2025, lễ mở ký Công ước về chống tội phạm mạng thu hút đại diện hơn 100 quốc gia. "
     "Nhiều nước đánh giá cao vai trò chủ nhà của Việt Nam."),
    ("d.txt", "BBC Tiếng Việt", "foreign_service", "2025-11-12",
     "Ngày 12/11/2025, các tổ chức nhân quyền tiếp tục bày tỏ lo ngại về Công ước chống tội phạm mạng."),
    ("e.txt", "Người Việt", "diaspora", "2025-11-13",
     "Cộng đồng người Việt ở hải ngoại theo dõi việc thực thi Công ước về tội phạm mạng."),
    ("f.txt", "Báo Lạ", "", "",
     "Một bài bình luận không ghi ngày về hợp tác quốc tế trong phòng chống tội phạm mạng."),
    ("g.txt", "", "", "2025-10-21",
     "Các chuyên gia an ninh mạng thảo luận về Công ước trước lễ mở ký."),
]
WEEKS = ["2025-10-20", "2025-10-27", "2025-11-03", "2025-11-10"]
TYPES = ["state", "party", "commercial", "foreign_service", "diaspora", "unknown"]  # OUTLET_TYPES order, unknown last


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("coverage")
    lines = ["file,title,outlet,url,published,authors,language,outlet_type"]
    for file, outlet, kind, published, text in ARTICLES:
        (folder / file).write_text(text + "\n", encoding="utf-8")
        lines.append(f"{file},,{outlet},,{published},,vi,{kind}")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def wb(corpus, tmp_path_factory):
    return vnpress.load(corpus, tmp_path_factory.mktemp("cache"), workers=1, lazy=True)


def test_weekly_by_outlet_type_shows_every_week_and_type(wb):
    table = coverage.coverage_table(wb, by="week", group="outlet_type")
    assert list(table.columns) == ["period", "group", "articles", "share"]
    assert table["period"].drop_duplicates().tolist() == WEEKS  # Mondays; the two empty weeks are there
    assert table["group"].drop_duplicates().tolist() == TYPES
    counts = {(p, g): n for p, g, n in zip(table["period"], table["group"], table["articles"]) if n}
    assert counts == {("2025-10-20", "commercial"): 1, ("2025-10-20", "party"): 1, ("2025-10-20", "state"): 1,
                      ("2025-10-20", "unknown"): 1, ("2025-11-10", "foreign_service"): 1,
                      ("2025-11-10", "diaspora"): 1}
    shares = table.groupby("period")["share"].sum()
    assert shares["2025-10-20"] == pytest.approx(1) and shares["2025-11-10"] == pytest.approx(1)
    assert shares["2025-10-27"] == 0 and shares["2025-11-03"] == 0
    assert table.loc[(table["period"] == "2025-10-20") & (table["group"] == "party"), "share"].item() == 0.25
    assert table["articles"].sum() == 6  # the undated article is not counted


def test_monthly_ungrouped_and_by_outlet(wb):
    monthly = coverage.coverage_table(wb, by="month")
    assert monthly.to_dict("records") == [{"period": "2025-10", "group": "", "articles": 4, "share": 1.0},
                                          {"period": "2025-11", "group": "", "articles": 2, "share": 1.0}]
    by_outlet = coverage.coverage_table(wb, by="month", group="outlet")
    assert by_outlet["group"].drop_duplicates().tolist() == ["BBC Tiếng Việt", "Người Việt", "Nhân Dân", "VnExpress",
                                                             "VOV", "unknown"]  # case-folded order
    october = by_outlet[by_outlet["period"] == "2025-10"].set_index("group")["articles"]
    assert october.to_dict() == {"BBC Tiếng Việt": 0, "Nhân Dân": 1, "Người Việt": 0, "VOV": 1, "VnExpress": 1,
                                 "unknown": 1}


def test_undated_articles_are_counted_apart(wb):
    assert coverage.undated_articles(wb) == 1
    assert coverage.undated_note(wb) == ("1 of 7 articles has no publication date (neither in the manifest nor in "
                                         "the text) and is not counted.")


def test_seed_corpus_months_match_the_articles_dates(seed_wb):
    dated = seed_wb.articles["published"].dropna()
    months = Counter(d.strftime("%Y-%m") for d in dated)
    table = coverage.coverage_table(seed_wb, by="month")
    first, last = min(months), max(months)
    span = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
    assert len(table) == span and table["period"].iloc[0] == first and table["period"].iloc[-1] == last
    assert dict(zip(table["period"], table["articles"])) == {p: months.get(p, 0) for p in table["period"]}
    assert coverage.undated_articles(seed_wb) == len(seed_wb.articles) - len(dated)


def test_no_dated_article_gives_an_empty_table_with_the_columns():
    articles = pd.DataFrame({"published": pd.to_datetime([None, None]), "outlet_type": ["state", ""]})
    table = coverage.coverage_of(articles, by="week", group="outlet_type")
    assert table.empty and list(table.columns) == coverage.COLUMNS
    with pytest.raises(ValueError, match="group must be one of outlet, outlet_type"):
        coverage.coverage_of(articles, by="week", group="country")


def test_cli_prints_the_table_and_one_line_about_undated_articles(corpus, tmp_path, capsys):
    code = main(["coverage", str(corpus), "--by", "week", "--group", "outlet_type", "--format", "csv",
                 "--cache", str(tmp_path), "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == 0
    rows = out.splitlines()
    assert rows[0] == "period,group,articles,share" and len(rows) == 1 + len(WEEKS) * len(TYPES)
    assert "2025-11-10,foreign_service,1,0.5" in rows
    assert err.splitlines() == [f"warning: {corpus}: 1 of 7 articles has no publication date (neither in the "
                                "manifest nor in the text) and is not counted."]


def test_cli_refuses_an_unknown_period_in_one_line(corpus):
    done = subprocess.run([sys.executable, "-m", "vnpress.cli", "coverage", str(corpus), "--by", "day"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "invalid choice: 'day'" in done.stderr and not done.stdout


def test_key_events_are_the_most_reported_inside_the_plotted_range(wb):
    table = coverage.coverage_table(wb, by="week", group="outlet_type")
    events = coverage.corpus_events(wb)
    key = coverage.key_events(events, table, n=1)
    assert list(key.columns) == coverage.EVENT_COLUMNS
    assert key[["value", "granularity", "sources", "label"]].to_dict("records") == [
        {"value": "2025-10-25", "granularity": "day", "sources": 3, "label": "25 Oct: signing"}]
    every = coverage.key_events(events, table, min_sources=1)  # an event one article alone dates is left off, unless
    assert every["value"].tolist() == ["2025-10-25", "2025-11-12"] and every["sources"].tolist() == [3, 1]
    assert every["label"].iloc[1].startswith("12 Nov: ")
    later = coverage.coverage_of(wb.articles[wb.articles["published"] >= "2025-11-01"], by="week")
    assert coverage.key_events(events, later).empty  # the signing is before the plotted weeks


def test_figure_stacks_types_marks_events_and_says_what_is_missing(wb):
    table = coverage.coverage_table(wb, by="week", group="outlet_type")
    fig = figures.coverage_figure(table, coverage.corpus_events(wb), undated=coverage.undated_articles(wb))
    ax = fig.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    assert len(heights) == len(WEEKS) * len(TYPES) and sum(heights) == 6
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "type unknown (chưa rõ loại)" and "party press (báo Đảng)" in legend
    assert [t.get_text() for t in ax.texts] == ["25 Oct: signing (3 art.)"]  # the one-source event is left off
    assert len(ax.lines) == 1
    assert [t.get_text() for t in fig.texts] == ["1 undated article is not on the chart (no publication date)."]
    assert "article" in ax.get_ylabel() and ax.get_title() == "Coverage over time, by outlet type"
    by_outlet = figures.coverage_figure(coverage.coverage_table(wb, by="month", group="outlet"), pd.DataFrame())
    assert by_outlet.axes[0].get_title() == "Coverage over time, by outlet" and not by_outlet.texts


def test_notebook_parameter_coverage_by_is_checked():
    assert vnpress.check_params(coverage_by="month") == {"coverage_by": "month"}
    with pytest.raises(ValueError, match="parameter 'coverage_by' must be one of week, month, got 'day'"):
        vnpress.check_params(coverage_by="day")


def test_a_malformed_date_is_one_line_and_that_article_counts_as_undated(tmp_path):
    for name in ("x", "y"):
        (tmp_path / f"{name}.txt").write_text("Đại diện Bộ Công an trao đổi với báo chí về hợp tác quốc tế.\n",
                                              encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,title,outlet,url,published,authors,language,outlet_type\n"
                                           "x.txt,,Tuổi Trẻ,,2025-11-04,,vi,\ny.txt,,Tuổi Trẻ,,2025-13-40,,vi,\n",
                                           encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["coverage", str(tmp_path), "--by", "month", "--group", "outlet", "--format", "csv",
                     "--cache", ""])
    assert code == 1  # the loader's error on the manifest's line; the rest is counted
    assert out.getvalue().splitlines() == ["period,group,articles,share", "2025-11,Tuổi Trẻ,1,1.0"]
    lines = err.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"error: {tmp_path / 'y.txt'}: malformed date '2025-13-40'")
    assert lines[1] == (f"warning: {tmp_path}: 1 of 2 articles has no publication date (neither in the manifest "
                        "nor in the text) and is not counted.")
