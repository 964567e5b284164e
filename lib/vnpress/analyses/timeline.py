"""Vietnamese date expressions resolved to calendar dates, and the events they date.

The grammar lives in `data/dates.yaml`: its word lists (time-of-day and weekday cues, tense words, relative
expressions, the heads of document names and target years, units, event words) and the patterns built on them,
each with its example (`grammar` compiles them; `timeline`, `article_dates`, `extract_dates` and
`anchor_to_corpus` take `grammar_path`, a dates.yaml in place of the packaged one). Here each pattern kind has
its interpreter (`_INTERPRETERS`), which turns a match into dates.

Recognized (on normalized text, case-insensitive): full dates `25/12/2024`, `24-12-2024`, `25.10.2025`,
`ngày 25 tháng 10 năm 2025`, `15 tháng 2, 2023`, `hôm 24 Tháng Mười` (a month as a capitalized word);
partial dates `26/10`, `ngày 23-10`, `25.10` (a partial numeric date needs a cue before it: `ngày`, a
time of day `sáng/chiều/tối`, a weekday, `từ/đến/vào`);
ranges `25-26/10`, `25–26/10/2025`, `15/6-7/7/2017`, `từ ngày 25 đến 26-10`, `hai ngày 25 và 26/10/2025`, `ngày 25 và 26
tháng 10 năm 2025`; months `tháng 10/2025`, `tháng 12 năm 2024`, `tháng 10`; quarters `quý IV/2024`; years
`năm 2025`, `vào 2025`; year spans `1977-2025`, `giai đoạn 2021–2024`, `từ năm 2022 đến năm 2024`, and
open spans `(từ 2019)`, `từ năm 2019 đến nay` (one row, range start); parts of years `đầu/giữa/cuối năm
2025`, `cuối năm`, `3 tháng cuối năm 2024` (= 2024-Q4), `6 tháng đầu năm` (= H1); relative expressions
`hôm nay`, `hôm qua`, `tuần trước`, `năm ngoái`, `cuối tuần này` (that Saturday), … (the table in the data
file); a day pair without its month `hai ngày 25 và 26` (the month of the date before it). Photo captions that
cleaning removed (`vnpress.corpus.clean`) are read too, without their credits (sentence_id -1).
Not dates: `24/7`, durations (`5 năm`, `gần 20 năm`, `3 tháng`), article numbers (`Điều 64`), phone
numbers, percentages, money, `6,6 triệu`, `2.000 đại biểu`, resolution numbers (`Nghị quyết 79/243`),
document numbers (`Nghị định 13/2023/NĐ-CP`, `Quyết định số 123/QĐ-TTg`), impossible dates (31/02), the
year in a document's name (`Luật An ninh mạng năm 2018`, `Công ước Budapest năm 2001`, `... Act 2023`),
and target years (`Tầm nhìn đến năm 2045`, `Agenda 2030`, a plan's horizon `Chiến lược ... đến năm
2030`): a target is not an event; a year stated as an event's date (`sẽ có hiệu lực năm 2026`) is.

Resolution. Explicit dates have anchor `explicit`. Expressions without a year, and relative ones, resolve
against the article's publication date (anchor `published`): a partial date takes the year that puts it
nearest the publication date, or the next occurrence on or after it when the sentence speaks of the
future (`sẽ`, `sắp`, `dự kiến`, a deadline `cho đến`; or a future word anywhere in the date's clause,
with no past word there: `Ban đàm phán sẽ trình báo cáo tại kỳ họp … vào năm 2023`), or the last one on
or before it after past cues (`đã`, `vừa`). Without a publication date they resolve against the writing time the article's own
explicit dates bound (anchor `inferred`, see `writing_bounds`): a date stated in the future tense (`sẽ
được mở ký trong năm 2025`, `sẽ diễn ra vào tháng 4/2022`) is after the writing time, one stated in the
past or plainly is not. With an upper bound a yearless date takes the latest year putting it before that
bound; with only a lower bound it takes the bound's year unless that puts it before the bound (then it
stays unresolved: the article may be from a later year). A header stating only the publication month
(`date 2024-08`) bounds the writing time to that month, and resolves relative months and years; no
day is invented. `anchor_to_corpus` then gives a yearless day
the year other articles give the same day and month for the same kind of event (anchor `corpus`, column
`anchor_article`), and the article's other yearless days within a month of that day take its year.
A yearless day the article writes in full elsewhere takes that year (anchor `article`), as do its
yearless days within a month of it. A publication date the reader only inferred from the text anchors
nothing unless it is the page's dateline (`_dateline`: a full date beside a clock time, or ending a short
line of its own without a final period or a verb, or a byline); a date the article's URL states anchors as a
publication date unless the page prints a dateline of its own within a year of it, and a month it states
without a day (`.../2025/10/slug.html`) as a publication month on the same terms; a past date alone dates a
month, not a day; a weekday written with a day picks the year within the writing-time bounds whose calendar
agrees, and none when no year does (`_weekday_year`; `phiên họp thứ 5` is an ordinal). Corpus anchoring also dates an article's yearless
months (nearest its anchored day) and a month of this year (`tháng 1 năm nay`, through the same month and event
in other articles); a day in an anniversary's sentence (`kỷ niệm`) takes no year from its event. A weekday alone
(`vào thứ Hai`, `đêm thứ Năm`) is the nearest such day before the publication date (after it in the future
tense), its month against a publication month; `3 tháng trước` is a month before it. `tới` after a date is a
future cue unless the date opens a range (`Từ ngày 25/10 tới nay`, `25/10 tới cuối tháng 11`); a count before
a relative week, month or year (`Hơn 70 năm sau`) is an offset from another event, not a clock's minutes
(`10 giờ 30 sáng nay`). What none of these anchors stays empty (`unresolved`).

Values: `YYYY-MM-DD` (day), `YYYY-MM` (month), `YYYY-Qn` (quarter), `YYYY` (year; `part` says
early|mid|late|H1|H2 for parts of years), `YYYY-Www` (week). A range gives one row per end (`range`
start|end, same `range_id`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd
import yaml

from vnpress.corpus import reader
from vnpress.corpus.clean import caption_text
from vnpress.data import path as data_path
from vnpress.processing.layers import Batch, layer
from vnpress.util.textnorm import fold

COLUMNS = ["article_id", "sentence_id", "value", "granularity", "surface", "anchor", "event", "sentence",
           "start", "end", "range", "range_id", "part", "published", "yearless", "tense", "anchor_article"]
MERGED_COLUMNS = ["value", "granularity", "event", "sources", "articles", "conflict", "sentences", "date",
                  "anchored_from"]


def _any(words: list[str]) -> str:
    """A regex alternation of whole words, longest first; a space matches any run of spaces."""
    alts = sorted({re.escape(w).replace(r"\ ", r"\s+") for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(alts) + ")"


def _word_re(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){_any(words)}(?!\w)", re.I)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR_KINDS = ("year_span", "year_from", "year", "year_bare")
_CLOCK_TIME = re.compile(r"(?<!\d)\d{1,2}[:h]\d{2}(?::\d{2})?(?!\d)")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NOT_WORDS = ("pieces", "patterns", "context")  # the keys of dates.yaml that are regexes, not word lists
# how far past an open writing-time bound a weekday may date a day (it recurs after 5, 6 or 11 years)
_WEEKDAY_YEARS = 5
_DATELINE_GAP = 16  # how near a clock time a full date must be to be the page's dateline ("14:27 | 25/10/2020")
_BYLINE_WORDS = 12  # the most words of a line whose closing full date is the page's dateline
_URL_DATELINE_GAP = pd.Timedelta(days=366)  # a page's dateline beats its URL's date only within a year of it
_NEAR_DAYS = 31  # how far from an article's anchored day its other yearless days may take its year
_MAX_RANGE = 183  # the longest range of days across months («15/11-10/2»; «1/3-1/2» is no range)
_PART_START = {"": 1, "early": 1, "H1": 1, "mid": 5, "H2": 7, "late": 9}  # the first month of a part of a year
_HEADER_MONTH = re.compile(r"date\s*[:=]?\s*(\d{4})-(\d{2})", re.I)
_CLAUSE = re.compile(r"[,;:“”\"()–]")  # where an event label's clause ends
_CLAUSE_BREAK = re.compile(r"[,;:.!?…]")  # where a tense word's clause ends: not at brackets ("Đại hội đồng (WHA)")


@dataclass(frozen=True)
class Grammar:
    """The date grammar of a dates.yaml: its word lists (`words`), its patterns and its context regexes."""

    words: dict
    patterns: list[tuple[str, re.Pattern[str]]]  # (kind, regex); earlier matches win over overlapping later ones
    partial_keep: re.Pattern[str]  # a partial date's cue that stays in its surface (a day, time of day, weekday)
    cue_before: re.Pattern[str]  # a time of day or weekday ending the text before a date
    day_word: re.Pattern[str]  # a day word opening a long date
    deadline: re.Pattern[str]  # a deadline just before a date
    target: re.Pattern[str]  # a target just before a year
    code_before: re.Pattern[str]  # a code just before a number
    unit_after: re.Pattern[str]  # a unit just after a number
    clock_rest: re.Pattern[str]  # what a page's clock line holds besides its time
    duration_before: re.Pattern[str]  # a number or duration word before a month
    count_before: re.Pattern[str]  # a count before a relative expression ("70 năm sau")
    clock_before: re.Pattern[str]  # a clock time before a relative expression (its minutes are no count)
    future_after: re.Pattern[str]  # a word just after a date that puts it in the future ("tới")
    # a range's start just before a date (the word after it opens the range's end, no future cue)
    since_before: re.Pattern[str]
    past_after: re.Pattern[str]  # a word just after a date that puts it in the past
    weekday_before: re.Pattern[str]  # a weekday just before the day of a date
    ordinal_before: re.Pattern[str]  # an ordinal's head just before a weekday's words (the fifth session)
    dateline_verb: re.Pattern[str]  # a verb making a short line ending with a date a sentence, not a dateline
    byline_before: re.Pattern[str]  # a byline's separator or label just before a full date
    year_start: re.Pattern[str]  # a year opening a line that continues the sentence before it
    year_word_end: re.Pattern[str]  # a line ending with the word for year, its number on the next line
    future: re.Pattern[str]  # the tense words
    past: re.Pattern[str]
    name_head: re.Pattern[str]  # the head of a document's name, and the words ending a name
    name_break: re.Pattern[str]
    months: dict[str, int]  # folded month word → month
    weekdays: dict[str, int]  # folded weekday → its number (0 = Monday)
    any_case_days: set[str]  # folded weekdays that name a day in lower case too
    counted: set[str]  # relative expressions a count before makes an offset or a duration
    event_ignore: re.Pattern[str]
    anniversary: re.Pattern[str]  # folded words marking an anniversary
    events: dict[str, re.Pattern[str]]  # event kind → its words


def _squash(text: str) -> str:
    """Runs of spaces as one space, lower case: the key of a multi-word entry."""
    return re.sub(r"\s+", " ", text).lower()


def _expand(template: str, subs: dict[str, str]) -> str:
    """A regex template with its {name} placeholders replaced (other braces are the regex's own)."""
    return _PLACEHOLDER.sub(lambda m: subs.get(m.group(1), m.group(0)), template)


@lru_cache(maxsize=4)
def grammar(path: str | None = None) -> Grammar:
    """The date grammar of `data/dates.yaml`, or of the dates.yaml at `path`."""
    words = yaml.safe_load(Path(path or data_path("dates.yaml")).read_text(encoding="utf-8"))
    subs = {k: _any(list(v)) for k, v in words.items() if k not in _NOT_WORDS and isinstance(v, (list, dict))}
    for name, piece in words["pieces"].items():
        subs[name] = _expand(piece, subs)
    context = {name: re.compile(_expand(regex, subs), re.I) for name, regex in words["context"].items()}
    return Grammar(
        words=words, patterns=[(p["kind"], re.compile(_expand(p["regex"], subs), re.I)) for p in words["patterns"]],
        **context, future=_word_re(words["future"]), past=_word_re(words["past"]),
        name_head=_word_re(words["name_heads"]), name_break=_word_re(words["name_breaks"]),
        months={fold(w): n for w, n in words["month_words"].items()},
        weekdays={_squash(fold(w)): n for w, n in words["weekday_numbers"].items()},
        any_case_days={_squash(fold(w)) for w in words["weekdays_any_case"]},
        counted={_squash(w) for w in words["counted"]},
        event_ignore=re.compile(rf"(?<!\w){_any([fold(w) for w in words['event_ignore']])}(?!\w)"),
        anniversary=re.compile(rf"(?<!\w){_any([fold(w) for w in words['anniversary']])}(?!\w)"),
        events={kind: re.compile(rf"(?<!\w){_any([fold(w) for w in ws])}(?!\w)") for kind, ws in words["events"].items()},
    )


Bounds = tuple[date | None, date | None] | None  # (not before, before) the writing time


def event_kinds(text: str) -> list[str]:
    """The kinds of event (`events` of data/dates.yaml: signing, adoption, …) a text names, in the file's order."""
    gram = grammar()
    folded = gram.event_ignore.sub(" ", fold(text))
    return [kind for kind, pattern in gram.events.items() if pattern.search(folded)]


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
        return True
    except ValueError:
        return False


def _pick_year(m: int, d: int, anchor: date, tense: str) -> int | None:
    candidates = [y for y in (anchor.year - 1, anchor.year, anchor.year + 1) if _valid(y, m, d)]
    if not candidates:
        return None
    if tense == "future":
        later = [y for y in candidates if date(y, m, d) >= anchor]
        return min(later) if later else None
    if tense == "past":
        earlier = [y for y in candidates if date(y, m, d) <= anchor]
        return max(earlier) if earlier else None
    return min(candidates, key=lambda y: abs((date(y, m, d) - anchor).days))


def _tense(text_before: str, text_after: str, gram: Grammar) -> str:
    """future (a future word near the date, a deadline `cho đến` before it, or a future word in the date's clause
    with no past word there), past, or ''. A `tới` after the date is a future cue unless it opens a range's other
    end (`Từ ngày 25/10 tới nay`, `25/10 tới cuối tháng 11`: `since`, `until_words`)."""
    window = text_before[-40:] + " " + text_after[:30]
    if gram.future_after.match(text_after) and not gram.since_before.search(text_before[-20:]):
        return "future"
    if gram.past_after.match(text_after):
        return "past"
    if gram.future.search(window) or gram.deadline.search(text_before[-30:]):
        return "future"
    if gram.past.search(text_before[-30:]):
        return "past"
    clause = _CLAUSE_BREAK.split(text_before)[-1]
    return "future" if gram.future.search(clause) and not gram.past.search(clause) else ""


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _relative(word: str, ref: date, gram: Grammar) -> tuple[str, str]:
    unit, k = gram.words["relative"][re.sub(r"\s+", " ", word.lower())]
    if unit == "day":
        return (ref + timedelta(days=k)).isoformat(), "day"
    if unit == "weekend":
        day = ref + timedelta(weeks=k)
        return (day + timedelta(days=5 - day.weekday())).isoformat(), "day"
    if unit == "week":
        y, wk, _ = (ref + timedelta(weeks=k)).isocalendar()
        return f"{y}-W{wk:02d}", "week"
    if unit == "month":
        y, m = _shift_month(ref.year, ref.month, k)
        return f"{y}-{m:02d}", "month"
    return str(ref.year + k), "year"


def _not_a_year(before: str, after: str, gram: Grammar) -> bool:
    """The year is part of a document's name, a target, a code, or a quantity."""
    if gram.target.search(before) or gram.code_before.search(before) or gram.unit_after.match(after):
        return True
    heads = list(gram.name_head.finditer(before[-90:]))
    if not heads:
        return False
    name = before[-90:][heads[-1].end():]
    return bool(re.match(r"\s+[^\W\d_]", name) and name.strip()[:1].isupper()
                and not re.search(r"[,.;:!?“”\"]", name) and not gram.name_break.search(name)
                and len(name.split()) <= 10)


def extract_dates(text: str, published: date | pd.Timestamp | None = None, context_year: int | None = None,
                  bounds: Bounds = None, lead: str = "", month: date | None = None,
                  month_hint: int | None = None, grammar_path: str | None = None) -> list[dict]:
    """Date expressions in one sentence or text: dicts with value, granularity, surface, anchor, start,
    end, range, range_id, part, yearless, tense. Partial ones resolve against `published`, else against
    the bounds of the writing time (see `writing_bounds`; `context_year` = bounds of that whole year);
    relative ones only against `published`, or (months and years) against `month`, the first day of a
    publication date known only to the month. `lead`: the text before this sentence when the sentence
    continues it (a hard line break inside a document's name), used only to recognize name years.
    `month_hint`: the month of the last date before this text, for a day pair written without its month
    (`hai ngày 25 và 26`); a month dated earlier in the text itself comes first. `grammar_path`: a dates.yaml
    in place of the packaged one."""
    gram = grammar(grammar_path)
    pub = published.date() if isinstance(published, pd.Timestamp) and not pd.isna(published) else \
        published if isinstance(published, date) else None
    taken: list[tuple[int, int]] = []
    out: list[dict] = []
    range_no = 0
    for kind, pattern in gram.patterns:
        for m in pattern.finditer(text):
            s, e = m.span()
            # the surface keeps a day, time-of-day or weekday cue, not a preposition
            if m.re.groupindex.get("cue") and m.group("cue"):
                s = m.start("cue") if gram.partial_keep.fullmatch(m.group("cue").strip()) else m.end("cue")
            if any(a < e and s < b for a, b in taken):
                continue
            before, after = text[:s], text[e:]
            if kind in _YEAR_KINDS and _not_a_year(f"{lead} {before}" if lead else before, after, gram):
                continue
            tense = _tense(before, after, gram)
            ctx = (date(context_year, 1, 1), date(context_year + 1, 1, 1)) if context_year else bounds
            if kind == "range_days":
                rows = _day_pair(m, _last_month(out, s) or month_hint, pub, ctx, tense)
            elif kind == "relative" and pub is None and month:
                rows = _relative_to_month(m.group(1), month, before, gram)
            else:
                rows = _interpret(kind, m, _Context(pub, ctx, tense, before, gram))
            if not rows:
                continue
            taken.append((s, e))
            if any(r["range"] for r in rows):
                range_no += 1
            for r in rows:
                out.append({**r, "surface": text[s:e].strip(" ,"), "start": s, "end": e, "tense": tense,
                            "range_id": range_no if r["range"] else 0})
    return sorted(out, key=lambda r: (r["start"], r["range"] != "start"))


def _row_month(row: dict) -> int | None:
    """The month a day or month row names (resolved or yearless), if any."""
    key = row["value"] or row["yearless"]
    return int(key[5:7]) if row["granularity"] in ("day", "month") and len(key) >= 7 else None


def _last_month(rows: list[dict], before: int) -> int | None:
    """The month of the last day or month row ending before offset `before`."""
    months = [(r["end"], mo) for r in rows if r["end"] <= before and (mo := _row_month(r))]
    return max(months)[1] if months else None


def _day_pair(m: re.Match[str], month: int | None, pub: date | None, ctx: Bounds, tense: str) -> list[dict]:
    """`hai ngày 25 và 26`: a span in the month of the date before it; nothing without one."""
    return _range(int(m.group(1)), int(m.group(2)), month, None, pub, ctx, tense) if month else []


def _relative_to_month(word: str, month: date, before: str, gram: Grammar) -> list[dict]:
    """A relative month or year against a publication month; a day or week needs the day; «70 năm sau» (a
    count before it) is an offset from another event, not a date."""
    if _counted(word, before, gram):
        return []
    unit, k = gram.words["relative"][_squash(word)]
    if unit == "day" and k == 0:  # today is in the publication month
        return [_row(month.strftime("%Y-%m"), "month", "published")]
    if unit not in ("month", "year"):
        return [_row("", "relative", "unresolved")]
    value, gran = _relative(word, month, gram)
    return [_row(value, gran, "published")]


def _row(value: str, gran: str, anchor: str, part: str = "", rng: str = "", yearless: str = "") -> dict:
    return {"value": value, "granularity": gran, "anchor": anchor, "part": part, "range": rng,
            "yearless": yearless}


def _ctx_year(ctx: Bounds, mo: int, d: int, tense: str = "", lower_alone: bool = False) -> int | None:
    """The year of a yearless day (or month, d=1) that the writing-time bounds allow, if any: with both
    bounds and the future tense, the first year putting it on or after the lower bound (the writing time
    is known, the event comes after it); else the latest year putting it before the upper bound; a lower
    bound alone (the latest past date the article states) dates a month (`lower_alone`), not a day: a
    day's year guessed from another date of the article is too often that of a past event."""
    if ctx is None:
        return None
    lo, hi = ctx
    if tense == "future" and lo and hi:
        return next((y for y in (lo.year, lo.year + 1) if _valid(y, mo, d) and date(y, mo, d) >= lo), None)
    if hi:
        y = hi.year if _valid(hi.year, mo, d) and date(hi.year, mo, d) < hi else hi.year - 1
        return y if _valid(y, mo, d) and not (lo and lo >= hi) else None
    if not lower_alone:
        return None
    return lo.year if lo and _valid(lo.year, mo, d) and date(lo.year, mo, d) >= lo.replace(day=1) else None


def _weekday_year(mo: int, d: int, weekday: int, ctx: Bounds) -> int | None:
    """The year of a yearless day written with its weekday (`Hôm thứ Tư (ngày 22/9)`) in an undated article:
    of the years whose calendar gives that day that weekday, within the writing-time bounds (an open bound
    reaches _WEEKDAY_YEARS past the other), the first on or after the lower bound, else the last before the
    upper one. None when no year agrees: a year that contradicts the weekday is no fallback."""
    if ctx is None or ctx == (None, None):
        return None
    lo, hi = ctx
    first = lo.year if lo else hi.year - _WEEKDAY_YEARS
    last = hi.year if hi else lo.year + _WEEKDAY_YEARS
    ok = [y for y in range(first, last + 1) if _valid(y, mo, d) and date(y, mo, d).weekday() == weekday
          and (lo is None or date(y, mo, d) >= lo) and (hi is None or date(y, mo, d) < hi)]
    if not ok:
        return None
    return ok[0] if lo else ok[-1]


def _resolve_dm(d: int, mo: int, y: str | None, pub: date | None, ctx: Bounds, tense: str,
                rng: str = "", weekday: int | None = None) -> dict | None:
    """The row of a day+month with an optional year; None if impossible. `weekday`: the weekday written
    with it (0 = Monday), which alone dates it in an undated article (`_weekday_year`)."""
    if y:
        return _row(date(int(y), mo, d).isoformat(), "day", "explicit", rng=rng) if _valid(int(y), mo, d) else None
    if not _valid(2000, mo, d):
        return None
    yearless = f"XXXX-{mo:02d}-{d:02d}"
    if pub:
        year = _pick_year(mo, d, pub, tense)
        return _row(date(year, mo, d).isoformat(), "day", "published", rng=rng, yearless=yearless) if year else None
    year = _ctx_year(ctx, mo, d, tense) if weekday is None else _weekday_year(mo, d, weekday, ctx)
    if year:
        return _row(date(year, mo, d).isoformat(), "day", "inferred", rng=rng, yearless=yearless)
    return _row("", "day", "unresolved", rng=rng, yearless=yearless)


def _range(d1: int, d2: int, mo: int, y: str | None, pub: date | None, ctx: Bounds, tense: str) -> list[dict]:
    if not d1 < d2:
        return []
    first = _resolve_dm(d1, mo, y, pub, ctx, tense, "start")
    second = _resolve_dm(d2, mo, y, pub, ctx, tense, "end")
    return [first, second] if first and second else []


@dataclass(frozen=True)
class _Context:
    """What an interpreter knows besides its match: the anchors, the tense and text before it, the grammar."""

    pub: date | None
    ctx: Bounds
    tense: str
    before: str
    gram: Grammar


def _with_month(g: tuple, i: int, gram: Grammar) -> tuple | None:
    """The groups with group `i`, a month as a number or a capitalized word, as a number; None if no month."""
    if (month := _month_no(g[i], gram)) is None:
        return None
    return g[:i] + (str(month),) + g[i + 1:]


def _one(row: dict | None) -> list[dict]:
    return [row] if row else []


def _range_months(m: re.Match[str], c: _Context) -> list[dict]:
    """«từ 30/12 đến 2/1/2025» → 2024-12-30 to 2025-01-02; «ngày 15/6-7/7/2017» → 2017-06-15 to 2017-07-07;
    without a year («từ ngày 29/4-10/5 tới») each end as a partial date, and only after a day word, a time of day
    or a weekday («từ 1/3-1/2 tổng số» is a pair of fractions). The start is the last such day before the end; a
    range of more than _MAX_RANGE days is none."""
    *days, year = m.groups()[-5:]  # the last five groups: day, month, day, month, year (the cue's group first)
    d1, m1, d2, m2 = (int(x) for x in days)
    if year:
        second = _resolve_dm(d2, m2, year, c.pub, c.ctx, c.tense, "end")
    elif c.gram.partial_keep.search(m.group(0)):
        second = _resolve_dm(d2, m2, None, c.pub, c.ctx, c.tense, "end")
    else:
        return []
    if not (second and second["value"]):
        first = _resolve_dm(d1, m1, None, c.pub, c.ctx, c.tense, "start")
        return [first, second] if first and second else []
    end = date.fromisoformat(second["value"])
    y1 = end.year - 1 if (m1, d1) > (m2, d2) else end.year
    if not _valid(y1, m1, d1) or (end - date(y1, m1, d1)).days > _MAX_RANGE:
        return []
    yearless = "" if year else f"XXXX-{m1:02d}-{d1:02d}"
    return [_row(date(y1, m1, d1).isoformat(), "day", second["anchor"], rng="start", yearless=yearless), second]


def _day_range(m: re.Match[str], c: _Context) -> list[dict]:
    """«từ ngày 25 đến 26-10», «hai ngày 25 và 26/10/2025», «25–26/10/2025» → two days of one month."""
    g = m.groups()
    return _range(int(g[0]), int(g[1]), int(g[2]), g[3], c.pub, c.ctx, c.tense)


def _range_long(m: re.Match[str], c: _Context) -> list[dict]:
    """«ngày 25 và 26 tháng 10 năm 2025» → 2025-10-25 to 2025-10-26."""
    if (g := _with_month(m.groups(), 2, c.gram)) is None:
        return []
    return _range(int(g[0]), int(g[1]), int(g[2]), g[3], c.pub, c.ctx, c.tense)


def _long(m: re.Match[str], c: _Context) -> list[dict]:
    """«ngày 25 tháng 10 năm 2025», «hôm 24 Tháng Mười» → a day; «3 tháng 10 ngày» is a duration."""
    if (g := _with_month(m.groups(), 1, c.gram)) is None:
        return []
    if not g[2] and not c.gram.day_word.match(m.group(0)) and not c.gram.cue_before.search(c.before):
        return []  # "15 tháng 2" needs ngày, a year or a weekday
    weekday = _weekday_of(m.string[:m.start(1)], c.gram)
    return _one(_resolve_dm(int(g[0]), int(g[1]), g[2], c.pub, c.ctx, c.tense, weekday=weekday))


def _full(m: re.Match[str], c: _Context) -> list[dict]:
    """«25/12/2024», «25.10.2025» → a day."""
    g = m.groups()
    return _one(_resolve_dm(int(g[0]), int(g[2]), g[3], c.pub, c.ctx, c.tense))


def _partial(m: re.Match[str], c: _Context) -> list[dict]:
    """«Chiều 25/10», «ngày 23-10» → a day of the year the anchors give; «24/7» is not a date."""
    d, mo = int(m.group(m.lastindex - 1)), int(m.group(m.lastindex))
    if (d, mo) == (24, 7):
        return []
    weekday = _weekday_of(m.string[:m.start(m.lastindex - 1)], c.gram)
    return _one(_resolve_dm(d, mo, None, c.pub, c.ctx, c.tense, weekday=weekday))


def _weekday_of(text_before: str, gram: Grammar) -> int | None:
    """The weekday (0 = Monday) written just before a date's day, if any; after an ordinal's head
    (`phiên họp thứ 5 (ngày 22/9)`: `ordinal_heads`) its words are an ordinal, not a weekday."""
    window = text_before[-60:]
    found = gram.weekday_before.search(window)
    if found is None or gram.ordinal_before.search(window[:found.start()]):
        return None
    return gram.weekdays.get(_squash(fold(found.group(1))))


def _months_part(m: re.Match[str], c: _Context) -> list[dict]:
    """«3 tháng cuối năm 2024» → 2024-Q4; «6 tháng đầu năm» → H1; «9 tháng đầu năm» → early."""
    g = m.groups()
    n = c.gram.words["number_words"].get(g[0].lower()) or int(g[0])
    year, anchor = _year_of(g[2], c.pub, c.ctx)
    early = c.gram.words["year_parts"][g[1].lower()] == "early"
    if n == 3:
        return [_row(f"{year}-Q{1 if early else 4}" if year else "", "quarter", anchor)]
    part = ("H1" if early else "H2") if n == 6 else ("early" if early else "late")
    return [_row(str(year) if year else "", "year", anchor, part)]


def _quarter(m: re.Match[str], c: _Context) -> list[dict]:
    """«quý IV/2024» → 2024-Q4."""
    g = m.groups()
    year, anchor = _year_of(g[1] or g[2], c.pub, c.ctx)
    return [_row(f"{year}-Q{_ROMAN[g[0].lower()]}" if year else "", "quarter", anchor)]


def _month_match(m: re.Match[str], c: _Context) -> list[dict]:
    """«tháng 12 năm 2024», «tháng 10/2025», «tháng 10» → a month."""
    if (g := _with_month(m.groups(), 0, c.gram)) is None:
        return []
    return _month(int(g[0]), g[1] or g[2], c.pub, c.ctx, c.tense, c.before, c.gram)


def _month_shift(m: re.Match[str], c: _Context) -> list[dict]:
    """«tháng 1 năm nay», «tháng 7 năm ngoái» → a month of the publication year (or the one before, after)."""
    if (month := _month_no(m.group(1), c.gram)) is None or not 1 <= month <= 12:
        return []
    shift = c.gram.words["year_shifts"][m.group(2).lower()]
    lo, hi = c.ctx or (None, None)
    year = c.pub.year if c.pub else lo.year if lo and hi and (hi - lo).days <= 31 else None
    if year is None:
        return [_row("", "month", "unresolved", yearless=f"XXXX-{month:02d}")]
    return [_row(f"{year + shift}-{month:02d}", "month", "published" if c.pub else "inferred",
                 yearless=f"XXXX-{month:02d}")]


def _year_span(m: re.Match[str], c: _Context) -> list[dict]:
    """«giai đoạn 2021–2024», «từ năm 2022 đến năm 2024» → 2021 to 2024."""
    g = m.groups()
    y1, y2 = int(g[0]), int(g[1])
    return [_row(g[0], "year", "explicit", rng="start"), _row(g[1], "year", "explicit", rng="end")] \
        if y1 < y2 <= y1 + 100 else []


def _year_from(m: re.Match[str], c: _Context) -> list[dict]:
    """«từ năm 2019 đến nay», «(từ 2019)» → the start of an open span."""
    return [_row(m.group(1), "year", "explicit", rng="start")]


def _year_part(m: re.Match[str], c: _Context) -> list[dict]:
    """«cuối năm 2025» → 2025 late; «đầu năm nay», «cuối năm ngoái» → against the publication year."""
    g = m.groups()
    part = c.gram.words["year_parts"][g[0].lower()]
    if g[1]:
        return [_row(g[1], "year", "explicit", part)]
    year = _ctx_year(c.ctx, 1, 1)
    ref = c.pub or (date(year, 7, 1) if year else None)
    if ref is None:
        return [_row("", "year", "unresolved", part)]
    shift = c.gram.words["year_shifts"].get((g[2] or "").lower(), 0)
    return [_row(str(ref.year + shift), "year", "published" if c.pub else "inferred", part)]


def _year(m: re.Match[str], c: _Context) -> list[dict]:
    """«năm 2025» → 2025."""
    return [_row(m.group(1), "year", "explicit")]


def _year_bare(m: re.Match[str], c: _Context) -> list[dict]:
    """«vào 2025» → 2025; «cuối 2024» → 2024 late."""
    g = m.groups()
    return [_row(g[1], "year", "explicit", c.gram.words["year_parts"].get(g[0].lower(), ""))]


def _month_span(m: re.Match[str], c: _Context) -> list[dict]:
    """«10/2024-3/2025» → 2024-10 to 2025-03."""
    g = m.groups()
    (m1, y1), (m2, y2) = (int(g[0]), int(g[1])), (int(g[2]), int(g[3]))
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12 and (y1, m1) < (y2, m2)):
        return []
    return [_row(f"{y1}-{m1:02d}", "month", "explicit", rng="start"),
            _row(f"{y2}-{m2:02d}", "month", "explicit", rng="end")]


