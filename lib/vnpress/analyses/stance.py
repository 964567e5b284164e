"""Stance toward the Convention and frames, per (article, actor), from statements and acts.

Actors are the countries and organizations with at least one row in `vnpress.analyses.statements` (a quote, a reported
statement or an act). Each row gets a polarity:

- an act carries its own (`data/acts.yaml`: sign, host, chair, ratify, co-organize, call on others to sign →
  support; sign with a declaration or reservation, still considering, refuses to say → conditional; refuse,
  vote against, boycott, withdraw, call on others not to sign → oppose);
- a statement (and an act of unknown polarity, such as the press's "Việt Nam đóng vai trò tích cực") is scored on
  its own words: the verb with its adverbs and the content (the quote or the reported clause), never the rest of
  the sentence. Cues come from `data/stance_cues.yaml`: support (praise, commitment, and the Convention as the
  agent of a beneficial verb: "Công ước bảo đảm quyền con người"); conditional (conditions, reservations, still
  considering); concern (lo ngại, cảnh báo: conditional with support, criticism when its object is the
  Convention, nothing alone, and no reservation at all when it warns about crime); criticism (misuse,
  repression, surveillance, vagueness, missing safeguards, "Công ước không bảo vệ ...": conditional with support,
  `critical` without); oppose. A negation (không, chưa) scopes over the cue right after it in the same clause, a
  negated judgement ("không coi ... là") over the rest of its clause, and a support cue just after "thiếu" is
  what is lacking, before the host's logistics ("đánh giá cao công tác hậu cần") no praise of the Convention,
  and after an event noun the name of an event ("lễ mở ký Công ước"), not an act; a
  concessive (dù, tuy, song) or a condition (nếu) makes a reservation only after a support cue, and a concessive
  not when the clause it opens asserts support itself ("mặc dù được ký ngoài trụ sở ..., song đã nhận được sự
  hưởng ứng"); criticism inside a rebuttal ("luận điệu xuyên tạc rằng ... bị lạm dụng"), or describing what
  criminals do ("tội phạm ngày càng lạm dụng AI"), is not the speaker's criticism of the Convention.

An actor's label in an article weighs the polarities of all its rows, each sentence's evidence counting alike:
`oppose` if it only opposes or criticizes; `conditional` if any row states a reservation or condition, or it
criticizes or opposes while also supporting (signs but criticizes: the reservation qualifies the support, it does
not cancel it); else `support` if any row supports; else `neutral` (it speaks or acts, but on something else:
rows with no cue never outweigh a polar one). Confidence = share of the actor's polar rows behind the label ×
(1 − 0.5^n), n = number of distinct sentences behind it; a neutral label gets 0.3. These are the rules' label
and confidence (`rule_stance`, `rules_only=True`): the label the layer reports is the learned decision's
(`vnpress.analyses.decision`), which reads the rules' evidence for every candidate actor (each country the
`mentions` layer finds, each actor of the rules) and gives `stance`, a calibrated `confidence` and `uncertain`.

Frames (`data/frames.yaml`) come from the actor's own words: the content of a quote or an act, and for reported
speech the whole clause the verb introduces, to the end of the sentence (`whole_clause`); up to a clause about
another actor (", trong khi ...", another speaker's statement) and, in an act, up to an appositive describing its
object or criticism the act receives ("đã gây ra nhiều chỉ trích do ..."). Another speaker's quotation about the
actor ("X nhận xét: 'Việt Nam đã chứng minh ...'") gives it no frame. The longest cue wins where cues overlap, set
phrases (`not_cues`) hide the cues inside them, and criticism is a human_rights frame.
Aggregation over articles uses the per-article labels only (see `aggregate`), so researcher codes that
override a per-article label carry through. `aggregate_by_group` and `frames_by_group` apply the same within each
outlet type (or outlet) of the articles, to compare how each kind of press reports an actor.
"""

from __future__ import annotations

import pandas as pd

