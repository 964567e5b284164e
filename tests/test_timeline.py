from datetime import date

import matplotlib.dates as mdates
import pandas as pd
import pytest
from conftest import GOLD

import vnpress
from vnpress.analyses import timeline as T
from vnpress.analyses.dates import anchoring, article, expressions, grammar
from vnpress.processing.workbook import from_texts
from vnpress.reports import figures

PUB = date(2025, 10, 24)


def _values(text, published=PUB, ctx=None):
    return [(r["value"], r["granularity"]) for r in expressions.extract_dates(text, published, ctx)]


@pytest.mark.parametrize("text,expected", [
    ("Công ước được thông qua ngày 25/12/2024.", [("2024-12-25", "day")]),
    ("Thông qua ngày 24-12-2024 tại New York.", [("2024-12-24", "day")]),
    ("Lễ ký ngày 25.10.2025 tại Hà Nội.", [("2025-10-25", "day")]),
    ("Vào ngày 25 tháng 10 năm 2025, lễ ký khai mạc.", [("2025-10-25", "day")]),
    ("Chiều 26/10, họp báo diễn ra.", [("2025-10-26", "day")]),
    ("Ngày 23-10, Chủ tịch nước kiểm tra công tác chuẩn bị.", [("2025-10-23", "day")]),
    ("sáng 25.10 các đoàn đến Hà Nội", [("2025-10-25", "day")]),
    ("Lễ ký diễn ra 25-26/10 tại Hà Nội.", [("2025-10-25", "day"), ("2025-10-26", "day")]),
    ("Lễ ký diễn ra 25–26/10/2025 tại Hà Nội.", [("2025-10-25", "day"), ("2025-10-26", "day")]),
    ("Lễ ký sẽ diễn ra từ ngày 25 đến 26-10 tại Hà Nội.", [("2025-10-25", "day"), ("2025-10-26", "day")]),
    ("Sự kiện kéo dài hai ngày 25 và 26/10/2025.", [("2025-10-25", "day"), ("2025-10-26", "day")]),
    ("Kế hoạch được thông qua trong tháng 10/2025.", [("2025-10", "month")]),
    ("Đàm phán kết thúc vào tháng 12 năm 2024.", [("2024-12", "month")]),
    ("Việt Nam đăng cai trong năm 2025.", [("2025", "year")]),
    ("Chiến dịch triển khai trong 3 tháng cuối năm 2024.", [("2024-Q4", "quarter")]),
    ("Kết quả quý IV/2024 rất khả quan.", [("2024-Q4", "quarter")]),
    ("Dự kiến phê chuẩn vào đầu năm 2025.", [("2025", "year")]),
    ("Thứ Tư, 28/01/2026, hội nghị khai mạc.", [("2026-01-28", "day")]),
    ("Hôm qua, đoàn đã đến Hà Nội.", [("2025-10-23", "day")]),
    ("Năm ngoái, Việt Nam tổ chức hội thảo.", [("2024", "year")]),
    ("Năm tới, các nước sẽ phê chuẩn.", [("2026", "year")]),
    ("Tuần trước, hội nghị đã bế mạc.", [("2025-W42", "week")]),
])
def test_expressions_and_values(text, expected):
    assert _values(text) == expected


@pytest.mark.parametrize("text", [
    "Trung tâm hoạt động 24/7 để phong tỏa giao dịch.",
    "Sau gần 20 năm, cộng đồng quốc tế mới có khuôn khổ mới.",
    "Sau hơn 5 năm đàm phán, công ước được thông qua.",
    "Đây là lễ mở ký lớn nhất trong 10 năm qua.",
    "Theo Điều 64, khoản 1, công ước mở cho các quốc gia.",
    "Khu vực đóng góp hơn 70% GDP toàn cầu.",
    "Nhật Bản hỗ trợ hơn 6,6 triệu USD.",
    "Buổi lễ đón hơn 2.500 đại biểu và 110 đoàn.",
    "Singapore ban hành Luật Online Criminal Harms Act 2023.",
    "Luật An ninh mạng năm 2018 quy định nhiều nội dung.",
    "Ngày 31/02 không tồn tại.",
    "Công ước gồm 9 chương và 71 điều.",
])
def test_non_dates(text):
    assert _values(text) == []


