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
from vnpress import analyses, cli, stories, terms

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
