import dataclasses

import pandas as pd
import pytest
import underthesea

from vnpress.analyses import countries, lexicon, statements
from vnpress.processing import nlp
from vnpress.processing.workbook import from_texts

TEXTS = {
    "quote_before": "Phát biểu tại phiên toàn thể, Bộ trưởng Tư pháp Indonesia Rahmat Santoso nói: “Công ước cho chúng "
                    "tôi công cụ để truy vết dòng tiền lừa đảo.”",
    "quote_after": "“Đây là một công cụ pháp lý mạnh mẽ”, Tổng Thư ký LHQ António Guterres nói.",
    "quote_across": "Ông Lars Petersen, Đại sứ Đan Mạch tại Việt Nam, nói: “Chúng tôi đã chờ đợi ngày này. "
                    "Công ước sẽ giúp các cơ quan điều tra làm việc nhanh hơn.”",
    "appositive": "Bà Ghada Waly, Giám đốc điều hành Văn phòng LHQ về Ma túy và Tội phạm (UNODC), cho biết hành trình "
                  "đi đến Công ước rất dài. Bà Waly bày tỏ tin tưởng vào vai trò của Việt Nam.",
    "theo": "Theo ông Nguyễn Văn Hải, Phó Vụ trưởng Vụ Luật pháp quốc tế (Bộ Ngoại giao), Công ước là nền tảng "
            "cho hợp tác.",
    "signatories": "Đại diện Việt Nam, Lào, Campuchia và Thái Lan đã lần lượt ký Công ước tại phiên đầu tiên.",
    "minister_signs": "Đại tướng Trần Văn Bình, Bộ trưởng Bộ Công an, thay mặt Chính phủ Việt Nam ký Công ước.",
    "refuse": "Bộ Ngoại giao Mỹ từ chối cho biết liệu đại diện nước này có tham dự lễ ký hay không. "
              "Chính phủ Canada không ký Công ước.",
    "call": "Tổ chức Human Rights Watch kêu gọi các quốc gia không ký Công ước.",
    "anaphor": "Đại diện Brazil cho biết nước này từ chối ký Công ước.",
    "unrelated": "Malaysia ký thỏa thuận thương mại với Singapore.",
}


@pytest.fixture(scope="module")
def rows():
    return statements.extract(from_texts(TEXTS))


def _of(rows, article):
    return rows[rows["article_id"] == article]


def test_columns_and_kinds(rows):
    assert list(rows.columns[:9]) == ["article_id", "sentence_id", "speaker", "title", "affiliation", "iso", "kind",
                                      "verb", "content"]
    assert set(rows["kind"]) <= {"quote", "reported", "act"}
    assert rows["sentence"].str.len().gt(0).all() and rows["rule"].str.len().gt(0).all()


def test_quote_before_and_after(rows):
    q = _of(rows, "quote_before").iloc[0]
    assert (q.iso, q.kind, q.speaker) == ("ID", "quote", "Rahmat Santoso")
    assert q.content.startswith("Công ước cho chúng tôi")
    a = _of(rows, "quote_after").iloc[0]
    assert (a.iso, a.kind) == ("org:un_secretary_general", "quote") and "công cụ pháp lý" in a.content


def test_quote_across_sentences(rows):
    q = _of(rows, "quote_across")
    q = q[q["kind"] == "quote"].iloc[0]
    assert q.iso == "DK" and "làm việc nhanh hơn" in q.content and "chờ đợi" in q.content


def test_appositive_and_surname_followed(rows):
    r = _of(rows, "appositive")
    assert list(r["iso"]) == ["org:unodc", "org:unodc"]
    assert r.iloc[1].speaker == "Ghada Waly" and r.iloc[1].sentence_id == 1


def test_according_to_a_vietnamese_official(rows):
    r = _of(rows, "theo").iloc[0]
    assert (r.iso, r.kind, r.speaker) == ("VN", "reported", "Nguyễn Văn Hải")
    assert r.content.startswith("Công ước là nền tảng")


def test_list_of_signatories_gives_one_act_per_country(rows):
    r = _of(rows, "signatories")
    assert set(r.loc[r["kind"] == "act", "iso"]) == {"VN", "LA", "KH", "TH"}
    assert (r["polarity"] == "support").all()


def test_minister_signs_without_speech_verb(rows):
    r = _of(rows, "minister_signs").iloc[0]
    assert (r.iso, r.kind, r.polarity, r.speaker) == ("VN", "act", "support", "Trần Văn Bình")