def test_resolution_across_a_year_boundary():
    assert _values("Ngày 28/12, hội nghị tổng kết diễn ra.", date(2026, 1, 5)) == [("2025-12-28", "day")]
    assert _values("Hội nghị sẽ diễn ra ngày 3/1.", date(2025, 12, 30)) == [("2026-01-03", "day")]
    assert _values("Hội nghị đã diễn ra ngày 3/1.", date(2025, 12, 30)) == [("2025-01-03", "day")]


def test_anchor_without_publication_date():
    rows = expressions.extract_dates("Chiều 26/10, họp báo diễn ra.", None, 2025)
    assert (rows[0]["value"], rows[0]["anchor"]) == ("2025-10-26", "inferred")
    rows = expressions.extract_dates("Chiều 26/10, họp báo diễn ra.", None, None)
    assert (rows[0]["value"], rows[0]["anchor"]) == ("", "unresolved")
    assert expressions.extract_dates("ngày 25/12/2024", None, None)[0]["anchor"] == "explicit"


def test_a_url_date_anchors_unless_the_page_prints_its_own_dateline():
    said = "Ngày 17/12, Thủ tướng kêu gọi các nước thành viên xem xét lại hiệp định."
    url_date = pd.Timestamp("2019-01-02")

    def values(*lines, url=url_date):
        sents = pd.DataFrame({"sentence_id": range(len(lines)), "text": list(lines)})
        df = article.article_dates("a", sents, None, url_date=url)
        return df.loc[df["surface"] == "Ngày 17/12", ["value", "anchor", "published"]].values.tolist()

    assert values(said) == [["2018-12-17", "published", "2019-01-02"]]
    # the page's clock line is its dateline: a URL's stamp may be when the page was first drafted
    assert values("10/06/2018 08:51 (GMT+7)", said) == [["2017-12-17", "published", "2018-06-10"]]
    assert values(said, url=None) == [["", "unresolved", ""]]
    # a full date on a first line decades from the URL's date is a kept caption, not the page's dateline
    assert values("Reagan và Gorbachev tại Nhà Trắng, 8/12/1987", said) == [["2018-12-17", "published", "2019-01-02"]]


def test_the_timeline_anchors_on_the_date_a_url_states(tmp_path):
    (tmp_path / "a.txt").write_text("Ngày 17/9, Chánh Văn phòng Nội các Nhật Bản phát biểu tại cuộc họp báo.",
                                    encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,title,outlet,url,published,authors,language\n"
                                           "a.txt,,,https://nld.com.vn/nhat-ban-20210917175105447.htm,,,vi\n",
                                           encoding="utf-8")
    wb = vnpress.load(tmp_path)
    assert wb.articles["published_source"].tolist() == ["url"]
    df = T.timeline(wb, corpus_anchor=False)
    assert df.loc[df["surface"] == "Ngày 17/9", ["value", "anchor"]].values.tolist() == [["2021-09-17", "published"]]


def test_a_month_the_url_states_bounds_the_writing_time(tmp_path):
    said = "Ngày 07/12, Bộ Ngoại giao bác bỏ các lập luận của bên kia trong vụ kiện."
    urls = {"blog": "https://example.blogspot.com/2014/12/vu-kien.html?m=1",
            "day": "https://example.org/2014/12/05/vu-kien", "none": "https://example.org/tin/vu-kien-2014.html",
            "forum": "https://forum.example.vn/threads/2045/3/", "page": "https://example.vn/page/2021/1/"}
    texts = dict.fromkeys(urls, said)
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,title,outlet,url,published,authors,language\n" + "".join(
        f"{name}.txt,,,{urls[name]},,,vi\n" for name in texts), encoding="utf-8")
    df = T.timeline(vnpress.load(tmp_path), corpus_anchor=False).set_index("article_id")
    # the blog's month: the 7th of December before its end; a whole date wins; a year in a slug is no month
    assert df.loc["blog", ["value", "anchor"]].tolist() == ["2014-12-07", "inferred"]
    assert df.loc["day", ["value", "anchor"]].tolist() == ["2014-12-07", "published"]
    assert df.loc["none", ["value", "anchor"]].tolist() == ["", "unresolved"]
    # a number after a year with no slug is an id or a page, no month
    assert df.loc[["forum", "page"], "value"].tolist() == ["", ""]


