"""Statements and acts: who speaks or acts, for whom, and what they say or do.

One row per statement or act (STATEMENT_COLUMNS), found on word-segmented sentences:

- `quote`: words in quotation marks (“…”, "…", «…») with a speech verb and its subject before them
  ("Ông X nói: “…”") or after them ("“…”, ông X nói.", "“…” - bà X cho biết"), also when the quote spans
  several sentences; interview answers labelled with the speaker ("+ Thứ trưởng X: …") or following a question
  ("- …?") once a sentence named the interviewee. See `quotes`.
- `reported`: a subject, a speech verb (`data/speech_verbs.yaml`) and the content that follows it
  ("Đại diện Nhật Bản cho biết nước này đang xem xét ..."); "Theo ông X, ..." and "..., theo ông X."; "Đó là
  điều mà X khẳng định" (the sentence before); "Theo đó, ..." after a statement (its speaker goes on).
- `act`: a subject and an act toward the Convention (`data/acts.yaml`: sign, host, ratify, adopt, call on
  others to sign, refuse, abstain, stay undecided), with a polarity. A list of countries as subject gives one
  row per country ("Đại diện Việt Nam, Lào và Campuchia đã ký"). An organization that is the subject (or the
  agent) of any other verb acts with no polarity, as `countries` makes such a country an actor. See `acts`.

The speaker's affiliation comes from the subject (`speakers`): a country named in it (from
`countries.find_mentions`), an organization from `data/organizations.csv`, a Vietnamese official or ministry
(Vietnam: the press is Vietnamese; `data/actor_cues.yaml`), or a person introduced earlier in the article,
followed through surnames ("bà Waly"), titles ("vị Bộ trưởng") and anaphors ("Ông", "nhà ngoại giao này",
"nước này"; `data/speakers.yaml`). `iso` is the country code, or `org:<id>`, or empty when unknown. This module
reads each sentence's clauses (subject, verb, content) and joins lines wrapped mid-sentence; the word lists are
in `lexicon`.

`extract_article` is a pure function of one article's sentences, tokens and country mentions (and of the data
files: `data_files` replaces packaged ones, as the engine's statements layer does), so an engine can map it over
batches and cache it; `extract` maps it over a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from vnpress.analyses.acts import (
    UNCOMMITTED,
    Event,
    act_ok,
    act_polarity,
    actor_act,
    call_polarity,
    hosting,
    in_question,
    joint_event,
    joint_participants,
    listed,
    nominal_and_praise,
    side_actors,
    verb_events,
)
from vnpress.analyses.countries import country_names, find_mentions
from vnpress.analyses.lexicon import (
    DASHES,
    FILES,
    HARD_BREAK,
    SOFT_BREAK,
    Lexicon,
    Sentence,
    affiliation_name,
    at,
    content_end,
    lexicon,
    paths,
    verb_at,
)
from vnpress.analyses.quotes import (
    according_to,
    article_text,
    event_speakers,
    interview_answer,
    interview_turns,
    interviewee_words,
    is_name,
    quote_after,
    quote_before,
    quote_spans,
    that_was,
)
from vnpress.analyses.speakers import (
    Speaker,
    State,
    entities_in,
    introduce,
    mark_entities,
    remember,
    resolve,
    statement_row,
    subject_start,
)
from vnpress.processing.layers import Batch, layer
from vnpress.processing.workbook import Workbook, from_texts
from vnpress.util.textnorm import fold

STATEMENT_COLUMNS = ["article_id", "sentence_id", "speaker", "title", "affiliation", "iso", "kind", "verb",
                     "content", "polarity", "predicate", "sentence", "start", "end", "rule"]


@dataclass
class _Previous:
    """The previous speech or act verb of a sentence: its speaker, end token and kind."""

    speaker: Speaker | None = None
    end: int = -1
    kind: str = ""


def _event_speaker(s: Sentence, events: list[Event], n: int, start: int, prev: _Previous, state: State,
                   lex: Lexicon, cues: dict) -> tuple[Speaker | None, bool, bool]:
    """(speaker, explicit, conjoined) of verb `n` whose subject starts at token `start`: the subject's speaker
    (explicit), else an opening topic, the guest of a reception, or the previous verb's speaker."""
    e = events[n]
    sp = resolve(s, start, e.pre, state, lex, cues)
    explicit = sp is not None
    # "X chúc mừng Việt Nam và nói ...", "X khẳng định ..., đồng thời nêu rõ": the previous subject's
    conjoined = prev.speaker is not None and e.pre > 0 and e.type == "speech" and (
        s.folded[e.pre - 1] in lex.conjoiners or (s.folded[e.pre] in lex.also and s.tokens[e.pre - 1] == ","))
    if conjoined and sp is not None and sp.rule == "entity":
        sp, explicit = None, False
    # "X lưu ý AFP, các nước bảo trợ ...": a new clause inside X's words, not X's act
    after_speech = prev.kind == "speech" and "," in s.tokens[prev.end:e.pre] and \
        s.folded[e.pre - 1] not in lex.clause_links | {","}
    if sp is None and prev.speaker is None and e.type != "speech":
        sp = _topic(s, e.pre, lex)  # "Với Việt Nam, đây là bước tiến ... khi đăng cai ..."
    if sp is None and n and events[n - 1].kind == "receive" and e.type != "speech" and (
            guests := entities_in(s, events[n - 1].b, e.pre, lex)):  # "tiếp Bộ trưởng X, nhân dịp tham dự lễ ký"
        sp = Speaker(s.span_text(events[n - 1].b, e.pre).strip(" ,"), "", guests, "received")
    if sp is None and prev.speaker is not None and prev.kind != "call" and not after_speech and \
            not any(t in HARD_BREAK for t in s.tokens[prev.end:e.pre]) and \
            not lex.contrast.search(" ".join(s.folded[prev.end:e.pre])) and not _refused(s, prev, e, lex):
        sp = Speaker(prev.speaker.name, prev.speaker.title, prev.speaker.affiliations, "coordinated")
    return sp, explicit, conjoined


