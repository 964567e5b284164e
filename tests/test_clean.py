import pandas as pd
import yaml
from conftest import CORPUS, GOLD

from vnpress.corpus.clean import caption_text, clean_text
from vnpress.data import path as data_path
from vnpress.util.textnorm import normalize


def _removed(path):
    _, log = clean_text(path.read_text(encoding="utf-8"), path.stem)
    return {(a, n) for a, n, text, rule in log if rule != "blank_run"}


def test_cleaning_matches_gold_boilerplate():
    gold = pd.read_csv(GOLD / "cleaning.csv")
    expected = set(zip(gold.article_id, gold.line_no))
    found = set().union(*(_removed(p) for p in sorted(CORPUS.glob("*.txt"))))
    tp = len(found & expected)
    precision, recall = tp / len(found), tp / len(expected)
    print(f"cleaning vs gold: precision {precision:.2f}, recall {recall:.2f} ({tp}/{len(expected)})")
    assert precision >= 0.9 and recall >= 0.9, (found - expected, expected - found)


def test_every_removed_line_is_logged_and_nothing_else_lost():
    for path in sorted(CORPUS.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        text, log = clean_text(raw, path.stem)
        logged = {n for _, n, _, _ in log}
        kept_lines = [line for line in text.split("\n") if line.strip()]
        raw_lines = normalize(raw).split("\n")
        # every raw line is either logged or (possibly shortened by a logged prefix) in the text
        for no, line in enumerate(raw_lines, start=1):
            if no in logged or not line.strip():
                continue
            assert any(k.strip() == line.strip() or k in line for k in kept_lines), (path.name, no)


def test_general_rules_on_other_outlets():
    raw = "\n".join([
        "TPO - Sáng 26/10, lễ mở ký Công ước diễn ra tại Hà Nội.",
        "Ảnh minh họa",
        "Kiên trì và bền bỉ",
        "Nhiều quốc gia bày tỏ ủng hộ. Ảnh: TTXVN",
        "Bà Lan cho biết ảnh hưởng của tội phạm mạng ngày càng lớn.",
        "Tin liên quan",
        "Từ khóa: tội phạm mạng, công ước",
        "Nguyễn Văn A",
    ])
    text, log = clean_text(raw, "x")
    rules = {n: r for _, n, _, r in log}
    assert rules == {1: "dateline", 2: "photo_caption", 4: "photo_caption", 6: "comment_widget",
                     7: "comment_widget", 8: "byline"}
    assert text.split("\n")[0] == "Sáng 26/10, lễ mở ký Công ước diễn ra tại Hà Nội."
    assert "Kiên trì và bền bỉ" in text  # a subheading is body, not boilerplate
    assert "ảnh hưởng của tội phạm mạng" in text


def test_header_date_prefix_is_cut_and_logged():
    text, log = clean_text(" date 2025-10-24 Việc Liên hợp quốc chọn Hà Nội.\n\nĐoạn hai.", "d")
    assert text.startswith("Việc Liên hợp quốc")
    assert log[0][1:] == (1, "date 2025-10-24", "metadata_header")


def test_cleaned_text_uses_one_tone_placement():
    text, _ = clean_text("Các đại biểu dự toạ đàm về hoà bình ở Thuỵ Sĩ và cam kết.", "t")
    assert "tọa đàm" in text and "hòa bình" in text and "Thụy Sĩ" in text


def test_caption_credits_come_from_the_corpus_yaml_given(tmp_path):
    """The photo credits stripped off a caption are the words of corpus.yaml; an edited copy is honoured."""
    line = "Toàn cảnh lễ ký chiều 25/10/2025. Hình: Lê Anh"
    assert caption_text("Toàn cảnh lễ ký chiều 25/10/2025. Ảnh: Lê Anh") == "Toàn cảnh lễ ký chiều 25/10/2025"
    assert caption_text(line) == line  # "Hình" is no packaged credit word
    words = yaml.safe_load(data_path("corpus.yaml").read_text(encoding="utf-8"))
    words["clean"]["credits_inline"].append("Hình")
    copy = tmp_path / "corpus.yaml"
    copy.write_text(yaml.safe_dump(words, allow_unicode=True), encoding="utf-8")
    assert caption_text(line, str(copy)) == "Toàn cảnh lễ ký chiều 25/10/2025"