def test_ranges_are_marked():
    rows = expressions.extract_dates("Lễ ký diễn ra 25-26/10/2025.", None)
    assert [r["range"] for r in rows] == ["start", "end"] and rows[0]["range_id"] == rows[1]["range_id"] == 1


def test_seed_corpus_against_gold(seed_wb):
    found = T.timeline(seed_wb)
    gold = pd.read_csv(GOLD / "timeline.csv", keep_default_na=False)
    scores = T.evaluate(found, gold)
    print("\ntimeline vs gold:\n" + scores.to_string(index=False))
    s = scores.set_index("metric")["value"]
    assert s["value precision"] >= 0.9 and s["value recall"] >= 0.85
    assert s["expressions found (surface recall)"] >= 0.9
    assert list(found.columns[:8]) == ["article_id", "sentence_id", "value", "granularity", "surface", "anchor",
                                       "event", "sentence"]


def test_events_merge_across_articles_and_conflicts_are_flagged():
    wb = from_texts({
        "a": "Lễ mở ký Công ước diễn ra ngày 25/10/2025 tại Hà Nội với 72 quốc gia ký kết.",
        "b": "Ngày 25/10/2025, lễ mở ký Công ước tại Hà Nội thu hút 65 quốc gia ký kết.",
        "c": "Lễ mở ký Công ước diễn ra ngày 26/10/2025 tại Hà Nội.",
    })
    merged = T.merge_events(T.timeline(wb)).set_index("value")
    assert merged.loc["2025-10-25", "sources"] == 2 and merged.loc["2025-10-25", "articles"] == "a;b"
    assert "quốc gia: 65 vs 72" in merged.loc["2025-10-25", "conflict"]
    assert "2025-10-25" in merged.loc["2025-10-26", "conflict"]


def test_coverage_and_figure(seed_wb):
    df = T.timeline(seed_wb)
    cov = T.coverage(seed_wb, df).set_index("article_id")
    assert cov.loc["003_7afc3c7c88a3f9b6", "first_event"] == pd.Timestamp("2024-10-01")
    assert cov.loc["003_7afc3c7c88a3f9b6", "last_event"] == pd.Timestamp("2026-12-31")
    merged = T.merge_events(df)
    fig = figures.timeline_figure(merged)
    assert fig.axes and len(fig.axes[0].collections) == 1
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]  # each event's date and clause, left of its row
    shown = merged.dropna(subset=["date"]).sort_values("date").head(25)
    assert [r.split("  ")[0] for r in rows] == shown["value"].tolist() and len(rows) == len(shown)
    assert any(r.startswith("2025-10-25") for r in rows)
    first, last = shown["date"].min(), shown["date"].max()
    low, high = fig.axes[0].get_xlim()  # the axis spans the events, with no empty room for labels
    assert mdates.num2date(high).replace(tzinfo=None) <= last + (last - first) * 0.05


@pytest.mark.parametrize("text,expected", [
    ("Trong giai đoạn 2021-2024, thiệt hại tăng nhanh.", [("2021", "year"), ("2024", "year")]),
    ("Ông làm đại sứ 1977-2025.", [("1977", "year"), ("2025", "year")]),
    ("Tiến trình đàm phán (từ 2019) kéo dài.", [("2019", "year")]),
    ("Từ năm 2019 đến nay, các nước họp nhiều vòng.", [("2019", "year")]),
    ("Từ năm 2022 đến năm 2024, đoàn dự 8 vòng đàm phán.", [("2022", "year"), ("2024", "year")]),
    ("Phiên họp kéo dài từ ngày 29/7 đến ngày 9/8/2024.", [("2024-07-29", "day"), ("2024-08-09", "day")]),
    ("Công ước được thông qua năm 2024.", [("2024", "year")]),
    ("Luật An ninh mạng có hiệu lực từ năm 2019.", [("2019", "year")]),
])
def test_year_spans_and_event_years(text, expected):
    assert _values(text, None) == expected


