import io
import json
import math
from contextlib import redirect_stdout

import pytest
from conftest import CORPUS

from vnpress.analyses import terms
from vnpress.cli import main
from vnpress.processing.workbook import from_texts

A000, A004 = "000_d7346cd5211a200f", "004_6469261bcdc9deb8"


@pytest.fixture(scope="module")
def by_article(seed_wb):
    f = terms.frequencies(seed_wb, by="article")
    return {(a, t): c for a, t, c in zip(f["article"], f["term"], f["count"])}


def test_counts_match_counts_made_by_reading(by_article):
    # counted by reading the articles (and cross-checked with grep -o -i on the raw files)
    assert by_article[(A000, "Công ước")] == 11  # "Công ước" and "công ước": one term, in its most frequent form
    assert by_article[(A000, "hợp tác")] == 10
    assert by_article[(A000, "chủ quyền")] == 7
    assert by_article[(A004, "Công ước")] == 15
    assert by_article[(A004, "Việt Nam")] == 8
    assert by_article[(A004, "tội phạm mạng")] == 4  # one segmented word, not three syllables
    assert (A000, "Việt Nam") not in by_article


def test_frequency_table_columns_and_relative_frequency(seed_wb):
    f = terms.frequencies(seed_wb)
    assert list(f.columns) == ["term", "count", "per_10k", "doc_freq"]
    total = f["count"].sum()
    row = f[f.term == "Công ước"].iloc[0]
    assert row["doc_freq"] == 5
    assert row["per_10k"] == pytest.approx(row["count"] / total * 10_000, abs=0.01)
    assert not f["term"].isin(["của", "và", "các", ",", "24/7"]).any()  # stopwords, punctuation, numbers
    assert {"năm", "nước", "Việt Nam", "Nhật Bản"} <= set(f["term"])  # domain words and countries survive


def test_syllable_level_differs_from_word_level(seed_wb):
    words = set(terms.frequencies(seed_wb)["term"])
    sylls = terms.frequencies(seed_wb, level="syllable").set_index("term")["count"]
    assert "tội phạm mạng" in words and "tội phạm mạng" not in sylls.index
    assert sylls["mạng"] > terms.frequencies(seed_wb).set_index("term")["count"].get("mạng", 0)


def test_pos_filter(seed_wb):
    f = terms.frequencies(seed_wb, pos="Np")
    assert "Việt Nam" in set(f.term) and "công ước" not in set(f.term)


def test_tone_mark_variants_are_one_term():
    wb = from_texts({"a": "Đại diện Thuỵ Sĩ phát biểu. Thụy Sĩ ủng hộ Công ước. Các nước cam kết hoà bình và hòa bình."})
    counts = terms.frequencies(wb).set_index("term")["count"]
    assert counts["Thụy Sĩ"] == 2 and "Thuỵ Sĩ" not in counts.index
    sylls = terms.frequencies(wb, level="syllable").set_index("term")["count"]
    assert sylls["hòa"] == 2 and "hoà" not in sylls.index


def test_term_counts_per_article_in_order_of_first_appearance():
    wb = from_texts({"a": "Công ước được ký tại Hà Nội. Nhiều nước ký công ước và ủng hộ Công ước.",
                     "b": "Hà Nội đón các đoàn đại biểu. Các đoàn đại biểu đến Hà Nội."})
    counts = terms.counts(wb.words)
    assert list(counts.columns) == ["article_id", "term", "count"]
    a = counts[counts["article_id"] == "a"]
    assert a.set_index("term")["count"]["Công ước"] == 3  # capitalised or not, one term (its most frequent form)
    assert a["term"].iloc[0] == "Công ước" and not a["term"].isin(["được", "và", "tại", "."]).any()
    b = counts[counts["article_id"] == "b"].set_index("term")["count"]
    assert b["Hà Nội"] == 2 and b["đại biểu"] == 2
    kept = terms.term_tokens(wb).query("kept")
    assert counts["count"].sum() == len(kept)
    words = wb.words[wb.words["article_id"] == "a"]  # each distinct (token, tag) once, in order of first use
    assert words["count"].sum() == (wb.tokens["article_id"] == "a").sum() and not words.duplicated(["token", "pos"]).any()
    assert words["first"].iloc[0] == 0 and words["first"].is_monotonic_increasing


