"""The dates of one sentence: each pattern kind of the grammar has its interpreter (`_INTERPRETERS`), which turns a
match into date rows; `extract_dates` runs them over a text.

Recognized (on normalized text, case-insensitive): full dates `25/12/2024`, `24-12-2024`, `25.10.2025`,
`ngày 25 tháng 10 năm 2025`, `15 tháng 2, 2023`, `hôm 24 Tháng Mười` (a month as a capitalized word);
partial dates `26/10`, `ngày 23-10`, `25.10` (a partial numeric date needs a cue before it: `ngày`, a
time of day `sáng/chiều/tối`, a weekday, `từ/đến/vào`);
ranges `25-26/10`, `25–26/10/2025`, `15/6-7/7/2017`, `từ ngày 25 đến 26-10`, `hai ngày 25 và 26/10/2025`,
`ngày 25 và 26 tháng 10 năm 2025`; months `tháng 10/2025`, `tháng 12 năm 2024`, `tháng 10`; quarters
`quý IV/2024`; years `năm 2025`, `vào 2025`; year spans `1977-2025`, `giai đoạn 2021–2024`, `từ năm 2022 đến năm
2024`, and open spans `(từ 2019)`, `từ năm 2019 đến nay` (one row, range start); parts of years `đầu/giữa/cuối năm
2025`, `cuối năm`, `3 tháng cuối năm 2024` (= 2024-Q4), `6 tháng đầu năm` (= H1); relative expressions
`hôm nay`, `hôm qua`, `tuần trước`, `năm ngoái`, `cuối tuần này` (that Saturday), … (the table in the data
file); a day pair without its month `hai ngày 25 và 26` (the month of the date before it).
Not dates: `24/7`, durations (`5 năm`, `gần 20 năm`, `3 tháng`), article numbers (`Điều 64`), phone
numbers, percentages, money, `6,6 triệu`, `2.000 đại biểu`, resolution numbers (`Nghị quyết 79/243`),
document numbers (`Nghị định 13/2023/NĐ-CP`, `Quyết định số 123/QĐ-TTg`), impossible dates (31/02), the
year in a document's name (`Luật An ninh mạng năm 2018`, `Công ước Budapest năm 2001`, `... Act 2023`),
and target years (`Tầm nhìn đến năm 2045`, `Agenda 2030`, a plan's horizon `Chiến lược ... đến năm
2030`): a target is not an event; a year stated as an event's date (`sẽ có hiệu lực năm 2026`) is.
A weekday alone (`vào thứ Hai`, `đêm thứ Năm`) is the nearest such day before the publication date (after it in
the future tense), its month against a publication month; `3 tháng trước` is a month before it; a count before a
relative week, month or year (`Hơn 70 năm sau`) is an offset from another event, not a clock's minutes (`10 giờ 30
sáng nay`). A header stating only the publication month (`date 2024-08`) resolves relative months and years; no
day is invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import pandas as pd

from vnpress.analyses.dates.grammar import Grammar, grammar, squash
from vnpress.analyses.dates.years import (
    Bounds,
    bounded_year,
    date_row,
    day_pair_rows,
    month_rows,
    resolve_day_month,
    shift_month,
    tense_of,
    valid_date,
    year_of,
)
from vnpress.util.textnorm import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR_KINDS = ("year_span", "year_from", "year", "year_bare")
_MAX_RANGE = 183  # the longest range of days across months («15/11-10/2»; «1/3-1/2» is no range)


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
        y, m = shift_month(ref.year, ref.month, k)
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
    the bounds of the writing time (see `article.writing_bounds`; `context_year` = bounds of that whole year);
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
            tense = tense_of(before, after, gram)
            ctx = (date(context_year, 1, 1), date(context_year + 1, 1, 1)) if context_year else bounds
            if kind == "range_days":
                rows = _day_pair(m, last_month(out, s) or month_hint, pub, ctx, tense)
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


def last_month(rows: list[dict], before: int) -> int | None:
    """The month of the last day or month row ending before offset `before`."""
    months = [(r["end"], mo) for r in rows if r["end"] <= before and (mo := _row_month(r))]
    return max(months)[1] if months else None


def _day_pair(m: re.Match[str], month: int | None, pub: date | None, ctx: Bounds, tense: str) -> list[dict]:
    """`hai ngày 25 và 26`: a span in the month of the date before it; nothing without one."""
    return day_pair_rows(int(m.group(1)), int(m.group(2)), month, None, pub, ctx, tense) if month else []


def _relative_to_month(word: str, month: date, before: str, gram: Grammar) -> list[dict]:
    """A relative month or year against a publication month; a day or week needs the day; «70 năm sau» (a
    count before it) is an offset from another event, not a date."""
    if _counted(word, before, gram):
        return []
    unit, k = gram.words["relative"][squash(word)]
    if unit == "day" and k == 0:  # today is in the publication month
        return [date_row(month.strftime("%Y-%m"), "month", "published")]
    if unit not in ("month", "year"):
        return [date_row("", "relative", "unresolved")]
    value, gran = _relative(word, month, gram)
    return [date_row(value, gran, "published")]


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
        second = resolve_day_month(d2, m2, year, c.pub, c.ctx, c.tense, "end")
    elif c.gram.partial_keep.search(m.group(0)):
        second = resolve_day_month(d2, m2, None, c.pub, c.ctx, c.tense, "end")
    else:
        return []
    if not (second and second["value"]):
        first = resolve_day_month(d1, m1, None, c.pub, c.ctx, c.tense, "start")
        return [first, second] if first and second else []
    end = date.fromisoformat(second["value"])
    y1 = end.year - 1 if (m1, d1) > (m2, d2) else end.year
    if not valid_date(y1, m1, d1) or (end - date(y1, m1, d1)).days > _MAX_RANGE:
        return []
    yearless = "" if year else f"XXXX-{m1:02d}-{d1:02d}"
    return [date_row(date(y1, m1, d1).isoformat(), "day", second["anchor"], rng="start", yearless=yearless), second]


def _day_range(m: re.Match[str], c: _Context) -> list[dict]:
    """«từ ngày 25 đến 26-10», «hai ngày 25 và 26/10/2025», «25–26/10/2025» → two days of one month."""
    g = m.groups()
    return day_pair_rows(int(g[0]), int(g[1]), int(g[2]), g[3], c.pub, c.ctx, c.tense)


def _range_long(m: re.Match[str], c: _Context) -> list[dict]:
    """«ngày 25 và 26 tháng 10 năm 2025» → 2025-10-25 to 2025-10-26."""
    if (g := _with_month(m.groups(), 2, c.gram)) is None:
        return []
    return day_pair_rows(int(g[0]), int(g[1]), int(g[2]), g[3], c.pub, c.ctx, c.tense)


def _long(m: re.Match[str], c: _Context) -> list[dict]:
    """«ngày 25 tháng 10 năm 2025», «hôm 24 Tháng Mười» → a day; «3 tháng 10 ngày» is a duration."""
    if (g := _with_month(m.groups(), 1, c.gram)) is None:
        return []
    if not g[2] and not c.gram.day_word.match(m.group(0)) and not c.gram.cue_before.search(c.before):
        return []  # "15 tháng 2" needs ngày, a year or a weekday
    weekday = _weekday_of(m.string[:m.start(1)], c.gram)
    return _one(resolve_day_month(int(g[0]), int(g[1]), g[2], c.pub, c.ctx, c.tense, weekday=weekday))


def _full(m: re.Match[str], c: _Context) -> list[dict]:
    """«25/12/2024», «25.10.2025» → a day."""
    g = m.groups()
    return _one(resolve_day_month(int(g[0]), int(g[2]), g[3], c.pub, c.ctx, c.tense))


def _partial(m: re.Match[str], c: _Context) -> list[dict]:
    """«Chiều 25/10», «ngày 23-10» → a day of the year the anchors give; «24/7» is not a date."""
    d, mo = int(m.group(m.lastindex - 1)), int(m.group(m.lastindex))
    if (d, mo) == (24, 7):
        return []
    weekday = _weekday_of(m.string[:m.start(m.lastindex - 1)], c.gram)
    return _one(resolve_day_month(d, mo, None, c.pub, c.ctx, c.tense, weekday=weekday))


def _weekday_of(text_before: str, gram: Grammar) -> int | None:
    """The weekday (0 = Monday) written just before a date's day, if any; after an ordinal's head
    (`phiên họp thứ 5 (ngày 22/9)`: `ordinal_heads`) its words are an ordinal, not a weekday."""
    window = text_before[-60:]
    found = gram.weekday_before.search(window)
    if found is None or gram.ordinal_before.search(window[:found.start()]):
        return None
    return gram.weekdays.get(squash(fold(found.group(1))))


def _months_part(m: re.Match[str], c: _Context) -> list[dict]:
    """«3 tháng cuối năm 2024» → 2024-Q4; «6 tháng đầu năm» → H1; «9 tháng đầu năm» → early."""
    g = m.groups()
    n = c.gram.words["number_words"].get(g[0].lower()) or int(g[0])
    year, anchor = year_of(g[2], c.pub, c.ctx)
    early = c.gram.words["year_parts"][g[1].lower()] == "early"
    if n == 3:
        return [date_row(f"{year}-Q{1 if early else 4}" if year else "", "quarter", anchor)]
    part = ("H1" if early else "H2") if n == 6 else ("early" if early else "late")
    return [date_row(str(year) if year else "", "year", anchor, part)]


def _quarter(m: re.Match[str], c: _Context) -> list[dict]:
    """«quý IV/2024» → 2024-Q4."""
    g = m.groups()
    year, anchor = year_of(g[1] or g[2], c.pub, c.ctx)
    return [date_row(f"{year}-Q{_ROMAN[g[0].lower()]}" if year else "", "quarter", anchor)]


def _month_match(m: re.Match[str], c: _Context) -> list[dict]:
    """«tháng 12 năm 2024», «tháng 10/2025», «tháng 10» → a month."""
    if (g := _with_month(m.groups(), 0, c.gram)) is None:
        return []
    return month_rows(int(g[0]), g[1] or g[2], c.pub, c.ctx, c.tense, c.before, c.gram)


def _month_shift(m: re.Match[str], c: _Context) -> list[dict]:
    """«tháng 1 năm nay», «tháng 7 năm ngoái» → a month of the publication year (or the one before, after)."""
    if (month := _month_no(m.group(1), c.gram)) is None or not 1 <= month <= 12:
        return []
    shift = c.gram.words["year_shifts"][m.group(2).lower()]
    lo, hi = c.ctx or (None, None)
    year = c.pub.year if c.pub else lo.year if lo and hi and (hi - lo).days <= 31 else None
    if year is None:
        return [date_row("", "month", "unresolved", yearless=f"XXXX-{month:02d}")]
    return [date_row(f"{year + shift}-{month:02d}", "month", "published" if c.pub else "inferred",
                 yearless=f"XXXX-{month:02d}")]


def _year_span(m: re.Match[str], c: _Context) -> list[dict]:
    """«giai đoạn 2021–2024», «từ năm 2022 đến năm 2024» → 2021 to 2024."""
    g = m.groups()
    y1, y2 = int(g[0]), int(g[1])
    return [date_row(g[0], "year", "explicit", rng="start"), date_row(g[1], "year", "explicit", rng="end")] \
        if y1 < y2 <= y1 + 100 else []


def _year_from(m: re.Match[str], c: _Context) -> list[dict]:
    """«từ năm 2019 đến nay», «(từ 2019)» → the start of an open span."""
    return [date_row(m.group(1), "year", "explicit", rng="start")]


def _year_part(m: re.Match[str], c: _Context) -> list[dict]:
    """«cuối năm 2025» → 2025 late; «đầu năm nay», «cuối năm ngoái» → against the publication year."""
    g = m.groups()
    part = c.gram.words["year_parts"][g[0].lower()]
    if g[1]:
        return [date_row(g[1], "year", "explicit", part)]
    year = bounded_year(c.ctx, 1, 1)
    ref = c.pub or (date(year, 7, 1) if year else None)
    if ref is None:
        return [date_row("", "year", "unresolved", part)]
    shift = c.gram.words["year_shifts"].get((g[2] or "").lower(), 0)
    return [date_row(str(ref.year + shift), "year", "published" if c.pub else "inferred", part)]


def _year(m: re.Match[str], c: _Context) -> list[dict]:
    """«năm 2025» → 2025."""
    return [date_row(m.group(1), "year", "explicit")]


def _year_bare(m: re.Match[str], c: _Context) -> list[dict]:
    """«vào 2025» → 2025; «cuối 2024» → 2024 late."""
    g = m.groups()
    return [date_row(g[1], "year", "explicit", c.gram.words["year_parts"].get(g[0].lower(), ""))]


def _month_span(m: re.Match[str], c: _Context) -> list[dict]:
    """«10/2024-3/2025» → 2024-10 to 2025-03."""
    g = m.groups()
    (m1, y1), (m2, y2) = (int(g[0]), int(g[1])), (int(g[2]), int(g[3]))
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12 and (y1, m1) < (y2, m2)):
        return []
    return [date_row(f"{y1}-{m1:02d}", "month", "explicit", rng="start"),
            date_row(f"{y2}-{m2:02d}", "month", "explicit", rng="end")]


def _years_ago(m: re.Match[str], c: _Context) -> list[dict]:
    """«Hai mươi năm trước» → 20 years before the publication year, else before the writing year the bounds give."""
    n, year = _count(m.group(1), c.gram), c.pub.year if c.pub else bounded_year(c.ctx, 1, 1)
    if not 0 < n < 100:
        return []
    return [date_row(str(year - n) if year else "", "year",
                 "published" if c.pub else "inferred" if year else "unresolved")]


def _relative_match(m: re.Match[str], c: _Context) -> list[dict]:
    """«hôm qua», «cuối tuần này» → an offset from the publication date; «năm tới» without one, from the
    writing year the bounds give (as «cuối năm nay»); «70 năm sau» (a count before it) is an offset from
    another event, not a date."""
    if _counted(m.group(1), c.before, c.gram):
        return []
    unit = c.gram.words["relative"][squash(m.group(1))][0]
    if c.pub is None and unit == "year" and (year := bounded_year(c.ctx, 1, 1)):
        return [date_row(_relative(m.group(1), date(year, 7, 1), c.gram)[0], "year", "inferred")]
    if c.pub is None:
        return [date_row("", "relative", "unresolved")]
    value, gran = _relative(m.group(1), c.pub, c.gram)
    return [date_row(value, gran, "published")]


def _counted(word: str, before: str, gram: Grammar) -> bool:
    """A count just before a relative expression of `counted` (`Hơn 70 năm sau`, `hai tuần sau`): an offset
    from another event or a duration, not a date. The minutes of a clock time are no count (`10 giờ 30 sáng
    nay`), nor does a count turn a day (`sáng nay`, `hôm qua`) into one."""
    return squash(word) in gram.counted and bool(gram.count_before.search(before[-15:])) \
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
        return [date_row("", "relative", "unresolved")]
    y, mo = shift_month(ref.year, ref.month, -n)
    return [date_row(f"{y}-{mo:02d}", "month", "published" if c.pub else "inferred")]


def _weekday_match(m: re.Match[str], c: _Context) -> list[dict]:
    """«vào thứ Hai», «đêm thứ Năm» → the nearest such day on or before the publication date (on or after it
    in the future tense); only its month against a publication month. «lần thứ hai» is no weekday: the
    day's name must be capitalized or a digit (or one of `weekdays_any_case`)."""
    name = m.group(1)
    last = name.split()[-1]
    if not (last[:1].isupper() or last.isdigit() or squash(fold(name)) in c.gram.any_case_days):
        return []
    if c.pub is None:
        month = _pub_month(c)
        return [date_row(month.strftime("%Y-%m"), "month", "inferred") if month
                else date_row("", "relative", "unresolved")]
    day = c.gram.weekdays[squash(fold(name))]
    step = (day - c.pub.weekday()) % 7 if c.tense == "future" else -((c.pub.weekday() - day) % 7)
    return [date_row((c.pub + timedelta(days=step)).isoformat(), "day", "published")]


# the interpreter of each pattern kind of dates.yaml: rows (see date_row) for one match, or [] when it is not a date
_INTERPRETERS: dict[str, Callable[[re.Match[str], _Context], list[dict]]] = {
    "range_months": _range_months, "range_from": _day_range, "range_and": _day_range, "range_long": _range_long,
    "range_dash_months": _range_months, "range_dash": _day_range, "long": _long, "month_span": _month_span,
    "full": _full, "partial": _partial, "months_part": _months_part, "quarter": _quarter, "month": _month_match,
    "month_shift": _month_shift, "year_span": _year_span, "year_from": _year_from, "year_part": _year_part,
    "year": _year, "year_bare": _year_bare,
    "years_ago": _years_ago, "relative": _relative_match, "months_ago": _months_ago, "weekday": _weekday_match,
}


def _interpret(kind: str, m: re.Match[str], c: _Context) -> list[dict]:
    """Rows (see date_row) for one match, or [] when it is not a date (or its kind has no interpreter)."""
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
