import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest
from conftest import CORPUS

from vnpress.cli import main
from vnpress.validation import coding

A0, A2, A3 = "000_d7346cd5211a200f", "002_e46f340304d81593", "003_7afc3c7c88a3f9b6"

# The hand table. Eight seed rows, the machine's label, and coder "ana"'s label (S support, C conditional,
# N neutral):
#   row  article iso  machine  ana   binh
#   1    002     ID   S        C     C
#   2    000     IR   C        C     C
#   3    000     VN   S        S     S
#   4    002     JP   C        C     S
#   5    000     CN   C        S     C
#   6    002     CH   C        N
#   7    002     KR   S        S
#   8    003     EU   S        S
ROWS = [(A2, "ID", "support", "conditional", "conditional"), (A0, "IR", "conditional", "conditional", "conditional"),
        (A0, "VN", "support", "support", "support"), (A2, "JP", "conditional", "conditional", "support"),
        (A0, "CN", "conditional", "support", "conditional"), (A2, "CH", "conditional", "neutral", None),
        (A2, "KR", "support", "support", None), (A3, "EU", "support", "support", None)]
# Machine vs ana, 8 rows: agreement on rows 2,3,4,7,8 → p_o = 5/8.
# Marginals: machine S 4, C 4, N 0; ana S 4, C 3, N 1 → p_e = (4·4 + 4·3 + 0·1) / 8² = 28/64.
# kappa = (40/64 − 28/64) / (1 − 28/64) = 12/36 = 1/3.
# precision support: machine S on rows 1,3,7,8, ana S on 3 of them → 3/4; recall support: ana S on rows 3,5,7,8,
# machine S on 3,7,8 → 3/4; precision conditional: machine C on rows 2,4,5,6, ana C on 2,4 → 2/4; recall
# conditional: ana C on rows 1,2,4, machine C on 2,4 → 2/3; recall neutral: ana N on row 6, machine C → 0/1.
HAND_MACHINE = {"accuracy (machine vs coded)": 5 / 8, "kappa (machine vs coded)": 1 / 3,
                "precision support": 3 / 4, "recall support": 3 / 4, "precision conditional": 2 / 4,
                "recall conditional": 2 / 3, "recall neutral": 0.0}
# Frames coded by ana on two rows: 000 VN sovereignty;cooperation;multilateralism vs the machine's
# implementation;multilateralism;sovereignty;cooperation;digital_trust (3 shared; machine 5, ana 3), 003 EU
# implementation vs the machine's implementation (1 shared; machine 1, ana 1). precision = 4/6 = 2/3,
# recall = 4/4, F1 = 2·(2/3)·1 / (2/3 + 1) = (4/3) / (5/3) = 4/5.
ANA_FRAMES = {(A0, "VN"): "sovereignty;cooperation;multilateralism", (A3, "EU"): "implementation"}
MACHINE_FRAMES = {(A0, "VN"): "implementation;multilateralism;sovereignty;cooperation;digital_trust",
                  (A3, "EU"): "implementation"}
# ana vs binh on rows 1–5: ana C C S C S, binh C C S S C → p_o = 3/5; marginals C 3, S 2 for both →
# p_e = (3·3 + 2·2)/25 = 13/25; kappa = (15/25 − 13/25) / (12/25) = 1/6.
# Krippendorff's alpha (nominal): 10 pairable values; coincidences o_CC = 4, o_SS = 2, o_CS + o_SC = 4;
# n_C = 6, n_S = 4; alpha = 1 − (n − 1)·(o_CS + o_SC) / (2·n_C·n_S) = 1 − 9·4/48 = 0.25.
# With binh, rows 4 and 5 are disputed; machine vs consensus on rows 1,2,3,6,7,8 agrees on 2,3,7,8 → 4/6.


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _measures(corpus, cache):
    code, out, err = _run(["agreement", str(corpus), "--format", "json", "--cache", cache])
    return code, {r["measure"]: r for r in json.loads(out)}, err


def _by_article(corpus, cache):
    code, out, err = _run(["stance", str(corpus), "--by", "article", "--format", "json", "--cache", cache])
    return code, {(r["article_id"], r["iso"]): r for r in json.loads(out)}, err


def _synthetic(labels: list[str], types: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"article_id": [f"a{i:02d}" for i in range(len(labels))], "iso": ["VN"] * len(labels),
                         "name": "Việt Nam", "stance": labels, "confidence": 0.5, "frames": "", "cues": "",
                         "evidence": "", "actor_type": types})