from vnpress.analyses import decision
from vnpress.analyses import statements as st
from vnpress.analyses.acts import UNCOMMITTED
from vnpress.analyses.countries import find_mentions
from vnpress.analyses.cues import cue_paths, folded_cues, own_words, sentence_cues
from vnpress.data import path as data_path
from vnpress.processing.layers import Batch, layer
from vnpress.processing.workbook import from_texts
from vnpress.util.textnorm import fold

FRAMES = ["sovereignty", "human_rights", "cooperation", "capacity_building", "implementation", "fraud_and_crime",
          "multilateralism", "legal_harmonization", "multistakeholder", "digital_trust"]
STANCES = ["support", "conditional", "oppose", "neutral"]
RULE_COLUMNS = ["article_id", "iso", "name", "stance", "confidence", "frames", "cues", "evidence",
                "sentences", "support", "conditional", "oppose", "actor_type", "statements", "sentence_ids"]
BY_ARTICLE_COLUMNS = RULE_COLUMNS + ["rule_stance", "uncertain"]
BY_COUNTRY_COLUMNS = ["iso", "name", "articles", "stance", "frames", "evidence", "confidence", "stances_by_article"]
FRAMES_BY_GROUP_COLUMNS = ["group", "frame", "actors", "articles", "share"]
GROUPS = ("outlet_type", "outlet")  # article columns that stance and frames can be compared by
UNKNOWN = "unknown"  # the group of articles whose outlet or outlet type is not known
_OPEN_QUOTES, _CLOSE_QUOTES = ("“", "«"), ("”", "»")


def in_quote(sentence: str, at: int) -> bool:
    """Position `at` of a sentence lies inside quotation marks, opened before it in the sentence or, when a
    closing mark follows with no opening one before it, in an earlier sentence."""
    before, after = sentence[:at], sentence[at:]
    depth = sum(map(before.count, _OPEN_QUOTES)) - sum(map(before.count, _CLOSE_QUOTES))
    closes = [i for i in map(after.find, _CLOSE_QUOTES) if i >= 0]
    opens = [i for i in map(after.find, _OPEN_QUOTES) if i >= 0]
    continued = bool(closes) and min(closes) < min(opens, default=len(after))
    return depth > 0 or (depth == 0 and continued) or before.count('"') % 2 == 1 or \
        (before.count('"') % 2 == 0 and after.count('"') % 2 == 1)


def _quoted_narration(row) -> bool:
    """An act row with no act verb ("VN đã chứng minh ...", `act:other`) inside someone else's quotation: that
    speaker's words about the actor, which carry no frame of the actor's own."""
    if not str(row.rule).startswith("act:other"):
        return False
    at = str(row.sentence).find(str(row.speaker))
    return at >= 0 and in_quote(str(row.sentence), at)


def _split_lead(content: str) -> tuple[str, str]:
    """(lead, content) of a row's content: a leading clause of the sentence is given as "[Dù còn lo ngại ...] ..."."""
    if content.startswith("[") and "]" in content:
        return content[1:content.index("]")], content[content.index("]") + 1:].strip()
    return "", content


def whole_clause(row, others: tuple[str, ...] = ()) -> str:
    """The whole clause a statement's verb or an act introduces: from its content to the end of the sentence, or
    to the subject of another speaker's statement in it (`others`). The row's content stops at a nested subject
    or a semicolon ("nhấn mạnh việc LHQ thông qua Công ước ... tạo khuôn khổ pháp lý ..."; "khẳng định: ...;
    đánh dấu ..."), but in Vietnamese the complement of a speech verb, and the clause of an act with its side
    remarks ("ký với tuyên bố rằng ..."), run on to the end. Reported statements take their frames from it, acts
    of support are read in it for a reservation."""
    sentence, (_, content) = str(row.sentence), _split_lead(str(row.content))
    speaker = max(sentence.find(str(row.speaker)), 0)
    at = sentence.find(content, speaker) if content else -1
    if at < 0:
        verb = sentence.find(str(row.verb), speaker) if str(row.verb) else -1
        if verb < 0:
            return content
        at = verb + len(str(row.verb))
    end = min((i for i in (sentence.find(o, at) for o in others if o) if i >= 0), default=len(sentence))
    return sentence[at:end].strip(" ,.")


