"""Choosing the year of a date written without one, and the rows a resolved date gives.

Explicit dates have anchor `explicit`. Expressions without a year, and relative ones, resolve against the article's
publication date (anchor `published`): a partial date takes the year that puts it nearest the publication date, or
the next occurrence on or after it when a future word stands near it (`sẽ`, `sắp`, `dự kiến`, a deadline `cho
đến`), or the last one on or before it after past cues (`đã`, `vừa`); a future word farther back in the clause is
not read (in *sẽ kỷ niệm 50 năm quan hệ thiết lập năm 1973* the year is past). `tới` after a date is a future cue
unless the date opens a range (`Từ ngày 25/10 tới nay`, `25/10 tới cuối tháng 11`). Without a publication date they
resolve against the writing time the article's own explicit dates bound (anchor `inferred`,
`article.writing_bounds`): with an upper bound a yearless date takes the latest year putting it before that bound;
with only a lower bound a yearless month takes the bound's year unless that puts it before the bound (then it
stays unresolved: the article may be from a later year), and a yearless day stays unresolved (a day's year guessed
from another date of the article is too often a past event's). A weekday written with a day
picks the year within the writing-time bounds whose calendar agrees, and none when no year does (`_weekday_year`;
`phiên họp thứ 5` is an ordinal).
"""

from __future__ import annotations

import re
from datetime import date

from vnpress.analyses.dates.grammar import Grammar

# how far past an open writing-time bound a weekday may date a day (it recurs after 5, 6 or 11 years)
_WEEKDAY_YEARS = 5
_PART_START = {"": 1, "early": 1, "H1": 1, "mid": 5, "H2": 7, "late": 9}  # the first month of a part of a year
Bounds = tuple[date | None, date | None] | None  # (not before, before) the writing time


def valid_date(y: int, m: int, d: int) -> bool:
    """Whether the day exists (no 31/02)."""
    try:
        date(y, m, d)
        return True
    except ValueError:
        return False


def pick_year(m: int, d: int, anchor: date, tense: str) -> int | None:
    """The year of a yearless day against a known date (`anchor`): the next occurrence on or after it in the
    future tense, the last one on or before it in the past tense, else the nearest."""
    candidates = [y for y in (anchor.year - 1, anchor.year, anchor.year + 1) if valid_date(y, m, d)]
    if not candidates:
        return None
    if tense == "future":
        later = [y for y in candidates if date(y, m, d) >= anchor]
        return min(later) if later else None
    if tense == "past":
        earlier = [y for y in candidates if date(y, m, d) <= anchor]
        return max(earlier) if earlier else None
    return min(candidates, key=lambda y: abs((date(y, m, d) - anchor).days))


def tense_of(text_before: str, text_after: str, gram: Grammar) -> str:
    """future (a future word near the date, or a deadline `cho đến` before it), past, or ''. A `tới` after the date
    is a future cue unless it opens a range's other end (`Từ ngày 25/10 tới nay`, `25/10 tới cuối tháng 11`:
    `since`, `until_words`)."""
    window = text_before[-40:] + " " + text_after[:30]
    if gram.future_after.match(text_after) and not gram.since_before.search(text_before[-20:]):
        return "future"
    if gram.past_after.match(text_after):
        return "past"
    if gram.future.search(window) or gram.deadline.search(text_before[-30:]):
        return "future"
    if gram.past.search(text_before[-30:]):
        return "past"
    return ""


def shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    """(year, month) `k` months after (or before) a month."""
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def date_row(value: str, gran: str, anchor: str, part: str = "", rng: str = "", yearless: str = "") -> dict:
    """One resolved date: its value, granularity, anchor, part of a year, range end and yearless form."""
    return {"value": value, "granularity": gran, "anchor": anchor, "part": part, "range": rng,
            "yearless": yearless}


