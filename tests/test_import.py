import json
import os
import unicodedata

import pandas as pd
import pytest

from vnpress.corpus import importer, journal
from vnpress.corpus.reader import load_corpus

TEXT = ("Chiều 26/10, lễ mở ký Công ước Liên hợp quốc về chống tội phạm mạng đã bế mạc tại Hà Nội. "
        "Đại diện Nhật Bản đánh giá Công ước là một cột mốc lịch sử và khẳng định nước này đang xem xét ký kết.")
OTHER = ("Đại diện Thụy Sĩ nhấn mạnh hợp tác quốc tế chỉ bền vững khi tôn trọng đầy đủ quyền con người. "
         "Thụy Sĩ đánh giá cao các cơ chế bảo vệ được quy định trong Công ước.")


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps vowel letters precomposed and tone marks as combining characters."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def test_text_files_in_every_encoding(tmp_path, corpus):
    (tmp_path / "utf8.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + OTHER.encode("utf-8"))
    (tmp_path / "u16.txt").write_bytes("Thượng tá Triệu Mạnh Tùng cho biết Việt Nam đã sẵn sàng thực thi công ước."
                                       .encode("utf-16"))
    legacy = "Bộ Công an sẽ phối hợp đẩy nhanh tiến trình phê chuẩn công ước tại Việt Nam."
    data = to_cp1258(legacy)
    assert data.decode("cp1258") != legacy and unicodedata.normalize("NFC", data.decode("cp1258")) == legacy
    (tmp_path / "legacy.txt").write_bytes(data)
    result = importer.add([tmp_path / n for n in ("utf8.txt", "bom.md", "u16.txt", "legacy.txt")], corpus,
                          outlet="Báo Mẫu", published="2025-10-26")
    assert result["status"].tolist() == ["added"] * 4, result
    c = load_corpus(corpus)
    assert c.problems.empty
    texts = dict(zip(c.articles["article_id"], c.articles["text"]))
    assert texts["legacy"] == legacy and texts["u16"].startswith("Thượng tá")
    assert set(c.articles["outlet"]) == {"Báo Mẫu"} and set(c.articles["language"]) == {"vi"}
    assert sorted(p.name for p in (corpus / "raw").iterdir()) == ["bom.md", "legacy.txt", "u16.txt", "utf8.txt"]


def test_undecodable_and_binary_files_are_refused(tmp_path, corpus):
    (tmp_path / "latin.txt").write_bytes("Le café est très bon, mais la réunion est annulée.".encode("cp1252"))
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    result = importer.add([tmp_path / "latin.txt", tmp_path / "blob.txt", tmp_path / "empty.txt"], corpus)
    assert result["status"].tolist() == ["refused"] * 3
    assert "cannot decode with confidence" in result["detail"][0]
    assert "binary file" in result["detail"][1] and "empty file" in result["detail"][2]
    assert not any(corpus.glob("*.txt")) and not (corpus / "manifest.csv").exists()


def test_html_page_text_and_metadata(tmp_path, corpus):
    page = f"""<html><head><title>Lễ mở ký - Báo Mẫu</title><meta name="author" content="Lệ Thanh">
    <meta property="article:published_time" content="2025-10-26T08:00:00+07:00">
    <link rel="canonical" href="https://bao-mau.vn/le-mo-ky.html"></head>
    <body><nav>Trang chủ | Thời sự | Thế giới</nav><article><h1>Lễ mở ký Công ước Hà Nội</h1>
    <p>{TEXT}</p><p>{OTHER}</p></article><footer>Bản quyền thuộc về Báo Mẫu. Liên hệ quảng cáo.</footer></body></html>"""
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    result = importer.add([tmp_path / "page.html"], corpus)
    assert result["status"].tolist() == ["added"]
    row = pd.read_csv(corpus / "manifest.csv", dtype=str, keep_default_na=False).iloc[0]
    assert (row.file, row.authors, row.published, row.url) == ("page.txt", "Lệ Thanh", "2025-10-26",
                                                               "https://bao-mau.vn/le-mo-ky.html")
    text = (corpus / "page.txt").read_text(encoding="utf-8")
    assert "Đại diện Nhật Bản" in text and "Trang chủ" not in text and "quảng cáo" not in text
    assert (corpus / "raw" / "page.html").read_text(encoding="utf-8") == page


def test_jsonl_and_csv_collections(tmp_path, corpus):
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"body": TEXT, "headline": "Bế mạc lễ mở ký", "date": "2025-10-26"},
        {"body": OTHER, "headline": "Thụy Sĩ và quyền con người", "date": "2025-10-27"}]), encoding="utf-8")
    pd.DataFrame({"content": ["Indonesia cam kết phê chuẩn và thực thi đầy đủ Công ước Hà Nội về tội phạm mạng."],
                  "link": ["https://x.vn/a"]}).to_csv(tmp_path / "c.csv", index=False)
    r1 = importer.add([tmp_path / "c.jsonl"], corpus, text_column="body",
                      columns=importer.parse_columns("title=headline,published=date"))
    r2 = importer.add([tmp_path / "c.csv"], corpus, text_column="content", columns={"url": "link"})
    assert r1["status"].tolist() == ["added", "added"] and r2["status"].tolist() == ["added"]
    m = pd.read_csv(corpus / "manifest.csv", dtype=str, keep_default_na=False).set_index("file")
    assert m.loc["c-0001.txt", "title"] == "Bế mạc lễ mở ký" and m.loc["c-0002.txt", "published"] == "2025-10-27"
    assert m.loc["c-0001-2.txt", "url"] == "https://x.vn/a"  # ids never collide
    with pytest.raises(ValueError, match="bad column mapping"):
        importer.parse_columns("headline")
    bad = importer.add([tmp_path / "c.jsonl"], corpus, text_column="missing")
    assert bad["status"].tolist() == ["refused"] and "no text column 'missing'" in bad["detail"][0]


