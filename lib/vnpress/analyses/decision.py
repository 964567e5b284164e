"""A learned decision over the rules' evidence: is a candidate an actor of the article, and which stance.

The rules of `vnpress.analyses.statements` and `vnpress.analyses.stance` are labelling functions in the sense of
weak supervision: each fires or not on an (article, candidate actor) and votes for a label. `features` turns their
output into one numeric row per candidate; a multinomial logistic regression over five classes
(`CLASSES`: not_actor, support, conditional, oppose, neutral), fitted on the hand-labelled development splits of
the Convention and of other agreements (`bench/fit_model.py`), weighs the votes. `decide` applies it with numpy
alone (no pickle, deterministic).

Candidates of an article: every country the `mentions` layer finds and every actor of the rule stance rows
(countries and `org:` ids). Feature columns (`FEATURES`; counts are log1p-scaled):

- `rule_support` … `rule_neutral`, `rule_none`: the rule label, one-hot (`rule_none`: the rules give no row);
  `rule_confidence`: the rules' confidence (0 when no row);
- `rows_support`, `rows_conditional`, `rows_oppose`: statements and acts of each polarity (criticism = oppose);
  `statements`, `sentences`: rows and distinct sentences behind the actor;
- `kind_quote`, `kind_reported`, `kind_act`: statement kinds; `act_support`, `act_conditional`, `act_oppose`,
  `act_unknown`: acts by the polarity `acts.yaml` gives them; `act_sign` (sign, accede, ratify), `act_host`
  (host, chosen as venue, chair), `act_adopt` (adopt, initiate, author a resolution), `act_attend` (attend,
  visit, receive, celebrate), `act_call`, `act_other`: acts by the statements' rule; `press_praise`: the press's
  praise of it;
- `cue_support`, `cue_conditional`, `cue_oppose`, `cue_critical`: cues of each class fired inside the actor's own
  words (the `class:cue` items of the `cues` column); `frames`: distinct frames of its words;
- `negation`, `hesitation`, `concession`, `condition`, `concern`: those words in the content of its statements;
  `other_target`: words naming an agreement other than the target there (another treaty, a memorandum);
- `mentions`, `mentions_actor`, `mentions_other`: its country mentions, by the role the `mentions` layer gives;
  `mentions_official`: those found through an official's title;
  `first_position`: where it is first named or speaks (0 the first sentence, 1 the last one seen);
  `in_lead`: named or speaking in the first two sentences; `candidates`: candidates in the article.

No feature says who the actor is (an organization, Vietnam): that prior is the training corpus's, and a topic
where the host or the organizations play another part would inherit it (dropping the two such features kept the
pooled cross-validated figures, macro-F1 0.622 → 0.627, docs/accuracy.md).

The model file (`data/stance_model.json`, `MODEL_FILE`) holds: `features` (names, in order), `mean`, `scale` (the
standardizer), `coef` (classes × features), `intercept`, `classes`, `temperature` (divides the logits: the
calibration chosen by cross-validation), `threshold` (a label whose probability is below it is `uncertain`) and
`cv` (the cross-validated figures it was chosen by). It holds no text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from vnpress.data import path as data_path
from vnpress.util.textnorm import fold

MODEL_FILE = "stance_model.json"
CLASSES = ["not_actor", "support", "conditional", "oppose", "neutral"]
STANCES = ["support", "conditional", "oppose", "neutral"]
ACT_KINDS = ["sign", "host", "adopt", "attend", "call"]
# rule names of `statements` (`act:<rule>`, `call`) → the act kind feature they count for
_ACT_RULES = {"sign": "sign", "sign_list": "sign", "accede": "sign", "accede_list": "sign", "ratify": "sign",
              "ratify_list": "sign", "host": "host", "host_chosen": "host", "choose_venue": "host",
              "host_role": "host", "chair": "host", "adopt": "adopt", "resolution": "adopt", "author": "adopt",
              "initiate": "adopt", "attend": "attend", "visit": "attend", "receive": "attend", "joint": "attend",
              "participant": "attend",
              "celebrate": "attend", "call": "call"}
FEATURES = (["rule_support", "rule_conditional", "rule_oppose", "rule_neutral", "rule_none", "rule_confidence",
             "rows_support", "rows_conditional", "rows_oppose", "statements", "sentences",
             "kind_quote", "kind_reported", "kind_act",
             "act_support", "act_conditional", "act_oppose", "act_unknown"]
            + [f"act_{k}" for k in ACT_KINDS] + ["act_other", "press_praise",
               "cue_support", "cue_conditional", "cue_oppose", "cue_critical", "frames",
               "negation", "hesitation", "concession", "condition", "concern", "other_target",
               "mentions", "mentions_actor", "mentions_other", "mentions_official", "first_position", "in_lead",
               "candidates"])
KEY = ["article_id", "iso"]
_NOT_WORD = re.compile(r"[^\w]+")
_LOG = ["rows_support", "rows_conditional", "rows_oppose", "statements", "sentences", "kind_quote", "kind_reported",
        "kind_act", "act_support", "act_conditional", "act_oppose", "act_unknown", *[f"act_{k}" for k in ACT_KINDS],
        "act_other", "press_praise", "cue_support", "cue_conditional", "cue_oppose", "cue_critical", "frames",
        "negation", "hesitation", "concession", "condition", "concern", "other_target", "mentions", "mentions_actor",
        "mentions_other", "mentions_official", "candidates"]


@lru_cache(maxsize=8)
def _words(cues_path: str) -> dict[str, tuple[str, ...]]:
    """The words counted in an actor's statements (stance_cues.yaml `decision_words`), folded."""
    words = yaml.safe_load(Path(cues_path).read_text(encoding="utf-8"))["decision_words"]
    return {k: tuple(fold(w) for w in v) for k, v in words.items()}


