"""Challenge set for topic profiles (`tests/challenge/profiles.yaml`): each case is analysed with the profile it
names (all cases of one profile in one workbook) and checked like the stance set (`test_challenge_stance`). Pass
rates per capability and type are printed (`pytest -s`); a failing case not marked `known_failure` fails the test."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import yaml
from test_challenge_stance import CASE_KEYS, CHALLENGE, LABELS, TYPES, _actor_ok, report, run

from vnpress.analyses import statements
from vnpress.data import profile
from vnpress.processing.workbook import from_texts

CAPABILITIES = {"act_leave", "act_refuse_join", "act_apply_join", "act_rejoin", "act_consider", "target_names",
                "other_treaty", "historic_rights", "inv_country_swap", "org_names"}


def load() -> list[dict]:
    return yaml.safe_load((CHALLENGE / "profiles.yaml").read_text(encoding="utf-8"))


def problems(cases: list[dict]) -> list[str]:
    """What is wrong with the case file (empty list: valid)."""
    out, groups = [], defaultdict(list)
    for c in cases:
        cid = c.get("id", "?")
        if set(c) - CASE_KEYS - {"profile"}:
            out.append(f"{cid}: unknown keys {sorted(set(c) - CASE_KEYS - {'profile'})}")
        if c.get("capability") not in CAPABILITIES or c.get("type") not in TYPES:
            out.append(f"{cid}: capability or type unknown")
        if c.get("profile") not in profile.available():
            out.append(f"{cid}: unknown profile {c.get('profile')!r}")
        stances = (c.get("expect") or {}).get("stance") or {}
        if not stances or any(not _actor_ok(str(a), c.get("capability", "")) or v not in LABELS
                              for a, v in stances.items()):
            out.append(f"{cid}: bad expected stance {stances}")
        if c.get("type") in ("INV", "DIR"):
            groups[c.get("group")].append(cid)
    return out + [f"group {g} has only {ids}" for g, ids in groups.items() if len(ids) < 2]


def compute(cases: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stance and statements of every case, each profile's cases in one workbook."""
    by_profile: dict[str, dict[str, str]] = defaultdict(dict)
    for c in cases:
        by_profile[c["profile"]][c["id"]] = c["text"]
    stances, stmts = [], []
    for name, texts in by_profile.items():
        wb = from_texts(texts, profile=name)
        stances.append(wb.analysis("stance"))
        stmts.append(statements.extract(wb, data_files=wb.data_files()))
    return pd.concat(stances, ignore_index=True), pd.concat(stmts, ignore_index=True)


def test_profile_challenge_file_is_valid():
    assert problems(load()) == []


def test_profile_challenge_cases():
    cases = load()
    results = run(cases, *compute(cases))
    print(report(cases, results).replace("statements, acts and stance", "topic profiles"))
    unexpected = [c["id"] for c in cases if results[c["id"]] and "known_failure" not in c]
    assert not unexpected, "\n".join(f"{i}: {'; '.join(results[i])}" for i in unexpected)

