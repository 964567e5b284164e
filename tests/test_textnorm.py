import pytest

from vnpress.util.textnorm import fold, normalize


@pytest.mark.parametrize("variant,canonical", [
    ("hoà bình", "hòa bình"), ("Hoà", "Hòa"), ("toạ đàm", "tọa đàm"), ("Thuỵ Sĩ", "Thụy Sĩ"),
    ("khoẻ", "khỏe"), ("uỷ ban", "ủy ban"), ("Toà án", "Tòa án"), ("THUỴ", "THỤY"),
])
def test_tone_marks_move_to_one_placement(variant, canonical):
    assert normalize(variant) == canonical
    assert normalize(canonical) == canonical


@pytest.mark.parametrize("word", ["quý", "quỳ", "hoàng", "thuyền", "khoảng", "Nguyễn", "tuyệt"])
def test_other_syllables_untouched(word):
    assert normalize(word) == word


def test_nfd_input_becomes_nfc_and_keeps_length():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Công ước Hà Nội hoà bình")
    out = normalize(decomposed)
    assert out == "Công ước Hà Nội hòa bình"
    assert len(normalize("toạ đàm ở Thuỵ Sĩ")) == len("toạ đàm ở Thuỵ Sĩ")


def test_fold_merges_case_and_variants():
    assert fold("Hoà Bình") == fold("hòa bình") == "hòa bình"
