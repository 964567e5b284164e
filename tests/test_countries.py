import pandas as pd
import pytest
from conftest import GOLD

from vnpress.analyses import statements
from vnpress.analyses.countries import country_table, evaluate, find_mentions, gazetteer, mentions_in_text
from vnpress.data import build_countries
from vnpress.data import path as data_path


def _isos(text):
    return set(mentions_in_text(text)["iso"])


def _roles(text):
    m = mentions_in_text(text)
    return {(r.iso, r.role) for r in m.itertuples()}


def test_gazetteer_covers_sovereign_states_and_eu():
    gaz = gazetteer()
    assert gaz["iso"].nunique() == 193 + 5 + 1  # UN members, PS, VA, TW, XK, the EU and the Soviet Union
    assert set(gaz.loc[gaz["iso"] == "SU", "status"]) == {"former"}
    names = set(gaz["variant"])
    assert {"Hoa Kỳ", "Mỹ", "Vương quốc Anh", "Liên minh châu Âu", "EU", "Hàn Quốc", "Triều Tiên", "Úc",
            "Thụy Sĩ", "Singapore", "Pê-ru", "Liên Xô"} <= names
    assert "châu Âu" not in names and "Đông Nam Á" not in names and "Hồng Kông" not in names


def test_the_shipped_gazetteer_is_what_build_countries_writes():
    shipped = pd.read_csv(data_path("countries.csv"), dtype=str, keep_default_na=False)
    built = pd.DataFrame(build_countries.rows())
    assert sorted(map(tuple, shipped.to_numpy())) == sorted(map(tuple, built[list(shipped.columns)].to_numpy()))


def test_seed_corpus_against_gold(seed_wb):
    mentions = find_mentions(seed_wb)
    found = statements.mark_actors(mentions, statements.extract(seed_wb, mentions))  # the roles reports show
    gold = pd.read_csv(GOLD / "countries.csv")
    scores = evaluate(found, gold).set_index("metric")["value"]
    print("\ncountries vs gold:\n" + evaluate(found, gold).to_string(index=False))
    assert scores["countries precision"] >= 0.9 and scores["countries recall"] >= 0.9
    assert scores["actors precision"] >= 0.85 and scores["actors recall"] >= 0.85


def test_every_mention_carries_its_sentence(seed_wb):
    found = find_mentions(seed_wb)
    assert list(found.columns[:7]) == ["article_id", "sentence_id", "iso", "name", "surface", "role", "sentence"]
    named = found[found["via"] == "name"]
    assert all(s in sent for s, sent in zip(named["surface"], named["sentence"]))


@pytest.mark.parametrize("text", [
    "Bà Lan, Vụ Điều ước và Pháp luật, cho biết văn bản đã sẵn sàng.",
    "Các quy định pháp luật cần được hoàn thiện.",
    "Anh ấy cho biết sẽ tham dự hội nghị.",
    "Ông Nguyễn Tuấn Anh phát biểu tại hội thảo.",
    "Nhiếp ảnh: Minh Đức. Ông Nguyễn Minh Đức trao đổi với phóng viên.",
    "Hội nghị diễn ra tại Trung tâm Hội nghị quốc gia Mỹ Đình.",
    "Ngành thẩm mỹ phát triển mạnh, đạo đức nghề nghiệp được coi trọng.",
    "Nhiều ý kiến cho rằng cần thận trọng.",
    "Các nước Đông Nam Á và châu Âu tăng cường hợp tác.",
    "Liên minh châu Phi và Hội đồng châu Âu tham dự lễ ký.",
    "Công ước Hà Nội được mở ký tại Hà Nội.",
    "ASEAN, Liên hợp quốc và UNODC phối hợp tổ chức tại New York và Vienna.",
    "Chị Thúy Nga kể lại câu chuyện.",
])
def test_look_alikes_are_not_countries(text):
    assert _isos(text) == set()


@pytest.mark.parametrize("text,iso", [
    ("Mỹ và Nga phản đối dự thảo.", "US"),
    ("Mỹ và Nga phản đối dự thảo.", "RU"),
    ("Đại diện Pháp nhấn mạnh vai trò của hợp tác.", "FR"),
    ("Ngoại trưởng Đức cho biết nước này sẽ ký.", "DE"),
    ("Hội thảo được tổ chức tại Vienna (Áo) hồi tháng 3.", "AT"),
    ("Chính phủ Úc cam kết hỗ trợ kỹ thuật.", "AU"),
    ("Các nước như Ý, Tây Ban Nha và Bồ Đào Nha đã ký.", "IT"),
])
def test_ambiguous_short_names_in_country_context(text, iso):
    assert iso in _isos(text)