def _hesitant(predicate: str, verb: str, cues_path: str | None, frames_path: str | None) -> bool:
    """A negation or hesitation word before an act's verb in its predicate ("chưa ký", "không thể ký")."""
    folded = folded_cues(cue_paths(cues_path, frames_path)[0])
    words = set(folded.get("negation", ()) + folded.get("hesitation", ()))
    before = fold(predicate)[:max(fold(predicate).rfind(fold(verb)), 0)]
    return any(w in words for w in before.split())


def row_polarity(row, cues_path: str | None = None, frames_path: str | None = None,
                 clause: str | None = None) -> tuple[str, list[str], dict]:
    """(polarity, cues, frame hits) of one statement row: support|conditional|oppose|critical|'' . Stance is read
    from the row's content, and for an act of support from `clause` (its `whole_clause`) too, which also gives a
    reported statement its frames."""
    lead, content = _split_lead(str(row.content))
    head = row.predicate if row.kind != "act" or not row.polarity else row.verb
    found = sentence_cues(f"{lead}, {head} {content}" if lead else f"{head} {content}", cues_path, frames_path,
                          act=row.kind == "act")
    if _quoted_narration(row):
        found["frames"] = {}
    elif row.kind == "reported" and clause and clause != content:
        found["frames"] = sentence_cues(f"{head} {clause}", cues_path, frames_path)["frames"]
    fired = [f"{k}:{c}" for k in ("support", "conditional", "oppose", "critical") for c in found[k]]
    if row.kind == "act" and row.polarity:
        pol, kind = row.polarity, str(row.rule).split("/")[0].removeprefix("act:")
        tag = f"act:{kind}:{fold(row.verb)}"
        if pol == "oppose" or kind in UNCOMMITTED or not str(row.rule).startswith("act:") or \
                (pol == "conditional" and _hesitant(str(row.predicate), str(row.verb), cues_path, frames_path)):
            return pol, [tag] + fired, found["frames"]  # (a call's content is what others should do)
        # a commitment (sign, host, attend...): whether it carries a reservation is read in its whole clause
        verb = str(row.predicate) if fold(str(row.predicate)).endswith(fold(str(row.verb))) else str(row.verb)
        opening = f"{lead}, {verb} " if lead else f"{verb} "
        read = sentence_cues(opening + own_words(fold(clause or content), act=True, cues_path=cues_path), cues_path, frames_path,
                             act=True, committed_at=len(opening) - len(verb) - 1)
        reserved = [f"{k}:{c}" for k in ("conditional", "critical", "oppose") for c in read[k]]
        return ("conditional" if reserved else "support"), [tag] + list(dict.fromkeys(fired + reserved)), \
            found["frames"]
    s, c, o, k = (len(found[x]) for x in ("support", "conditional", "oppose", "critical"))
    if o and not s:
        pol = "oppose"
    elif k and not s:
        pol = "critical"
    elif c or (s and (k or o)):
        pol = "conditional"
    elif s:
        pol = "support"
    else:
        pol = ""
    return pol, fired, found["frames"]


def label(polarities: list[str]) -> str:
    """An actor's label from its rows' polarities (module docstring)."""
    n = {p: polarities.count(p) for p in ("support", "conditional", "oppose", "critical")}
    if (n["oppose"] or n["critical"]) and not n["support"] and not n["conditional"]:
        return "oppose"
    if n["conditional"] or (n["support"] and (n["critical"] or n["oppose"])):
        return "conditional"
    return "support" if n["support"] else "neutral"