def _refused(s: Sentence, prev: _Previous, e: Event, lex: Lexicon) -> bool:
    """Verb `e` lies in the scope of the previous verb, a refusal, with no punctuation, scope end
    (`refusal_scope_ends`) or adverb of its own between: what was refused («X không tham gia biểu quyết thông qua
    hiệp ước»: no adoption by X; «X bỏ phiếu trắng sau đó ký», «… cũng không ký»: acts of X)."""
    return prev.kind in UNCOMMITTED and e.pre == e.a and not any(
        t in SOFT_BREAK | HARD_BREAK or at(s.folded, k, lex.refusal_scope_ends)
        for k, t in enumerate(s.tokens[prev.end:e.pre], prev.end))


def _skipped(s: Sentence, e: Event, sp: Speaker, start: int, explicit: bool, conjoined: bool, clause_end: int,
             lex: Lexicon) -> bool:
    """The verb states or does nothing: a verb inside someone's content, an obligation, a speaker spoken of, an act
    not about the Convention or inside a question."""
    if not explicit and e.type == "speech" and not conjoined:  # a verb inside someone's content
        return True
    if any(w in lex.obligations for w in s.folded[start:e.pre]):
        return True  # "những vấn đề mà Việt Nam cần lưu ý (khi nội luật hóa)": an obligation, not a statement or act
    named_end = max((eb for ea, eb, _ in s.entities if start <= ea and eb <= e.pre), default=start)
    if e.type == "speech" and explicit and sp.rule == "entity" and any(
            w in lex.passive_markers for w in s.folded[named_end:e.pre]):
        return True  # "X đã được nhiều phái đoàn đánh giá là ...": X is what is spoken of; the speaker is unnamed
    return e.type != "speech" and (not act_ok(s, e, clause_end, lex) or in_question(s, e, clause_end, lex))