def _years_ago(m: re.Match[str], c: _Context) -> list[dict]:
    """«Hai mươi năm trước» → 20 years before the publication year, else before the writing year the bounds give."""
    n, year = _count(m.group(1), c.gram), c.pub.year if c.pub else _ctx_year(c.ctx, 1, 1)
    if not 0 < n < 100:
        return []
    return [_row(str(year - n) if year else "", "year",
                 "published" if c.pub else "inferred" if year else "unresolved")]


def _relative_match(m: re.Match[str], c: _Context) -> list[dict]:
    """«hôm qua», «cuối tuần này» → an offset from the publication date; «năm tới» without one, from the
    writing year the bounds give (as «cuối năm nay»); «70 năm sau» (a count before it) is an offset from
    another event, not a date."""
    if _counted(m.group(1), c.before, c.gram):
        return []
    unit = c.gram.words["relative"][_squash(m.group(1))][0]
    if c.pub is None and unit == "year" and (year := _ctx_year(c.ctx, 1, 1)):
        return [_row(_relative(m.group(1), date(year, 7, 1), c.gram)[0], "year", "inferred")]
    if c.pub is None:
        return [_row("", "relative", "unresolved")]
    value, gran = _relative(m.group(1), c.pub, c.gram)
    return [_row(value, gran, "published")]


