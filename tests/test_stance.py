import pandas as pd
import pytest
import yaml
from conftest import GOLD

from vnpress.analyses import cues, stance
from vnpress.data import path as data_path
from vnpress.processing.workbook import from_texts
from vnpress.reports import cards


def _one(text, **kw):
    out = stance.stance_by_article(from_texts({"a": text}), **kw)
    return {r.iso: r for r in out.itertuples()}


@pytest.fixture(scope="module")
def seed_stance(seed_wb):
    return stance.stance_by_article(seed_wb)


def test_seed_corpus_against_gold(seed_stance):
    gold = pd.read_csv(GOLD / "stance.csv")
    scores = stance.evaluate(seed_stance, gold)
    print("\nstance vs gold:\n" + scores.to_string(index=False))
    s = scores.set_index("metric")["value"]
    assert s["actor pairs found (recall)"] == 1.0
    assert s["stance accuracy"] >= 0.8
    assert s["frame precision"] >= 0.5 and s["frame recall"] >= 0.6


def test_by_article_columns_and_evidence(seed_stance):
    assert list(seed_stance.columns[:8]) == ["article_id", "iso", "name", "stance", "confidence", "frames", "cues",
                                            "evidence"]
    jp = seed_stance[(seed_stance.iso == "JP")].iloc[0]
    assert jp.stance == "conditional" and "xem xét" in jp.cues
    assert "đang xem xét tích cực việc ký kết" in jp.evidence
    assert seed_stance["confidence"].between(0, 1).all()


@pytest.mark.parametrize("text,iso,expected", [
    ("Đại diện Indonesia cam kết phê chuẩn và thực thi đầy đủ Công ước.", "ID", "support"),
    ("Nhà ngoại giao nêu rõ, Iran ủng hộ Công ước dù vẫn còn một số khác biệt về nội dung số.", "IR", "conditional"),
    ("Đại diện Nhật Bản cho biết nước này đang xem xét việc ký kết Công ước.", "JP", "conditional"),
    ("Đại diện Nga phản đối một số điều khoản của Công ước.", "RU", "oppose"),
    ("Chính phủ Canada không ủng hộ văn kiện này.", "CA", "oppose"),
    ("Đại diện Brazil cho biết nước này từ chối ký Công ước.", "BR", "oppose"),
    ("Đại diện Chile cho biết hội nghị diễn ra trong hai ngày.", "CL", "neutral"),
    ("Mặc dù còn nhiều khó khăn, Chính phủ Lào cam kết ký Công ước.", "LA", "support"),
])
def test_stance_classes_on_single_sentences(text, iso, expected):
    assert _one(text)[iso].stance == expected


def test_each_country_is_scored_on_its_own_clause():
    """The rules read each country's cues in its own clause (the learned decision may still weigh Singapore's
    unrelated act by its prior: tests/challenge has such cases as known failures)."""
    rows = _one("Liên minh châu Âu (EU) đã thống nhất cùng ký và phê chuẩn, trong khi Singapore ban hành luật mới.")
    assert rows["EU"].stance == "support" and rows["EU"].rule_stance == "support"
    assert rows["SG"].rule_stance == "neutral" and "phê chuẩn" not in rows["SG"].cues


def test_frames_and_cues_are_reported():
    rows = _one("Đại diện Thụy Sĩ nhấn mạnh hợp tác quốc tế chỉ bền vững khi tôn trọng đầy đủ quyền con người.")
    ch = rows["CH"]
    assert "human_rights" in ch.frames.split(";") and "cooperation" in ch.frames.split(";")
    assert "human_rights:quyền con người" in ch.cues


def test_edited_lexicon_is_honoured(tmp_path):
    cues = yaml.safe_load(data_path("stance_cues.yaml").read_text(encoding="utf-8"))
    cues["support"] = [c for c in cues["support"] if c != "cột mốc"]
    path = tmp_path / "cues.yaml"
    path.write_text(yaml.safe_dump(cues, allow_unicode=True), encoding="utf-8")
    text = "Đại diện Indonesia gọi Công ước là một cột mốc."
    assert _one(text)["ID"].stance == "support"
    assert _one(text, cues_path=str(path))["ID"].stance == "neutral"


