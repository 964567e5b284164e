"""Topics (NMF) on a small corpus of four themes from outlets of four types, and on the seeds."""

import io
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pandas as pd
import pytest
from conftest import CORPUS

import vnpress
from vnpress.analyses import terms, topics
from vnpress.cli import main
from vnpress.reports import figures

# four themes, three articles each, each theme from outlets of one type and one month
THEMES = {
    "football": ("commercial", "2025-01", [
        ("VnExpress", "Đội tuyển thắng trận chung kết",
         "Đội tuyển bóng đá Việt Nam thắng trận chung kết trên sân Mỹ Đình. Huấn luyện viên khen các cầu thủ "
         "chơi bóng đẹp. Tiền đạo ghi hai bàn thắng trong hiệp hai, thủ môn cản phá quả phạt đền."),
        ("Tuổi Trẻ", "Cầu thủ trẻ ghi bàn",
         "Cầu thủ trẻ ghi bàn thắng quyết định cho đội tuyển. Huấn luyện viên cho biết đội bóng đã tập luyện "
         "chiến thuật mới. Người hâm mộ cổ vũ trên khán đài suốt trận đấu."),
        ("Thanh Niên", "Huấn luyện viên chọn đội hình",
         "Huấn luyện viên công bố đội hình đội tuyển bóng đá cho giải vô địch. Thủ môn và tiền đạo được gọi "
         "lên tuyển sau mùa giải tốt. Trận đấu đầu tiên diễn ra trên sân vận động."),
    ]),
    "rice": ("provincial", "2025-02", [
        ("Báo Nghệ An", "Nông dân thu hoạch lúa",
         "Nông dân thu hoạch lúa vụ đông xuân trên cánh đồng. Năng suất lúa tăng nhờ giống mới và phân bón "
         "hợp lý. Giá gạo xuất khẩu giúp nông dân có lãi."),
        ("Báo Thanh Hóa", "Giống lúa mới cho năng suất cao",
         "Giống lúa mới cho năng suất cao trên đồng ruộng của tỉnh. Nông dân gieo cấy sớm và tưới tiêu đủ "
         "nước. Hợp tác xã thu mua thóc cho bà con."),
        ("Báo An Giang", "Cánh đồng lớn vào vụ gặt",
         "Cánh đồng lớn vào vụ gặt, máy gặt đập liên hợp thu hoạch lúa nhanh. Thương lái thu mua thóc tại "
         "ruộng. Nông dân chuẩn bị đất gieo cấy vụ hè thu."),
    ]),
    "cyber": ("party", "2025-03", [
        ("Nhân Dân", "Hợp tác chống tội phạm mạng",
         "Các quốc gia tăng cường hợp tác chống tội phạm mạng và bảo vệ dữ liệu. Tin tặc tấn công hệ thống "
         "máy chủ của ngân hàng. Cơ quan an ninh mạng truy vết mã độc."),
        ("Quân đội Nhân dân", "Bảo đảm an ninh mạng",
         "Lực lượng an ninh mạng ngăn chặn tin tặc tấn công hệ thống thông tin. Mã độc đánh cắp dữ liệu người "
         "dùng. Các chuyên gia khuyến cáo cập nhật phần mềm bảo mật."),
        ("Tạp chí Cộng sản", "Phòng chống lừa đảo trên mạng",
         "Tội phạm mạng lừa đảo qua tin nhắn và mạng xã hội. Cơ quan chức năng cảnh báo người dùng bảo vệ "
         "dữ liệu cá nhân và mật khẩu. Phần mềm bảo mật phát hiện mã độc."),
    ]),
    "storm": ("foreign_service", "2025-04", [
        ("BBC Tiếng Việt", "Bão đổ bộ miền Trung",
         "Cơn bão mạnh đổ bộ vào miền Trung, gió giật và mưa lớn gây ngập lụt. Người dân sơ tán khỏi vùng "
         "trũng. Lũ quét cuốn trôi nhà cửa ven sông."),
        ("RFA Tiếng Việt", "Lũ lụt nhấn chìm làng mạc",
         "Mưa lớn kéo dài khiến lũ lụt nhấn chìm làng mạc. Nước sông dâng cao, người dân sơ tán lên vùng cao. "
         "Lực lượng cứu hộ dùng xuồng đưa dân ra khỏi vùng ngập."),
        ("VOA Tiếng Việt", "Sạt lở sau bão",
         "Sau cơn bão, sạt lở đất vùi lấp nhà dân ở miền núi. Mưa lớn và lũ quét làm hỏng cầu đường. "
         "Cứu hộ tìm kiếm người mất tích trong bùn đất."),
    ]),
}
UNDATED = ("Tuổi Trẻ", "Trận đấu giao hữu",
           "Đội tuyển bóng đá đá trận giao hữu. Huấn luyện viên thử nghiệm đội hình, tiền đạo ghi bàn thắng.")