def test_sample_is_reproducible_and_covers_every_label_and_actor_type():
    labels = ["support"] * 12 + ["conditional"] * 4 + ["oppose", "neutral", "neutral", "support"]
    units = _synthetic(labels, ["country"] * 19 + ["organization"])
    sheets = [coding.coding_sheet(units, n=6, seed=s) for s in (1, 1, 2)]
    assert list(sheets[0].columns) == coding.SHEET_COLUMNS and len(sheets[0]) == 6
    assert sheets[0].equals(sheets[1]) and not sheets[0].equals(sheets[2])
    for sheet in sheets:
        assert set(sheet["machine_stance"]) == set(coding.STANCES)
        assert set(sheet["actor_type"]) == {"country", "organization"}
        assert (sheet[["stance", "frames", "coder", "note"]] == "").all().all()
    assert len(coding.coding_sheet(units)) == 20


def test_actor_type_defaults_from_iso():
    frame = pd.DataFrame({"iso": ["VN", "org:unodc"]})
    assert coding.with_actor_type(frame)["actor_type"].tolist() == ["country", "organization"]


def test_kappa_and_alpha_on_the_hand_tables():
    machine = [r[2] for r in ROWS]
    ana = [r[3] for r in ROWS]
    assert coding.cohen_kappa(machine, ana) == pytest.approx(1 / 3)
    binh = [r[4] for r in ROWS[:5]]
    assert coding.cohen_kappa(ana[:5], binh) == pytest.approx(1 / 6)
    codes = pd.DataFrame([(c, a, i, s) for a, i, _, x, y in ROWS for c, s in (("ana", x), ("binh", y)) if s],
                         columns=["coder", "article_id", "iso", "stance"])
    alpha, units = coding.krippendorff_alpha(codes)
    assert alpha == pytest.approx(0.25) and units == 5


def _write_codes(path, rows, encoding="utf-8-sig"):
    frame = pd.DataFrame(rows, columns=["article_id", "iso", "stance", "frames", "coder", "note"])
    frame.to_csv(path, index=False, encoding=encoding)


def test_coding_loop_on_the_seed_corpus(tmp_path, seed_wb):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    cache = str(seed_wb.cache_dir)

    # 1. export: a reproducible stratified sample, and the full sheet, UTF-8 with BOM
    code, out, err = _run(["code", str(corpus), "--sample", "4", "--seed", "7", "--order", "stratified",
                           "--out", str(tmp_path / "s.csv"), "--cache", cache])
    assert code == 0, err
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    sample = pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig", keep_default_na=False)
    assert len(sample) == 4 and set(sample["machine_stance"]) == {"support", "conditional", "neutral"}
    assert _run(["code", str(corpus), "--sample", "4", "--seed", "7", "--order", "stratified", "--cache", cache])[1] == \
        sample.to_csv(index=False)
    assert _run(["code", str(corpus), "--out", str(tmp_path / "all.csv"), "--cache", cache])[0] == 0
    sheet = pd.read_csv(tmp_path / "all.csv", encoding="utf-8-sig", keep_default_na=False).set_index(["article_id", "iso"])
    for article_id, iso, machine, _, _ in ROWS:  # the hand table assumes these machine labels
        assert sheet.loc[(article_id, iso), "machine_stance"] == machine, (article_id, iso)
    for key, frames in MACHINE_FRAMES.items():
        assert sheet.loc[key, "machine_frames"] == frames, key

    # 2. ana fills the sheet (keeping its columns), plus four bad rows; three malformed files
    (corpus / "codes").mkdir()
    filled = sheet.copy()
    for article_id, iso, _, label, _ in ROWS:
        filled.loc[(article_id, iso), ["stance", "frames"]] = [label, ANA_FRAMES.get((article_id, iso), "")]
    bad = pd.DataFrame([(A0, "VN", "ủng hộ", ""), (A2, "KR", "support", "privacy"), ("999_missing", "VN", "support", ""),
                        (A0, "XX", "support", "")], columns=["article_id", "iso", "stance", "frames"])
    filled = pd.concat([filled.reset_index(), bad], ignore_index=True)
    filled.to_csv(corpus / "codes" / "ana.csv", index=False, encoding="utf-8-sig")
    (corpus / "codes" / "sheet.xlsx").write_bytes(b"PK\x03\x04\x00\x00")
    _write_codes(corpus / "codes" / "legacy.csv", [(A0, "VN", "support", "", "cuong", "chú")], "cp1258")
    (corpus / "codes" / "short.csv").write_text("article_id,iso,label\n000,VN,support\n", encoding="utf-8")

    # 3. re-run: coded rows override, machine labels beside them, problems reported and skipped
    code, rows, err = _by_article(corpus, cache)
    assert code == 1
    lines = err.strip().splitlines()
    ana = corpus / "codes" / "ana.csv"
    first_bad = len(sheet) + 2  # header is line 1
    assert f"error: {ana}:{first_bad}: unknown stance 'ủng hộ'" in err
    assert f"error: {ana}:{first_bad + 1}: unknown frame(s) privacy" in err
    assert f"error: {ana}:{first_bad + 2}: unknown article '999_missing'" in err
    assert f"error: {ana}:{first_bad + 3}: unknown actor 'XX'" in err
    assert f"{corpus / 'codes' / 'sheet.xlsx'}: not a .csv file" in err
    assert f"{corpus / 'codes' / 'legacy.csv'}: not UTF-8" in err
    assert f"{corpus / 'codes' / 'short.csv'}: missing column(s) stance, frames, coder, note" in err
    assert len(lines) == 7
    assert len(rows) == len(sheet)
    id_ = rows[(A2, "ID")]
    assert (id_["stance"], id_["source"], id_["machine_stance"], id_["coded"]) == \
        ("conditional", "coded", "support", "ana:conditional")
    vn = rows[(A0, "VN")]
    assert vn["frames"] == ANA_FRAMES[(A0, "VN")] and vn["machine_frames"] == MACHINE_FRAMES[(A0, "VN")]
    assert rows[(A2, "KR")]["frames"] == sheet.loc[(A2, "KR"), "machine_frames"]  # frames not coded: machine's
    assert rows[(A2, "MY")]["source"] == "machine" and rows[(A2, "MY")]["coded"] == ""
    assert sum(r["source"] == "coded" for r in rows.values()) == 8

    code, out, err = _run(["stance", str(corpus), "--by", "country", "--format", "json", "--cache", cache])
    by_country = {r["iso"]: r for r in json.loads(out)}
    assert by_country["CH"]["stance"] == "neutral" and by_country["CH"]["sources"] == "coded:1"
    assert by_country["ID"]["stance"] == "conditional"
    assert by_country["VN"]["sources"] == "machine:3;coded:1"

    code, m, err = _measures(corpus, cache)
    assert m["coded rows"]["value"] == 8 and m["coders"]["value"] == 1
    for measure, value in HAND_MACHINE.items():
        assert m[measure]["value"] == round(value, 3), measure
    assert m["precision neutral"]["value"] is None and m["precision neutral"]["n"] == 0
    assert m["frames F1 (machine vs coded)"]["value"] == pytest.approx(4 / 5, abs=1e-3)
    assert m["frames precision (machine vs coded)"]["n"] == 6

    # 4. a second coder on rows 1–5: alpha and kappa between coders, disputed rows
    _write_codes(corpus / "codes" / "binh.csv", [(a, i, b, "", "", "") for a, i, _, _, b in ROWS[:5]])
    code, m, err = _measures(corpus, cache)
    assert m["alpha (Krippendorff, nominal, between coders)"]["value"] == 0.25
    assert m["alpha (Krippendorff, nominal, between coders)"]["n"] == 5
    assert m["kappa ana vs binh"]["value"] == round(1 / 6, 3) and m["kappa ana vs binh"]["n"] == 5
    assert m["disputed rows"]["value"] == 2
    assert m["accuracy (machine vs coded)"]["value"] == round(4 / 6, 3)
    code, rows, err = _by_article(corpus, cache)
    jp = rows[(A2, "JP")]
    assert (jp["source"], jp["stance"], jp["coded"]) == ("disputed", "conditional", "ana:conditional;binh:support")
    assert rows[(A0, "CN")]["source"] == "disputed" and rows[(A2, "ID")]["source"] == "coded"


