"""Behavioural challenge set (CheckList style) for statements, acts and stance.

The cases live in `tests/challenge/stance*.yaml` (format: `tests/challenge/README.md`). All texts are processed in
one workbook (`vnpress.processing.workbook.from_texts`, article id = case id); `vnpress.analyses.statements.extract(wb)` and
`vnpress.analyses.stance.stance_by_article(wb)` are run once and every case is checked against them:

- `expect.stance`: for each actor (ISO alpha-2, `EU`, or `org:<id>`) the stance row of that article must carry the
  label; `absent` means there must be no row for that actor in that article;
- `expect.statements`: for each entry, some statement row of that article must match every key given (`iso` and
  `kind` exactly; `speaker`, `verb`, `content` as case-insensitive substrings).

Every case not marked `known_failure` must pass; known failures are reported, and listed as "now passing" when they
pass. Pass rates per capability, per type (MFT/INV/DIR) and overall are printed (`pytest -s`). Until
`vnpress.analyses.statements` exists the check is skipped. `python tests/test_challenge_stance.py` prints the same table
with whatever exists (no statements module: every statement expectation fails).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest
import yaml

CHALLENGE = Path(__file__).parent / "challenge"

CAPABILITIES = {
    "quote_before", "quote_after", "quote_across", "reported_speech", "theo_x", "appositive_speaker", "coreference",
    "act_sign", "act_sign_list", "act_host", "act_ratify", "act_adopt_vote", "act_call", "act_negative",
    "praise", "criticism", "conditional", "organizations", "vietnam_official", "neutral_mention", "lookalike",
    "inv_country_swap", "inv_name_swap", "inv_tone_marks", "inv_quote_marks", "dir_negation", "dir_condition",
    "dir_concession", "guest_list", "org_names",
}
TYPES = {"MFT", "INV", "DIR"}
LABELS = {"support", "conditional", "oppose", "neutral", "absent"}
ORGS = {"un", "un_secretary_general", "unodc", "un_general_assembly", "un_adhoc", "un_ola", "un_human_rights",
        "eu_commission", "asean",
        "interpol", "microsoft", "google", "meta", "hrw", "amnesty", "eff", "article19", "access_now",
        "cybersecurity_tech_accord", "icc"}
KINDS = {"quote", "reported", "act"}
STATEMENT_KEYS = {"iso", "kind", "speaker", "verb", "content"}
EXACT_KEYS = {"iso", "kind"}
CASE_KEYS = {"id", "capability", "type", "group", "text", "expect", "known_failure"}
ISO = re.compile(r"^[A-Z]{2}$")
SLUG = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


def load_cases(folder: Path = CHALLENGE) -> list[dict]:
    """All cases of `folder/stance*.yaml`, in file order, each with `_file` added."""
    cases = []
    for path in sorted(folder.glob("stance*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cases.append({**case, "_file": path.name})
    return cases


def _actor_ok(actor: str, capability: str) -> bool:
    if actor.startswith("org:"):  # a slug of a name not in the gazetteer only where the capability is about them
        return actor[4:] in ORGS or (capability == "org_names" and bool(SLUG.match(actor[4:])))
    return bool(ISO.match(actor))


def validate(cases: list[dict]) -> list[str]:
    """Problems with the case files (empty list = valid)."""
    problems = []
    ids = Counter(c.get("id") for c in cases)
    problems += [f"duplicate id {i} ({n}x)" for i, n in ids.items() if n > 1]
    groups: dict[tuple, list[str]] = defaultdict(list)
    for c in cases:
        cid = c.get("id", "?")
        extra = set(c) - CASE_KEYS - {"_file"}
        if extra:
            problems.append(f"{cid}: unknown keys {sorted(extra)}")
        if c.get("capability") not in CAPABILITIES:
            problems.append(f"{cid}: unknown capability {c.get('capability')!r}")
        if c.get("type") not in TYPES:
            problems.append(f"{cid}: unknown type {c.get('type')!r}")
        if not isinstance(c.get("text"), str) or not c["text"].strip():
            problems.append(f"{cid}: empty text")
        expect = c.get("expect") or {}
        if set(expect) - {"stance", "statements"}:
            problems.append(f"{cid}: unknown expect keys {sorted(set(expect) - {'stance', 'statements'})}")
        stance = expect.get("stance") or {}
        if not stance:
            problems.append(f"{cid}: no expected stance")
        for actor, label in stance.items():
            if not _actor_ok(str(actor), c.get("capability", "")):
                problems.append(f"{cid}: bad actor {actor!r}")
            if label not in LABELS:
                problems.append(f"{cid}: bad label {label!r} for {actor}")
        for entry in expect.get("statements") or []:
            if not isinstance(entry, dict) or not entry or set(entry) - STATEMENT_KEYS:
                problems.append(f"{cid}: bad statements entry {entry!r}")
                continue
            if "iso" in entry and not _actor_ok(str(entry["iso"]), c.get("capability", "")):
                problems.append(f"{cid}: bad statements iso {entry['iso']!r}")
            if "kind" in entry and entry["kind"] not in KINDS:
                problems.append(f"{cid}: bad statements kind {entry['kind']!r}")
        if c.get("type") in ("INV", "DIR"):
            if not c.get("group"):
                problems.append(f"{cid}: {c.get('type')} case without group")
            else:
                groups[(c["type"], c["group"])].append(cid)
        if "known_failure" in c and not str(c["known_failure"] or "").strip():
            problems.append(f"{cid}: known_failure needs a reason")
    problems += [f"group {g} ({t}) has only {ids_}" for (t, g), ids_ in groups.items() if len(ids_) < 2]
    return problems


def _norm(s) -> str:
    return unicodedata.normalize("NFC", str(s)).casefold().strip()


def _row_matches(row: dict, entry: dict) -> bool:
    for key, want in entry.items():
        if key not in row:
            return False
        have = row[key]
        if key in EXACT_KEYS:
            if str(have) != str(want):
                return False
        elif _norm(want) not in _norm(have):
            return False
    return True


def check_case(case: dict, stance_rows: dict, statement_rows: dict) -> list[str]:
    """Failure messages for one case (empty = pass). stance_rows: {(article_id, iso): stance};
    statement_rows: {article_id: [row dict, ...]}."""
    cid, expect, fails = case["id"], case.get("expect") or {}, []
    for actor, want in (expect.get("stance") or {}).items():
        have = stance_rows.get((cid, str(actor)))
        if want == "absent":
            if have is not None:
                fails.append(f"{actor}: expected absent, got {have}")
        elif have != want:
            fails.append(f"{actor}: expected {want}, got {have or 'absent'}")
    rows = statement_rows.get(cid, [])
    for entry in expect.get("statements") or []:
        if not any(_row_matches(r, entry) for r in rows):
            fails.append(f"no statement matching {entry}")
    return fails


def run(cases: list[dict], stance_df: pd.DataFrame, statements_df: pd.DataFrame | None) -> dict[str, list[str]]:
    """{case id: failure messages} for every case."""
    stance_rows = {}
    for r in stance_df.itertuples(index=False):
        stance_rows.setdefault((str(r.article_id), str(r.iso)), str(r.stance))
    statement_rows: dict[str, list[dict]] = defaultdict(list)
    if statements_df is not None and len(statements_df):
        for r in statements_df.to_dict("records"):
            statement_rows[str(r["article_id"])].append(r)
    return {c["id"]: check_case(c, stance_rows, statement_rows) for c in cases}


def report(cases: list[dict], results: dict[str, list[str]]) -> str:
    """Pass rates per capability, per type and overall, with failing ids, and the known failures."""
    def block(title: str, key) -> list[str]:
        by: dict[str, list[dict]] = defaultdict(list)
        for c in cases:
            by[key(c)].append(c)
        lines = [f"{title:<20} {'cases':>5} {'pass':>5} {'rate':>6}  failing"]
        for name in sorted(by):
            cs = by[name]
            failing = [c["id"] for c in cs if results[c["id"]]]
            lines.append(f"{name:<20} {len(cs):>5} {len(cs) - len(failing):>5} {1 - len(failing) / len(cs):>6.0%}  "
                         + " ".join(failing))
        return lines

    n_fail = sum(1 for c in cases if results[c["id"]])
    lines = ["", "challenge set: statements, acts and stance"]
    lines += block("capability", lambda c: c["capability"]) + [""]
    lines += block("type", lambda c: c["type"]) + [""]
    lines.append(f"{'overall':<20} {len(cases):>5} {len(cases) - n_fail:>5} {1 - n_fail / max(len(cases), 1):>6.0%}")
    known = [c for c in cases if "known_failure" in c]
    if known:
        now = [c["id"] for c in known if not results[c["id"]]]
        lines.append(f"known failures: {len(known)} (still failing {len(known) - len(now)}); now passing: "
                     + (" ".join(now) or "none"))
    lines.append("")
    lines.append("failures:")
    for c in cases:
        if results[c["id"]]:
            tag = " [known]" if "known_failure" in c else ""
            lines.append(f"  {c['id']}{tag}: " + "; ".join(results[c["id"]]))
    return "\n".join(lines)


def compute(cases: list[dict], with_statements: bool = True) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Process every case text in one workbook; (stance by article, statements or None)."""
    from vnpress.analyses import stance
    from vnpress.processing.workbook import from_texts

    wb = from_texts({c["id"]: c["text"] for c in cases})
    statements_df = None
    if with_statements:
        from vnpress.analyses import statements
        statements_df = statements.extract(wb)
    return stance.stance_by_article(wb), statements_df


# ---------------------------------------------------------------- tests

def test_challenge_files_are_valid():
    cases = load_cases()
    assert cases, f"no cases in {CHALLENGE}/stance*.yaml"
    problems = validate(cases)
    assert not problems, "\n".join(problems)


def test_challenge_stance():
    pytest.importorskip("vnpress.analyses.statements", reason="vnpress.analyses.statements (statements and acts) does not exist yet")
    cases = load_cases()
    stance_df, statements_df = compute(cases)
    results = run(cases, stance_df, statements_df)
    print(report(cases, results))
    unexpected = [c["id"] for c in cases if results[c["id"]] and "known_failure" not in c]
    assert not unexpected, f"{len(unexpected)} challenge cases fail (not marked known_failure):\n" + "\n".join(
        f"{i}: {'; '.join(results[i])}" for i in unexpected)


if __name__ == "__main__":
    import importlib.util

    all_cases = load_cases()
    has_statements = importlib.util.find_spec("vnpress.analyses.statements") is not None
    if not has_statements:
        print("vnpress.analyses.statements not found: stance only, every statement expectation fails")
    s_df, st_df = compute(all_cases, with_statements=has_statements)
    print(report(all_cases, run(all_cases, s_df, st_df)))
