"""Quotes and attributions: quoted passages (also across sentences, `quote_spans`), the quote just before a
subject ("“…”, ông X nói") or just after a verb ("ông X nói: “…”"), the quote a later sentence attributes
("Đó là chia sẻ của ông X"), "Theo ông X, …" and "…, theo ông X" (`according_to`), interview answers
("+ Thứ trưởng X: …", and the paragraphs after a question: `interview_turns`, `interviewee_words`), and speakers
named by their role at an event ("các diễn giả đến từ X, Y": `event_speakers`).
"""

from __future__ import annotations

import re

from vnpress.analyses.lexicon import HARD_BREAK, QUOTES, SOFT_BREAK, Lexicon, Sentence, at
from vnpress.analyses.speakers import Speaker, State, entities_in, remember, resolve, statement_row
from vnpress.util.phrases import match_phrases


def quote_spans(sents: list[Sentence]) -> list[tuple[int, int]]:
    """(start, end) article offsets of quoted passages (inside the marks), also across sentences."""
    spans, open_at = [], None
    for s in sents:
        if s.start < 0:
            continue
        for m in re.finditer(r"[“”«»\"]", s.text):
            role = QUOTES[m.group()]
            offset = s.start + m.start()
            if role == "open" or (role == "toggle" and open_at is None):
                open_at = offset + 1
            elif open_at is not None:
                spans.append((open_at, offset))
                open_at = None
    return spans


def article_text(sents: list[Sentence], a: int, b: int) -> str:
    """The article's text between offsets a and b, across sentences."""
    parts = []
    for s in sents:
        if s.start < 0 or s.start + len(s.text) <= a or s.start >= b:
            continue
        parts.append(s.text[max(0, a - s.start):max(0, b - s.start)])
    return " ".join(p.strip() for p in parts).strip()