def scored_statements(statements: pd.DataFrame, cues_path: str | None = None,
                      frames_path: str | None = None) -> pd.DataFrame:
    """Statement rows with an actor (iso not empty) and their `stance_polarity`, `cues`, `frames`."""
    cues_path, frames_path = cue_paths(cues_path, frames_path)
    rows = statements[statements["iso"].fillna("") != ""].copy()
    speaking = rows[rows["kind"] != "act"]
    speakers = speaking.groupby(["article_id", "sentence_id"])[["iso", "speaker"]].agg(list).to_dict("index")
    actors = rows.groupby(["article_id", "sentence_id"])[["iso", "speaker"]].agg(list).to_dict("index")
    scored = []
    for r in rows.itertuples(index=False):
        said = (speakers if r.kind == "reported" else actors).get((r.article_id, r.sentence_id),
                                                                  {"iso": [], "speaker": []})
        clause = whole_clause(r, tuple(sp for iso, sp in zip(said["iso"], said["speaker"]) if iso != r.iso)) \
            if r.kind == "reported" or (r.kind == "act" and r.polarity) else None
        scored.append(row_polarity(r, cues_path, frames_path, clause))
    rows["stance_polarity"] = [p for p, _, _ in scored]
    rows["cues"] = [";".join(dict.fromkeys(c)) for _, c, _ in scored]
    rows["frame_hits"] = [f for _, _, f in scored]
    twin = _call_twins(rows)
    rows.loc[twin, "stance_polarity"] = ""
    rows.loc[twin, "cues"] = ""
    return rows


def _call_twins(rows: pd.DataFrame) -> pd.Series:
    """Statement rows that are also a call act ("kêu gọi các nước chưa ký ..."): the act's polarity stands for
    them, since the call's words describe the others it calls on."""
    key = ["article_id", "sentence_id", "speaker", "verb", "content"]
    calls = rows[rows["rule"].astype(str).str.startswith("call/")][key].drop_duplicates()
    if calls.empty:
        return pd.Series(False, index=rows.index)
    marked = rows[key].merge(calls.assign(_call=True), how="left", on=key)["_call"].eq(True).to_numpy()
    return pd.Series(marked, index=rows.index) & (rows["kind"] != "act")


def _statements(wb, mentions: pd.DataFrame | None, cues_path: str | None) -> pd.DataFrame:
    """`statements.extract` of the workbook (on `mentions`, else its country mentions); its praise rule reads the
    support cues of `cues_path`, like the scoring."""
    return st.extract(wb, find_mentions(wb) if mentions is None else mentions,
                      {"stance_cues.yaml": cues_path} if cues_path else None)


def rule_stance(statements: pd.DataFrame, cues_path: str | None = None,
                frames_path: str | None = None) -> pd.DataFrame:
    """The rules' label of each (article, actor) with statement rows: one row each, RULE_COLUMNS.

    article_id, iso (ISO code, or `org:<id>`), name (the statements' affiliation), stance
    (support|conditional|oppose|neutral), confidence (0–1), frames (';'-separated, most hits first), cues
    (';'-separated `class:cue` and `act:<kind>:<verb>`),
    evidence (the sentences of its statements and acts, ' | '), sentences (how many), support/conditional/oppose
    (number of rows with that polarity; criticism counts as oppose), actor_type (country|organization),
    statements (number of rows), sentence_ids (';'-separated).
    """
    scored = scored_statements(statements, cues_path, frames_path)
    rows = []
    for (article_id, iso), grp in scored.groupby(["article_id", "iso"], sort=False):
        pols = grp["stance_polarity"].tolist()
        lab = label(pols)
        sids = sorted(set(grp["sentence_id"]))
        polar = [p for p in pols if p]
        behind = {"support": {"support"}, "oppose": {"oppose", "critical"},
                  "conditional": {"conditional", "support", "critical", "oppose"}}.get(lab, set())
        agree = grp[grp["stance_polarity"].isin(behind)]
        n = agree["sentence_id"].nunique()
        confidence = round(len(agree) / len(polar) * (1 - 0.5 ** n), 2) if polar else 0.3
        frame_hits: dict[str, int] = {}
        for hits in grp["frame_hits"]:
            for f, cs in hits.items():
                frame_hits[f] = frame_hits.get(f, 0) + len(cs)
        frames = sorted(frame_hits, key=lambda f: (-frame_hits[f], FRAMES.index(f) if f in FRAMES else 99))
        fired = list(dict.fromkeys(c for cs in grp["cues"] for c in cs.split(";") if c))
        fired += [f"{f}:{c}" for hits in grp["frame_hits"] for f, cs in hits.items() for c in cs]
        evidence = " | ".join(dict.fromkeys(grp.sort_values("sentence_id")["sentence"]))
        rows.append((article_id, iso, grp["affiliation"].iloc[0], lab, confidence, ";".join(frames),
                     ";".join(dict.fromkeys(fired)), evidence, len(sids), pols.count("support"), pols.count("conditional"),
                     pols.count("oppose") + pols.count("critical"),
                     "organization" if iso.startswith("org:") else "country", len(grp), ";".join(map(str, sids))))
    return pd.DataFrame(rows, columns=RULE_COLUMNS)