EMPTY = ("Báo Lạ", "Không có chữ", "Và của những các là thì mà.")  # only stopwords: no counted word


def _write_corpus(folder):
    """Files and manifest of the themed corpus (titles, outlets, outlet types, dates); theme of each article."""
    rows, theme_of = [], {}
    for theme, (kind, month, articles) in THEMES.items():
        for i, (outlet, title, text) in enumerate(articles):
            name = f"{theme}{i}"
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
            rows.append(f"{name}.txt,{title},{outlet},,{month}-{10 + i},,vi,{kind}")
            theme_of[name] = theme
    for name, (outlet, title, text), kind in (("undated", UNDATED, "commercial"), ("empty", EMPTY, "")):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        rows.append(f"{name}.txt,{title},{outlet},,,,vi,{kind}")
    (folder / "manifest.csv").write_text("file,title,outlet,url,published,authors,language,outlet_type\n"
                                         + "\n".join(rows) + "\n", encoding="utf-8")
    return theme_of | {"undated": "football"}


@pytest.fixture(scope="module")
def themed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("themed")
    theme_of = _write_corpus(folder)
    cache = tmp_path_factory.mktemp("cache")
    return folder, cache, theme_of, vnpress.load(folder, cache, workers=1, lazy=True)


def _dominant(shares: pd.DataFrame) -> dict[str, int]:
    live = shares[shares.groupby("article_id")["share"].transform("sum") > 0]
    return live.loc[live.groupby("article_id")["share"].idxmax()].set_index("article_id")["topic"].to_dict()


def test_each_theme_is_one_topic(themed):
    _, _, theme_of, wb = themed
    dominant = _dominant(topics.topic_shares(wb, 4))
    assert set(dominant) == set(theme_of)  # every article but the one without a counted word
    by_theme = {theme: {dominant[a] for a, t in theme_of.items() if t == theme} for theme in THEMES}
    assert all(len(found) == 1 for found in by_theme.values()), by_theme
    assert len(set().union(*by_theme.values())) == 4
    table = topics.topic_terms(wb, 4, top=5)
    assert list(table.columns) == ["topic", "term", "weight", "gloss"]
    assert table.groupby("topic").size().tolist() == [5, 5, 5, 5]
    words = {theme: set(table.loc[table["topic"] == next(iter(t)), "term"].str.lower())
             for theme, t in by_theme.items()}  # compared in lower case ("Mưa" at a sentence start)
    assert {"bóng đá", "huấn luyện viên", "đội tuyển"} & words["football"]
    assert {"lúa", "nông dân", "thu hoạch"} & words["rice"]
    assert {"dữ liệu", "mã độc", "tin tặc"} & words["cyber"]
    assert {"bão", "lũ", "mưa"} & words["storm"]
    # football has four articles (the undated one too): the most prevalent topic, numbered 1
    assert by_theme["football"] == {1}


def test_shares_sum_to_one_or_are_all_zero(themed):
    _, _, theme_of, wb = themed
    shares = topics.topic_shares(wb, 4)
    assert list(shares.columns) == ["article_id", "topic", "share"]
    assert len(shares) == 4 * len(wb.articles)
    sums = shares.groupby("article_id")["share"].sum()
    assert sums.drop("empty").round(6).eq(1).all()
    assert sums["empty"] == 0 and (shares.loc[shares["article_id"] == "empty", "share"] == 0).all()
    weights = topics.topic_terms(wb, 4, top=10_000).groupby("topic")["weight"].sum()
    assert np.allclose(weights, 1, atol=0.01)  # a topic's weights: shares of the topic (rounded to 4 decimals)


def test_same_seed_same_tables_in_a_fresh_workbook(themed):
    folder, cache, _, wb = themed
    again = vnpress.load(folder, cache, workers=1, lazy=True)  # nothing fitted yet
    pd.testing.assert_frame_equal(topics.topic_terms(wb, 3, seed=7), topics.topic_terms(again, 3, seed=7))
    pd.testing.assert_frame_equal(topics.topic_shares(wb, 3, seed=7), topics.topic_shares(again, 3, seed=7))