def _speech_rows(s: Sentence, sents: list[Sentence], idx: int, e: Event, sp: Speaker, start: int, conjoined: bool,
                 quotes: list[tuple[int, int]], lex: Lexicon) -> list[dict]:
    """The statements of a speech verb: its reported content, or the quote around it, per affiliation; a call on
    others to sign is also an act."""
    content_start = e.b
    while content_start < len(s.tokens) and (s.tokens[content_start] in {",", ":"} or
                                             at(s.folded, content_start, lex.complementizers)):
        content_start += at(s.folded, content_start, lex.complementizers) or 1
    kind, rule = "reported", "speech"
    that = next((t for t in range(content_start, min(content_start + 4, len(s.tokens)))
                 if s.folded[t] in lex.that_words or s.tokens[t] in SOFT_BREAK | HARD_BREAK), None)
    if that is not None and s.folded[that] in lex.that_words:  # "cáo buộc vô căn cứ rằng X": the press's qualifier
        content_start = that + 1
    content = s.span_text(content_start, content_end(s, content_start, lex)).rstrip(".").strip()
    if idx and _says_before(s, start, lex):  # "Đó là điều mà X khẳng định": the sentence before
        content = sents[idx - 1].text.rstrip(".").strip()
    lead = _concessive_lead(s, start, lex)
    if lead:
        content = f"[{lead}] {content}"
    q = (None if conjoined else quote_before(s, start, quotes)) or quote_after(s, content_start, quotes)
    if q and is_name(article_text(sents, *q)):  # “The Record Media”: a name in quotes, not words
        q = None
    if q:
        kind, rule, content = "quote", "quote", article_text(sents, *q)
    elif not content and e.b < len(s.tokens) and s.tokens[-1] == ":" and idx + 1 < len(sents):
        content, kind, rule = sents[idx + 1].text, "quote", "quote_next"
    call = call_polarity(fold(content), lex) if e.kind == "call" else ""
    rows = []
    for aff in sp.affiliations or [""]:
        row = statement_row(s, sp, aff, kind, e.verb, content, "", s.span_text(e.pre, e.b), start, e.b, rule)
        row["_cut"], row["_content_start"] = None, content_start
        rows.append(row)
        if call:  # "kêu gọi các nước sớm phê chuẩn": also an act, with its own polarity
            rows.append({**row, "kind": "act", "polarity": call, "rule": f"call/{sp.rule}", "_cut": None})
    return rows


def _act_rows(s: Sentence, e: Event, nxt: Event | None, sp: Speaker, start: int, clause_end: int, state: State,
              lex: Lexicon, cues: dict) -> list[dict]:
    """The acts of an act verb: its object as content and its polarity, per affiliation, co-host and side actor."""
    end = min(nxt.pre if nxt and nxt.pre > e.b else clause_end, content_end(s, e.b, lex))
    # the act's clause reaches the next verb's subject when it names one ("X tham dự hội nghị, Bộ trưởng Y
    # khẳng định ... tạo điều kiện"), else the clause end ("ký với tuyên bố rằng ...")
    nxt_start = subject_start(s, nxt.pre, e.b, lex) if nxt and nxt.pre > e.b else clause_end
    polarity = act_polarity(s, e, nxt_start if nxt and nxt_start < clause_end and resolve(
        s, nxt_start, nxt.pre, state, lex, cues) is not None else clause_end, lex)
    content = s.span_text(e.b, end).strip(" ,.")
    lead = _concessive_lead(s, start, lex)
    if lead:
        content = f"[{lead}] {content}"
    co = next((t for t in range(e.b, end) if s.folded[t] in lex.co_hosts), None)
    extra = entities_in(s, co + 1, end, lex) if co is not None and e.kind == "host" else []
    extra += side_actors(s, e, lex)
    rows = []
    for aff in list(dict.fromkeys((sp.affiliations or [""]) + extra)):
        row = statement_row(s, sp, aff, "act", e.verb, content, polarity, s.span_text(e.pre, e.b), start, e.b,
                            f"act:{e.kind}")
        row["_cut"], row["_content_start"] = None, e.b
        rows.append(row)
    return rows