def test_country_aggregation_matrix_and_cards(seed_wb, seed_stance):
    by_country = stance.stance_by_country(seed_stance).set_index("iso")
    assert by_country.loc["VN", "articles"] == 4 and by_country.loc["VN", "stance"] == "support"
    assert by_country.loc["CH", "stance"] == "conditional"
    matrix = stance.frame_matrix(seed_stance)
    assert matrix.loc["Vương quốc Anh", "human_rights"] == 1
    evidence = stance.evidence_cards(seed_wb)
    html = cards.cards_html(stance.stance_by_country(seed_stance), evidence)
    assert "Thụy Sĩ" in html and "<script" not in html


def _frames(text):
    return {r.iso: set(filter(None, r.frames.split(";"))) for r in _one(text).values()}


def test_longer_cue_of_another_frame_wins_and_shared_phrase_counts_twice():
    assert _frames("Đại diện Thái Lan cam kết thúc đẩy hợp tác đa phương về an ninh mạng.")["TH"] == {"multilateralism"}
    assert set(cues.frame_cues("cần hoàn thiện pháp luật trong nước")) == {"implementation", "legal_harmonization"}


@pytest.mark.parametrize("text,iso,absent", [
    ("Đại diện Canada kêu gọi tăng cường phối hợp giữa các cơ quan thực thi pháp luật.", "CA", "implementation"),
    ("Đại diện Peru cho biết nước này đã ký Công ước Liên hợp quốc về chống tội phạm mạng.", "PE", "multilateralism"),
    ("Đại diện Lào cho biết các bộ ngành đã triển khai việc chuẩn bị hội nghị.", "LA", "implementation"),
])
def test_set_phrases_and_names_are_not_frames(text, iso, absent):
    assert absent not in _frames(text)[iso]


def test_frames_stop_at_another_actors_clause():
    frames = _frames("Đại diện Pháp cho biết nước này sẽ sớm phê chuẩn Công ước, trong khi Ba Lan tập trung đào tạo "
                     "và chia sẻ kinh nghiệm.")
    assert frames["FR"] == {"implementation"} and frames["PL"] == {"capacity_building"}


def test_an_acts_object_described_in_apposition_is_not_its_frame():
    text = "Việt Nam đăng cai lễ mở ký Công ước, một văn kiện nhằm tăng cường hợp tác quốc tế chống lừa đảo trực tuyến."
    assert _frames(text)["VN"] == set()


@pytest.mark.parametrize("text,iso,frame", [
    ("Đại diện Na Uy cảnh báo các định nghĩa mơ hồ của Công ước.", "NO", "human_rights"),  # criticism
    ("Đại diện Lào cam kết triển khai hiệu quả Công ước.", "LA", "implementation"),
    ("Đại diện Kenya cho biết tội phạm mạng gắn với khủng bố và buôn bán ma túy.", "KE", "fraud_and_crime"),
    ("Đại diện Ai Cập cho rằng Công ước lấp đầy lỗ hổng pháp lý.", "EG", "legal_harmonization"),
])
def test_frame_cues_in_own_words(text, iso, frame):
    assert frame in _frames(text)[iso]


def test_frames_read_the_whole_reported_clause_up_to_another_speaker():
    # the content stops at the semicolon; the reported clause, and its frames, run on to the end of the sentence
    text = ("Bộ trưởng Tư pháp Ghana khẳng định: đây là sự kiện đặc biệt quan trọng; đánh dấu một công ước đa phương "
            "toàn cầu đầu tiên về tội phạm mạng.")
    assert "multilateralism" in _frames(text)["GH"]
    text = ("Đại diện Chile cho biết Công ước rất cần thiết, còn đại diện Peru nhấn mạnh việc tăng cường đào tạo "
            "cho cảnh sát.")
    assert "capacity_building" not in _frames(text)["CL"]