def _count_words(text: str, words: dict[str, tuple[str, ...]]) -> dict[str, int]:
    padded = f" {_NOT_WORD.sub(' ', fold(text))} "
    return {k: sum(padded.count(f" {w} ") for w in ws) for k, ws in words.items()}


def _act_kind(rule: str) -> str:
    return _ACT_RULES.get(str(rule).split("/")[0].removeprefix("act:"), "other")


def _rule_features(f: dict[str, float], rule: pd.Series | None) -> None:
    """The rules' label (one-hot), confidence, polar row counts, cue classes and frames of the pair."""
    if rule is None:
        f["rule_none"] = 1.0
        return
    f[f"rule_{rule['stance']}"] = 1.0
    f["rule_confidence"] = float(rule["confidence"])
    f["rows_support"], f["rows_conditional"], f["rows_oppose"] = (float(rule[c]) for c in
                                                                 ("support", "conditional", "oppose"))
    f["statements"], f["sentences"] = float(rule["statements"]), float(rule["sentences"])
    for c in (c for c in str(rule["cues"]).split(";") if c):
        cls = c.split(":")[0]
        if f"cue_{cls}" in f and cls != "act":
            f[f"cue_{cls}"] += 1
    f["frames"] = float(len([x for x in str(rule["frames"]).split(";") if x]))


def _statement_features(f: dict[str, float], own: pd.DataFrame | None, words: dict) -> list[int]:
    """Statement kinds, act polarities and kinds, and the counted words of the actor's own statements; returns
    their sentence ids."""
    if own is None:
        return []
    for r in own.itertuples(index=False):
        f[f"kind_{r.kind}"] = f.get(f"kind_{r.kind}", 0.0) + 1
        if r.kind == "act":
            pol = str(r.polarity or "")
            f[f"act_{pol}" if pol in ("support", "conditional", "oppose") else "act_unknown"] += 1
            if str(r.rule).startswith("press_praise"):
                f["press_praise"] += 1
            else:
                f[f"act_{_act_kind(r.rule)}"] += 1
        for k, n in _count_words(str(r.content), words).items():
            f[k] += n
    return [int(s) for s in own["sentence_id"]]


def _mention_features(f: dict[str, float], men: pd.DataFrame | None) -> list[int]:
    """Mention counts by role and via an official; returns their sentence ids."""
    if men is None:
        return []
    f["mentions"] = float(len(men))
    f["mentions_actor"] = float((men["role"] == "actor").sum())
    f["mentions_other"] = f["mentions"] - f["mentions_actor"]
    f["mentions_official"] = float((men["via"] == "official").sum()) if "via" in men else 0.0
    return [int(s) for s in men["sentence_id"]]


