"""Issue 25, the coding half: sheets that are never overwritten or half-written, codes files that survive a stray
quote, later codes that supersede earlier ones, statement sheets, formula-safe cells (cases 2, 3, 5, 9, 10)."""

import errno
import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest
from conftest import CORPUS

import vnpress
from vnpress.cli import main
from vnpress.validation import coding

A2 = "002_e46f340304d81593"
CODE_HEADER = ["article_id", "iso", "stance", "frames", "coder", "note"]
# A small article of our own: a file name a spreadsheet would run as a formula, an interview line starting "- ".
FORMULA_ID = "=HYPERLINK(1)"
ARTICLE = ("Hà Nội ký Công ước về chống tội phạm mạng\n\n"
           "Ngày 25/10, Bộ trưởng Ngoại giao Nhật Bản cho biết Nhật Bản ủng hộ Công ước Hà Nội "
           "về chống tội phạm mạng.\n"
           "- Chúng tôi ủng hộ Công ước Hà Nội vì hợp tác quốc tế, ông Tanaka, đại diện Nhật Bản, nói.\n"
           "Đại diện Hàn Quốc cho biết Hàn Quốc sẽ ký Công ước nếu các quyền con người được bảo đảm.\n")


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def seed_copy(tmp_path, seed_wb):
    """A copy of the seed corpus and the session's cache folder."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus, str(seed_wb.cache_dir)


@pytest.fixture(scope="module")
def formula_corpus(tmp_path_factory):
    """A one-article corpus whose id and an evidence sentence start with formula characters, and its cache."""
    root = tmp_path_factory.mktemp("formula")
    (root / "corpus").mkdir()
    (root / "corpus" / f"{FORMULA_ID}.txt").write_text(ARTICLE, encoding="utf-8")
    return root / "corpus", str(root / "cache")


def _sheet(corpus, cache, *extra):
    code, out, err = _run(["code", str(corpus), "--cache", cache, *extra])
    assert code == 0, err
    return pd.read_csv(io.StringIO(out), keep_default_na=False, dtype=str)


def _by_article(corpus, cache):
    code, out, err = _run(["stance", str(corpus), "--by", "article", "--format", "json", "--cache", cache])
    return code, {(r["article_id"], r["iso"]): r for r in json.loads(out)}, err


def _measures(corpus, cache):
    code, out, err = _run(["agreement", str(corpus), "--format", "json", "--cache", cache])
    return code, {r["measure"]: r for r in json.loads(out)}, err


def _write_plain(path, rows, delimiter=","):
    """A codes file written by hand, cells as they are (no quoting): how an editor saves a stray quote."""
    lines = [delimiter.join(CODE_HEADER)] + [delimiter.join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---- case 2: a filled sheet is never overwritten, a write is whole or not at all --------------------------

def test_code_out_refuses_to_overwrite_a_filled_sheet_without_force(seed_copy, tmp_path):
    """case 2: `code --out` over a sheet with a coder's cell stops with one line and exit 1; --force overwrites."""
    corpus, cache = seed_copy
    out = tmp_path / "sheet.csv"
    assert _run(["code", str(corpus), "--out", str(out), "--cache", cache])[0] == 0
    assert _run(["code", str(corpus), "--out", str(out), "--cache", cache, "--sample", "3"])[0] == 0  # blank: ok
    sheet = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert len(sheet) == 3
    sheet.loc[1, "note"] = "Nhật Bản ủng hộ có điều kiện, cần đọc lại"
    sheet.to_csv(out, index=False, encoding="utf-8-sig")
    filled = out.read_bytes()

    code, stdout, err = _run(["code", str(corpus), "--out", str(out), "--cache", cache])
    assert code == 1 and out.read_bytes() == filled
    assert err.strip().splitlines() == [f"error: {out}: has coded cells (stance, frames, coder or note); not "
                                        "overwritten (use --force to replace it, or choose another --out)"]
    code, stdout, err = _run(["code", str(corpus), "--out", str(out), "--cache", cache, "--force"])
    assert code == 0, err
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == len(_by_article(corpus, cache)[1])  # every machine row