def _counted(word: str, before: str, gram: Grammar) -> bool:
    """A count just before a relative expression of `counted` (`Hơn 70 năm sau`, `hai tuần sau`): an offset
    from another event or a duration, not a date. The minutes of a clock time are no count (`10 giờ 30 sáng
    nay`), nor does a count turn a day (`sáng nay`, `hôm qua`) into one."""
    return _squash(word) in gram.counted and bool(gram.count_before.search(before[-15:])) \
        and not gram.clock_before.search(before[-20:])


def _pub_month(c: _Context) -> date | None:
    """The first day of the publication month: of the publication date, else of writing-time bounds a month
    apart (a `date YYYY-MM` header)."""
    if c.pub:
        return c.pub.replace(day=1)
    lo, hi = c.ctx or (None, None)
    return lo.replace(day=1) if lo and hi and (hi - lo).days <= 31 else None


def _months_ago(m: re.Match[str], c: _Context) -> list[dict]:
    """«3 tháng trước», «Từ 3 tháng qua» → the month that many months before the publication month."""
    n, ref = _count(next(g for g in m.groups() if g), c.gram), _pub_month(c)
    if not 0 < n < 100:
        return []
    if ref is None:
        return [_row("", "relative", "unresolved")]
    y, mo = _shift_month(ref.year, ref.month, -n)
    return [_row(f"{y}-{mo:02d}", "month", "published" if c.pub else "inferred")]