def _pairs(rules: pd.DataFrame | None, by_mention: dict, by_actor: dict,
           articles: list[str] | None) -> list[tuple[str, str]]:
    """The candidates: each (article, iso) its mentions name or the rules label, ordered by article (`articles`
    first), then mentions, then the rules' other actors."""
    pairs = list(dict.fromkeys([*by_mention, *(rules.index if rules is not None else []), *by_actor]))
    pairs = [p for p in pairs if p in by_mention or (rules is not None and p in rules.index)]
    rank = {a: i for i, a in enumerate(dict.fromkeys([*(articles or []), *(a for a, _ in pairs)]))}
    return sorted(pairs, key=lambda p: rank[p[0]])  # stable: within an article, the order above


@dataclass(frozen=True)
class _Evidence:
    """The rules' evidence of some articles, grouped by (article, candidate): the rule rows indexed by KEY (None
    when there are none), the mentions and the statements of each pair, the last sentence seen in each article."""

    rules: pd.DataFrame | None
    by_mention: dict
    by_actor: dict
    last: pd.Series


def _evidence(rule_rows: pd.DataFrame, mentions: pd.DataFrame | None, statements: pd.DataFrame | None) -> _Evidence:
    """The rule rows, mentions and statements (those with an actor code) of some articles, grouped (`_Evidence`)."""
    mentions = mentions if mentions is not None else pd.DataFrame(columns=["article_id", "iso", "sentence_id", "role"])
    stm = statements[statements["iso"].fillna("") != ""] if statements is not None and len(statements) else None
    seen = [df[["article_id", "sentence_id"]] for df in (mentions, stm) if df is not None and len(df)]
    last = pd.concat(seen or [pd.DataFrame(columns=["article_id", "sentence_id"])]).groupby("article_id")["sentence_id"].max()
    return _Evidence(rule_rows.set_index(KEY) if len(rule_rows) else None,
                     dict(iter(mentions.groupby(KEY, sort=False))) if len(mentions) else {},
                     dict(iter(stm.groupby(KEY, sort=False))) if stm is not None else {}, last)


def features(rule_rows: pd.DataFrame, mentions: pd.DataFrame, statements: pd.DataFrame,
             articles: list[str] | None = None, cues_path: str | None = None) -> pd.DataFrame:
    """One row per (article, candidate actor): `article_id`, `iso` and FEATURES (see the module docstring), from
    the rule stance rows (`stance.stance_by_article` without a model), the `mentions` rows and the `statements`
    rows of the same articles (`cues_path`: the stance_cues.yaml whose `decision_words` are counted). Sorted by
    article (in the order of `articles`, default as they first appear), then the candidates named in its mentions
    (in their order), then the other actors of the rules."""
    return _features(_evidence(rule_rows, mentions, statements), articles, cues_path)


def _features(ev: _Evidence, articles: list[str] | None, cues_path: str | None) -> pd.DataFrame:
    words = _words(str(cues_path or data_path("stance_cues.yaml")))
    rules = ev.rules
    pairs = _pairs(rules, ev.by_mention, ev.by_actor, articles)
    per_article = pd.Series([a for a, _ in pairs], dtype=object).value_counts().to_dict()
    rows = []
    for article_id, iso in pairs:
        f = dict.fromkeys(FEATURES, 0.0)
        _rule_features(f, rules.loc[(article_id, iso)] if rules is not None and (article_id, iso) in rules.index
                       else None)
        sids = _statement_features(f, ev.by_actor.get((article_id, iso)), words) + \
            _mention_features(f, ev.by_mention.get((article_id, iso)))
        first, end = (min(sids) if sids else 0), int(ev.last.get(article_id, 0))
        f["first_position"] = first / end if end else 0.0
        f["in_lead"] = float(first <= 1)
        f["candidates"] = float(per_article[article_id])
        rows.append({"article_id": article_id, "iso": iso, **f})
    out = pd.DataFrame(rows, columns=KEY + FEATURES)
    for c in _LOG:
        out[c] = np.log1p(out[c].astype(float))
    return out


