"""Stance toward the Convention and frames, per actor country, with evidence.

Evidence of a country in an article = the sentences where it is an actor
(`vnpress.countries.find_mentions`, including continuation sentences and
Vietnamese officials); where several countries act in one sentence, each is
scored on its own part of it (from its mention to the next country's). Cues from `data/stance_cues.yaml` and frames from
`data/frames.yaml` are matched on the normalized, case-folded sentence as whole
syllable sequences. A support cue right after a negation ("không ủng hộ")
counts as opposition; after "chưa" as a reservation; a concessive ("dù",
"tuy nhiên") counts as a reservation only after a support cue. A sentence that names the
Convention (its signature or ratification) weighs 1, any other 0.5.

Stance from the weighted cue sums S (support), C (reservation), O (oppose):
`oppose` if O > 0 and O ≥ S; else `conditional` if C > 0 (supports with
reservations or conditions, or is still considering); else `support` if S > 0;
else `neutral`. Confidence = agreement × strength × relevance: the share of
cue weight behind the label, 1 − 0.5^(number of cues), and 1 if an evidence
sentence names the Convention, else 0.6; a neutral label (no cue) gets 0.3.
Frames: each frame whose cues occur in the evidence, most hits first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import yaml
from matplotlib.figure import Figure

from .countries import find_mentions
from .data import path as data_path
from .report import escape
from .textnorm import fold

FRAMES = ["sovereignty", "human_rights", "cooperation", "capacity_building", "implementation", "fraud_and_crime",
          "multilateralism", "legal_harmonization", "multistakeholder", "digital_trust"]
BY_ARTICLE_COLUMNS = ["article_id", "iso", "name", "stance", "confidence", "frames", "cues", "evidence",
                      "sentences", "support", "conditional", "oppose"]
BY_COUNTRY_COLUMNS = ["iso", "name", "articles", "stance", "frames", "evidence", "confidence", "stances_by_article"]


@lru_cache(maxsize=8)
def _yaml(path: str) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    alts = sorted({fold(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")


@lru_cache(maxsize=8)
def _lexicons(cues_path: str, frames_path: str) -> tuple[dict[str, re.Pattern[str]], dict[str, re.Pattern[str]], dict]:
    cues = _yaml(cues_path)
    stance = {k: _pattern(cues[k]) for k in ("support", "conditional", "concessive", "oppose", "convention_terms")}
    frames = {k: _pattern(v) for k, v in _yaml(frames_path).items()}
    return stance, frames, cues


def _paths(cues_path: str | None, frames_path: str | None) -> tuple[str, str]:
    return str(cues_path or data_path("stance_cues.yaml")), str(frames_path or data_path("frames.yaml"))


def lexicon(cues_path: str | None = None, frames_path: str | None = None) -> pd.DataFrame:
    """The cue and frame lexicons as a table: kind (stance|frame), label, cues."""
    c, f = _paths(cues_path, frames_path)
    rows = [("stance", k, "; ".join(v)) for k, v in _yaml(c).items() if isinstance(v, list)]
    rows += [("frame", k, "; ".join(v)) for k, v in _yaml(f).items()]
    return pd.DataFrame(rows, columns=["kind", "label", "cues"])


def sentence_cues(sentence: str, cues_path: str | None = None, frames_path: str | None = None) -> dict:
    """Cues in one sentence: {'support'|'conditional'|'oppose': [cue...], 'frames': {frame: [cue...]},
    'convention': bool}."""
    stance, frames, cues = _lexicons(*_paths(cues_path, frames_path))
    text = fold(sentence)
    negation = {fold(w) for w in cues.get("negation", [])}
    hesitation = {fold(w) for w in cues.get("hesitation", [])}
    out: dict = {"support": [], "conditional": [], "oppose": []}
    oppose_spans = [m.span() for m in stance["oppose"].finditer(text)]
    out["oppose"] = [m.group(1) for m in stance["oppose"].finditer(text)]
    for m in stance["support"].finditer(text):
        if any(a <= m.start() < b for a, b in oppose_spans):
            continue  # part of an oppose cue ("không ủng hộ")
        before = text[:m.start()].split()[-2:]
        if any(w in negation for w in before):
            out["oppose"].append(f"{before[-1]} {m.group(1)}")
        elif any(w in hesitation for w in before):
            out["conditional"].append(f"{before[-1]} {m.group(1)}")
        else:
            out["support"].append(m.group(1))
    out["conditional"] += [m.group(1) for m in stance["conditional"].finditer(text)]
    first_support = min((m.start() for m in stance["support"].finditer(text)), default=len(text))
    out["conditional"] += [m.group(1) for m in stance["concessive"].finditer(text) if m.start() > first_support]
    out["frames"] = {k: [m.group(1) for m in p.finditer(text)] for k, p in frames.items()}
    out["frames"] = {k: v for k, v in out["frames"].items() if v}
    out["convention"] = bool(stance["convention_terms"].search(text))
    return out


def _label(s: float, c: float, o: float, n_cues: int, relevant: bool) -> tuple[str, float]:
    total = s + c + o
    if total == 0:
        return "neutral", 0.3
    if o > 0 and o >= s:
        label, behind = "oppose", o
    elif c > 0:
        label, behind = "conditional", s + c
    else:
        label, behind = "support", s
    confidence = (behind / total) * (1 - 0.5 ** n_cues) * (1.0 if relevant else 0.6)
    return label, round(confidence, 2)


def _score(sentences: list[str], cues_path: str | None, frames_path: str | None) -> dict:
    s = c = o = 0.0
    n = 0
    relevant = False
    fired: list[str] = []
    frame_hits: dict[str, int] = {}
    for sent in sentences:
        found = sentence_cues(sent, cues_path, frames_path)
        weight = 1.0 if found["convention"] else 0.5
        relevant |= found["convention"]
        s += weight * len(found["support"])
        c += weight * len(found["conditional"])
        o += weight * len(found["oppose"])
        n += len(found["support"]) + len(found["conditional"]) + len(found["oppose"])
        fired += [f"{k}:{cue}" for k in ("support", "conditional", "oppose") for cue in found[k]]
        for frame, hits in found["frames"].items():
            frame_hits[frame] = frame_hits.get(frame, 0) + len(hits)
            fired += [f"{frame}:{cue}" for cue in hits]
    stance, confidence = _label(s, c, o, n, relevant)
    frames = [f for f, _ in sorted(frame_hits.items(), key=lambda kv: (-kv[1], FRAMES.index(kv[0])
                                                                       if kv[0] in FRAMES else 99))]
    return {"stance": stance, "confidence": confidence, "frames": frames, "frame_hits": frame_hits,
            "cues": list(dict.fromkeys(fired)), "support": s, "conditional": c, "oppose": o}


def _evidence(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Actor rows, one per (article, country, sentence), with `segment`: the part of the sentence that
    belongs to the country when several countries act in it (from its mention to the next one's)."""
    actors = mentions[mentions["role"] == "actor"].drop_duplicates(["article_id", "iso", "sentence_id"])
    starts = sentences.set_index(["article_id", "sentence_id"])["start"]
    segments = {}
    for (article_id, sentence_id), same in actors.groupby(["article_id", "sentence_id"], sort=False):
        base = int(starts.get((article_id, sentence_id), -1))
        for idx, r in same.iterrows():
            others = sorted(same.loc[same["iso"] != r.iso, "start"])
            if not others or base < 0 or r.start < 0:
                segments[idx] = r.sentence
                continue
            begin = 0 if r.start <= min(others) else r.start - base
            end = next((o - base for o in others if o > r.start), len(r.sentence))
            segments[idx] = r.sentence[begin:end]
    actors = actors.assign(segment=pd.Series(segments, dtype="object"))
    return actors.sort_values(["article_id", "sentence_id"])


