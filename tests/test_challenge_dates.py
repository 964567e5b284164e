"""The date challenge set (tests/challenge/dates.yaml, format in tests/challenge/README_dates.md).

Cases without other-article context run together in one workbook with corpus anchoring off (they are
unrelated sentences); each case with context runs in its own workbook with corpus anchoring on.
`pytest -s` prints the pass rate per phenomenon and overall, and lists the known failures.
"""

import unicodedata
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from vnpress.analyses import timeline as T
from vnpress.processing.workbook import from_texts
from vnpress.util.textnorm import fold

FILE = Path(__file__).parent / "challenge" / "dates.yaml"
CASES: list[dict] = yaml.safe_load(FILE.read_text(encoding="utf-8"))["cases"]
REQUIRED = {"id", "capability", "type", "text", "expect"}
OPTIONAL = {"group", "published", "context", "known_failure", "note", "form"}


def _text(case: dict) -> str:
    return unicodedata.normalize(case.get("form", "NFC"), case["text"])


def _expected(case: dict) -> list[dict[str, str]]:
    return [] if case["expect"] == "none" else [{k: str(v) for k, v in e.items()} for e in case["expect"]]


def _published(cases: list[dict]) -> dict[str, str]:
    return {c["id"]: c["published"] for c in cases if c.get("published")}


def _matches(case: dict, found: pd.DataFrame) -> bool:
    """Every expected item matches its own found row (value, and granularity/surface when given), and
    nothing else was found."""
    rows = list(found[["value", "granularity", "surface"]].itertuples(index=False))
    for e in _expected(case):
        hit = next((r for r in rows if r.value == e["value"] and e.get("granularity", r.granularity) == r.granularity
                    and fold(e.get("surface", r.surface)) == fold(r.surface)), None)
        if hit is None:
            return False
        rows.remove(hit)
    return not rows


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[bool, str]]:
    """case id -> (passed, what was found)."""
    plain = [c for c in CASES if not c.get("context")]
    df = T.timeline(from_texts({c["id"]: _text(c) for c in plain}, published=_published(plain)),
                    corpus_anchor=False)
    found = {c["id"]: df[df["article_id"] == c["id"]] for c in plain}
    for c in (c for c in CASES if c.get("context")):
        texts = {c["id"]: _text(c), **{f"{c['id']}~{i}": t for i, t in enumerate(c["context"], 1)}}
        both = T.timeline(from_texts(texts, published=_published([c])))
        found[c["id"]] = both[both["article_id"] == c["id"]]
    return {cid: (_matches(case, found[cid]), "; ".join(f"{s!r}→{v or '∅'}/{a}" for s, v, a in
                                                        zip(found[cid]["surface"], found[cid]["value"],
                                                            found[cid]["anchor"])) or "nothing")
            for cid, case in ((c["id"], c) for c in CASES)}


def test_challenge_file_is_valid():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 150
    groups: dict[str, list[dict]] = {}
    for c in CASES:
        assert REQUIRED <= set(c) and set(c) <= REQUIRED | OPTIONAL, c["id"]
        assert c["type"] in ("MFT", "INV", "DIR") and (c["type"] == "MFT") == ("group" not in c), c["id"]
        assert c["expect"] == "none" or (isinstance(c["expect"], list) and c["expect"]
                                         and all("value" in e and set(e) <= {"value", "granularity", "surface"}
                                                 for e in c["expect"])), c["id"]
        if c.get("published"):
            date.fromisoformat(c["published"])
        assert isinstance(c.get("context", []), list) and isinstance(c.get("known_failure", ""), str), c["id"]
        groups.setdefault(c.get("group", ""), []).append(c)
    for name, members in groups.items():
        if not name:
            continue
        assert len(members) >= 2 and len({m["type"] for m in members}) == 1, name
        distinct = {yaml.safe_dump(m["expect"]) for m in members}
        assert len(distinct) == 1 if members[0]["type"] == "INV" else len(distinct) == len(members), name


def test_challenge_pass_rates(outcomes):
    table = pd.DataFrame([{"capability": c["capability"], "type": c["type"], "passed": outcomes[c["id"]][0],
                           "known": "known_failure" in c} for c in CASES])
    rates = table.groupby(["capability", "type"], sort=False).agg(cases=("passed", "size"), passed=("passed", "sum"),
                                                                 known_failures=("known", "sum"))
    rates.loc[("all", ""), :] = [len(table), table["passed"].sum(), table["known"].sum()]
    rates["pass_rate"] = (rates["passed"] / rates["cases"]).round(3)
    print("\ndate challenge set:\n" + rates.astype({"cases": int, "passed": int, "known_failures": int}).to_string())
    known = [c for c in CASES if "known_failure" in c]
    print("known failures:\n" + "\n".join(f"  {c['id']}: {c['known_failure']} (found: {outcomes[c['id']][1]})"
                                          + ("  [now passes: drop the mark]" if outcomes[c["id"]][0] else "")
                                          for c in known))
    failing = [f"{c['id']}: {c['text']!r} expected {_expected(c)}, found {outcomes[c['id']][1]}"
               for c in CASES if "known_failure" not in c and not outcomes[c["id"]][0]]
    assert not failing, "\n".join(failing)
