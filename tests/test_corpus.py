import pandas as pd
import pytest
from conftest import CORPUS

from vnpress.corpus import reader
from vnpress.corpus.reader import MANIFEST_COLUMNS, infer_published, load_corpus


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


def test_published_from_the_url_after_the_header_before_the_text(tmp_path):
    body = "Công ước được thông qua ngày 24-12-2024 và mở ký tại Hà Nội."
    urls = {"slug": "https://baotintuc.vn/goc-nhin/dau-moc-hop-tac-toan-cau-20251024182709015.htm",
            "segments": "https://www.hrw.org/vi/news/2025/10/24/un-treaty-signing",
            "nhk": "https://www3.nhk.or.jp/nhkworld/vi/news/20240528_11/",
            "header": "https://dantri.com.vn/thoi-su/toan-canh-le-mo-ky-20251025113403251.htm",
            "rfi": "http://vi.rfi.fr/phap/20190715-hat-nhan-iran-phap-anh-duc-keu-goi",
            "post_id": "https://giaoducthoidai.vn/viet-nam-phe-chuan-hiep-uoc-post307025.html",
            "slug_id": "https://www.bbc.com/vietnamese/world-20110315",
            "hotline": "https://example.vn/tong-dai-19001009-ho-tro.html",
            "query": "https://example.vn/tin.htm?utm_campaign=20250101",
            "bad_month": "https://example.vn/tin-20251340123456.htm"}
    for name in urls:
        _write(tmp_path, f"{name}.txt", (" date 2025-10-27 " if name == "header" else "") + body)
    (tmp_path / "manifest.csv").write_text(",".join(MANIFEST_COLUMNS) + "\n" + "".join(
        f"{name}.txt,,,{url},,,vi\n" for name, url in urls.items()), encoding="utf-8")
    a = load_corpus(tmp_path).articles.set_index("article_id")
    got = {name: (str(a.loc[name, "published"].date()), a.loc[name, "published_source"]) for name in urls}
    inferred = ("2024-12-24", "inferred")
    assert got == {"slug": ("2025-10-24", "url"), "segments": ("2025-10-24", "url"), "nhk": ("2024-05-28", "url"),
                   "rfi": ("2019-07-15", "url"), "header": ("2025-10-27", "text"),
                   # ids (even of eight digits inside a slug), a query, an impossible month state no date: the
                   # text's latest date is inferred
                   "post_id": inferred, "slug_id": inferred, "hotline": inferred, "query": inferred,
                   "bad_month": inferred}


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


def _copy_seeds(folder):
    folder.mkdir()
    for p in sorted(CORPUS.glob("*.txt")):
        _write(folder, p.name, p.read_text(encoding="utf-8"))
    return folder


def _same(a, b):
    pd.testing.assert_frame_equal(a.articles, b.articles)
    pd.testing.assert_frame_equal(a.problems, b.problems)
    pd.testing.assert_frame_equal(a.cleaning_log, b.cleaning_log)


def test_cached_file_facts_give_the_same_corpus_without_reading_the_files(tmp_path, monkeypatch):
    folder = _copy_seeds(tmp_path / "c")
    _write(folder, "fr.txt", "Le texte de la convention a été adopté par l'Assemblée générale en décembre.")
    _write(folder, "empty.txt", "  \n")
    direct = load_corpus(folder, texts=False)
    assert len(direct.problems) == 2 and len(direct.cleaning_log) > 10
    _same(load_corpus(folder, texts=False, cache_dir=tmp_path / "cache"), direct)
    read, real = [], reader.read_text
    monkeypatch.setattr(reader, "read_text", lambda path, max_bytes: read.append(path.name) or real(path, max_bytes))
    again = load_corpus(folder, texts=False, cache_dir=tmp_path / "cache")
    _same(again, direct)  # the warning on the French text and the seeds' removed lines come from the cache
    assert read == ["empty.txt"]  # only the file that failed is read again


def test_an_edited_file_is_read_again_and_the_manifest_still_applies(tmp_path):
    folder = _copy_seeds(tmp_path / "c")
    cache = tmp_path / "cache"
    first = load_corpus(folder, texts=False, cache_dir=cache).articles.set_index("article_id")
    path = folder / "003_7afc3c7c88a3f9b6.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nẢnh: Thông tấn xã Việt Nam\n", encoding="utf-8")
    (folder / "manifest.csv").write_text(",".join(MANIFEST_COLUMNS) + "\n000_d7346cd5211a200f.txt,,Báo A,,2025-10-26,,vi\n",
                                         encoding="utf-8")
    c = load_corpus(folder, texts=False, cache_dir=cache)
    a = c.articles.set_index("article_id")
    _same(c, load_corpus(folder, texts=False))
    assert a.loc["003_7afc3c7c88a3f9b6", "sha256"] == first.loc["003_7afc3c7c88a3f9b6", "sha256"]  # caption removed
    assert c.cleaning_log["text"].str.contains("Thông tấn xã").any()
    assert a.loc["000_d7346cd5211a200f", ["outlet", "published_source"]].tolist() == ["Báo A", "manifest"]


def test_a_file_over_the_size_limit_is_refused_even_if_cached(tmp_path):
    folder = _copy_seeds(tmp_path / "c")
    load_corpus(folder, texts=False, cache_dir=tmp_path / "cache")
    c = load_corpus(folder, texts=False, cache_dir=tmp_path / "cache", max_bytes=2_000)
    assert c.articles.empty and c.problems["problem"].str.startswith("file too large").all()


def test_two_loads_caching_the_same_files_keep_one_copy_of_each_line(tmp_path, monkeypatch):
    folder = _copy_seeds(tmp_path / "c")
    direct = load_corpus(folder, texts=False)
    load_corpus(folder, texts=False, cache_dir=tmp_path / "cache")
    with monkeypatch.context() as m:  # a second process that read the files while the first one did
        m.setattr(reader, "_read_facts", lambda folder: reader.FACTS.empty_table())
        load_corpus(folder, texts=False, cache_dir=tmp_path / "cache")
    assert len(list(reader._facts_dir(tmp_path / "cache").glob("facts-*.parquet"))) == 2
    _same(load_corpus(folder, texts=False, cache_dir=tmp_path / "cache"), direct)


def test_facts_whose_log_was_deleted_are_read_again(tmp_path):
    folder = _copy_seeds(tmp_path / "c")
    direct = load_corpus(folder, texts=False)
    load_corpus(folder, texts=False, cache_dir=tmp_path / "cache")
    for log in reader._facts_dir(tmp_path / "cache").glob("log-*.parquet"):
        log.unlink()
    _same(load_corpus(folder, texts=False, cache_dir=tmp_path / "cache"), direct)