def quote_before(s: Sentence, k: int, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The quote closing just before the subject at token k ("“…”, ông X nói"), if any."""
    j = k - 1
    while j >= 0 and s.tokens[j] in {",", "-", "–", "—"}:
        j -= 1
    if j >= 0 and s.tokens[j] in {"”", "»", '"'} and s.tstart[j] >= 0:
        return next((q for q in quotes if q[1] == s.tstart[j]), None)
    return None


def quote_after(s: Sentence, k: int, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The quote opening at token k (after the verb) or after a short "với phóng viên:", if any."""
    for j in range(k, min(len(s.tokens), k + 8)):
        if s.tokens[j] in {"“", "«", '"'} and s.tstart[j] >= 0 and (j == k or s.tokens[j - 1] in {":", ","}):
            return next((q for q in quotes if q[0] == s.tend[j]), None)
        if s.tokens[j] in HARD_BREAK:
            break
    return None


def is_name(text: str) -> bool:
    """A short quoted span whose words are all capitalized: a name or title, not a quotation."""
    words = text.split()
    return 0 < len(words) <= 5 and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def that_was(s: Sentence, sents: list[Sentence], quotes: list[tuple[int, int]], state: State, lex: Lexicon,
             cues: dict) -> list[dict]:
    """"“...” Đó là chia sẻ của ông X, trưởng đoàn Y": the quote before this sentence is X's (its closing mark may
    open this sentence)."""
    lead = next((i for i, t in enumerate(s.tokens) if t not in QUOTES), len(s.tokens))
    n = at(s.folded, lead, lex.that_was)
    m = at(s.folded, lead + n, lex.speech_nouns) if n else 0
    n += lead
    if not m or n + m >= len(s.tokens) or s.folded[n + m] not in lex.genitive:
        return []
    k = n + m + 1
    end = next((j for j in range(k, len(s.tokens)) if s.tokens[j] in HARD_BREAK
                or s.folded[j] in lex.occasion_words), len(s.tokens))
    sp = resolve(s, k, end, state, lex, cues)
    before = [q for q in quotes if q[1] <= s.tstart[lead]]
    if sp is None or not before:
        return []
    remember(state, sp)
    text = article_text(sents, *before[-1])
    return [statement_row(s, sp, aff, "quote", s.span_text(n, n + m), text, "", "", k, end, "quote_that_was")
            for aff in sp.affiliations or [""]]


def according_to(s: Sentence, state: State, lex: Lexicon, cues: dict) -> list[dict]:
    """"Theo ông X, Phó Vụ trưởng ..., <content>": a reported statement. Its content is the clause after it, and
    the clause before it when it closes or interrupts the sentence ("<content>, theo Thứ trưởng X."). A question
    ("Theo ông, ... là gì?") asks the addressee and states nothing."""
    rows = []
    if s.tokens and s.tokens[-1] == "?":
        return rows
    for i in range(len(s.tokens)):
        n = at(s.folded, i, lex.according_to, 2)
        if not n or not (i == 0 or s.tokens[i - 1] in SOFT_BREAK | {"“"}):
            continue
        k = i + n
        end = k
        while end < len(s.tokens) and s.tokens[end] not in {",", ":"} | HARD_BREAK:
            end += 1
        # appositives after the name: ", Phó Vụ trưởng Vụ ... (Bộ Ngoại giao),"
        while end < len(s.tokens) and s.tokens[end] == ",":
            j = end + 1
            if j < len(s.tokens) and (at(s.folded, j, lex.titles) or s.tokens[j] == "("):
                end = j
                while end < len(s.tokens) and s.tokens[end] not in {","} | HARD_BREAK:
                    end += 1
                continue
            break
        sp = resolve(s, k, end, state, lex, cues)
        titled = at(" ".join(s.folded[k:end]).split(), 0, lex.titles)  # also glued: "Đại sứ Australia"
        if sp is None or (sp.rule == "entity" and not sp.title and not titled and not any(
                w in s.folded[k:end] for w in lex.according_speakers)
                and sp.affiliations and not sp.affiliations[0].startswith("org:")):
            continue  # "Theo Việt Nam, ..." is rare; "Theo quy định" has no speaker
        remember(state, sp)
        before = s.span_text(0, i - 1).strip(" ,") if i > 1 and s.tokens[i - 1] == "," else ""
        content = " ".join(x for x in (before, s.span_text(end + 1, len(s.tokens)).rstrip(".").strip()) if x)
        for aff in sp.affiliations or [""]:
            rows.append(statement_row(s, sp, aff, "reported", s.span_text(i, k), content, "", s.span_text(i, k),
                                      i, end, "according_to"))
    return rows


def interview_answer(s: Sentence, state: State, lex: Lexicon, cues: dict) -> list[dict]:
    """Interview lines: "+ Thứ trưởng X: ..." (an answer) and "PV: ..." (a question, skipped)."""
    if ":" not in s.tokens[:14]:
        return []
    colon = s.tokens.index(":")
    a = 0
    while a < colon and s.tokens[a] in {"+", "-", "–", "•", "*"}:
        a += 1
    head = " ".join(s.folded[a:colon])
    if head in lex.reporter or any(v in head.split() for v in lex.speech_syllables):
        return []
    if any(p[0] in {"speech"} for _, _, p in match_phrases(s.folded[a:colon], lex.verbs)):
        return []
    sp = resolve(s, a, colon, state, lex, cues)
    if sp is None or not (sp.title or at(s.folded, a, lex.honorifics)):
        return []
    remember(state, sp)
    state.interviewee = sp
    content = s.span_text(colon + 1, len(s.tokens))
    return [statement_row(s, sp, aff, "quote", ":", content, "", "", a, colon, "interview_label")
            for aff in sp.affiliations or [""]]


def interview_turns(sents: list[Sentence]) -> dict[int, str]:
    """Sentence index → 'question' or 'answer' in an interview layout: in a paragraph that opens with a dash or a
    label ("- …", "PV: …", "Sputnik: …") and ends in a question mark, the sentences ending in one are the question;
    the paragraphs after it, up to the next question, are the answers (their sentences that end as sentences do,
    not page furniture such as a related-link title)."""
    paragraphs: dict[int, list[int]] = {}
    for i, s in enumerate(sents):
        paragraphs.setdefault(s.paragraph, []).append(i)
    turns: dict[int, str] = {}
    answering = False
    for members in paragraphs.values():
        first, last = sents[members[0]], sents[members[-1]]
        opened = bool(first.tokens) and (first.tokens[0] in {"-", "–", "—", "+", "•"} or ":" in first.tokens[1:5])
        if opened and last.tokens and last.tokens[-1] == "?":
            turns.update({i: "question" for i in members if sents[i].tokens and sents[i].tokens[-1] == "?"})
            answering = True
        elif answering:
            turns.update({i: "answer" for i in members if sents[i].tokens and sents[i].tokens[-1] in
                          HARD_BREAK | {"”", "»", '"'}})
    return turns


def interviewee_words(s: Sentence, found: list[dict], state: State) -> list[dict]:
    """An answer sentence is the interviewee's words (a quote), besides whatever else it reports."""
    sp = state.interviewee
    have = {r["affiliation"] for r in found if r["kind"] != "act"}
    if sp is None:
        return []
    a = 1 if s.tokens and s.tokens[0] in {"-", "–", "—", "+", "•"} else 0
    return [statement_row(s, sp, aff, "quote", "", s.span_text(a, len(s.tokens)), "", "", a, a, "interview_answer")
            for aff in sp.affiliations if aff not in have]


def event_speakers(s: Sentence, found: list[dict], lex: Lexicon) -> list[dict]:
    """"các diễn giả (khách mời) đến từ Việt Nam, Nigeria, Hà Lan": each entity named speaks, its words not reported."""
    have = {r["affiliation"] for r in found}
    for k in range(len(s.tokens)):
        n = at(s.folded, k, lex.speaker_nouns)
        j = k + n
        if not n or at(s.folded, j, lex.from_words) == 0:
            continue
        j += at(s.folded, j, lex.from_words)
        end = next((t for t in range(j, len(s.tokens)) if s.tokens[t] in HARD_BREAK | {";"}), len(s.tokens))
        isos = [iso for iso in entities_in(s, j, end, lex) if iso not in have] if any(
            ea == j for ea, _, _ in s.entities) else []
        sp = Speaker(s.span_text(k, end), "", isos, "event_speaker")
        return [statement_row(s, sp, iso, "reported", s.span_text(k, k + n), "", "", "", k, j, "event_speaker")
                for iso in isos]
    return []