def test_someone_elses_quote_about_an_actor_gives_it_no_frame():
    text = ('Giáo sư Erik Lund nhận xét: "Việt Nam đã chứng minh được uy tín đa phương của mình và là đối tác '
            'tin cậy của Liên hợp quốc".')
    assert _frames(text)["VN"] == set()


def test_criticism_an_act_receives_is_not_its_frame():
    text = "Việc Việt Nam được chọn làm nơi tổ chức lễ mở ký đã gây ra nhiều chỉ trích do vấn đề nhân quyền."
    assert _frames(text)["VN"] == set()


@pytest.mark.parametrize("text,expected", [
    ("Công ước bảo đảm quyền con người", "support"),
    ("văn kiện này sẽ giúp các nước trao đổi chứng cứ", "support"),
    ("Công ước không bảo vệ nhà báo", "critical"),
    ("văn kiện chưa đủ bảo đảm quyền riêng tư", "critical"),
    ("Công ước trao cho các chế độ độc tài công cụ đàn áp", "critical"),
])
def test_the_convention_as_agent_of_a_beneficial_verb(text, expected):
    found = cues.sentence_cues(text)
    assert found[expected] and not found["support" if expected == "critical" else "critical"]


def test_a_concessive_that_opens_a_supportive_clause_is_no_reservation():
    assert not cues.sentence_cues("Công ước tuy được ký kết ngoài trụ sở song đã nhận được sự hưởng ứng rộng rãi, "
                                    "với sự tham dự của nhiều nước")["conditional"]
    assert cues.sentence_cues("ủng hộ Công ước, song vẫn còn băn khoăn")["conditional"]
    assert not cues.sentence_cues("ủng hộ Công ước và thúc đẩy hợp tác song phương")["conditional"]


def test_the_name_of_the_ceremony_is_no_act_of_support():
    assert not cues.sentence_cues("lịch trình của lễ mở ký Công ước sẽ được công bố")["support"]
    assert cues.sentence_cues("nước này đã ký Công ước")["support"]


@pytest.mark.parametrize("text,cls,present", [
    ("cảnh báo tội phạm mạng ngày càng tinh vi và khẳng định sẵn sàng hợp tác", "conditional", False),
    ("bày tỏ lo ngại về Công ước", "critical", True),
    ("ủng hộ Công ước nhưng lo ngại", "conditional", True),
    ("tội phạm mạng ngày càng lạm dụng trí tuệ nhân tạo", "critical", False),
    ("Công ước về tội phạm mạng có thể bị lạm dụng", "critical", True),
])
def test_concern_and_misuse_are_about_the_convention_not_about_crime(text, cls, present):
    assert bool(cues.sentence_cues(text)[cls]) == present


def test_not_only_is_no_negation():
    found = cues.sentence_cues("Việt Nam không chỉ ủng hộ Công ước mà còn tích cực đóng góp")
    assert "ủng hộ" in found["support"] and not found["oppose"]


@pytest.mark.parametrize("text,iso,expected", [
    ("Hungary được cho là sẽ ký Công ước với tuyên bố rằng văn kiện đã có đủ điều khoản bảo vệ quyền riêng tư.",
     "HU", "support"),
    ("Hungary sẽ ký Công ước kèm tuyên bố giải thích về điều 14.", "HU", "conditional"),
    ("Hungary sẽ ký Công ước nếu các điều khoản về dẫn độ được sửa đổi.", "HU", "conditional"),
    ("Hungary chưa ký Công ước.", "HU", "conditional"),
    ("Canada và Anh đã ký Công ước, trong khi Mỹ không ký.", "CA", "support"),
    ("Bồ Đào Nha đã ký Công ước sau khi các lo ngại về quyền riêng tư được giải đáp.", "PT", "support"),
])
def test_a_commitment_is_read_in_its_whole_clause_for_a_reservation(text, iso, expected):
    assert _one(text)[iso].stance == expected