def test_representative_articles_are_the_themes_own(themed):
    _, _, theme_of, wb = themed
    rep = topics.representative_articles(wb, 4, n=3)
    assert list(rep.columns) == ["topic", "article_id", "title", "outlet", "share"]
    assert rep.groupby("topic").size().tolist() == [3, 3, 3, 3]
    for _, group in rep.groupby("topic"):
        assert len({theme_of[a] for a in group["article_id"]}) == 1
        assert group["share"].is_monotonic_decreasing and group["share"].min() >= topics.MIN_SHARE
    rice = rep[rep["article_id"].map(theme_of) == "rice"]
    assert set(rice["outlet"]) == {"Báo Nghệ An", "Báo Thanh Hóa", "Báo An Giang"}
    assert "Nông dân thu hoạch lúa" in set(rice["title"])


def test_topics_by_outlet_type_and_month(themed):
    _, _, _, wb = themed
    dominant = _dominant(topics.topic_shares(wb, 4))
    by_type = topics.topics_by(wb, 4, group="outlet_type")
    assert list(by_type.columns) == ["group", "topic", "share", "articles"]
    assert set(by_type["group"]) == {"commercial", "provincial", "party", "foreign_service"}  # "empty" left out
    sizes = by_type.groupby("group")["articles"].max().to_dict()
    assert sizes == {"commercial": 4, "provincial": 3, "party": 3, "foreign_service": 3}
    assert np.allclose(by_type.groupby("group")["share"].sum(), 1, atol=1e-3)
    rice = by_type[(by_type["group"] == "provincial") & (by_type["topic"] == dominant["rice0"])]
    assert rice["share"].iloc[0] > 0.8
    by_month = topics.topics_by(wb, 4, group="month")
    assert sorted(set(by_month["group"])) == ["2025-01", "2025-02", "2025-03", "2025-04", "unknown"]
    storm = by_month[(by_month["group"] == "2025-04") & (by_month["topic"] == dominant["storm0"])]
    assert storm["share"].iloc[0] > 0.8
    with pytest.raises(ValueError, match="group must be outlet_type or month"):
        topics.topics_by(wb, 4, group="outlet")


def test_k_is_checked_against_the_corpus(themed):
    _, _, _, wb = themed
    n = len(wb.articles)
    with pytest.raises(ValueError, match=rf"k must be from 2 to the number of articles \({n}\), got {n + 1}"):
        topics.topic_terms(wb, n + 1)
    with pytest.raises(ValueError, match="got 1"):
        topics.topic_shares(wb, 1)
    assert topics.usable_k(wb, 4) == (4, "")
    assert topics.usable_k(wb, n + 5) == (n, f"topics_k = {n + 5} is more than the {n} articles of the corpus: "
                                              f"fitting {n} topics")


def test_the_fit_reads_the_same_counts_as_term_frequency(themed):
    _, _, _, wb = themed
    counts, names = topics.count_matrix(wb)
    freq = terms.frequencies(wb, pos="N,Np,V,A")
    assert counts.shape == (len(wb.articles), len(freq))
    assert names == sorted(freq["term"])
    assert dict(zip(names, np.asarray(counts.sum(axis=0)).ravel())) == dict(zip(freq["term"], freq["count"]))
    kept, kept_names = topics.distinctive(counts, names, max_df=0.2)  # words of at most 2 of the 14 articles
    assert 0 < len(kept_names) < len(names) and "bóng đá" not in kept_names and kept.shape[1] == len(kept_names)


def test_glosses_and_labels():
    assert topics.gloss("chủ quyền") == "sovereignty"
    assert topics.gloss("LHQ") == topics.gloss("Liên hợp quốc") == "United Nations (UN)"  # the bracketed form
    assert topics.gloss("nước") == "country (also: water)"  # 'năm / nước / số' pairs with 'year / country … / number'
    assert topics.gloss("Nước này") == topics.gloss("Quốc gia này")  # one gloss for both forms
    assert topics.gloss("mã độc") == ""
    table = pd.DataFrame({"topic": [1, 1, 1, 1, 2], "term": ["chủ quyền", "mã độc", "Liên hợp quốc", "x", "ký"],
                          "weight": [0.4, 0.3, 0.2, 0.1, 1.0]})
    table["gloss"] = table["term"].map(topics.gloss)
    assert topics.topic_labels(table) == {1: "chủ quyền (sovereignty) · mã độc · Liên hợp quốc (United Nations)",
                                          2: "ký (sign)"}


