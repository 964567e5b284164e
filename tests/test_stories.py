"""Syndicated stories: MinHash signatures per article (the `minhash` layer), stories grouped with MinHashLSH,
one article per story for the corpus-level tables (`--stories-once`, `count_stories_once`).

The test corpus: a Vietnamese wire story (TTXVN) about Japan at the signing of the UN cybercrime Convention, printed
by four outlets of four types with small edits (a changed headline, a dropped paragraph, the outlet's sign-off, a
reworded sentence), an unrelated article that also names Japan (flood aid), an independent article on the same
Convention, and an unrelated undated article.
"""

import contextlib
import io

import pandas as pd
import pytest

import vnpress
from vnpress import cli
from vnpress.analyses import stories, terms
from vnpress.reports import figures

HEADLINE = "Nhật Bản ủng hộ Công ước của Liên hợp quốc về chống tội phạm mạng"
WIRE = [
    "Phát biểu tại lễ mở ký Công ước của Liên hợp quốc về chống tội phạm mạng ở Hà Nội, Thứ trưởng Ngoại giao "
    "Nhật Bản cho biết Tokyo ủng hộ mạnh mẽ văn kiện này và sẽ sớm hoàn tất các thủ tục để phê chuẩn.",
    "Theo ông, tội phạm mạng đang gây thiệt hại hàng nghìn tỷ USD mỗi năm cho nền kinh tế toàn cầu, và không một "
    "quốc gia nào có thể tự mình đối phó với thách thức này.",
    "Công ước được Đại hội đồng Liên hợp quốc thông qua vào cuối năm 2024 sau gần 5 năm đàm phán. Văn kiện tạo "
    "khuôn khổ pháp lý để các nước chia sẻ chứng cứ điện tử, tương trợ tư pháp và dẫn độ tội phạm.",
    "Đại diện Nhật Bản nhấn mạnh việc hợp tác quốc tế phải đi đôi với bảo đảm quyền con người và quyền riêng tư "
    "của người dùng Internet.",
    "Lễ mở ký diễn ra trong hai ngày với sự tham dự của đại diện hơn 100 quốc gia và tổ chức quốc tế, trong đó "
    "có nhiều bộ trưởng và lãnh đạo các cơ quan thực thi pháp luật.",
]


def _story(headline: str, paragraphs: list[str], signoff: str = "") -> str:
    return "\n\n".join([headline, *paragraphs] + ([signoff] if signoff else [])) + "\n"


ARTICLES = {  # article id: (outlet, outlet type, published, text)
    "a_nhandan": ("Nhân Dân", "party", "2025-10-25", _story(HEADLINE, WIRE)),
    "b_vnexpress": ("VnExpress", "commercial", "2025-10-25",
                    _story("Tokyo cam kết sớm phê chuẩn Công ước Hà Nội", WIRE, "Theo TTXVN")),
    "c_quangninh": ("Báo Quảng Ninh", "provincial", "2025-10-26", _story(HEADLINE, WIRE[:4], "(Theo TTXVN)")),
    "d_bbc": ("BBC Tiếng Việt", "foreign_service", "2025-10-27",
              _story(HEADLINE, [WIRE[0], WIRE[1].replace("hàng nghìn tỷ USD", "rất nhiều tiền"), *WIRE[2:]],
                     "Nguồn: TTXVN")),
    "e_lulut": ("VnExpress", "commercial", "2025-10-24", _story(
        "Nhật Bản viện trợ khẩn cấp cho vùng lũ miền Trung",
        ["Chính phủ Nhật Bản quyết định viện trợ khẩn cấp hàng hóa trị giá 30 triệu yên cho người dân các tỉnh "
         "miền Trung bị thiệt hại do mưa lũ.",
         "Số hàng gồm lều bạt, máy lọc nước và chăn màn sẽ được chuyển đến Quảng Trị và Thừa Thiên Huế trong tuần "
         "tới.",
         "Mưa lớn kéo dài từ đầu tháng khiến hàng nghìn ngôi nhà bị ngập, nhiều tuyến đường bị sạt lở và chia cắt."])),
    "f_tuoitre": ("Tuổi Trẻ", "commercial", "2025-10-26", _story(
        "Việt Nam và Úc tăng cường hợp tác phòng chống tội phạm mạng",
        ["Bên lề lễ mở ký Công ước Hà Nội, Bộ Công an Việt Nam và Cảnh sát Liên bang Úc đã ký bản ghi nhớ về trao "
         "đổi thông tin và đào tạo điều tra viên.",
         "Hai bên nhất trí thành lập nhóm công tác chung, họp mỗi năm hai lần để đánh giá các vụ lừa đảo trực "
         "tuyến xuyên biên giới.",
         "Phía Úc đánh giá cao vai trò chủ nhà của Việt Nam và cho rằng Công ước sẽ giúp rút ngắn thời gian xử lý "
         "yêu cầu tương trợ tư pháp."])),
    "g_thanhnien": ("Thanh Niên", "commercial", "", _story(
        "Giá cà phê xuất khẩu lập đỉnh mới",
        ["Giá cà phê Robusta xuất khẩu tuần này tăng lên mức cao nhất trong nhiều năm do nguồn cung từ Brazil "
         "giảm mạnh.",
         "Các doanh nghiệp tại Tây Nguyên cho biết nông dân đang giữ hàng chờ giá tiếp tục tăng."])),
}
COPIES = ["a_nhandan", "b_vnexpress", "c_quangninh", "d_bbc"]