def _weekday_match(m: re.Match[str], c: _Context) -> list[dict]:
    """«vào thứ Hai», «đêm thứ Năm» → the nearest such day on or before the publication date (on or after it
    in the future tense); only its month against a publication month. «lần thứ hai» is no weekday: the
    day's name must be capitalized or a digit (or one of `weekdays_any_case`)."""
    name = m.group(1)
    last = name.split()[-1]
    if not (last[:1].isupper() or last.isdigit() or _squash(fold(name)) in c.gram.any_case_days):
        return []
    if c.pub is None:
        month = _pub_month(c)
        return [_row(month.strftime("%Y-%m"), "month", "inferred") if month else _row("", "relative", "unresolved")]
    day = c.gram.weekdays[_squash(fold(name))]
    step = (day - c.pub.weekday()) % 7 if c.tense == "future" else -((c.pub.weekday() - day) % 7)
    return [_row((c.pub + timedelta(days=step)).isoformat(), "day", "published")]


# the interpreter of each pattern kind of dates.yaml: rows (see _row) for one match, or [] when it is not a date
_INTERPRETERS: dict[str, Callable[[re.Match[str], _Context], list[dict]]] = {
    "range_months": _range_months, "range_from": _day_range, "range_and": _day_range, "range_long": _range_long,
    "range_dash_months": _range_months, "range_dash": _day_range, "long": _long, "month_span": _month_span,
    "full": _full, "partial": _partial,
    "months_part": _months_part, "quarter": _quarter, "month": _month_match, "month_shift": _month_shift, "year_span": _year_span,
    "year_from": _year_from, "year_part": _year_part, "year": _year, "year_bare": _year_bare,
    "years_ago": _years_ago, "relative": _relative_match, "months_ago": _months_ago, "weekday": _weekday_match,
}