def _sentence_rows(s: Sentence, sents: list[Sentence], idx: int, quotes: list[tuple[int, int]], state: State,
                   lex: Lexicon, cues: dict) -> list[dict]:
    """The statements and acts of sentence `idx`: for each speech or act verb, its subject and speaker, then its
    content, a quote around it, or the act's object and polarity; then "Theo X, …" and joint events."""
    rows: list[dict] = []
    events = verb_events(s, lex, quotes)
    floor, prev = 0, _Previous()
    for n, e in enumerate(events):
        start = subject_start(s, e.pre, floor, lex)
        sp, explicit, conjoined = _event_speaker(s, events, n, start, prev, state, lex, cues)
        clause_end = next((k for k in range(e.b, len(s.tokens)) if s.tokens[k] in HARD_BREAK - {"…"}),
                          len(s.tokens))
        if sp is None or _skipped(s, e, sp, start, explicit, conjoined, clause_end, lex):
            continue
        if explicit or conjoined:
            if explicit:
                remember(state, sp)
            # a nested subject, or a verb conjoined to the previous one, ends the previous statement's content
            for last in rows:
                if last["rule"].startswith("speech") and last["_cut"] is None and last["_content_start"] <= start:
                    last["_cut"] = start if explicit else e.pre - (s.folded[e.pre - 1] in lex.conjunctions)
        if e.type == "speech":
            rows += _speech_rows(s, sents, idx, e, sp, start, conjoined, quotes, lex)
        else:
            nxt = events[n + 1] if n + 1 < len(events) else None
            rows += _act_rows(s, e, nxt, sp, start, clause_end, state, lex, cues)
        prev, floor = _Previous(sp, e.b, e.kind), e.b
    rows += according_to(s, state, lex, cues)
    rows += joint_event(s, rows, state, lex, cues)
    for r in rows:
        cut, begin = r.pop("_cut", None), r.pop("_content_start", None)
        if cut is not None and r["kind"] == "reported":
            r["content"] = s.span_text(begin, cut).strip(" ,.")
    return rows


def _says_before(s: Sentence, start: int, lex: Lexicon) -> bool:
    """The sentence opens "Đó là điều (mà) X nói", "Đây là những gì X khẳng định": X's words are the sentence before."""
    n = at(s.folded, 0, lex.that_was)
    m = at(s.folded, n, lex.said_things) if n else 0
    return bool(m) and start <= n + m + 1


def _continued(s: Sentence, said: list[dict], n: int) -> list[dict]:
    """"Theo đó, các quốc gia cần phê chuẩn ...": a sentence that opens by referring back to the statement before
    goes on with its speaker's words."""
    last = said[-1]
    sp = Speaker(last["speaker"], last["title"], [r["affiliation"] for r in said if r["speaker"] == last["speaker"]],
                 "continued")
    content = s.span_text(n, len(s.tokens)).strip(" ,.")
    return [statement_row(s, sp, aff, "reported", s.span_text(0, n), content, "", "", 0, n, "continued")
            for aff in dict.fromkeys(sp.affiliations)]


def _org_subjects(s: Sentence, have: set[str], lex: Lexicon) -> list[tuple[int, int, str, bool]]:
    """Organizations in subject position (opening a clause, or the agent after "do"/"bởi", then a verb past
    adverbs) with no row yet."""
    out = []
    for a, b, org in s.entities:
        k = b
        while k < len(s.tokens) and (n := at(s.folded, k, lex.adverbs)):
            k += n
        agent = next((j for j in range(a - 1, max(-1, a - 4), -1) if s.folded[j] in lex.agent_prepositions), None)
        passive = agent is not None and all(p in {"N", "Nc", "Np"} for p in s.pos[agent + 1:a])  # "do Ban thư ký X"
        opens = a == 0 or s.tokens[a - 1] in HARD_BREAK | SOFT_BREAK - {"(", ")"} or \
            s.folded[a - 1] in lex.org_subject_openers
        if org.startswith("org:") and org not in have and (opens or passive) and k < len(s.tokens) and \
                (s.pos[k] == "V" or verb_at(s, k, lex)) and not s.tokens[k][:1].isupper() and s.tstart[a] >= 0 \
                and s.tend[b - 1] >= 0:  # a verb of the lexicon the tagger took for a noun: «X chủ trì»
            out.append((a, b, org, passive and not opens))
            have = have | {org}
    return out


def _topic(s: Sentence, before: int, lex: Lexicon) -> Speaker | None:
    """The topic of an opening "Với X," / "Đối với X," (X a country or organization and nothing else), the
    understood subject of a later act with no subject of its own."""
    n = at(s.folded, 0, lex.topic_openers)
    comma = next((k for k in range(n, before) if s.tokens[k] == ","), None) if n else None
    if comma is None or not any(ea == n and eb == comma for ea, eb, _ in s.entities):
        return None
    return Speaker(s.span_text(n, comma), "", entities_in(s, n, comma, lex), "topic")