def test_negative_and_undecided_acts(rows):
    r = _of(rows, "refuse").set_index("iso")
    assert r.loc["US", "polarity"] == "conditional" and r.loc["CA", "polarity"] == "oppose"
    call = _of(rows, "call")
    call = call[call["kind"] == "act"].iloc[0]
    assert (call.iso, call.kind, call.polarity) == ("org:hrw", "act", "oppose")


def test_country_anaphor_in_reported_clause(rows):
    r = _of(rows, "anaphor")
    act = r[r["kind"] == "act"].iloc[0]
    assert (act.iso, act.polarity) == ("BR", "oppose")


def test_act_on_something_else_is_not_an_act_on_the_convention(rows):
    r = _of(rows, "unrelated")
    assert not (r["polarity"] == "support").any()


def test_speakers_table_and_actor_marking(rows):
    table = statements.speakers(rows)
    assert {"speaker", "affiliation", "statements", "acts", "articles"} <= set(table.columns)
    mentions = pd.DataFrame([("signatories", 0, "TH", "mentioned")], columns=["article_id", "sentence_id", "iso",
                                                                              "role"])
    marked = statements.mark_actors(mentions, rows)
    assert marked["role"].iloc[0] == "actor" and (marked["role"] == "actor").all()
    assert list(marked.columns) == list(mentions.columns)  # rows added for sentences naming no country fit in


def test_a_country_acting_where_it_is_not_named_is_an_actor_there():
    wb = from_texts({"a": "Việt Nam sẵn sàng cho sự kiện lớn.\nCuối tuần này, Thủ đô Hà Nội đăng cai Lễ mở ký Công "
                          "ước.\nĐại sứ Pháp dự buổi tiếp tân."})
    mentions = countries.find_mentions(wb)
    marked = statements.mark_actors(mentions, statements.extract(wb, mentions))
    vn = marked[marked["iso"] == "VN"].set_index("sentence_id")
    assert vn.loc[1, "role"] == "actor" and vn.loc[1, "via"] == "speaker" and vn.loc[1, "surface"] == "Thủ đô Hà Nội"
    assert vn.loc[1, "name"] == "Việt Nam" and vn.loc[1, "sentence"].startswith("Cuối tuần này")
    assert marked["sentence_id"].is_monotonic_increasing and len(marked[marked["iso"] == "FR"]) == 1


def test_statements_in_text():
    df = statements.statements_in_text("Đại diện Nhật Bản cho biết nước này đang xem xét việc ký Công ước.")
    assert df.iloc[0].iso == "JP" and df.iloc[0].kind == "reported"


def test_the_speaker_a_news_agency_cites_is_the_one_who_speaks():
    df = statements.statements_in_text("Hãng tin Reuters dẫn lời Hiệp hội Ngân hàng Việt Nam nói rằng Công ước sẽ giúp "
                                       "ngân hàng truy vết dòng tiền lừa đảo.")
    assert df["iso"].tolist() == ["org:hiep_hoi_ngan_hang_viet_nam"] and df.iloc[0].speaker.startswith("Hiệp hội")


def test_a_verb_in_the_scope_of_a_refusal_is_what_was_refused():
    df = statements.statements_in_text("Tại phiên họp, Hàn Quốc không tham gia biểu quyết thông qua Công ước. "
                                       "Canada không ký mà chỉ cử đại diện tham dự lễ mở ký.")
    assert df[df["iso"] == "KR"]["verb"].tolist() == ["không tham gia"]  # no adoption by Korea
    assert df[df["iso"] == "CA"]["verb"].tolist() == ["không ký", "tham dự"]  # after «mà», an act of its own


def test_an_acronym_the_segmenter_glued_to_the_next_word_is_split_off():
    for text, tag in [("ICAN đả kích các nước giữ vũ khí hạt nhân.", "V"), ("ICAN đả kích Công ước.", "N")]:
        assert underthesea.pos_tag(text)[0] == ("ICAN đả kích", tag)  # the segmenter's join, repaired:
        _, tokens = nlp.process_text(text)
        assert list(zip(tokens["token"], tokens["pos"]))[:2] == [("ICAN", "Np"), ("đả kích", tag)]


def test_the_lexicon_is_typed_frozen_and_read_from_the_data_files():
    """Every word-list field of the Lexicon names a key of its data file, which lists words; the object is frozen."""
    lex = lexicon.lexicon()
    for f in dataclasses.fields(lexicon.Lexicon):
        if "key" in f.metadata:
            assert f.metadata["file"] in lexicon.FILES
            assert getattr(lex, f.name), f.name
    assert ("công ước", "của") in lex.instrument_of and lex.condition.search("ký kèm tuyên bố giải thích")
    with pytest.raises(dataclasses.FrozenInstanceError):
        lex.titles = frozenset()