def stance_by_article(wb, mentions: pd.DataFrame | None = None, cues_path: str | None = None,
                      frames_path: str | None = None, statements: pd.DataFrame | None = None,
                      model_path: str | None = None, rules_only: bool = False) -> pd.DataFrame:
    """One row per (article, actor) the decision calls an actor: BY_ARTICLE_COLUMNS.

    The rules (`rule_stance`) label every actor with statements or acts; the learned decision
    (`vnpress.analyses.decision`, model file `model_path`, default the packaged `data/stance_model.json`) reads
    their evidence for every candidate (each country of `mentions`, each actor of the rules) and decides whether
    it is an actor and its label. Columns: the rule table's (RULE_COLUMNS, below), with `stance` = the model's
    label, `confidence` = its calibrated probability, `rule_stance` = the rules' label ('' for a candidate the
    rules found no statement or act of; its evidence is then the sentences naming it) and `uncertain` (the
    probability is below the model's threshold). `rules_only`: the rules' table alone (`rule_stance` = `stance`,
    `uncertain` false).

    Rule columns: article_id, iso (ISO code, or `org:<id>`), name (the statements' affiliation), stance, confidence
    (the rules': share of polar rows behind the label x (1 - 0.5^n)), frames (';'-separated, most hits first),
    cues (';'-separated `class:cue` and `act:<kind>:<verb>`), evidence (the sentences of its statements and acts,
    ' | '), sentences (how many), support/conditional/oppose (number of rows with that polarity; criticism counts
    as oppose), actor_type (country|organization), statements (number of rows), sentence_ids (';'-separated).
    """
    if mentions is None:
        mentions = find_mentions(wb)
    if statements is None:
        statements = _statements(wb, mentions, cues_path)
    rules = rule_stance(statements, cues_path, frames_path)
    if rules_only:
        return rules.assign(rule_stance=rules["stance"], uncertain=False)[BY_ARTICLE_COLUMNS]
    model = decision.load_model(model_path or data_path(decision.MODEL_FILE))
    return decision.decide(rules, mentions, statements, model, BY_ARTICLE_COLUMNS,
                           wb.articles["article_id"].tolist(), cues_path)


@layer("stance", BY_ARTICLE_COLUMNS, data_files=("stance_cues.yaml", "frames.yaml", decision.MODEL_FILE),
       upstream=("mentions", "statements"), tables=())
def stance_layer(batch: Batch) -> pd.DataFrame:
    """The `stance` layer: `stance_by_article` on one batch, from its mentions and statements rows, with the
    batch's copies of the cues, the frames and the decision's model file."""
    return stance_by_article(batch.wb, batch.inputs["mentions"], batch.files["stance_cues.yaml"],
                             batch.files["frames.yaml"], statements=batch.inputs["statements"],
                             model_path=batch.files[decision.MODEL_FILE])