def test_stopword_override_is_honoured(tmp_path):
    wb = from_texts({"a": "Năm nay nước ta tổ chức nhiều sự kiện quan trọng trong năm."})
    default = set(terms.frequencies(wb)["term"])
    assert {"năm", "nước"} <= default
    path = tmp_path / "override.yaml"
    path.write_text("keep: []\nadd: [nước, sự kiện]\n", encoding="utf-8")
    custom = set(terms.frequencies(wb, override_path=str(path))["term"])
    assert "nước" not in custom and "sự kiện" not in custom and "năm" not in custom  # năm is in underthesea's list


def test_log_likelihood_and_pmi_by_hand():
    # table 10 | 20 ; 30 | 940 (N = 1000). Expected: E = 1.2, 28.8, 38.8, 931.2;
    # G² = 2 (10 ln(10/1.2) + 20 ln(20/28.8) + 30 ln(30/38.8) + 940 ln(940/931.2))
    #    = 2 (21.2026 − 7.2929 − 7.7166 + 8.8413) = 30.069
    assert terms.g2(10, 20, 30, 940) == pytest.approx(30.069, abs=0.001)
    # PMI: 4 bigrams of 80, words seen 10 and 8 times out of 100: log2((4/80) / (0.10 · 0.08)) = log2(6.25)
    assert terms.pmi(4, [10, 8], 100, 80) == pytest.approx(2.6439, abs=0.0001)
    assert terms.g2(5, 0, 0, 5) == pytest.approx(2 * 10 * math.log(2), abs=1e-9)


def test_ngrams_stay_inside_sentences_and_runs(seed_wb):
    bi = terms.ngrams(seed_wb, n=2, min_freq=2).set_index("ngram")
    assert bi.loc["hợp tác quốc tế", "count"] == 12
    assert "chống tội phạm mạng" in bi.index and bi.loc["mở ký", "pmi"] > 0
    assert not any(" của " in f" {g} " for g in bi.index)


def test_tfidf_ranks_distinctive_terms(seed_wb):
    t = terms.tfidf(seed_wb, top=3)
    top000 = t[t.article_id == A000].iloc[0]
    assert top000.term == "chủ quyền"  # 7 times here, in 2 of 5 articles
    assert top000.idf == pytest.approx(math.log(6 / 3) + 1)


def test_keyness_columns_and_direction(seed_wb):
    key = terms.keyness(seed_wb, f"articles={A000}")
    assert list(key.columns) == ["term", "target_count", "reference_count", "target_per_10k", "reference_per_10k",
                                 "g2", "log_ratio", "p_value"]
    row = key.set_index("term").loc["chủ quyền"]
    assert (row.target_count, row.reference_count) == (7, 1) and row.log_ratio > 0 and row.g2 > 3.84
    with pytest.raises(ValueError, match="unknown article"):
        terms.keyness(seed_wb, "articles=nope")


def test_kwic_multi_token_query_and_dispersion():
    wb = from_texts({"a": "Hội nghị bàn về tội phạm mạng. Các nước hợp tác quốc tế chống Tội phạm mạng hiệu quả."})
    k = terms.kwic(wb, "tội phạm mạng", window=2)
    assert len(k) == 2 and list(k.columns) == ["article_id", "sentence_id", "left", "match", "right"]
    assert k.iloc[1]["match"] == "Tội phạm mạng" and k.iloc[1]["left"].endswith("chống")
    assert len(terms.kwic(wb, "hợp tác quốc tế")) == 1  # spans two tokens
    d = terms.dispersion(wb, ["tội phạm mạng"])
    assert len(d) == 2 and d["relative"].between(0, 1).all()


def test_cli_terms_and_kwic(tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["terms", str(CORPUS), "--top", "5", "--format", "json", "--cache", str(tmp_path)]) == 0
    rows = json.loads(out.getvalue())
    assert list(rows[0]) == ["term", "count", "per_10k", "doc_freq"] and rows[0]["term"] == "Công ước"
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["terms", str(CORPUS), "--by", "outlet", "--top", "2", "--format", "csv",
                     "--cache", str(tmp_path)]) == 0
    assert out.getvalue().splitlines()[0] == "outlet,term,count,per_10k,doc_freq"
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["kwic", str(CORPUS), "chủ quyền", "--window", "3", "--format", "csv",
                     "--cache", str(tmp_path)]) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "article_id,sentence_id,left,match,right" and len(lines) == 1 + 8