def _full_disk(self, path_or_buf=None, *args, **kwargs):
    """DataFrame.to_csv on a disk that fills up half-way through the file."""
    text = pd.DataFrame.__dict__["_real_to_csv"](self, None, *args, **{k: v for k, v in kwargs.items()
                                                                         if k != "encoding"})
    with open(path_or_buf, "w", encoding="utf-8") as fh:
        fh.write(text[: len(text) // 2])
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_code_out_on_a_full_disk_keeps_the_old_sheet(seed_copy, tmp_path, monkeypatch):
    """case 2 and case 10: a full disk while writing the sheet gives one line and exit 1, no traceback; the old
    sheet stays whole and no temporary file is left."""
    corpus, cache = seed_copy
    out = tmp_path / "sheets" / "sheet.csv"
    assert _run(["code", str(corpus), "--out", str(out), "--cache", cache])[0] == 0
    before = out.read_bytes()
    _sheet(corpus, cache)  # the corpus is processed and cached before the disk fills up
    monkeypatch.setattr(pd.DataFrame, "_real_to_csv", pd.DataFrame.to_csv, raising=False)
    monkeypatch.setattr(pd.DataFrame, "to_csv", _full_disk)
    code, stdout, err = _run(["code", str(corpus), "--out", str(out), "--cache", cache, "--sample", "2"])
    assert code == 1
    assert err.strip().splitlines() == [f"error: {out}: cannot write the sheet: No space left on device; "
                                        "the file is unchanged"]
    assert out.read_bytes() == before
    assert os.listdir(out.parent) == ["sheet.csv"]


def test_code_to_a_full_stdout_gives_one_line(formula_corpus):
    """case 10: `vnpress code DIR > /dev/full` (a full disk behind stdout) gives one line, no traceback."""
    corpus, cache = formula_corpus
    assert _run(["code", str(corpus), "--cache", cache])[0] == 0
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "vnpress.cli", "code", str(corpus), "--cache", cache],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["error: <stdout>: cannot write the sheet: No space left on device"]


# ---- case 3: a stray quote in a codes file costs at most its row -----------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_stray_quote_in_a_note_costs_no_later_row(seed_copy, delimiter):
    """case 3: a note starting with `"` (never closed) in a codes file of every machine row: every row is read, the
    line is reported with file:line, and agreement counts them all."""
    corpus, cache = seed_copy
    sheet = _sheet(corpus, cache)
    n = len(_by_article(corpus, cache)[1])  # the seed corpus's (article, actor) rows
    assert len(sheet) == n > 10
    rows = [[a, i, s, "", "ana", ""] for a, i, s in zip(sheet["article_id"], sheet["iso"], sheet["machine_stance"])]
    rows[4][5] = '"Theo ông Tanaka thì Nhật Bản ủng hộ'
    (corpus / "codes").mkdir()
    path = corpus / "codes" / "ana.csv"
    _write_plain(path, rows, delimiter)

    codes, problems = coding.read_codes(corpus, sheet["iso"])
    assert len(codes) == n and codes["coder"].eq("ana").all()
    assert problems["file"].tolist() == [f"{path}:6"]
    assert "unbalanced quote" in problems["problem"].iloc[0]
    code, m, err = _measures(corpus, cache)
    assert code == 0, err
    assert m["coded rows"]["value"] == n and m["accuracy (machine vs coded)"]["value"] == 1.0
    assert m["accuracy (machine vs coded)"]["n"] == n


# ---- case 5: a later codes file supersedes -----------------------------------------------------------------

def test_later_codes_file_supersedes_the_same_coders_label(seed_copy):
    """case 5: ana corrects a label in a later file (ana-2.csv after ana.csv in name order, whatever the
    modification times): `stance` shows the correction, not 'disputed', and `agreement` scores it."""
    corpus, cache = seed_copy
    (corpus / "codes").mkdir()
    first, later = corpus / "codes" / "ana.csv", corpus / "codes" / "ana-2.csv"
    _write_plain(first, [[A2, "CH", "support", "", "ana", "ủng hộ"], [A2, "JP", "conditional", "", "ana", ""]])
    _write_plain(later, [[A2, "CH", "conditional", "", "ana", "sửa lại: có điều kiện"]])
    os.utime(later, (1_000_000_000, 1_000_000_000))  # older on disk: the name decides

    code, rows, err = _by_article(corpus, cache)
    ch = rows[(A2, "CH")]
    assert (ch["stance"], ch["source"], ch["coded"]) == ("conditional", "coded", "ana:conditional")
    assert rows[(A2, "JP")]["source"] == "coded"
    assert err.strip().splitlines() == [f"warning: {later}: supersedes 1 label(s) of {first} (same coder, article "
                                        "and actor; codes files are read in name order, the later one wins)"]
    assert code == 0
    code, m, err = _measures(corpus, cache)
    assert m["coded rows"]["value"] == 2 and m["disputed rows"]["value"] == 0
    assert m["accuracy (machine vs coded)"]["value"] == 1.0  # the machine says conditional for CH and JP


def test_natural_name_order_of_codes_files(seed_copy):
    """case 5: ana-10.csv is later than ana-9.csv (numbers in names compare as numbers)."""
    corpus, cache = seed_copy
    (corpus / "codes").mkdir()
    _write_plain(corpus / "codes" / "ana-9.csv", [[A2, "GB", "support", "", "ana", ""]])
    _write_plain(corpus / "codes" / "ana-10.csv", [[A2, "GB", "oppose", "", "ana", ""]])
    codes, problems = coding.read_codes(corpus)
    assert codes["stance"].tolist() == ["oppose"] and codes["file"].str.endswith("ana-10.csv").all()


# ---- case 10: statement sheets ----------------------------------------------------------------------------

def test_statement_sheet_has_statement_ids_and_evidence(seed_copy):
    """case 10: `code --by statement` (with and without --sample) gives one row per statement with an id and its
    sentence as evidence; the ids come back through codes files as statement-level codes."""
    corpus, cache = seed_copy
    sheet = _sheet(corpus, cache, "--by", "statement")
    assert list(sheet.columns[:3]) == ["article_id", "iso", "statement_id"]
    statements = vnpress.load(corpus, cache).analysis("statements")
    with_actor = int((statements["iso"].fillna("") != "").sum())  # one row per statement or act with an actor
    assert len(sheet) == with_actor > 50 and (sheet["evidence"] != "").all() and (sheet["statement_id"] != "").all()
    assert not sheet.duplicated(["article_id", "iso", "statement_id"]).any()
    assert set(sheet["machine_stance"]) <= set(coding.STANCES) and len(set(sheet["machine_stance"])) > 1
    sample = _sheet(corpus, cache, "--by", "statement", "--sample", "5", "--seed", "3")
    assert len(sample) == 5 and set(map(tuple, sample.values)) <= set(map(tuple, sheet.values))

    (corpus / "codes").mkdir()
    sample.assign(stance="neutral").to_csv(corpus / "codes" / "binh.csv", index=False)
    codes, problems = coding.read_codes(corpus, sheet["iso"])
    assert problems.empty and sorted(codes["statement_id"]) == sorted(sample["statement_id"])
    code, rows, err = _by_article(corpus, cache)
    assert all(r["source"] == "machine" for r in rows.values())  # statement codes do not override articles


# ---- case 9 (sheets and codes): formula cells ----------------------------------------------------------------

def test_sheet_cells_cannot_be_formulas_and_codes_read_back_the_original(formula_corpus, tmp_path):
    """case 9: ids and sentences starting with `=`, `-` are written with a leading `'`; a codes file saved from
    that sheet gives back the original id and note, and the code applies to its article."""
    corpus, cache = formula_corpus
    out = tmp_path / "sheet.csv"
    assert _run(["code", str(corpus), "--by", "statement", "--out", str(out), "--cache", cache])[0] == 0
    text = out.read_text(encoding="utf-8-sig")
    assert f"'{FORMULA_ID}" in text and "'- Chúng tôi ủng hộ" in text
    assert not any(line.startswith(FORMULA_ID) for line in text.splitlines())
    code, stdout, err = _run(["code", str(corpus), "--cache", cache])
    assert f"'{FORMULA_ID}" in stdout and f"\n{FORMULA_ID}" not in stdout

    codes_dir = corpus / "codes"
    codes_dir.mkdir(exist_ok=True)
    try:
        sheet = pd.read_csv(io.StringIO(stdout), keep_default_na=False, dtype=str)
        sheet = sheet.assign(stance="support", note="'- đúng, ông Tanaka nói rõ")
        sheet.to_csv(codes_dir / "ana.csv", index=False, encoding="utf-8-sig")
        codes, problems = coding.read_codes(corpus)
        assert problems.empty and set(codes["article_id"]) == {FORMULA_ID}
        assert set(codes["note"]) == {"- đúng, ông Tanaka nói rõ"}
        code, rows, err = _by_article(corpus, cache)
        assert rows[(FORMULA_ID, "KR")]["source"] == "coded" and rows[(FORMULA_ID, "KR")]["stance"] == "support"
    finally:
        shutil.rmtree(codes_dir)


def test_code_with_a_full_disk_under_the_cache_gives_one_line(tmp_path, monkeypatch):
    """case 10: a full disk while `code` caches the corpus: one line naming the problem, exit 1, no sheet."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bai-1.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "sheet.csv"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "cache" / "part.parquet"))

    monkeypatch.setattr("pyarrow.parquet.write_table", full)
    code, stdout, err = _run(["code", str(corpus), "--out", str(out), "--cache", str(tmp_path / "cache"),
                              "--workers", "1"])
    assert code == 1 and not out.exists()
    assert err.strip().splitlines() == [f"error: {tmp_path / 'cache' / 'part.parquet'}: cannot process the corpus: "
                                        "No space left on device; no sheet written"]


@pytest.mark.parametrize("command", [["stance", "--by", "country"], ["timeline"], ["countries"]])
def test_a_full_disk_under_the_cache_gives_one_line_for_every_table_command(tmp_path, monkeypatch, command):
    """case 10: `vnpress stance` (and every table command) on a full disk: one line naming the file, exit 1."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bai-1.txt").write_text(ARTICLE, encoding="utf-8")
    shard = str(tmp_path / "cache" / "part.parquet")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), shard)

    monkeypatch.setattr("pyarrow.parquet.write_table", full)
    code, stdout, err = _run([command[0], str(corpus), *command[1:], "--cache", str(tmp_path / "cache"),
                              "--workers", "1"])
    assert code == 1 and stdout == ""
    assert err.strip().splitlines() == [f"error: {shard}: No space left on device"]