def stance_in_text(text: str) -> pd.DataFrame:
    """Stance per actor in one raw text (cleaned and processed like a corpus article)."""
    return stance_by_article(from_texts({"text": text}))


def aggregate_label(labels: list[str]) -> str:
    """A label over articles from per-article labels: the most frequent non-neutral one; a tie is
    `conditional` (support against oppose, or any tie that includes conditional); all neutral is `neutral`."""
    counts = {s: labels.count(s) for s in ("support", "conditional", "oppose")}
    top = max(counts.values())
    if top == 0:
        return "neutral"
    winners = [s for s, c in counts.items() if c == top]
    return winners[0] if len(winners) == 1 else "conditional"


def aggregate(by_article: pd.DataFrame, actor_type: str | None = "country") -> pd.DataFrame:
    """Aggregate per-article labels per actor: BY_COUNTRY_COLUMNS (`iso` is the actor code).

    iso, name, articles, stance (`aggregate_label` of the per-article `stance` column, so overriding a
    per-article label changes it), frames (';'-separated, by number of articles then name), evidence (up to
    three sentences, most confident articles first, ' | '), confidence (mean over articles), stances_by_article
    (e.g. 'support:2;neutral:1').
    """
    df = by_article
    if actor_type and "actor_type" in df:
        df = df[df["actor_type"] == actor_type]
    rows = []
    for (iso, name), grp in df.groupby(["iso", "name"], sort=False):
        frame_counts: dict[str, int] = {}
        for frames in grp["frames"].fillna(""):
            for f in filter(None, frames.split(";")):
                frame_counts[f] = frame_counts.get(f, 0) + 1
        frames = ";".join(sorted(frame_counts, key=lambda f: (-frame_counts[f], f)))
        best = grp.sort_values("confidence", ascending=False)
        evidence = " | ".join([e for ev in best["evidence"] for e in ev.split(" | ")][:3])
        counts = ";".join(f"{k}:{v}" for k, v in grp["stance"].value_counts().items())
        rows.append((iso, name, grp["article_id"].nunique(), aggregate_label(grp["stance"].tolist()), frames,
                     evidence, round(float(grp["confidence"].mean()), 2), counts))
    out = pd.DataFrame(rows, columns=BY_COUNTRY_COLUMNS)
    return out.sort_values(["articles", "iso"], ascending=[False, True], ignore_index=True)


def stance_by_country(by_article: pd.DataFrame) -> pd.DataFrame:
    """Countries over articles (see `aggregate`): BY_COUNTRY_COLUMNS."""
    return aggregate(by_article, "country")


def stance_by_organization(by_article: pd.DataFrame) -> pd.DataFrame:
    """Organizations over articles (see `aggregate`): BY_COUNTRY_COLUMNS, `iso` = `org:<id>`."""
    return aggregate(by_article, "organization")


def with_group(by_article: pd.DataFrame, articles: pd.DataFrame, group: str) -> pd.DataFrame:
    """`by_article` with a first column `group`: its article's `group` column of `articles` (GROUPS: outlet or
    outlet_type), 'unknown' where that is empty or the article is not in `articles`. Raises ValueError for
    another `group`."""
    if group not in GROUPS:
        raise ValueError(f"group must be {' or '.join(GROUPS)}, got {group!r}")
    values = articles.set_index("article_id")[group].fillna("").astype(str).replace("", UNKNOWN)
    named = by_article["article_id"].map(values).fillna(UNKNOWN)
    return by_article.drop(columns="group", errors="ignore").assign(group=named.to_numpy())[
        ["group", *[c for c in by_article.columns if c != "group"]]]