def matrix(table: pd.DataFrame, names: list[str]) -> np.ndarray:
    """The feature columns `names` of a `features` table as a float matrix (a missing column is 0)."""
    return np.column_stack([table[n].to_numpy(float) if n in table else np.zeros(len(table)) for n in names]) \
        if len(table) else np.zeros((0, len(names)))


@lru_cache(maxsize=8)
def _read(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def with_arrays(model: dict) -> dict:
    """A model dict with its `mean`, `scale`, `coef` and `intercept` as numpy arrays."""
    return {k: (np.asarray(v, dtype=float) if k in ("mean", "scale", "coef", "intercept") else v)
            for k, v in model.items()}


def load_model(path: str | Path) -> dict:
    """The model of a model file (see the module docstring), its arrays as numpy arrays."""
    return with_arrays(_read(str(path)))


def probabilities(model: dict, table: pd.DataFrame) -> np.ndarray:
    """Calibrated class probabilities (rows × model classes) of a `features` table."""
    x = (matrix(table, model["features"]) - model["mean"]) / model["scale"]
    logits = (x @ model["coef"].T + model["intercept"]) / float(model.get("temperature", 1.0))
    logits -= logits.max(axis=1, keepdims=True) if len(logits) else 0
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True) if len(p) else p


def predict(model: dict, table: pd.DataFrame) -> pd.DataFrame:
    """`article_id`, `iso`, `label` (the most probable class), `probability` (its calibrated probability),
    `p_<class>` for each class and `uncertain` (probability below the model's threshold)."""
    p = probabilities(model, table)
    classes = list(model["classes"])
    best = p.argmax(axis=1) if len(p) else np.zeros(0, dtype=int)
    out = table[KEY].reset_index(drop=True).copy()
    out["label"] = [classes[i] for i in best]
    out["probability"] = p.max(axis=1).round(3) if len(p) else []
    for i, c in enumerate(classes):
        out[f"p_{c}"] = p[:, i].round(3) if len(p) else []
    out["uncertain"] = out["probability"] < float(model.get("threshold", 0.0))
    return out


def decide(rule_rows: pd.DataFrame, mentions: pd.DataFrame, statements: pd.DataFrame, model: dict,
           columns: list[str], articles: list[str] | None = None, cues_path: str | None = None) -> pd.DataFrame:
    """The stance rows the model decides: one per candidate it calls an actor, with the rule row's columns
    (`columns`) where the rules have one, `rule_stance` (the rule label, '' when the rules found no statement or
    act), `stance` = the model's label, `confidence` = its calibrated probability, `uncertain`. A candidate with
    no rule row gets its mention sentences as evidence. Rows in the order of `features` (`articles`: the
    articles' order)."""
    ev = _evidence(rule_rows, mentions, statements)
    pred = predict(model, _features(ev, articles, cues_path))
    keep = pred[pred["label"] != "not_actor"]
    rules, by_mention = ev.rules, ev.by_mention
    rows = []
    for r in keep.itertuples(index=False):
        if rules is not None and (r.article_id, r.iso) in rules.index:
            row = rules.loc[(r.article_id, r.iso)].to_dict()
            row["rule_stance"] = row["stance"]
        else:
            men = by_mention[(r.article_id, r.iso)].sort_values("sentence_id")
            sids = sorted(set(int(s) for s in men["sentence_id"]))
            row = {"name": men["name"].iloc[0], "frames": "", "cues": "",
                   "evidence": " | ".join(dict.fromkeys(men["sentence"].astype(str))), "sentences": len(sids),
                   "support": 0, "conditional": 0, "oppose": 0,
                   "actor_type": "organization" if str(r.iso).startswith("org:") else "country", "statements": 0,
                   "sentence_ids": ";".join(map(str, sids)), "rule_stance": ""}
        row.update({"article_id": r.article_id, "iso": r.iso, "stance": r.label,
                    "confidence": float(r.probability), "uncertain": bool(r.uncertain)})
        rows.append(row)
    return pd.DataFrame(rows, columns=columns).astype({"uncertain": bool})