def _interpret(kind: str, m: re.Match[str], c: _Context) -> list[dict]:
    """Rows (see _row) for one match, or [] when it is not a date (or its kind has no interpreter)."""
    interpreter = _INTERPRETERS.get(kind)
    return interpreter(m, c) if interpreter else []


def _count(text: str, gram: Grammar) -> int:
    """A count written in digits or words: "20", "hai mươi", "mười lăm", "năm" → 20, 20, 15, 5."""
    if text.isdigit():
        return int(text)
    words = text.lower().split()
    numbers = gram.words["number_words"]
    if gram.words["tens_word"] in words:
        return numbers[words[0]] * 10 + (numbers[words[2]] if len(words) > 2 else 0)
    return sum(numbers[w] for w in words)


def _month_no(text: str, gram: Grammar) -> int | None:
    """The month of a number or a capitalized month word (`Mười`, `Mười Hai`); None for `tháng năm`, and for
    `tháng giêng`, `tháng chạp` in lower case: the lunar months (Tết)."""
    if text.isdigit():
        return int(text)
    return gram.months.get(fold(text)) if text[0].isupper() else None


def _month(mo: int, y: str | None, pub: date | None, ctx: Bounds, tense: str, before: str,
           gram: Grammar) -> list[dict]:
    if not 1 <= mo <= 12 or gram.duration_before.search(before[-8:]) and re.search(r"\d\s*$", before):
        return []
    if y:
        return [_row(f"{int(y)}-{mo:02d}", "month", "explicit")]
    yearless = f"XXXX-{mo:02d}"
    if pub:
        year = _pick_year(mo, 1, pub, tense) if tense else min(
            (pub.year - 1, pub.year, pub.year + 1), key=lambda yy: abs((date(yy, mo, 15) - pub).days))
        return [_row(f"{year}-{mo:02d}", "month", "published", yearless=yearless)]
    if year := _ctx_year(ctx, mo, 1, tense, lower_alone=True):
        return [_row(f"{year}-{mo:02d}", "month", "inferred", yearless=yearless)]
    return [_row("", "month", "unresolved", yearless=yearless)]


def _year_of(y: str | None, pub: date | None, ctx: Bounds) -> tuple[int | None, str]:
    if y:
        return int(y), "explicit"
    if pub:
        return pub.year, "published"
    year = _ctx_year(ctx, 1, 1)
    return (year, "inferred") if year else (None, "unresolved")


def _start(value: str, part: str = "") -> date:
    """The first day of a resolved value (a part of a year starts at its month)."""
    if "Q" in value:
        return date(int(value[:4]), 3 * int(value[-1]) - 2, 1)
    return date(int(value[:4]), int(value[5:7]) if len(value) >= 7 else _PART_START[part],
                int(value[8:10]) if len(value) == 10 else 1)


def writing_bounds(rows: list[dict]) -> Bounds:
    """When an article was written, bounded by its explicit dates: not before the latest one it states in
    the past tense or plainly, before the earliest one it states in the future tense (`sẽ được mở ký
    trong năm 2025`: before 2025; `sẽ diễn ra vào tháng 4/2022`: before April 2022). (lower, upper),
    either may be None; None when the article states no explicit date."""
    stated = [(_start(r["value"], r["part"]), r["tense"]) for r in rows if r["anchor"] == "explicit" and r["value"]
              and r["granularity"] != "week"]
    if not stated:
        return None
    lo = max((d for d, t in stated if t != "future"), default=None)
    hi = min((d for d, t in stated if t == "future"), default=None)
    return lo, hi


def _month_bounds(month: date) -> Bounds:
    """The writing-time bounds of a publication date known only to the month."""
    y, mo = _shift_month(month.year, month.month, 1)
    return month, date(y, mo, 1)


