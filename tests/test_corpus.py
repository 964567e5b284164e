import pandas as pd
import pytest

from conftest import CORPUS
from vnpress.corpus import MANIFEST_COLUMNS, infer_published, load_corpus


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_seed_corpus_loads_with_stated_metadata_only():
    c = load_corpus(CORPUS)
    a = c.articles.set_index("article_id")
    assert len(a) == 5 and c.problems.empty
    assert a.loc["004_6469261bcdc9deb8", "outlet"] == "VTC News"
    assert a.loc["002_e46f340304d81593", "authors"] == "Lệ Thanh"
    # 003 states its date in its own header; 001 only in its text (25/12/2024 is the latest full date)
    assert a.loc["003_7afc3c7c88a3f9b6", "published"] == pd.Timestamp("2025-10-24")
    assert a.loc["003_7afc3c7c88a3f9b6", "published_source"] == "text"
    assert a.loc["001_2c2119ea819d08e1", "published_source"] == "inferred"
    # nothing is invented: no titles or URLs are stated anywhere
    assert (a["title"] == "").all() and (a["url"] == "").all()
    assert pd.isna(a.loc["000_d7346cd5211a200f", "published"])
    assert a.loc["000_d7346cd5211a200f", "published_source"] == "unknown"


def test_published_resolution_order(tmp_path):
    _write(tmp_path, "m.txt", " date 2025-10-24 Hôm nay, ngày 26/10/2025, lễ ký diễn ra.")
    _write(tmp_path, "h.txt", " date 2025-10-24 Lễ ký diễn ra ngày 26/10/2025 tại Hà Nội.")
    _write(tmp_path, "i.txt", "Công ước được thông qua ngày 24-12-2024 và mở ký cho đến 31-12-2026.")
    _write(tmp_path, "u.txt", "Lễ ký diễn ra vào cuối tháng 10 tại Hà Nội.")
    (tmp_path / "manifest.csv").write_text(",".join(MANIFEST_COLUMNS) + "\nm.txt,,,,2025-10-27,,vi\n",
                                           encoding="utf-8")
    a = load_corpus(tmp_path).articles.set_index("article_id")
    assert a.loc["m", ["published", "published_source"]].tolist() == [pd.Timestamp("2025-10-27"), "manifest"]
    assert a.loc["h", ["published", "published_source"]].tolist() == [pd.Timestamp("2025-10-24"), "text"]
    # the deadline "đến 31-12-2026" is not a reporting date
    assert a.loc["i", ["published", "published_source"]].tolist() == [pd.Timestamp("2024-12-24"), "inferred"]
    assert a.loc["u", "published_source"] == "unknown"


def test_infer_published_reads_vietnamese_long_form():
    assert infer_published("Ngày 25 tháng 10 năm 2025, lễ ký khai mạc.") == pd.Timestamp("2025-10-25")
    assert infer_published("Hợp tác 24/7 và Điều 64.") is None


def test_article_missing_from_manifest_still_loads_and_errors_are_collected(tmp_path):
    _write(tmp_path, "a.txt", "Việt Nam đăng cai lễ mở ký Công ước tại Hà Nội.")
    _write(tmp_path, "b.md", "Nhật Bản đang xem xét việc ký kết Công ước.")
    _write(tmp_path, "empty.txt", "  \n")
    (tmp_path / "manifest.csv").write_text(
        ",".join(MANIFEST_COLUMNS) + "\na.txt,Tiêu đề,Báo A,,2025-13-40,,vi\nghost.txt,,,,,,\n", encoding="utf-8")
    c = load_corpus(tmp_path)
    assert sorted(c.articles["article_id"]) == ["a", "b"]
    a = c.articles.set_index("article_id")
    assert a.loc["a", "title"] == "Tiêu đề" and a.loc["b", "title"] == ""
    problems = "\n".join(c.problems["file"] + ": " + c.problems["problem"])
    assert "empty.txt: empty file" in problems
    assert "ghost.txt: named in manifest line 3 but the file does not exist" in problems
    assert "malformed date '2025-13-40'" in problems and "a.txt" in problems


def test_not_a_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="not a folder"):
        load_corpus(tmp_path / "nope")