def _concessive_lead(s: Sentence, start: int, lex: Lexicon) -> str:
    """A concessive clause opening the sentence before the subject ("Dù còn lo ngại ..., Đức đã ký")."""
    if start and (s.folded[0] in lex.concessives or " ".join(s.folded[:2]) in lex.concessive_pairs):
        comma = next((k for k in range(start) if s.tokens[k] == ","), None)
        if comma is not None:
            return s.span_text(0, comma)
    return ""


def _continues(prev: list[str], nxt: list[str], lex: Lexicon, wrapped: bool = False) -> bool:
    """A sentence cut by a hard line break: the previous one ends on a comma, an opening bracket or a word
    that needs a complement ("được", "và", "Ông"), or the next one starts in lower case (after a closing quote:
    in lower case, with a dash or a comma); in a hard-wrapped article, any full line (not a short heading or
    byline) without final punctuation."""
    last = prev[-1] if prev else "."
    if not nxt or last in HARD_BREAK or last == ":":
        return False
    if last in {"”", "»", '"'}:  # a quote closing a line: "… “tự do ngôn luận” / – đã công khai gọi"
        return nxt[0] in DASHES | {","} or nxt[0][:1].islower()
    full_line = wrapped and len(prev) >= 8 and ":" not in prev
    return full_line or last in {",", "(", "«", "“"} or fold(last) in lex.wrap_before or nxt[0][:1].islower()