def _sentence_dates(texts: list[tuple[int, str]], published: pd.Timestamp | None, bounds: Bounds,
                    month: date | None, grammar_path: str | None) -> list[tuple[int, str, dict]]:
    """(sentence_id, text, row) for every date of the sentences in order; a day pair without its month
    takes the month of the last date before it."""
    leads = [""] + [prev if not re.search(r"[.!?:;…\"”)]\s*$", prev) else "" for _, prev in texts[:-1]]
    gram = grammar(grammar_path)
    out: list[tuple[int, str, dict]] = []
    hint, taken = None, 0  # taken: characters of this sentence a date of the previous one consumed
    for n, ((sid, text), lead) in enumerate(zip(texts, leads)):
        year = _wrapped_year(text, texts[n + 1][1], gram) if n + 1 < len(texts) and leads[n + 1] else None
        rows = extract_dates(f"{text} {year.group(0)}" if year else text, published, bounds=bounds, lead=lead,
                             month=month, month_hint=hint, grammar_path=grammar_path)
        rows = [r for r in rows if r["start"] >= taken and r["start"] < len(text)]
        taken = len(year.group(0)) if year and any(r["end"] > len(text) for r in rows) else 0
        rows = [{**r, "end": min(r["end"], len(text))} for r in rows]
        out += [(sid, text, r) for r in rows]
        hint = _last_month(rows, len(text)) or hint
    return out


def _wrapped_year(text: str, following: str, gram: Grammar) -> re.Match[str] | None:
    """A year opening the line after `text` that completes its date: `năm 2025`, or a bare `2025` when
    `text` ends with the word năm."""
    year = gram.year_start.match(following)
    if year and not year.group(0).strip()[:1].isdigit():
        return year
    return year if year and gram.year_word_end.search(text) else None


def _stale_clock(text: str, row: dict, published: pd.Timestamp | None, gram: Grammar) -> bool:
    """A page clock line (labels, weekday, date and time only) dated after the publication date."""
    if published is None or row["granularity"] != "day" or not row["value"] or not _CLOCK_TIME.search(text):
        return False
    return gram.clock_rest.sub("", _CLOCK_TIME.sub("", text)) == "" and row["value"] > published.strftime("%Y-%m-%d")


def article_dates(article_id: str, sentences: pd.DataFrame, published: pd.Timestamp | None,
                  month: date | None = None, grammar_path: str | None = None,
                  url_date: pd.Timestamp | None = None, url_month: date | None = None) -> pd.DataFrame:
    """The date rows (COLUMNS) of one article from its sentences (sentence_id, text): a pure function of
    the article, so an engine can map it over batches and cache it. Corpus anchoring comes after.
    `month`: the first day of the publication month when the article states only the month (it bounds
    the writing time; no day is invented). `url_date`: the date its URL states, the publication date unless
    the page prints a dateline of its own within a year of it; `url_month`: the month its URL states without a
    day, taken as `month` on the same terms. `grammar_path`: a dates.yaml in place of the packaged one."""
    texts = list(zip(sentences["sentence_id"], sentences["text"]))
    bounds = None
    if published is None and month is not None:
        bounds = _month_bounds(month)
    elif published is None:
        first = _sentence_dates(texts, None, None, None, grammar_path)
        published = _dateline(first, grammar(grammar_path))
        stated = url_date if url_date is not None else pd.Timestamp(url_month) if url_month is not None else None
        if stated is not None and (published is None or abs(published - stated) > _URL_DATELINE_GAP):
            # the URL's date or month; a "dateline" a year away from it is a kept caption's, not the page's
            published, month = (url_date, month) if url_date is not None else (None, url_month)
        bounds = _month_bounds(month) if month is not None else None if published is not None else \
            writing_bounds([r for _, _, r in first])
    pub = published.strftime("%Y-%m-%d") if published is not None else ""
    gram = grammar(grammar_path)
    rows = [{"article_id": article_id, "sentence_id": sid, **r, "event": event_label(text, r["start"], r["end"]),
             "sentence": text, "published": pub, "anchor_article": ""}
            for sid, text, r in _sentence_dates(texts, published, bounds, month, grammar_path)
            if not _stale_clock(text, r, published, gram)]
    return _typed(_anchor_in_article(pd.DataFrame(rows, columns=COLUMNS), gram))


def _dateline(found: list[tuple[int, str, dict]], gram: Grammar) -> pd.Timestamp | None:
    """The page's dateline: a full date before any other date of the article (one further down is a
    sidebar's), written next to a clock time (`Thứ Năm, 11/08/2022 17:58`, `14:27 | 25/10/2020 GMT+7`) or
    ending a dateline-like line (`_dateline_line`)."""
    if not found:
        return None
    _, text, r = found[0]
    if r["anchor"] != "explicit" or r["granularity"] != "day" or r["range"]:
        return None
    near = text[max(0, r["start"] - _DATELINE_GAP):r["end"] + _DATELINE_GAP]
    return pd.Timestamp(r["value"]) if _CLOCK_TIME.search(near) or _dateline_line(text, r, gram) else None


def _dateline_line(text: str, row: dict, gram: Grammar) -> bool:
    """A short line (at most _BYLINE_WORDS words) that the full date `row` ends and that is no sentence: a
    byline (`Thanh Niên | 23/10/2025`, `Đăng ngày 23/10/2025`: `byline_before`), or a line of its own with
    no final period and no verb (`Đài truyền hình Việt Nam 23/10/2025`; not `Lễ mở ký Công ước diễn ra ngày
    25/10/2025.`: `dateline_verbs`). A date wrapped onto the next line (`Ngày 25 tháng 10 năm` / `2025, tại
    Hà Nội`) continues a sentence."""
    rest, before = text[row["end"]:], text[:row["start"]]
    if len(text.split()) > _BYLINE_WORDS or row["surface"] not in text or rest.strip(" .|"):
        return False
    if gram.byline_before.search(before):
        return True
    return not rest.strip(" |") and not gram.dateline_verb.search(before)


def _anchor_in_article(df: pd.DataFrame, gram: Grammar) -> pd.DataFrame:
    """An undated yearless day (anchor unresolved or inferred) that the article itself writes in full
    elsewhere (`22/12/2022` … `hôm 22/12`) takes that year (anchor `article`), unless its sentence marks an
    anniversary (`Để kỷ niệm phán quyết, ngày 12-7`); then the article's other unresolved yearless days
    within _NEAR_DAYS of its first such day take the year putting them nearest it."""
    full = df[(df["anchor"] == "explicit") & (df["granularity"] == "day") & (df["value"] != "")]
    todo = (df["yearless"] != "") & (df["granularity"] == "day") & df["anchor"].isin(["unresolved", "inferred"])
    if full.empty or not todo.any():
        return df
    years = dict(zip(full["value"].str.slice(5), full["value"]))
    out = df.copy()
    for i in df.index[todo]:
        value = years.get(df.at[i, "yearless"][5:])
        if value is not None and not _anniversary(df.at[i, "sentence"], gram):
            out.loc[i, ["value", "anchor"]] = [value, "article"]
    first = out[out["anchor"] == "article"]
    if first.empty:
        return out
    return _near_days(out, date.fromisoformat(first.iloc[0]["value"]), "article", "")


def _anniversary(sentence: str, gram: Grammar) -> bool:
    """The sentence marks an anniversary (`anniversary` of data/dates.yaml): its yearless day is not the year of
    the event it commemorates."""
    return bool(gram.anniversary.search(fold(sentence)))


def _near_days(df: pd.DataFrame, anchor: date, how: str, source: str) -> pd.DataFrame:
    """The unresolved yearless days of `df` within _NEAR_DAYS of `anchor` take the year putting them
    nearest it (anchor `how`, anchor_article `source`)."""
    out = df.copy()
    todo = out.index[(out["anchor"] == "unresolved") & (out["granularity"] == "day") & (out["yearless"] != "")]
    for i in todo:
        mo, d = int(out.at[i, "yearless"][5:7]), int(out.at[i, "yearless"][8:10])
        if (year := _pick_year(mo, d, anchor, "")) and abs((date(year, mo, d) - anchor).days) <= _NEAR_DAYS:
            out.loc[i, ["value", "anchor", "anchor_article"]] = [date(year, mo, d).isoformat(), how, source]
    return out


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype({"sentence_id": "int64", "start": "int64", "end": "int64", "range_id": "int64"})


def _event_kinds(sentence: str, gram: Grammar) -> set[str]:
    folded = gram.event_ignore.sub(" ", fold(sentence))
    return {kind for kind, pattern in gram.events.items() if pattern.search(folded)}