@pytest.mark.parametrize("text", [
    "Công ước Budapest năm 2001 là tiền lệ của khu vực.",
    "Trước đó đã có Công ước Budapest (2001) về tội phạm mạng.",
    "Luật An ninh mạng 2018 quy định trách nhiệm của doanh nghiệp.",
    "Nghị định 13/2023/NĐ-CP quy định về dữ liệu cá nhân.",
    "Quyết định số 123/QĐ-TTg thành lập ban chỉ đạo.",
    "Văn kiện được thông qua theo Nghị quyết 79/243.",
    "Người dân gọi đường dây nóng 1900-2025 để trình báo.",
    "Buổi lễ có hơn 2.000 đại biểu tham dự.",
    "Chiến lược an ninh mạng quốc gia đến năm 2030, tầm nhìn đến năm 2045 đã được ban hành.",
    "Các nước hướng tới Agenda 2030.",
])
def test_names_targets_and_codes_are_not_dates(text):
    assert _values(text, None) == []


def test_writing_time_from_tense():
    wb = from_texts({
        "before": "Ngày 24/12, Đại hội đồng thông qua công ước. Văn kiện sẽ được mở ký tại Hà Nội trong năm 2025.",
        "preview": "Ngày 20/1, Đại hội đồng quyết định lịch họp. Phiên đầu tiên sẽ diễn ra vào tháng 4/2022.",
        "later": "Ngày 19/2, tọa đàm diễn ra tại New York. Các nước đã ủng hộ Hà Nội tại phiên họp tháng 12/2024.",
    })
    df = T.timeline(wb, corpus_anchor=False).set_index("surface")
    assert tuple(df.loc["Ngày 24/12", ["value", "anchor"]]) == ("2024-12-24", "inferred")
    assert df.loc["Ngày 20/1", "value"] == "2022-01-20"
    assert tuple(df.loc["Ngày 19/2", ["value", "anchor"]]) == ("", "unresolved")  # any year from 2025 on


def test_corpus_anchoring_is_a_reduce_step_over_date_rows():
    wb = from_texts({
        "a": "Chiều 25/10, lễ mở ký công ước khai mạc tại Hà Nội.",
        "b": "Lễ mở ký Công ước diễn ra ngày 25/10/2025 tại Trung tâm Hội nghị Quốc gia.",
        "c": "Ngày 25/10/2024, một hội thảo về dữ liệu diễn ra.",
        "d": "Chiều 25/10, hội thảo về dữ liệu kết thúc. Ngày 24/12, trời lạnh.",
    })
    per_article = T.timeline(wb, corpus_anchor=False)
    assert per_article.set_index("article_id").loc["a", "anchor"] == "unresolved"
    df = anchoring.anchor_to_corpus(per_article).set_index(["article_id", "surface"])
    assert tuple(df.loc[("a", "Chiều 25/10"), ["value", "anchor", "anchor_article"]]) == ("2025-10-25", "corpus", "b")
    assert df.loc[("d", "Chiều 25/10"), "value"] == "2024-10-25"  # the meeting, not the signing
    assert df.loc[("d", "Ngày 24/12"), "anchor"] == "unresolved"  # nothing else dates it
    merged = T.merge_events(T.timeline(wb)).set_index("value")
    assert merged.loc["2025-10-25", "anchored_from"] == "a ← b" and merged.loc["2025-10-25", "sources"] == 2


def test_each_pattern_of_the_grammar_matches_its_example_and_has_an_interpreter():
    gram = grammar.grammar()
    for spec, (kind, pattern) in zip(gram.words["patterns"], gram.patterns):
        assert pattern.search(spec["example"]), (kind, spec["example"])
        assert kind in expressions._INTERPRETERS or kind == "range_days", kind