def test_disagreements_and_confusion_show_where_the_rules_fail():
    machine = pd.DataFrame({"article_id": ["a", "a", "b"], "iso": ["VN", "CN", "VN"], "name": ["Việt Nam",
                            "Trung Quốc", "Việt Nam"], "stance": ["support", "neutral", "support"],
                            "confidence": 0.5, "frames": "", "cues": ["support:ủng hộ", "", ""],
                            "evidence": ["Việt Nam ủng hộ.", "Trung Quốc nói.", "x"]})
    codes = pd.DataFrame([("f", 2, "ana", "a", "VN", "", "support", None, ""),
                          ("f", 3, "ana", "a", "CN", "", "oppose", None, "chống"),
                          ("f", 4, "ana", "a", "US", "", "oppose", None, ""),
                          ("g", 2, "binh", "b", "VN", "", "neutral", None, ""),
                          ("f", 5, "ana", "b", "VN", "", "support", None, "")], columns=coding.CODE_COLUMNS)
    found = coding.disagreements(machine, codes).set_index("iso")
    assert list(found.columns) == coding.DISAGREEMENT_COLUMNS[:1] + coding.DISAGREEMENT_COLUMNS[2:]
    assert found.loc["CN", "kind"] == "machine_vs_coded" and found.loc["CN", "evidence"] == "Trung Quốc nói."
    assert found.loc["US", "kind"] == "missed_actor" and found.loc["US", "name"] == "Hoa Kỳ"
    assert found.loc["VN", "kind"] == "coders" and found.loc["VN", "coded"] == "ana:support;binh:neutral"
    table = coding.confusion(machine, codes).set_index(["machine", "human"])["n"]
    assert len(table) == 16 and table.sum() == 2
    assert table[("support", "support")] == 1 and table[("neutral", "oppose")] == 1