def test_roles_actor_versus_mentioned():
    assert _roles("Đại diện Nhật Bản đánh giá Công ước là một cột mốc.") == {("JP", "actor")}
    assert ("IR", "actor") in _roles("Nhà ngoại giao nêu rõ, Iran ủng hộ Công ước.")
    assert _roles("Bà Yang Yuya, Trưởng phòng, Bộ Ngoại giao Trung Quốc, khẳng định hợp tác là cần thiết.") \
        == {("CN", "actor")}
    assert _roles("Liên minh châu Âu (EU) đã thống nhất cho toàn khối cùng ký.") == {("EU", "actor")}
    assert _roles("Hội thảo diễn ra tại Malaysia với sự tham gia của nhiều chuyên gia.") == {("MY", "mentioned")}
    assert _roles("Các nước đang phát triển như Việt Nam cần hỗ trợ kỹ thuật.") == {("VN", "mentioned")}


def test_vietnamese_officials_speak_for_vietnam():
    m = mentions_in_text("Thứ trưởng Ngoại giao Nguyễn Minh Vũ cho biết lễ mở ký đã thành công.")
    assert m[["iso", "role", "via"]].values.tolist() == [["VN", "actor", "official"]]
    m = mentions_in_text("Chủ tịch Đại hội đồng Liên hợp quốc Philemon Yang nhận xét công ước là bước tiến.")
    assert m.empty


def test_attribution_continues_past_the_naming_sentence():
    text = ("Đại diện Malaysia cho biết công ước là cơ hội hiện đại hóa pháp luật. "
            "Quốc gia này cam kết tiếp tục hợp tác xuyên biên giới.\n"
            "Nước này cũng kêu gọi chia sẻ thông tin.\n\n\n"
            "Hội nghị kết thúc vào buổi chiều. Ông cho biết sẽ trở lại.")
    m = mentions_in_text(text)
    cont = m[m["via"] == "continuation"]
    assert cont["iso"].tolist() == ["MY", "MY"]
    assert cont["surface"].tolist() == ["Quốc gia này", "Nước này"]
    assert len(m) == 3  # the last sentences start no new continuation: no actor in the sentence before


def test_country_table_counts(seed_wb):
    table = country_table(find_mentions(seed_wb)).set_index("iso")
    assert table.loc["GB", "articles"] == 1 and table.loc["GB", "actor"] >= 3
    assert table.loc["VN", "articles"] == 5 - 1  # article 002 never names Vietnam


def test_edited_cue_file_is_honoured(tmp_path):
    import yaml

    cues = yaml.safe_load(data_path("actor_cues.yaml").read_text(encoding="utf-8"))
    cues["vietnam_default"] = False
    path = tmp_path / "cues.yaml"
    path.write_text(yaml.safe_dump(cues, allow_unicode=True), encoding="utf-8")
    wb_text = "Thứ trưởng Ngoại giao Nguyễn Minh Vũ cho biết lễ mở ký đã thành công."
    from vnpress.processing.workbook import from_texts

    assert find_mentions(from_texts({"a": wb_text}), cues_path=str(path)).empty


@pytest.mark.parametrize("text,isos", [
    ("Quan hệ Việt Nam-EU phát triển mạnh.", {"VN", "EU"}),
    ("Xung đột Nga – Ukraine kéo dài.", {"RU", "UA"}),
    ("Mạng lưới Hàn-Mỹ-Nhật ra mắt.", {"KR", "US", "JP"}),
    ("Dự thảo do Nga đề xuất năm 2019.", {"RU"}),
    ("LB Nga và UK đều có mặt.", {"RU", "GB"}),
    ("Bà giảng dạy tại Đại học Vienna, Áo.", {"AT"}),
    ("Từ điển Anh - Việt được tái bản.", set()),
    ("Cô học tiếng Anh và sống ở miền Trung - Tây Nguyên.", set()),
    ("Chị Anh cho biết anh Đức đã về.", set()),
])
def test_pairs_abbreviations_and_syntax(text, isos):
    assert _isos(text) == isos


def test_pair_offsets_point_at_the_names():
    text = "Quan hệ Việt-Mỹ được nâng cấp."
    m = mentions_in_text(text)
    assert sorted(text[s:e] for s, e in zip(m["start"], m["end"])) == ["Mỹ", "Việt"]
    assert set(m["role"]) == {"mentioned"}


def test_subject_of_a_verb_is_an_actor():
    assert _roles("Nga đề xuất một công ước mới.") == {("RU", "actor")}
    assert _roles("Anh cho biết sẽ trở lại quê.") == set()  # a pronoun: "he said"