def _join_wrapped(sentences: pd.DataFrame, tokens: pd.DataFrame, mentions: pd.DataFrame,
                  lex: Lexicon) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sentences, tokens and mentions with hard-wrapped lines joined into one sentence (the first's id)."""
    toks = {sid: t["token"].tolist() for sid, t in tokens.groupby("sentence_id", sort=True)}
    ordered = sentences.sort_values("sentence_id").to_dict("records")
    ids = [r["sentence_id"] for r in ordered]
    # a hard-wrapped article (a blog or PDF copy): at least three lines go on in lower case after no punctuation
    wrapped = sum(bool(toks.get(a)) and toks[a][-1] not in HARD_BREAK | {":", "”", "»", '"'} and
                  bool(toks.get(b)) and toks[b][0][:1].islower() for a, b in zip(ids, ids[1:])) >= 3
    rows, into = [], {}
    for r in ordered:
        prev = rows[-1] if rows else None
        if prev is not None and _continues(toks.get(prev["_last"], []), toks.get(r["sentence_id"], []), lex, wrapped):
            gap = r["start"] - (prev["start"] + len(prev["text"])) if min(r["start"], prev["start"]) >= 0 else 1
            prev["text"] += " " * max(1, gap) + r["text"]
            prev["_last"] = r["sentence_id"]
            into[r["sentence_id"]] = prev["sentence_id"]
            continue
        rows.append({**r, "_last": r["sentence_id"]})
    if not into:
        return sentences, tokens, mentions
    joined = pd.DataFrame(rows).drop(columns="_last")
    tokens = tokens.assign(sentence_id=tokens["sentence_id"].map(lambda x: into.get(x, x)))
    if len(mentions):
        mentions = mentions.assign(sentence_id=mentions["sentence_id"].map(lambda x: into.get(x, x)))
    return joined, tokens, mentions


def extract_article(article_id: str, sentences: pd.DataFrame, tokens: pd.DataFrame, mentions: pd.DataFrame,
                    data_files: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Statements and acts of one article (STATEMENT_COLUMNS), from its sentences, tokens and country
    mentions (the rows of `countries.find_mentions` for this article). `data_files` (file name → path)
    replaces packaged data files (`lexicon.FILES`)."""
    lex = lexicon(paths(data_files))
    cues = lex.actor_cues
    sentences, tokens, mentions = _join_wrapped(sentences, tokens, mentions, lex)
    sents = mark_entities(sentences, tokens, mentions, lex, cues)
    quotes = quote_spans(sents)
    state = State()
    rows: list[dict] = []
    actors: dict[int, list] = {}  # sentence → the countries named there as actors
    if len(mentions):
        for m in mentions[(mentions["role"] == "actor") & (mentions["via"] == "name")].itertuples(index=False):
            actors.setdefault(m.sentence_id, []).append(m)
    turns = interview_turns(sents)
    said: list[dict] = []  # the previous sentence's statements
    for i, s in enumerate(sents):
        if turns.get(i) == "question":
            introduce(s, state, lex, cues)
            continue
        found = interview_answer(s, state, lex, cues) or _sentence_rows(s, sents, i, quotes, state, lex, cues)
        found += that_was(s, sents, quotes, state, lex, cues) + listed(s, found, lex)
        found += nominal_and_praise(s, found, lex)
        found += hosting(s, found, state, lex, cues) + event_speakers(s, found, lex)
        found += joint_participants(s, found, lex)
        if turns.get(i) == "answer":
            found += interviewee_words(s, found, state)
        elif said and at(s.folded, 0, lex.continuations) and not any(r["kind"] != "act" for r in found):
            found += _continued(s, said, at(s.folded, 0, lex.continuations))
        said = [r for r in found if r["kind"] != "act" and r["affiliation"]]
        introduce(s, state, lex, cues)
        if turns.get(i) != "answer" and any(at(s.folded, k, lex.interview_cues) for k in range(len(s.tokens))):
            state.interviewee = state.last_person or state.interviewee  # "X trả lời phỏng vấn VietTimes"
        have = {r["affiliation"] for r in found}
        for m in actors.get(s.sid, []):
            if m.iso not in have:  # the country is the subject of some other verb: an act of unknown polarity
                found.append(actor_act(s, m.iso, m.start, m.end, lex))
                have.add(m.iso)
        for a, b, org, passive in _org_subjects(s, have, lex):  # so is an organization ("Ủy ban thảo luận ...")
            found.append(actor_act(s, org, s.tstart[a], s.tend[b - 1], lex))
            if passive:  # "dự thảo do Ban thư ký Ủy ban X xây dựng đã ...": what follows is not the agent's
                found[-1]["content"] = ""
            have.add(org)
        rows += found
    df = pd.DataFrame(rows, columns=[c for c in STATEMENT_COLUMNS if c not in {"article_id", "iso"}])
    df.insert(0, "article_id", article_id)
    df["iso"] = df["affiliation"]
    written: dict[str, str] = {}  # an organization's name as first written in the article
    for s in sents:
        for a, b, e in s.entities:
            if e.startswith("org:"):
                written.setdefault(e, s.span_text(a, b))
    df["affiliation"] = df["affiliation"].map(lambda code: affiliation_name(code, lex) if code in lex.names
                                              else written.get(code) or affiliation_name(code, lex))
    return df[STATEMENT_COLUMNS].astype({"sentence_id": "int64", "start": "int64", "end": "int64"})


def extract(wb, mentions: pd.DataFrame | None = None, data_files: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Statements and acts of every article of a workbook (STATEMENT_COLUMNS).

    article_id, sentence_id, speaker (name as written, or the subject when no person is named), title,
    affiliation (country or organization name, or 'unknown'), iso (ISO code, `org:<id>`, or ''), kind
    (quote|reported|act), verb, content (the quote, the reported clause, or the act's object), polarity
    (acts: support|conditional|oppose; '' for statements, whose stance comes from their content), predicate
    (adverbs + verb as written: "không ủng hộ"), sentence (evidence), start, end (character offsets of
    subject and verb in the article), rule (which rule fired / how the speaker was resolved).

    `mentions` defaults to `countries.find_mentions`; `data_files` (file name → path) replaces packaged data
    files (`lexicon.FILES`: speech_verbs.yaml, acts.yaml, speakers.yaml, organizations.csv, countries.csv,
    actor_cues.yaml, stance_cues.yaml), as the engine's statements layer does with `wb.analysis(...,
    data_files=...)`.
    """
    if mentions is None:
        files = data_files or {}
        mentions = find_mentions(wb, files.get("actor_cues.yaml"), files.get("countries.csv"))
    by_article = dict(tuple(mentions.groupby("article_id", sort=False)))
    sentences = dict(tuple(wb.sentences.groupby("article_id", sort=False)))
    frames = []
    empty = mentions.iloc[0:0]
    for article_id, toks in wb.tokens.groupby("article_id", sort=False):
        frames.append(extract_article(article_id, sentences[article_id], toks, by_article.get(article_id, empty),
                                      data_files))
    if not frames:
        return pd.DataFrame(columns=STATEMENT_COLUMNS)
    return pd.concat(frames, ignore_index=True)


@layer("statements", STATEMENT_COLUMNS, data_files=FILES, upstream=("mentions",))
def statements_layer(batch: Batch) -> pd.DataFrame:
    """The `statements` layer: `extract` on one batch, from its `mentions` rows (the data files are lexicon.FILES:
    its lexicons, organizations.csv, countries.csv, actor_cues.yaml and stance_cues.yaml, whose support cues license
    the press's praise)."""
    return extract(batch.wb, batch.inputs["mentions"], batch.files)


def actor_mentions(wb: Workbook, data_files: dict[str, str] | None = None) -> pd.DataFrame:
    """Country mentions as the reports show them (MENTION_COLUMNS): the cached `mentions` rows with role `actor`
    wherever the country has a statement or act in that sentence (`mark_actors`)."""
    return mark_actors(wb.analysis("mentions", data_files), wb.analysis("statements", data_files))


def statements_in_text(text: str, article_id: str = "text") -> pd.DataFrame:
    """Statements and acts in one raw text (cleaned and processed like a corpus article)."""
    return extract(from_texts({article_id: text}))


def mark_actors(mentions: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Mentions with role `actor` wherever the same country has a statement or act in that sentence, or inside
    the subject span of one (a sentence wrapped over lines keeps its first line's id); a country that speaks or
    acts in a sentence that does not name it (through its capital, a ministry, an official) gets an actor row
    there, `via` = `speaker`, with the subject as written for `surface` and its offsets."""
    triples = list(zip(statements["article_id"], statements["sentence_id"], statements["iso"]))
    keys = set(triples)
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for aid, iso, a, b in zip(statements["article_id"], statements["iso"], statements["start"], statements["end"]):
        spans.setdefault((aid, iso), []).append((a, b))
    starts, ends = (mentions[c] if c in mentions else [-1] * len(mentions) for c in ("start", "end"))
    hit = [k in keys or any(0 <= a <= start and end <= b for a, b in spans.get((k[0], k[2]), []))
           for k, start, end in zip(zip(mentions["article_id"], mentions["sentence_id"], mentions["iso"]),
                                    starts, ends)]
    out = mentions.copy()
    out.loc[hit, "role"] = "actor"
    named = set(zip(mentions["article_id"], mentions["sentence_id"], mentions["iso"]))
    country = [isinstance(iso, str) and iso != "" and not iso.startswith("org:") for _, _, iso in triples]
    unnamed = statements[[c and k not in named for c, k in zip(country, triples)]]
    unnamed = unnamed.drop_duplicates(["article_id", "sentence_id", "iso"])
    if unnamed.empty:
        return out
    added = pd.DataFrame({"article_id": unnamed["article_id"], "sentence_id": unnamed["sentence_id"],
                          "iso": unnamed["iso"], "name": [country_names().get(i, i) for i in unnamed["iso"]],
                          "surface": unnamed["speaker"], "role": "actor", "sentence": unnamed["sentence"],
                          "start": unnamed["start"], "end": unnamed["end"], "via": "speaker"})
    both = pd.concat([out, added[[c for c in added if c in out]]], ignore_index=True)
    position = {a: i for i, a in enumerate(dict.fromkeys(both["article_id"]))}
    return both.sort_values(["article_id", "sentence_id"], key=lambda c: c.map(position) if c.name == "article_id"
                            else c, kind="stable").reset_index(drop=True)


def speakers(statements: pd.DataFrame) -> pd.DataFrame:
    """Who speaks and how often: speaker, title, affiliation, iso, statements, acts, articles."""
    cols = ["speaker", "title", "affiliation", "iso", "statements", "acts", "articles"]
    if statements.empty:
        return pd.DataFrame(columns=cols)
    df = statements.assign(is_act=statements["kind"] == "act")
    out = df.groupby(["speaker", "affiliation", "iso"], dropna=False).agg(
        title=("title", lambda t: next((x for x in t if x), "")), statements=("is_act", lambda a: int((~a).sum())),
        acts=("is_act", "sum"), articles=("article_id", "nunique")).reset_index()
    out["acts"] = out["acts"].astype(int)
    return out[cols].sort_values(["statements", "acts", "articles"], ascending=False, ignore_index=True)
