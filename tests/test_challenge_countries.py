"""Challenge set for country detection (tests/challenge/countries.yaml): pass rates per capability.

Run with `pytest -s` to see the table. Every case not marked `known_failure` must pass; known failures
are reported, and those that now pass are listed so their mark can be removed.
"""

from pathlib import Path

import pandas as pd
import pytest
import yaml

CHALLENGE = Path(__file__).resolve().parent / "challenge" / "countries.yaml"
TYPES = {"MFT", "INV", "DIR"}


def _cases() -> list[dict]:
    return yaml.safe_load(CHALLENGE.read_text(encoding="utf-8"))["cases"]


def _failures(case: dict, found: pd.DataFrame) -> list[str]:
    """Why `case` fails on its mentions `found` (empty when it passes)."""
    expect, isos = case["expect"], set(found["iso"])
    actors = set(found.loc[found["role"] == "actor", "iso"])
    out = []
    if isos != set(expect["countries"]):
        out.append(f"countries {sorted(isos)} != {sorted(expect['countries'])}")
    if "actors" in expect and actors != set(expect["actors"]):
        out.append(f"actors {sorted(actors)} != {sorted(expect['actors'])}")
    if isos & set(expect.get("absent", [])):
        out.append(f"absent found: {sorted(isos & set(expect['absent']))}")
    return out


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    """capability, id, known_failure, failures: every case processed in one workbook."""
    from vnpress.analyses.countries import find_mentions
    from vnpress.processing.workbook import from_texts

    cases = _cases()
    mentions = find_mentions(from_texts({c["id"]: c["text"] for c in cases}))
    by_case = dict(list(mentions.groupby("article_id")))
    empty = mentions.iloc[0:0]
    return pd.DataFrame([{"capability": c["capability"], "type": c["type"], "id": c["id"],
                          "known_failure": c.get("known_failure", ""),
                          "failures": "; ".join(_failures(c, by_case.get(c["id"], empty)))} for c in cases])


def test_challenge_yaml_is_valid():
    cases = _cases()
    ids = [c["id"] for c in cases]
    assert len(cases) >= 150 and len(ids) == len(set(ids))
    for c in cases:
        assert {"id", "capability", "type", "text", "expect"} <= set(c), c.get("id")
        assert c["type"] in TYPES and (c["type"] == "MFT" or c.get("group")), c["id"]
        assert set(c["expect"]) <= {"countries", "actors", "absent"} and "countries" in c["expect"], c["id"]
        assert set(c["expect"].get("actors", [])) <= set(c["expect"]["countries"]), c["id"]
        assert not set(c["expect"].get("absent", [])) & set(c["expect"]["countries"]), c["id"]
    groups = pd.Series([c["group"] for c in cases if c["type"] != "MFT"]).value_counts()
    assert (groups >= 2).all(), "every INV/DIR group needs at least two cases"


def test_challenge_pass_rates(results):
    results = results.assign(passed=results["failures"] == "")
    table = results.groupby("capability").agg(cases=("id", "size"), passed=("passed", "sum"))
    table["rate"] = (table["passed"] / table["cases"]).round(3)
    print("\ncountries challenge set, pass rate per capability:\n" + table.to_string())
    print(f"overall: {results['passed'].sum()}/{len(results)} = {results['passed'].mean():.3f}")
    known = results[results["known_failure"] != ""]
    for r in known.itertuples():
        print(f"known failure {r.id}: {r.known_failure}" + (" -- NOW PASSES" if r.passed else ""))
    unexpected = results[(results["known_failure"] == "") & ~results["passed"]]
    assert unexpected.empty, "\n" + "\n".join(f"{r.id}: {r.failures}" for r in unexpected.itertuples())