def write_corpus(folder, articles: dict = ARTICLES):
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["file,title,outlet,outlet_type,url,published,authors,language"]
    for aid, (outlet, kind, published, text) in articles.items():
        (folder / f"{aid}.txt").write_text(text, encoding="utf-8")
        lines.append(f"{aid}.txt,{text.splitlines()[0]},{outlet},{kind},,{published},,vi")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("stories") / "corpus")


@pytest.fixture(scope="module")
def wb(corpus, tmp_path_factory):
    return vnpress.load(corpus, tmp_path_factory.mktemp("cache"), workers=1, lazy=True)


def test_copies_form_one_story_and_the_rest_stand_alone(wb):
    table = stories.stories(wb)
    assert list(table.columns) == stories.STORY_COLUMNS
    assert sorted(table["article_id"]) == sorted(ARTICLES)  # every article once
    groups = table.groupby("story_id")["article_id"].agg(sorted).to_dict()
    assert groups == {"a_nhandan": COPIES, "e_lulut": ["e_lulut"], "f_tuoitre": ["f_tuoitre"],
                      "g_thanhnien": ["g_thanhnien"]}
    # stories by first publication (the undated one last), articles by publication within a story
    assert table["article_id"].tolist() == ["e_lulut", *COPIES, "f_tuoitre", "g_thanhnien"]
    copies = table.set_index("article_id").loc[COPIES, "similarity"]
    assert copies["a_nhandan"] == 1.0
    assert all(0.5 <= copies[c] < 1.0 for c in COPIES[1:]), copies
    singles = table[table["story_id"] != "a_nhandan"]
    assert (singles["similarity"] == 1.0).all()


def _cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def _csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_one_per_story_keeps_the_earliest_article_of_each_story(wb):
    once = stories.one_per_story(wb)
    assert once.articles["article_id"].tolist() == ["a_nhandan", "e_lulut", "f_tuoitre", "g_thanhnien"]
    assert set(once.cleaning_log["article_id"]) <= set(once.articles["article_id"])
    assert set(once.tokens["article_id"]) == set(once.articles["article_id"])
    assert len(wb.articles) == len(ARTICLES)  # the workbook itself is unchanged


def test_counting_stories_once_counts_the_wire_story_once(wb):
    per_article = pd.concat(terms.article_counts(wb))
    japan = per_article[per_article["term"] == "Nhật Bản"].set_index("article_id")["count"]
    assert sorted(japan.index) == sorted([*COPIES, "e_lulut"])
    every = terms.frequencies(wb).set_index("term").loc["Nhật Bản"]
    once = terms.frequencies(stories.one_per_story(wb)).set_index("term").loc["Nhật Bản"]
    assert (every["count"], every["doc_freq"]) == (japan.sum(), 5)
    assert (once["count"], once["doc_freq"]) == (japan["a_nhandan"] + japan["e_lulut"], 2)


def test_stance_and_terms_stories_once_on_the_command_line(corpus, tmp_path):
    common = ["--cache", tmp_path / "cache", "--workers", "1", "--format", "csv"]
    code, every, _ = _cli("stance", corpus, *common)
    assert code == 0
    code, once, err = _cli("stance", corpus, *common, "--stories-once")
    assert code == 0
    assert "note: counting each syndicated story once: 4 stories from 7 articles" in err.splitlines()
    articles = lambda text: _csv(text).set_index("iso")["articles"].to_dict()  # noqa: E731
    assert articles(every)["JP"] == "5" and articles(once)["JP"] == "2"
    assert {k: v for k, v in articles(once).items() if k != "JP"} == \
        {k: v for k, v in articles(every).items() if k != "JP"}  # the other countries are in no copy
    code, out, _ = _cli("terms", corpus, *common, "--stories-once", "--top", "200")
    assert code == 0
    assert _csv(out).set_index("term").loc["Nhật Bản", "doc_freq"] == "2"


