"""The dates of one article (COLUMNS): its sentences' dates (`expressions`), resolved against its publication
date or the writing time its own dates bound, and anchored within the article.

A publication date the reader only inferred from the text anchors nothing unless it is the page's dateline
(`_dateline`: a full date beside a clock time, or ending a short line of its own without a final period or a verb,
or a byline); a date the article's URL states anchors as a publication date unless the page prints a dateline of
its own within a year of it, and a month it states without a day (`.../2025/10/slug.html`) as a publication month
on the same terms. Without either, the writing time is bounded by the article's explicit dates (`writing_bounds`):
a date stated in the future tense (`sẽ được mở ký trong năm 2025`, `sẽ diễn ra vào tháng 4/2022`) is after it,
one stated in the past or plainly is not (how a year is chosen within those bounds: `years.bounded_year`). A header
stating only the publication month (`date 2024-08`) bounds the writing time to that month. A yearless day the
article writes in full elsewhere takes that year (anchor `article`), as do its yearless days within a month of it.
What nothing anchors stays empty (`unresolved`).

Values: `YYYY-MM-DD` (day), `YYYY-MM` (month), `YYYY-Qn` (quarter), `YYYY` (year; `part` says
early|mid|late|H1|H2 for parts of years), `YYYY-Www` (week). A range gives one row per end (`range`
start|end, same `range_id`).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from vnpress.analyses.dates.expressions import extract_dates, last_month
from vnpress.analyses.dates.grammar import Grammar, grammar
from vnpress.analyses.dates.years import Bounds, period_start, pick_year, shift_month
from vnpress.util.textnorm import fold

COLUMNS = ["article_id", "sentence_id", "value", "granularity", "surface", "anchor", "event", "sentence",
           "start", "end", "range", "range_id", "part", "published", "yearless", "tense", "anchor_article"]
_CLOCK_TIME = re.compile(r"(?<!\d)\d{1,2}[:h]\d{2}(?::\d{2})?(?!\d)")
_DATELINE_GAP = 16  # how near a clock time a full date must be to be the page's dateline ("14:27 | 25/10/2020")
_BYLINE_WORDS = 12  # the most words of a line whose closing full date is the page's dateline
_URL_DATELINE_GAP = pd.Timedelta(days=366)  # a page's dateline beats its URL's date only within a year of it
_NEAR_DAYS = 31  # how far from an article's anchored day its other yearless days may take its year
_CLAUSE = re.compile(r"[,;:“”\"()–]")  # where an event label's clause ends


def writing_bounds(rows: list[dict]) -> Bounds:
    """When an article was written, bounded by its explicit dates: not before the latest one it states in
    the past tense or plainly, before the earliest one it states in the future tense (`sẽ được mở ký
    trong năm 2025`: before 2025; `sẽ diễn ra vào tháng 4/2022`: before April 2022). (lower, upper),
    either may be None; None when the article states no explicit date."""
    stated = [(period_start(r["value"], r["part"]), r["tense"]) for r in rows
              if r["anchor"] == "explicit" and r["value"] and r["granularity"] != "week"]
    if not stated:
        return None
    lo = max((d for d, t in stated if t != "future"), default=None)
    hi = min((d for d, t in stated if t == "future"), default=None)
    return lo, hi


def _month_bounds(month: date) -> Bounds:
    """The writing-time bounds of a publication date known only to the month."""
    y, mo = shift_month(month.year, month.month, 1)
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
        hint = last_month(rows, len(text)) or hint
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
    return typed_dates(_anchor_in_article(pd.DataFrame(rows, columns=COLUMNS), gram))


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
        if value is not None and not is_anniversary(df.at[i, "sentence"], gram):
            out.loc[i, ["value", "anchor"]] = [value, "article"]
    first = out[out["anchor"] == "article"]
    if first.empty:
        return out
    return near_days(out, date.fromisoformat(first.iloc[0]["value"]), "article", "")


def is_anniversary(sentence: str, gram: Grammar) -> bool:
    """The sentence marks an anniversary (`anniversary` of data/dates.yaml): its yearless day is not the year of
    the event it commemorates."""
    return bool(gram.anniversary.search(fold(sentence)))


def near_days(df: pd.DataFrame, anchor: date, how: str, source: str) -> pd.DataFrame:
    """The unresolved yearless days of `df` within _NEAR_DAYS of `anchor` take the year putting them
    nearest it (anchor `how`, anchor_article `source`)."""
    out = df.copy()
    todo = out.index[(out["anchor"] == "unresolved") & (out["granularity"] == "day") & (out["yearless"] != "")]
    for i in todo:
        mo, d = int(out.at[i, "yearless"][5:7]), int(out.at[i, "yearless"][8:10])
        if (year := pick_year(mo, d, anchor, "")) and abs((date(year, mo, d) - anchor).days) <= _NEAR_DAYS:
            out.loc[i, ["value", "anchor", "anchor_article"]] = [date(year, mo, d).isoformat(), how, source]
    return out


def typed_dates(df: pd.DataFrame) -> pd.DataFrame:
    """Date rows with their integer columns typed (an empty frame's are objects)."""
    return df.astype({"sentence_id": "int64", "start": "int64", "end": "int64", "range_id": "int64"})


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