def bounded_year(ctx: Bounds, mo: int, d: int, tense: str = "", lower_alone: bool = False) -> int | None:
    """The year of a yearless day (or month, d=1) that the writing-time bounds allow, if any: with both
    bounds and the future tense, the first year putting it on or after the lower bound (the writing time
    is known, the event comes after it); else the latest year putting it before the upper bound; a lower
    bound alone (the latest past date the article states) dates a month (`lower_alone`), not a day: a
    day's year guessed from another date of the article is too often that of a past event."""
    if ctx is None:
        return None
    lo, hi = ctx
    if tense == "future" and lo and hi:
        return next((y for y in (lo.year, lo.year + 1) if valid_date(y, mo, d) and date(y, mo, d) >= lo), None)
    if hi:
        y = hi.year if valid_date(hi.year, mo, d) and date(hi.year, mo, d) < hi else hi.year - 1
        return y if valid_date(y, mo, d) and not (lo and lo >= hi) else None
    if not lower_alone:
        return None
    return lo.year if lo and valid_date(lo.year, mo, d) and date(lo.year, mo, d) >= lo.replace(day=1) else None


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
    ok = [y for y in range(first, last + 1) if valid_date(y, mo, d) and date(y, mo, d).weekday() == weekday
          and (lo is None or date(y, mo, d) >= lo) and (hi is None or date(y, mo, d) < hi)]
    if not ok:
        return None
    return ok[0] if lo else ok[-1]


def resolve_day_month(d: int, mo: int, y: str | None, pub: date | None, ctx: Bounds, tense: str,
                      rng: str = "", weekday: int | None = None) -> dict | None:
    """The row of a day+month with an optional year; None if impossible. `weekday`: the weekday written
    with it (0 = Monday), which alone dates it in an undated article (`_weekday_year`)."""
    if y:
        return date_row(date(int(y), mo, d).isoformat(), "day", "explicit", rng=rng) \
            if valid_date(int(y), mo, d) else None
    if not valid_date(2000, mo, d):
        return None
    yearless = f"XXXX-{mo:02d}-{d:02d}"
    if pub:
        year = pick_year(mo, d, pub, tense)
        return date_row(date(year, mo, d).isoformat(), "day", "published", rng=rng, yearless=yearless) if year else None
    year = bounded_year(ctx, mo, d, tense) if weekday is None else _weekday_year(mo, d, weekday, ctx)
    if year:
        return date_row(date(year, mo, d).isoformat(), "day", "inferred", rng=rng, yearless=yearless)
    return date_row("", "day", "unresolved", rng=rng, yearless=yearless)


def day_pair_rows(d1: int, d2: int, mo: int, y: str | None, pub: date | None, ctx: Bounds, tense: str) -> list[dict]:
    """The two ends of a range of days in one month (`25-26/10`); none unless the first comes first."""
    if not d1 < d2:
        return []
    first = resolve_day_month(d1, mo, y, pub, ctx, tense, "start")
    second = resolve_day_month(d2, mo, y, pub, ctx, tense, "end")
    return [first, second] if first and second else []


def month_rows(mo: int, y: str | None, pub: date | None, ctx: Bounds, tense: str, before: str,
               gram: Grammar) -> list[dict]:
    """The row of a month with an optional year; none after a number of months (`3 tháng 10`: a duration)."""
    if not 1 <= mo <= 12 or gram.duration_before.search(before[-8:]) and re.search(r"\d\s*$", before):
        return []
    if y:
        return [date_row(f"{int(y)}-{mo:02d}", "month", "explicit")]
    yearless = f"XXXX-{mo:02d}"
    if pub:
        year = pick_year(mo, 1, pub, tense) if tense else min(
            (pub.year - 1, pub.year, pub.year + 1), key=lambda yy: abs((date(yy, mo, 15) - pub).days))
        return [date_row(f"{year}-{mo:02d}", "month", "published", yearless=yearless)]
    if year := bounded_year(ctx, mo, 1, tense, lower_alone=True):
        return [date_row(f"{year}-{mo:02d}", "month", "inferred", yearless=yearless)]
    return [date_row("", "month", "unresolved", yearless=yearless)]


def year_of(y: str | None, pub: date | None, ctx: Bounds) -> tuple[int | None, str]:
    """The year of an expression that may state none (`cuối năm`), and its anchor."""
    if y:
        return int(y), "explicit"
    if pub:
        return pub.year, "published"
    year = bounded_year(ctx, 1, 1)
    return (year, "inferred") if year else (None, "unresolved")


def period_start(value: str, part: str = "") -> date:
    """The first day of a resolved value (a part of a year starts at its month)."""
    if "Q" in value:
        return date(int(value[:4]), 3 * int(value[-1]) - 2, 1)
    return date(int(value[:4]), int(value[5:7]) if len(value) >= 7 else _PART_START[part],
                int(value[8:10]) if len(value) == 10 else 1)
