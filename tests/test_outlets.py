"""Outlet types: looked up by web domain or outlet name, overridden by the manifest, filled by `vnpress add`."""

import pytest

from vnpress.corpus.importer import add
from vnpress.corpus.outlets import OUTLET_TYPES, outlet_type
from vnpress.corpus.reader import load_corpus

TEXT = ("Sáng 25/10, tại Hà Nội, Bộ trưởng Bộ Công an thay mặt Nhà nước Việt Nam ký Công ước của Liên hợp quốc "
        "về chống tội phạm mạng. Đại diện nhiều quốc gia dự lễ ký và đánh giá cao vai trò chủ nhà của Việt Nam.")


@pytest.mark.parametrize("outlet, url, expected", [
    ("", "https://vnexpress.net/viet-nam-ky-cong-uoc-ha-noi-123.html", "commercial"),
    ("", "https://vov2.vov.vn/chinh-tri/le-ky-cong-uoc.htm", "state"),  # a subdomain of a listed domain
    ("", "http://www.nhandan.vn/chinhtri/cong-uoc.html", "party"),
    ("Báo Nghệ An", "", "provincial"),
    ("RFI Tiếng Việt", "", "foreign_service"),
    ("báo nghệ an", "", "provincial"),  # case-folded
    ("Báo Thanh Hoá", "", "provincial"),  # tone-mark placement: Hoá / Hóa
    ("Người Việt Dallas (nguoivietdallas.com)", "", "diaspora"),  # the name before a bracket
    ("baotiengdan.com", "", "independent"),  # a domain written as the outlet's name
    ("Một tờ báo chưa ai biết", "https://bao-chua-biet.example/a.html", ""),  # nothing is guessed
    ("", "", ""),
])
def test_outlet_type_by_domain_or_name(outlet, url, expected):
    assert outlet_type(outlet, url) == expected


def test_every_type_in_the_data_file_is_known():
    from vnpress.corpus.outlets import table

    domains, names = table()
    assert set(domains.values()) | set(names.values()) <= set(OUTLET_TYPES)
    assert len(domains) > 50


def test_manifest_overrides_the_lookup_and_bad_values_are_reported(tmp_path):
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.txt").write_text(TEXT + f" Bài {name}.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,title,outlet,url,published,authors,language,outlet_type\n"
        "a.txt,Lễ ký,VnExpress,https://vnexpress.net/a.html,2025-10-25,,vi,\n"
        "b.txt,Lễ ký,VnExpress,https://vnexpress.net/b.html,2025-10-25,,vi,state\n"
        "c.txt,Lễ ký,Báo Lạ,,2025-10-25,,vi,tabloid\n"
        "d.txt,Lễ ký,Báo Lạ,,2025-10-25,,vi,\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    types = dict(zip(corpus.articles["article_id"], corpus.articles["outlet_type"]))
    assert types == {"a": "commercial", "b": "state", "c": "", "d": ""}
    problems = corpus.problems[corpus.problems["file"].str.endswith("c.txt")]
    assert problems["problem"].str.contains("unknown outlet_type 'tabloid'").any()


def test_a_manifest_without_the_column_still_loads(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,title,outlet,url,published,authors,language\n"
                                           "a.txt,Lễ ký,Tuổi Trẻ,,2025-10-25,,vi\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.articles["outlet_type"].tolist() == ["commercial"]
    assert corpus.problems.empty


def test_add_fills_the_outlet_type_from_the_url(tmp_path):
    source = tmp_path / "in" / "bai.jsonl"
    source.parent.mkdir()
    source.write_text('{"text": "%s", "url": "https://baonghean.vn/le-ky.html"}\n' % TEXT, encoding="utf-8")
    corpus = tmp_path / "corpus"
    result = add([source], corpus, columns={"url": "url"})
    assert result["status"].tolist() == ["added"]
    assert "outlet_type" in (corpus / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert load_corpus(corpus).articles["outlet_type"].tolist() == ["provincial"]
