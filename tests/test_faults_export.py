"""Issue 25, cases 7 and 9: parameter values checked like names, and every exported CSV formula-safe."""

import csv
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from conftest import CORPUS

from vnpress.analyses import terms
from vnpress.cli import main
from vnpress.processing.workbook import from_texts
from vnpress.reports.params import check_params
from vnpress.reports.report import findings_html, save_table
from vnpress.util.csvio import FORMULA_LEADS, unquote_cell, write_csv

FORMULA_NAME = '=HYPERLINK("evil.example";"bấm vào")'
INTERVIEW = ("- Theo ông, Công ước Hà Nội có ý nghĩa gì đối với Việt Nam?\n"
             "+ Công ước là cột mốc quan trọng của hợp tác quốc tế chống tội phạm mạng.\n"
             "@ Việt Nam sẽ sớm phê chuẩn và thực thi Công ước.\n")


def _cli(argv: list[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `vnpress ARGV`."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory) -> Path:
    """A corpus whose file name and title start with a formula and whose interview lines start with - + @."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / f"{FORMULA_NAME}.txt").write_text(INTERVIEW, encoding="utf-8")
    (folder / "b.txt").write_text("Lễ mở ký Công ước diễn ra tại Hà Nội. Nhiều nước dự lễ ký.", encoding="utf-8")
    pd.DataFrame({"file": [f"{FORMULA_NAME}.txt", "b.txt"], "title": ["-1 nước rút lui", "+ Lễ mở ký"],
                  "outlet": ["@Tuổi Trẻ", "VnExpress"], "url": "", "published": ["2025-10-25", "2025-10-26"],
                  "authors": "", "language": "vi"}).to_csv(folder / "manifest.csv", index=False)
    return folder


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _assert_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_LEADS), f"formula-leading cell {cell!r}"


def test_cli_csv_neutralizes_formula_cells(hostile_corpus, tmp_path):
    """case 9: `--format csv` of the CLI writes no cell a spreadsheet would evaluate; the values come back."""
    code, out, _ = _cli(["corpus", str(hostile_corpus), "--format", "csv", "--cache", str(tmp_path)])
    assert code == 0 and not out.startswith("\ufeff")  # stdout: no BOM
    rows = _cells(out)
    _assert_safe(rows)
    values = {unquote_cell(c) for row in rows for c in row}
    assert {FORMULA_NAME, "-1 nước rút lui", "+ Lễ mở ký", "@Tuổi Trẻ"} <= values
    code, out, _ = _cli(["kwic", str(hostile_corpus), "Công ước", "--window", "2", "--format", "csv",
                         "--cache", str(tmp_path)])
    rows = _cells(out)
    _assert_safe(rows)
    assert code == 0 and FORMULA_NAME in {unquote_cell(r[0]) for r in rows[1:]}


def test_save_table_is_formula_safe_with_bom(tmp_path):
    """case 9: a notebook table (`report.save_table`) is UTF-8 with BOM and formula-safe; the returned frame is
    the original."""
    df = pd.DataFrame({"article_id": [FORMULA_NAME, "b"], "sentence": ["- Chúng tôi ủng hộ Công ước.", "Hà Nội"],
                       "count": [-3, 2]})
    shown = save_table(df, "statements", tmp_path)
    assert shown.equals(df)
    data = (tmp_path / "tables" / "statements.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = _cells(data.decode("utf-8-sig"))
    _assert_safe([r[:2] for r in rows])
    assert rows[1] == ["'" + FORMULA_NAME, "'- Chúng tôi ủng hộ Công ước.", "-3"]  # numbers stay numbers


def test_findings_page_reads_original_values(tmp_path):
    """case 9: the findings page reads the saved (protected) tables back as the values the notebooks had."""
    freq = pd.DataFrame({"term": ["+ lễ", "=SUM(A1)", "công ước"], "count": [5, 4, 3],
                         "per_10k": [50.0, 40.0, 30.0], "doc_freq": [1, 1, 2]})
    write_csv(freq, tmp_path / "02-term-frequency" / "tables" / "frequencies.csv")  # as save_table writes it
    page = findings_html(tmp_path)
    assert "<span lang='vi'>+ lễ</span>" in page and "=SUM(A1)" in page
    assert "&#x27;+ lễ" not in page and "'=SUM" not in page


def test_terms_rejects_unknown_pos_tag_before_loading(tmp_path):
    """case 7: `--pos n` (or any unknown tag) is one clear line listing the known tags, non-zero exit."""
    for pos in ("n", "N,Xyz"):
        code, out, err = _cli(["terms", str(CORPUS), "--pos", pos, "--cache", str(tmp_path)])
        assert code != 0 and out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "unknown POS tag" in lines[0] and "Np" in lines[0] and "CH" in lines[0]
    assert not any(tmp_path.iterdir())  # refused before the corpus is processed
    with pytest.raises(ValueError, match="unknown POS tag 'Nn'"):
        terms.frequencies(from_texts({"a": "Hà Nội đón các đoàn đại biểu."}), pos="N,Nn")


@pytest.mark.parametrize("top", ["0", "-5"])
def test_terms_rejects_non_positive_top(tmp_path, top):
    """case 7: `--top 0` or negative is a clear error, not the whole table."""
    code, out, err = _cli(["terms", str(CORPUS), "--top", top, "--cache", str(tmp_path)])
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1 and "--top" in err
    with pytest.raises(ValueError, match="top"):
        terms.frequencies(from_texts({"a": "Hà Nội đón các đoàn đại biểu."}), top=0)


def test_notebook_parameter_values_are_checked():
    """case 7: notebook parameter values (POS tags, level, top_n, group_by) are checked like their names."""
    with pytest.raises(ValueError) as e:
        check_params(pos="n", top_n=0, level="letters", group_by="country")
    message = str(e.value)
    assert "unknown POS tag 'n'" in message and "'top_n' must be positive" in message
    assert "'level' must be one of" in message and "'group_by' must be one of" in message
    assert check_params(pos="N,Np", top_n=5)["pos"] == "N,Np"


def test_keyness_target_outlet_not_in_corpus(hostile_corpus):
    """case 7: keyness_target outlet=Nope names the known outlets instead of an empty table."""
    import vnpress

    wb = vnpress.load(hostile_corpus, None, workers=1)
    with pytest.raises(ValueError, match=r"no article of outlet 'Nope' \(outlets: @Tuổi Trẻ, VnExpress\)"):
        terms.split_groups(wb, "outlet=Nope")
    ids, _ = terms.split_groups(wb, "outlet=VnExpress")
    assert ids == {"b"}


def test_kwic_without_hits_says_so(hostile_corpus, tmp_path):
    """case 7: a concordance query with no hits prints a line on stderr (not a silent empty table)."""
    code, out, err = _cli(["kwic", str(hostile_corpus), "Liên minh châu Âu", "--format", "csv",
                           "--cache", str(tmp_path)])
    assert code == 0 and out.strip() == "article_id,sentence_id,left,match,right"
    assert "no occurrence of 'Liên minh châu Âu'" in err


def test_kwic_ignores_case_and_all_diacritics():
    """case 7: `chu quyen` finds `chủ quyền` and `Dong Nam A` finds `Đông Nam Á`, as the help promises."""
    wb = from_texts({"a": "Việt Nam bảo vệ chủ quyền ở khu vực Đông Nam Á. CHỦ QUYỀN là thiêng liêng."})
    assert terms.kwic(wb, "chu quyen")["match"].tolist() == ["chủ quyền", "CHỦ QUYỀN"]
    assert terms.kwic(wb, "Dong Nam A")["match"].tolist() == ["Đông Nam Á"]
    assert terms.kwic(wb, "đông nam á")["match"].tolist() == ["Đông Nam Á"]
    code, out, _ = _cli(["kwic", str(CORPUS), "chu quyen", "--format", "json", "--cache", ""])
    assert code == 0 and len(json.loads(out)) == 8  # as many as `chủ quyền` (test_terms)


def test_case_variants_are_one_term(seed_wb):
    """case 7: `Lễ` (tagged Np at a sentence start) and `lễ` are one term, shown in its most frequent form."""
    f = terms.frequencies(seed_wb).set_index("term")
    assert f.loc["lễ", "count"] == 17 and "Lễ" not in f.index  # 11 + 3 (N) + 3 (Np)
    assert f.loc["Hà Nội", "count"] == 24 and "hà nội" not in f.index
    assert f.loc["Thụy Sĩ", "count"] == 3 and "thụy sĩ" not in f.index
    wb = from_texts({"a": "Lễ ký diễn ra tại Hà Nội. Buổi lễ kết thúc. Nhiều đoàn dự lễ ký."})
    counts = terms.frequencies(wb).set_index("term")["count"]
    assert counts["lễ"] == 3 and "Lễ" not in counts.index


def test_run_reports_keyness_outlet_not_in_corpus(hostile_corpus, tmp_path):
    """case 7: `vnpress run -p keyness_target outlet=Nope` fails notebook 02 with the reason, naming the outlets
    (it reported ok with an empty keyness table)."""
    code, _, err = _cli(["run", "--corpus", str(hostile_corpus), "--out", str(tmp_path), "--only",
                         "02-term-frequency", "-p", "keyness_target", "outlet=Nope", "-p", "cache_dir", ""])
    assert code == 1
    assert "notebook 02-term-frequency failed" in err
    assert "ValueError: keyness target: no article of outlet 'Nope' (outlets: @Tuổi Trẻ, VnExpress)" in err


def test_notebook_notes_queries_without_hits_and_saves_safe_tables(hostile_corpus, tmp_path):
    """cases 7 and 9: notebook 02 says which concordance query has no hit, finds `chu quyen`-style queries without
    diacritics, and its saved tables are formula-safe with a BOM."""
    code, out, err = _cli(["run", "--corpus", str(hostile_corpus), "--out", str(tmp_path), "--only",
                           "02-term-frequency", "-p", "kwic_terms", "cong uoc,Liên minh châu Âu",
                           "-p", "cache_dir", ""])
    assert code == 0, err
    run_dir = Path(out.strip().splitlines()[-1]).parent
    page = (run_dir / "02-term-frequency.html").read_text(encoding="utf-8")
    assert "No occurrence of Liên minh châu Âu in the corpus (case and diacritics ignored)." in page
    data = (run_dir / "02-term-frequency" / "tables" / "kwic.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = _cells(data.decode("utf-8-sig"))
    _assert_safe(rows)
    assert {r[3] for r in rows[1:]} == {"Công ước"} and f"'{FORMULA_NAME}" in {r[0] for r in rows[1:]}