def aggregate_by_group(by_article: pd.DataFrame, articles: pd.DataFrame, group: str = "outlet_type",
                       actor_type: str | None = "country") -> pd.DataFrame:
    """`aggregate` within each group of articles (`with_group`: each outlet type, or each outlet): `group` +
    BY_COUNTRY_COLUMNS, one row per (group, actor) with the same rules as the ungrouped table, so a coded label
    counts in the group of its article. Sorted by group, then articles (most first), then iso."""
    grouped = with_group(by_article, articles, group)
    parts = [aggregate(rows, actor_type).assign(group=name) for name, rows in grouped.groupby("group", sort=True)]
    columns = ["group", *BY_COUNTRY_COLUMNS]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def frames_by_group(wb, group: str = "outlet_type", by_article: pd.DataFrame | None = None,
                    actor_type: str | None = None) -> pd.DataFrame:
    """Frames as each group of outlets reports them: FRAMES_BY_GROUP_COLUMNS.

    group (`with_group`: outlet type or outlet; 'unknown' when not known), frame, actors (the group's
    (article, actor) pairs whose frames include the frame), articles (the group's articles with such a pair),
    share (actors / all of the group's (article, actor) pairs, frameless ones included; 3 decimals). `by_article`:
    the per-article labels (default `wb.analysis("stance")`; pass `coding.apply_codes(...)` for coded frames);
    `actor_type`: only countries or only organizations (default both). Sorted by group, actors (most first), frame.
    """
    rows = wb.analysis("stance") if by_article is None else by_article
    if actor_type and "actor_type" in rows:
        rows = rows[rows["actor_type"] == actor_type]
    rows = with_group(rows, wb.articles, group)
    pairs = rows.groupby("group").size()
    split = rows.assign(frame=rows["frames"].fillna("").str.split(";")).explode("frame")
    split = split[split["frame"].fillna("") != ""]
    if split.empty:
        return pd.DataFrame(columns=FRAMES_BY_GROUP_COLUMNS)
    out = split.groupby(["group", "frame"]).agg(actors=("iso", "size"), articles=("article_id", "nunique"))
    out = out.reset_index()
    out["share"] = (out["actors"] / out["group"].map(pairs)).round(3)
    out = out.sort_values(["group", "actors", "frame"], ascending=[True, False, True], ignore_index=True)
    return out[FRAMES_BY_GROUP_COLUMNS].astype({"actors": "int64", "articles": "int64"})


def frame_matrix(by_article: pd.DataFrame) -> pd.DataFrame:
    """Country × frame: the number of articles in which each country's statements carry each frame.

    Index: country name; columns: FRAMES (plus any extra frames defined in the YAML).
    """
    if "actor_type" in by_article:
        by_article = by_article[by_article["actor_type"] == "country"]
    rows = [(name, f) for name, frames in zip(by_article["name"], by_article["frames"])
            for f in filter(None, frames.split(";"))]
    table = pd.crosstab(pd.Series([r[0] for r in rows], name="country"),
                        pd.Series([r[1] for r in rows], name="frame")) if rows else pd.DataFrame()
    columns = FRAMES + [c for c in table.columns if c not in FRAMES]
    return table.reindex(columns=columns, fill_value=0)


def evidence_cards(wb, mentions: pd.DataFrame | None = None, cues_path: str | None = None,
                   frames_path: str | None = None, statements: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per statement or act of an actor: iso, name, article_id, sentence_id, sentence, cues (that
    fired in the actor's own words), kind, speaker, polarity (of that row), content."""
    if statements is None:
        statements = _statements(wb, mentions, cues_path)
    scored = scored_statements(statements, cues_path, frames_path)
    cues = [";".join(dict.fromkeys([*filter(None, c.split(";")), *(f"{f}:{x}" for f, xs in h.items() for x in xs)]))
            for c, h in zip(scored["cues"], scored["frame_hits"])]
    out = pd.DataFrame({"iso": scored["iso"], "name": scored["affiliation"],
                        "article_id": scored["article_id"], "sentence_id": scored["sentence_id"],
                        "sentence": scored["sentence"], "cues": cues,
                        "kind": scored["kind"], "speaker": scored["speaker"], "polarity": scored["stance_polarity"],
                        "content": scored["content"]})
    return out.sort_values(["article_id", "sentence_id"], ignore_index=True)


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