def stance_by_article(wb, mentions: pd.DataFrame | None = None, cues_path: str | None = None,
                      frames_path: str | None = None) -> pd.DataFrame:
    """One row per (article, actor country): BY_ARTICLE_COLUMNS.

    article_id, iso, name, stance (support|conditional|oppose|neutral), confidence (0–1), frames
    (';'-separated, most hits first), cues (';'-separated `class:cue` that fired), evidence (the actor
    sentences joined by ' | '), sentences (how many), support/conditional/oppose (weighted cue sums).
    """
    mentions = find_mentions(wb) if mentions is None else mentions
    rows = []
    for (article_id, iso), grp in _evidence(mentions, wb.sentences).groupby(["article_id", "iso"], sort=False):
        sents = grp["sentence"].tolist()
        sc = _score(grp["segment"].tolist(), cues_path, frames_path)
        rows.append((article_id, iso, grp["name"].iloc[0], sc["stance"], sc["confidence"], ";".join(sc["frames"]),
                     ";".join(sc["cues"]), " | ".join(sents), len(sents), sc["support"], sc["conditional"],
                     sc["oppose"]))
    return pd.DataFrame(rows, columns=BY_ARTICLE_COLUMNS)


def stance_by_country(by_article: pd.DataFrame) -> pd.DataFrame:
    """Aggregate over articles: BY_COUNTRY_COLUMNS.

    iso, name, articles, stance (from the summed cue weights, same rule as per article), frames
    (';'-separated, by number of articles then name), evidence (up to three sentences, strongest
    articles first, ' | '), confidence (mean over articles), stances_by_article (e.g. 'support:2;neutral:1').
    """
    rows = []
    for (iso, name), grp in by_article.groupby(["iso", "name"], sort=False):
        s, c, o = grp["support"].sum(), grp["conditional"].sum(), grp["oppose"].sum()
        label, _ = _label(s, c, o, int(s + c + o > 0), True)
        frame_counts: dict[str, int] = {}
        for frames in grp["frames"]:
            for f in filter(None, frames.split(";")):
                frame_counts[f] = frame_counts.get(f, 0) + 1
        frames = ";".join(sorted(frame_counts, key=lambda f: (-frame_counts[f], f)))
        best = grp.sort_values("confidence", ascending=False)
        evidence = " | ".join([e for ev in best["evidence"] for e in ev.split(" | ")][:3])
        counts = ";".join(f"{k}:{v}" for k, v in grp["stance"].value_counts().items())
        rows.append((iso, name, grp["article_id"].nunique(), label, frames, evidence,
                     round(float(grp["confidence"].mean()), 2), counts))
    out = pd.DataFrame(rows, columns=BY_COUNTRY_COLUMNS)
    return out.sort_values(["articles", "iso"], ascending=[False, True], ignore_index=True)