def test_duplicates_skipped_and_near_duplicates_reported(tmp_path, corpus):
    (tmp_path / "a.txt").write_text(TEXT + " " + OTHER, encoding="utf-8")
    (tmp_path / "same.txt").write_text("(VTC News) -\n" + TEXT + " " + OTHER + "\nBình luận", encoding="utf-8")
    (tmp_path / "near.txt").write_text(TEXT + " " + OTHER + " Nguồn tin cho biết thêm nhiều quốc gia sẽ ký.",
                                       encoding="utf-8")
    result = importer.add([tmp_path / "a.txt", tmp_path / "same.txt", tmp_path / "near.txt"], corpus)
    assert result["status"].tolist() == ["added", "duplicate", "near_duplicate"]
    assert "same text as a" in result["detail"][1] and "similar to a" in result["detail"][2]
    assert sorted(p.name for p in corpus.glob("*.txt")) == ["a.txt", "near.txt"]


def test_failed_import_leaves_corpus_and_manifest_unchanged(tmp_path, corpus, monkeypatch):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    importer.add([tmp_path / "a.txt"], corpus)
    before = {p.relative_to(corpus): p.read_bytes() for p in corpus.rglob("*") if p.is_file()}
    (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")

    def broken_write(folder, rows):
        raise OSError("disk full")

    monkeypatch.setattr(journal, "write_manifest", broken_write)
    with pytest.raises(OSError, match="disk full"):
        importer.add([tmp_path / "b.txt"], corpus)
    after = {p.relative_to(corpus): p.read_bytes() for p in corpus.rglob("*") if p.is_file()}
    assert after == before


def test_manifest_write_is_atomic(tmp_path, monkeypatch):
    (tmp_path / "manifest.csv").write_text("file,title,outlet,url,published,authors,language\n", encoding="utf-8")
    original = (tmp_path / "manifest.csv").read_bytes()

    def failing_replace(src, dst):
        raise OSError("interrupted")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        journal.write_manifest(tmp_path, [{"file": "x.txt"}])
    assert (tmp_path / "manifest.csv").read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.csv"]  # no temporary file left behind