def anchor_to_corpus(df: pd.DataFrame, grammar_path: str | None = None) -> pd.DataFrame:
    """A reduce step over the date rows of a corpus (COLUMNS): a day without a year that neither the
    publication date nor the article's own dates resolved (anchor unresolved or inferred) takes the year
    other articles give the same day and month when both sentences name the same kind of event (`events`
    in data/dates.yaml): anchor `corpus`, `anchor_article` = the first article giving that date. When
    other articles give that event several years, the one most articles give wins; a tie leaves the row
    as it was. Then the article's other unresolved yearless days take the year nearest its first
    corpus-anchored day, and its unresolved yearless months the year nearest that day (`_near_months`).
    Last, a yearless month still unresolved (`tháng 1 năm nay`) takes the year other articles give that
    month for the same kind of event (`_anchor_months`). `grammar_path`: a dates.yaml in place of the
    packaged one (its event words)."""
    gram = grammar(grammar_path)
    return _anchor_months(_anchor_within_articles(_anchor_days(df, gram)), gram)


def _known(df: pd.DataFrame, grans: tuple[str, ...], gram: Grammar) -> pd.DataFrame:
    """The rows with a year the text gives (explicit or against the publication date) of granularities `grans`,
    with their year and the kinds of event their sentences name."""
    known = df[df["anchor"].isin(["explicit", "published"]) & df["granularity"].isin(grans) & (df["value"] != "")]
    return known.assign(year=known["value"].str.slice(0, 4), kinds=[_event_kinds(s, gram) for s in known["sentence"]])


def _best_source(same: pd.DataFrame | None, article_id: str, kinds: set[str]) -> pd.Series | None:
    """Of `same` (rows of `_known` sharing a key), the first of the year most other articles give for the same
    kind of event as `kinds`; None when none does or two years tie."""
    if same is None:
        return None
    same = same[(same["article_id"] != article_id) & same["kinds"].map(lambda k: bool(k & kinds))]
    votes = same.groupby("year")["article_id"].nunique().sort_values(ascending=False)
    if votes.empty or (len(votes) > 1 and votes.iloc[0] == votes.iloc[1]):
        return None
    return same[same["year"] == votes.index[0]].iloc[0]


def _anchor_days(df: pd.DataFrame, gram: Grammar) -> pd.DataFrame:
    """Yearless days (anchor unresolved or inferred) dated through the same day and event elsewhere in the corpus."""
    todo = df.index[(df["yearless"] != "") & (df["granularity"] == "day")
                    & df["anchor"].isin(["unresolved", "inferred"])]
    known = _known(df, ("day",), gram)
    if known.empty or todo.empty:
        return df
    by_day = dict(tuple(known.groupby(known["value"].str.slice(5))))
    out = df.copy()
    for i in todo:
        row = out.loc[i]
        best = _best_source(by_day.get(row["yearless"][5:]), row["article_id"], _event_kinds(row["sentence"], gram))
        if best is not None and not _anniversary(row["sentence"], gram):
            out.loc[i, ["value", "anchor", "anchor_article"]] = [best["value"], "corpus", best["article_id"]]
    return out


def _shifted_month(surface: str, gram: Grammar) -> bool:
    """A month written with the year it falls in relative to the writing time (`tháng 1 năm nay`, kind
    month_shift): a month of the episode the article reports, not of its background."""
    return any(kind == "month_shift" and pattern.fullmatch(surface) for kind, pattern in gram.patterns)


def _anchor_months(df: pd.DataFrame, gram: Grammar) -> pd.DataFrame:
    """Unresolved months of this (last, next) year (`có hiệu lực vào tháng 1 năm nay`) take the year other
    articles give the same month (a month or a day of it) for the same kind of event (`có hiệu lực từ tháng
    1/2021`). A bare month (`hồi giữa tháng 12`) is too weak a key: it may be a past episode's."""
    todo = df.index[(df["yearless"] != "") & (df["granularity"] == "month") & (df["anchor"] == "unresolved")
                    & df["surface"].map(lambda s: _shifted_month(s, gram))]
    known = _known(df, ("day", "month"), gram)
    if known.empty or todo.empty:
        return df
    by_month = dict(tuple(known.groupby(known["value"].str.slice(5, 7))))
    out = df.copy()
    for i in todo:
        row, mo = out.loc[i], out.at[i, "yearless"][5:7]
        best = _best_source(by_month.get(mo), row["article_id"], _event_kinds(row["sentence"], gram))
        if best is not None:
            out.loc[i, ["value", "anchor", "anchor_article"]] = [f"{best['year']}-{mo}", "corpus", best["article_id"]]
    return out


def _anchor_within_articles(df: pd.DataFrame) -> pd.DataFrame:
    """An article's other unresolved yearless days within _NEAR_DAYS of its first day anchored through
    the corpus take the year putting them nearest it (the same episode: the eve of a signing, its
    press reports); farther ones stay unresolved."""
    out = df.copy()
    anchored = df[df["anchor"] == "corpus"].drop_duplicates("article_id")
    for ref in anchored.itertuples():
        mine = out["article_id"] == ref.article_id
        day = date.fromisoformat(ref.value)
        out.loc[mine] = _near_months(_near_days(out.loc[mine], day, "corpus", ref.anchor_article), day,
                                     ref.anchor_article)
    return out


def _near_months(df: pd.DataFrame, anchor: date, source: str) -> pd.DataFrame:
    """The unresolved yearless months of `df` (`tháng 9 tới`) take the year putting them nearest `anchor`, an
    article's day anchored through the corpus: the first on or after its month in the future tense, the last
    on or before it in the past (anchor `corpus`, anchor_article `source`)."""
    out = df.copy()
    todo = out.index[(out["anchor"] == "unresolved") & (out["granularity"] == "month") & (out["yearless"] != "")]
    here = anchor.year * 12 + anchor.month - 1
    for i in todo:
        mo = int(out.at[i, "yearless"][5:7])
        years = [y for y in (anchor.year - 1, anchor.year, anchor.year + 1)
                 if {"future": y * 12 + mo - 1 >= here, "past": y * 12 + mo - 1 <= here}.get(out.at[i, "tense"], True)]
        year = min(years, key=lambda y: abs(y * 12 + mo - 1 - here))
        out.loc[i, ["value", "anchor", "anchor_article"]] = [f"{year}-{mo:02d}", "corpus", source]
    return out


def header_months(log: pd.DataFrame) -> dict[str, date]:
    """Articles whose header states only a publication month (`date 2024-08`): the month's first day."""
    out = {}
    for a, text in zip(log["article_id"], log["text"]):
        if (m := _HEADER_MONTH.fullmatch(str(text).strip())) and 1 <= int(m.group(2)) <= 12:
            out[a] = date(int(m.group(1)), int(m.group(2)), 1)
    return out


def caption_sentences(log: pd.DataFrame, corpus_path: str | None = None) -> dict[str, pd.DataFrame]:
    """The photo captions cleaning removed, without their credits, as sentences (sentence_id -1) per article:
    a caption often dates the event its photo shows. `corpus_path`: a corpus.yaml (its photo credits) in place
    of the packaged one."""
    texts: dict[str, list[str]] = {}
    for a, line, rule in zip(log["article_id"], log["text"], log["rule"]):
        if rule == "photo_caption" and (caption := caption_text(str(line), corpus_path)):
            texts.setdefault(a, []).append(caption)
    return {a: pd.DataFrame({"sentence_id": -1, "text": t}) for a, t in texts.items()}