def frame_matrix(by_article: pd.DataFrame) -> pd.DataFrame:
    """Country × frame: the number of articles in which each country's statements carry each frame.

    Index: country name; columns: FRAMES (plus any extra frames defined in the YAML).
    """
    rows = [(name, f) for name, frames in zip(by_article["name"], by_article["frames"])
            for f in filter(None, frames.split(";"))]
    table = pd.crosstab(pd.Series([r[0] for r in rows], name="country"),
                        pd.Series([r[1] for r in rows], name="frame")) if rows else pd.DataFrame()
    columns = FRAMES + [c for c in table.columns if c not in FRAMES]
    return table.reindex(columns=columns, fill_value=0)


def heatmap(matrix: pd.DataFrame) -> Figure:
    """Country × frame heatmap with counts written in the cells."""
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * max(1, matrix.shape[1]), 1.2 + 0.45 * max(1, len(matrix))))
    if matrix.empty:
        ax.text(0.5, 0.5, "no actor countries", ha="center", va="center")
        ax.axis("off")
        return fig
    ax.imshow(matrix.values, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(matrix.shape[1]), [c.replace("_", "\n") for c in matrix.columns], fontsize=8)
    ax.set_yticks(range(len(matrix)), matrix.index, fontsize=9)
    top = matrix.values.max() or 1
    for (r, c), v in pd.DataFrame(matrix.values).stack().items():
        if v:
            ax.text(c, r, str(v), ha="center", va="center", color="white" if v > top / 2 else "black", fontsize=8)
    ax.set_title("Frames in each country's statements (number of articles)")
    fig.tight_layout()
    return fig


def evidence_cards(wb, mentions: pd.DataFrame | None = None, cues_path: str | None = None,
                   frames_path: str | None = None) -> pd.DataFrame:
    """One row per evidence sentence: iso, name, article_id, sentence_id, sentence, cues (that fired there)."""
    mentions = find_mentions(wb) if mentions is None else mentions
    rows = []
    for r in _evidence(mentions, wb.sentences).itertuples(index=False):
        found = sentence_cues(r.segment, cues_path, frames_path)
        fired = [f"{k}:{c}" for k in ("support", "conditional", "oppose") for c in found[k]]
        fired += [f"{f}:{c}" for f, cs in found["frames"].items() for c in cs]
        rows.append((r.iso, r.name, r.article_id, r.sentence_id, r.sentence, ";".join(dict.fromkeys(fired))))
    return pd.DataFrame(rows, columns=["iso", "name", "article_id", "sentence_id", "sentence", "cues"])


def cards_html(by_country: pd.DataFrame, cards: pd.DataFrame, per_country: int = 4) -> str:
    """Evidence cards as escaped HTML: per country its stance, frames and evidence sentences."""
    parts = []
    for row in by_country.itertuples(index=False):
        sents = cards[cards["iso"] == row.iso].head(per_country)
        items = "".join(f"<li>{escape(s.sentence)} <small>[{escape(s.article_id)}:{s.sentence_id}; "
                        f"{escape(s.cues)}]</small></li>" for s in sents.itertuples(index=False))
        parts.append(f"<div style='border:1px solid #ccc;padding:.5em;margin:.5em 0'><b>{escape(row.name)}</b> "
                     f"({escape(row.iso)}) · stance <b>{escape(row.stance)}</b> · frames {escape(row.frames)} · "
                     f"{row.articles} article(s)<ul>{items}</ul></div>")
    return "".join(parts)


def evaluate(by_article: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Against gold (article_id, iso, stance, frames ';'-separated): metric, value, n.

    stance accuracy on the (article, country) pairs both have; frame precision, recall and F1 over
    (article, country, frame) triples of those pairs; actor-pair recall (gold pairs found).
    """
    key = ["article_id", "iso"]
    both = gold.merge(by_article, on=key, suffixes=("_gold", ""))
    acc = float((both["stance_gold"] == both["stance"]).mean()) if len(both) else 0.0

    def triples(df: pd.DataFrame, col: str) -> set:
        return {(a, i, f) for a, i, fs in zip(df["article_id"], df["iso"], df[col].fillna(""))
                for f in filter(None, str(fs).split(";"))}

    g, f = triples(both, "frames_gold"), triples(both, "frames")
    tp = len(g & f)
    p = tp / len(f) if f else 0.0
    r = tp / len(g) if g else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    pairs = len(both) / len(gold) if len(gold) else 0.0
    return pd.DataFrame([("stance accuracy", round(acc, 3), len(both)), ("frame precision", round(p, 3), len(f)),
                         ("frame recall", round(r, 3), len(g)), ("frame F1", round(f1, 3), tp),
                         ("actor pairs found (recall)", round(pairs, 3), len(gold))],
                        columns=["metric", "value", "n"])