def test_stories_command_and_threshold(corpus, tmp_path):
    common = ["--cache", tmp_path / "cache", "--workers", "1", "--format", "csv"]
    code, out, _ = _cli("stories", corpus, *common)
    table = _csv(out)
    assert code == 0 and list(table.columns) == stories.STORY_COLUMNS
    assert table.groupby("story_id").size().to_dict() == {"a_nhandan": 4, "e_lulut": 1, "f_tuoitre": 1,
                                                          "g_thanhnien": 1}
    similarity = table.set_index("article_id")["similarity"].astype(float)
    strict = (similarity[COPIES[1:]].min() + similarity[COPIES[1:]].max()) / 2  # splits the copies
    code, out, _ = _cli("stories", corpus, *common, "--threshold", strict)
    joined = _csv(out).set_index("article_id")["story_id"]
    assert code == 0
    assert sorted(a for a in COPIES if joined[a] == "a_nhandan") == \
        sorted(["a_nhandan"] + [a for a in COPIES[1:] if similarity[a] >= strict])
    code, out, err = _cli("stories", corpus, "--threshold", "0")
    assert (code, out) == (2, "")
    assert err == "error: --threshold must be a similarity above 0 and at most 1, got 0.0\n"



def test_minhash_layer_is_cached_and_incremental(tmp_path, seen):
    folder = write_corpus(tmp_path / "corpus", {a: ARTICLES[a] for a in list(ARTICLES)[:-1]})
    cache = tmp_path / "cache"
    first = vnpress.load(folder, cache, workers=1, lazy=True).analysis("minhash")
    assert list(first.columns) == stories.MINHASH_COLUMNS and len(seen["minhash"]) == len(ARTICLES) - 1
    again = vnpress.load(folder, cache, workers=1, lazy=True)
    stories.stories(again)
    assert len(seen["minhash"]) == len(ARTICLES) - 1  # a second call computes nothing
    write_corpus(folder, ARTICLES)  # one more article
    grown = vnpress.load(folder, cache, workers=1, lazy=True)
    signatures = grown.analysis("minhash").set_index("article_id")
    key = grown.articles.set_index("article_id").at["g_thanhnien", "sha256"]
    assert seen["minhash"][len(ARTICLES) - 1:] == [key]  # only the new article
    assert signatures.loc[first["article_id"], "signature"].tolist() == first["signature"].tolist()


def test_signatures_are_the_same_without_a_cache(wb):
    texts = {a: text for a, (_, _, _, text) in ARTICLES.items()}
    memory = vnpress.from_texts(texts).analysis("minhash").set_index("article_id")
    cached = wb.analysis("minhash").set_index("article_id")
    assert memory.loc[cached.index, "signature"].tolist() == cached["signature"].tolist()
    assert (cached["shingles"] > 0).all() and cached["signature"].map(len).eq(4 * stories.NUM_PERM).all()


def test_shingles_are_case_folded_word_runs():
    words = "Nhật Bản ủng hộ Công ước".split()
    assert stories.shingles(words, size=3) == {"Nhật Bản ủng", "Bản ủng hộ", "ủng hộ Công", "hộ Công ước"}
    assert stories.shingles(words[:2], size=3) == {"Nhật Bản"}
    assert stories.shingles([], size=3) == set()


def test_summary_and_figure_of_the_syndicated_stories(wb):
    summary = stories.story_summary(wb, stories.stories(wb))
    assert list(summary.columns) == stories.SUMMARY_COLUMNS
    assert summary[["story_id", "articles", "outlets", "outlet_types", "title"]].to_dict("records") == [
        {"story_id": "a_nhandan", "articles": 4, "outlets": 4,
         "outlet_types": "commercial; foreign_service; party; provincial", "title": HEADLINE}]
    assert (str(summary.at[0, "first_published"].date()), str(summary.at[0, "last_published"].date())) == \
        ("2025-10-25", "2025-10-27")
    fig = figures.stories_figure(summary)
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [4]
    assert "Syndicated stories" in ax.get_title() and "articles" in ax.get_xlabel()


def test_counted_says_which_articles_it_counts(wb):
    same, note = stories.counted(wb, False)
    assert same is wb and note == "counting every article: 7 articles, syndicated copies each counted"
    kept, note = stories.counted(wb, True)
    assert len(kept.articles) == 4 and note == "counting each syndicated story once: 4 stories from 7 articles"