def timeline(wb, corpus_anchor: bool = True, grammar_path: str | None = None,
             corpus_path: str | None = None) -> pd.DataFrame:
    """One row per date expression in the corpus (COLUMNS).

    article_id, sentence_id (-1: a photo caption cleaning removed), value, granularity
    (day|month|quarter|year|week|relative), surface, anchor (where the value's year came from: `explicit`, written
    in the expression; `published`, the article's publication date, stated, its page's dateline or else the date
    its URL states, or a publication month (a header's, or the URL's: `.../2025/10/slug`); `inferred`, the
    writing time the article's own tensed dates bound, or
    a weekday written with the day; `article`, the same day written in full elsewhere in the article, or a day
    near it; `corpus`, the year other articles give the same day (or month) and kind of event, see
    `anchor_article`; `unresolved`, no year found, value ''), event (the clause around the date), sentence, start,
    end (offsets in the sentence), range (start|end|''), range_id, part (early|mid|late|H1|H2|''),
    published (the article's publication date used as anchor, YYYY-MM-DD or ''), yearless (the date as
    written when it has no year: XXXX-MM-DD or XXXX-MM, else ''), tense (future|past|'' around the
    date), anchor_article (for anchor `corpus`: the article the year came from). `corpus_anchor=False`
    skips `anchor_to_corpus`; `grammar_path` is a dates.yaml in place of the packaged one, `corpus_path` a
    corpus.yaml (the photo credits stripped off captions).
    """
    source = wb.articles["published_source"]
    stated = wb.articles[~source.isin(["inferred", "url"])]  # a guess from the text anchors nothing
    published = dict(zip(stated["article_id"], stated["published"]))
    from_url = wb.articles[source == "url"]  # a URL's date gives way to the page's own dateline
    url_dates = dict(zip(from_url["article_id"], from_url["published"]))
    months, captions = header_months(wb.cleaning_log), caption_sentences(wb.cleaning_log, corpus_path)
    url_months = {a: m for a, u in zip(wb.articles["article_id"], wb.articles["url"].fillna(""))
                  if pd.isna(published.get(a)) and a not in url_dates and (m := reader.url_month(u, corpus_path))}
    frames = []
    for article_id, sents in wb.sentences.groupby("article_id", sort=False):
        pub = published.get(article_id)
        sents = pd.concat([sents[["sentence_id", "text"]], captions.get(article_id)], ignore_index=True)
        frames.append(article_dates(article_id, sents, None if pub is None or pd.isna(pub) else pd.Timestamp(pub),
                                    months.get(article_id), grammar_path, url_dates.get(article_id),
                                    url_months.get(article_id)))
    df = _typed(pd.concat(frames, ignore_index=True)) if frames else _typed(pd.DataFrame(columns=COLUMNS))
    return anchor_to_corpus(df, grammar_path) if corpus_anchor else df


@layer("dates", COLUMNS, data_files=("dates.yaml", "corpus.yaml"),
       article_fields=("published", "published_source", "url", "cleaning_log"),
       tables=("sentences",))
def dates_layer(batch: Batch) -> pd.DataFrame:
    """The `dates` layer: each article's date expressions, before corpus anchoring (`timeline` without it)."""
    return timeline(batch.wb, corpus_anchor=False, grammar_path=batch.files["dates.yaml"],
                    corpus_path=batch.files["corpus.yaml"])


def event_label(sentence: str, start: int, end: int, max_words: int = 15) -> str:
    """The clause around a date (extended to the next clause when it is little more than the date)."""
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(sentence)] + [len(sentence) + 1]
    i = max(k for k, b in enumerate(bounds[:-1]) if b <= start)
    j = min(k for k, b in enumerate(bounds) if b > end - 1 and k > i)
    clause = sentence[bounds[i]:bounds[j] - 1].strip(" .,;:“”\"()–")
    if len(clause.split()) - len(sentence[start:end].split()) < 4 and j < len(bounds) - 1:
        clause = sentence[bounds[i]:bounds[min(j + 1, len(bounds) - 1)] - 1].strip(" .,;:“”\"()–")
    words = clause.split()
    return " ".join(words[:max_words]) + (" …" if len(words) > max_words else "")


def _date_of(value: str, granularity: str) -> pd.Timestamp | None:
    """A representative calendar date for plotting (first day of a month/quarter/year)."""
    if not value:
        return None
    if granularity == "quarter":
        y, q = value.split("-Q")
        return pd.Timestamp(int(y), 3 * int(q) - 2, 1)
    if granularity == "week":
        y, w = value.split("-W")
        return pd.Timestamp(date.fromisocalendar(int(y), int(w), 1))
    return pd.Timestamp(value)


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 1 and not w.isdigit()}


def _figures(sentence: str) -> dict[str, str]:
    """Numbers with the word after them: {'quốc gia': '72', 'đại biểu': '2.500'}."""
    return {unit: num for num, unit in re.findall(r"(?<![\d/.,-])(\d[\d.,]*)\s+(\w+(?:\s\w+)?)", fold(sentence))
            if not re.match(r"\d{4}$", num)}


def _anchored_from(grp: pd.DataFrame) -> str:
    corpus = grp[grp["anchor"] == "corpus"]
    return ";".join(dict.fromkeys(f"{a} ← {b}" for a, b in zip(corpus["article_id"], corpus["anchor_article"])))


def merge_events(df: pd.DataFrame, similarity: float = 0.35) -> pd.DataFrame:
    """Events merged across articles: one row per resolved (value, granularity) (MERGED_COLUMNS).

    value, granularity, event (the label most sources share, else the shortest), sources (articles),
    articles (';'-separated), conflict (why the sources may disagree: the same event reported on another
    date, or different figures for the same unit; '' if none), sentences (' | '), date (for plotting).
    Two events with different values conflict when their labels share at least `similarity` (Jaccard of
    content words) and they come from different articles. anchored_from: how rows anchored through the
    corpus got their year (`article ← anchor_article`, ';'-separated; '' if none).
    """
    resolved = df[df["value"] != ""]
    rows = []
    for (value, gran), grp in resolved.groupby(["value", "granularity"], sort=False):
        labels = grp["event"].value_counts()
        event = labels.index[0] if labels.iloc[0] > 1 else min(grp["event"], key=len)
        articles = list(dict.fromkeys(grp["article_id"]))
        figures: dict[str, set[str]] = {}
        for sent in grp["sentence"]:
            for unit, num in _figures(sent).items():
                figures.setdefault(unit, set()).add(num)
        differing = [f"{unit}: {' vs '.join(sorted(nums))}" for unit, nums in figures.items()
                     if len(nums) > 1 and len(articles) > 1]
        rows.append({"value": value, "granularity": gran, "event": event, "sources": len(articles),
                     "articles": ";".join(articles), "conflict": "; ".join(f"figures differ ({d})" for d in differing),
                     "sentences": " | ".join(dict.fromkeys(grp["sentence"])), "date": _date_of(value, gran),
                     "anchored_from": _anchored_from(grp),
                     "_words": set().union(*(_content_words(e) for e in grp["event"])), "_arts": set(articles)})
    for a in rows:
        for b in rows:
            if a is b or a["granularity"] != "day" or b["granularity"] != "day" or not (a["_arts"] - b["_arts"]):
                continue
            union = a["_words"] | b["_words"]
            if union and len(a["_words"] & b["_words"]) / len(union) >= similarity:
                note = f"similar event dated {b['value']} in {b['articles']}"
                a["conflict"] = "; ".join(filter(None, [a["conflict"], note]))
    out = pd.DataFrame(rows, columns=MERGED_COLUMNS)
    return out.sort_values(["date", "value"], ignore_index=True)


def coverage(wb, df: pd.DataFrame) -> pd.DataFrame:
    """Per article: article_id, published, published_source, first_event, last_event, events (resolved rows)."""
    resolved = df[df["value"] != ""].assign(date=lambda d: [_date_of(v, g) for v, g in zip(d["value"],
                                                                                           d["granularity"])])
    span = resolved.groupby("article_id").agg(first_event=("date", "min"), last_event=("date", "max"),
                                              events=("value", "size"))
    out = wb.articles[["article_id", "published", "published_source"]].merge(span, on="article_id", how="left")
    out["events"] = out["events"].fillna(0).astype("int64")
    return out


def evaluate(found: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Value precision/recall against gold (article_id, surface, value, granularity): metric, value, n.

    Matches (article_id, value, granularity) multisets over resolved rows; gold rows with an empty value
    (not resolvable from the text) are left out of precision/recall and reported as their own count.
    """
    def bag(df: pd.DataFrame) -> dict:
        out: dict = {}
        for key in zip(df["article_id"], df["value"], df["granularity"]):
            out[key] = out.get(key, 0) + 1
        return out

    f, g = bag(found[found["value"] != ""]), bag(gold[gold["value"].fillna("") != ""])
    tp = sum(min(n, g.get(k, 0)) for k, n in f.items())
    nf, ng = sum(f.values()), sum(g.values())
    p, r = (tp / nf if nf else 0.0), (tp / ng if ng else 0.0)
    surfaces = set(zip(gold["article_id"], gold["surface"].map(fold)))
    found_surfaces = set(zip(found["article_id"], found["surface"].map(fold)))
    return pd.DataFrame([("value precision", round(p, 3), nf), ("value recall", round(r, 3), ng),
                         ("value F1", round(2 * p * r / (p + r), 3) if p + r else 0.0, tp),
                         ("expressions found (surface recall)",
                          round(len(surfaces & found_surfaces) / len(surfaces), 3) if surfaces else 0.0,
                          len(surfaces))], columns=["metric", "value", "n"])