def test_figures_are_drawn_from_the_tables(themed):
    _, _, _, wb = themed
    table = topics.topic_terms(wb, 4, top=5)
    fig = figures.topics_figure(table, top=5)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["Topic 1", "Topic 2", "Topic 3", "Topic 4"]
    labels = topics.topic_labels(table)
    fig = figures.topics_over_time_figure(topics.topics_by(wb, 4, group="month"), labels)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 4 and ax.get_title() == "Topics over time; 1 undated article(s) left out"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"Topic {t}: {labels[t]}" for t in (1, 2, 3, 4)]
    assert [line.get_xdata()[0] for line in ax.get_lines()] == [pd.Timestamp("2025-01-01")] * 4
    fig = figures.topics_by_figure(topics.topics_by(wb, 4, group="outlet_type"), labels)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "commercial (4 art.)", "foreign_service (3 art.)", "party (3 art.)", "provincial (3 art.)"]


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_cli_topics(themed):
    folder, cache, _, wb = themed
    base = ["topics", str(folder), "--cache", str(cache), "--workers", "1", "--format", "csv"]
    code, out, _ = _cli(*base, "--k", "4", "--top", "3")
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["topic", "term", "weight"] and len(table) == 12
    expected = topics.topic_terms(wb, 4, top=3)[["topic", "term", "weight"]]
    pd.testing.assert_frame_equal(table, expected)
    assert _cli(*base, "--k", "4", "--top", "3")[1] == out  # the same seed, the same table
    code, out, _ = _cli(*base, "--k", "4", "--by", "article")
    shares = pd.read_csv(io.StringIO(out))
    assert code == 0 and list(shares.columns) == ["article_id", "topic", "share"] and len(shares) == 4 * 14
    n = len(wb.articles)
    code, out, err = _cli(*base, "--k", str(n + 1))
    assert code == 2 and out == ""
    assert err == f"error: topics: k must be from 2 to the number of articles ({n}), got {n + 1}\n"
    code, _, err = _cli(*base, "--k", "1")
    assert code == 2 and err == "error: --k must be 2 or more topics, got 1\n"


def test_seed_topics_are_reproducible(seed_wb):
    first = topics.topic_terms(seed_wb, 3, top=5, seed=0)
    again = vnpress.load(CORPUS, seed_wb.cache_dir, workers=1, lazy=True)
    pd.testing.assert_frame_equal(first, topics.topic_terms(again, 3, top=5, seed=0))
    assert not first["term"].isin(["Công ước", "quốc gia"]).any()  # in every seed article: no topic of its own
    assert "chủ quyền" in set(first["term"])  # the article on sovereignty and balance is a topic of its own
    rep = topics.representative_articles(seed_wb, 5)  # five articles, five topics: each article its own topic
    assert rep.groupby("topic").size().tolist() == [1] * 5 and rep["article_id"].is_unique


def test_notebook_parameters_are_checked():
    assert vnpress.check_params(topics_k=2, topics_seed=0) == {"topics_k": 2, "topics_seed": 0}
    with pytest.raises(ValueError, match="parameter 'topics_k' must be 2 or more"):
        vnpress.check_params(topics_k=1)
    with pytest.raises(ValueError, match="parameter 'topics_seed' must be 0 or more"):
        vnpress.check_params(topics_seed=-1)


def test_notebook_02_saves_the_topic_tables(seed_run):
    folder = seed_run.run_dir / "02-term-frequency"
    table = pd.read_csv(folder / "tables" / "topics.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns) == ["topic", "term", "weight", "gloss"]
    assert sorted(set(table["topic"])) == [1, 2, 3, 4, 5]  # topics_k = 6, but the seeds have 5 articles
    assert table.loc[table["term"] == "chủ quyền", "gloss"].tolist() == ["sovereignty"]
    articles = pd.read_csv(folder / "tables" / "topic_articles.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(articles.columns) == ["topic", "article_id", "title", "outlet", "share"] and len(articles) == 5
    for name in ("topics", "topics_by_outlet_type", "topics_over_time"):
        assert (folder / "figures" / f"{name}.png").stat().st_size > 5000, name
    html = (seed_run.run_dir / "02-term-frequency.html").read_text(encoding="utf-8")
    assert "topics_k = 6 is more than the 5 articles of the corpus: fitting 5 topics" in html
