"""Vietnamese date expressions resolved to calendar dates, and the events they date.

Recognized (on normalized text, case-insensitive): full dates `25/12/2024`,
`24-12-2024`, `25.10.2025`, `ngày 25 tháng 10 năm 2025`; partial dates
`26/10`, `ngày 23-10`, `25.10` (a partial numeric date needs a cue before it:
`ngày`, a time of day `sáng/chiều/tối`, a weekday, `từ/đến/vào`); ranges
`25-26/10`, `25–26/10/2025`, `từ ngày 25 đến 26-10`, `hai ngày 25 và 26/10/2025`;
months `tháng 10/2025`, `tháng 12 năm 2024`, `tháng 10`; quarters `quý IV/2024`;
years `năm 2025`; parts of years `đầu/giữa/cuối năm 2025`, `cuối năm`,
`3 tháng cuối năm 2024` (= 2024-Q4), `6 tháng đầu năm` (= H1); relative
expressions `hôm nay`, `hôm qua`, `ngày mai`, `tuần trước/tới`, `tháng
trước/tới`, `năm nay`, `năm ngoái`, `năm tới`.
Not dates: `24/7`, durations (`5 năm`, `gần 20 năm`, `10 năm qua`, `3 tháng`),
article numbers, percentages, money, `6,6 triệu`, `2.500`, a law's year in its
name (`Luật An ninh mạng 2018`, `... Act 2023`, `Luật ... năm 2018`),
impossible dates (31/02).

Resolution. Expressions without a year, and relative ones, resolve against the
article's publication date (anchor `published`): a partial date takes the year
that puts it nearest the publication date, or the next occurrence on or after
it when the sentence speaks of the future (`sẽ`, `sắp`, `dự kiến`), or the last
one on or before it after past cues (`đã`, `vừa`). Without a publication date
they take the latest explicit year in the article (anchor `inferred`); if
there is none the value stays empty (anchor `unresolved`). Explicit dates have
anchor `explicit`.

Values: `YYYY-MM-DD` (day), `YYYY-MM` (month), `YYYY-Qn` (quarter), `YYYY`
(year; `part` says early|mid|late|H1|H2 for parts of years), `YYYY-Www`
(week). A range gives one row per end (`range` start|end, same `range_id`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .textnorm import fold

COLUMNS = ["article_id", "sentence_id", "value", "granularity", "surface", "anchor", "event", "sentence",
           "start", "end", "range", "range_id", "part", "published"]
MERGED_COLUMNS = ["value", "granularity", "event", "sources", "articles", "conflict", "sentences", "date"]

_TOD = r"(?:rạng sáng|sáng sớm|sáng|trưa|chiều|tối|đêm|khuya)"
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ nhật)"
_CUE = rf"(?:ngày|hôm|{_TOD}|{_WEEKDAY},?|từ|đến|tới|vào|và|hoặc|trước|sau|đầu|cuối)"
_D, _M, _Y = r"(\d{1,2})", r"(\d{1,2})", r"(\d{4})"
_NB = r"(?<![\d/.,-])"  # not glued to a preceding number
_NA = r"(?![\d/.,-]\d|\d|%)"  # not followed by more digits or a percent sign
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# (kind, regex); tried in order, earlier matches win over overlapping later ones
PATTERNS: list[tuple[str, re.Pattern[str]]] = [(k, re.compile(p, re.I)) for k, p in [
    ("range_from", rf"từ\s+(?:ngày\s+)?{_D}\s+(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?{_D}\s*[/.-]\s*{_M}(?:\s*[/.-]\s*{_Y})?{_NA}"),
    ("range_and", rf"(?:hai\s+|các\s+)?ngày\s+{_D}\s+(?:và|,)\s+{_D}\s*[/.-]\s*{_M}(?:\s*[/.-]\s*{_Y})?{_NA}"),
    ("range_dash", rf"{_NB}{_D}\s*[-–]\s*{_D}\s*[/.]\s*{_M}(?:\s*[/.]\s*{_Y})?{_NA}"),
    ("long", rf"ngày\s+{_D}\s+tháng\s+{_M}(?:\s+năm\s+{_Y})?"),
    ("full", rf"{_NB}{_D}\s*([/.-])\s*{_M}\s*\2\s*{_Y}{_NA}"),
    ("partial", rf"(?<![\w/.-])(?P<cue>{_CUE}\s+)(?:ngày\s+)?{_D}\s*[/.-]\s*{_M}{_NA}"),
    ("months_part", r"(\d{1,2}|ba|sáu|chín)\s+tháng\s+(đầu|cuối)\s+năm(?:\s+(\d{4}))?"),
    ("quarter", rf"quý\s+(I{{1,3}}|IV|[1-4])(?:\s*[/.-]\s*{_Y}|\s+năm\s+{_Y})?(?!\w)"),
    ("month", rf"(?<![\d]\s)(?<!\d)tháng\s+{_M}(?:\s*[/.-]\s*{_Y}|\s+năm\s+{_Y})?{_NA}"),
    ("year_part", rf"(đầu|giữa|cuối)\s+năm(?:\s+{_Y}|\s+(nay|ngoái|tới|sau))?(?!\w)"),
    ("year", rf"(?<!\d\s)năm\s+{_Y}(?!\d)"),
    ("relative", r"(?<!\w)(hôm nay|hôm qua|hôm kia|ngày mai|tuần trước|tuần qua|tuần tới|tuần sau|tuần này|"
                 r"tháng trước|tháng tới|tháng sau|tháng này|năm nay|năm ngoái|năm tới|năm sau)(?!\w)"),
]]
_LAW_BEFORE = re.compile(r"(?:luật|bộ luật|nghị định|thông tư|hiến pháp|act|law|pháp lệnh)\b[^,.;:]{0,60}$", re.I)
_DURATION_BEFORE = re.compile(r"\d\s*$|(?:gần|hơn|khoảng|suốt|trong|sau)\s+$", re.I)
_FUTURE = re.compile(r"(?<!\w)(sẽ|sắp|dự kiến|dự định|tới đây|kế hoạch)(?!\w)", re.I)
_PAST = re.compile(r"(?<!\w)(đã|vừa|trước đó|hồi)(?!\w)", re.I)


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


def _tense(text_before: str, text_after: str) -> str:
    window = text_before[-40:] + " " + text_after[:30]
    if _FUTURE.search(window):
        return "future"
    if _PAST.search(text_before[-30:]):
        return "past"
    return ""


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _relative(word: str, ref: date) -> tuple[str, str]:
    w = word.lower()
    if w in ("hôm nay", "hôm qua", "hôm kia", "ngày mai"):
        days = {"hôm nay": 0, "hôm qua": -1, "hôm kia": -2, "ngày mai": 1}[w]
        return (ref + timedelta(days=days)).isoformat(), "day"
    if w.startswith("tuần"):
        k = -1 if w in ("tuần trước", "tuần qua") else 1 if w in ("tuần tới", "tuần sau") else 0
        y, wk, _ = (ref + timedelta(weeks=k)).isocalendar()
        return f"{y}-W{wk:02d}", "week"
    if w.startswith("tháng"):
        k = -1 if w == "tháng trước" else 1 if w in ("tháng tới", "tháng sau") else 0
        y, m = _shift_month(ref.year, ref.month, k)
        return f"{y}-{m:02d}", "month"
    k = {"năm nay": 0, "năm ngoái": -1, "năm tới": 1, "năm sau": 1}[w]
    return str(ref.year + k), "year"


def _explicit_years(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)]


def extract_dates(text: str, published: date | pd.Timestamp | None = None,
                  context_year: int | None = None) -> list[dict]:
    """Date expressions in one sentence or text: dicts with value, granularity, surface, anchor, start,
    end, range, range_id, part. Partial and relative ones resolve against `published`, else `context_year`."""
    pub = published.date() if isinstance(published, pd.Timestamp) and not pd.isna(published) else \
        published if isinstance(published, date) else None
    taken: list[tuple[int, int]] = []
    out: list[dict] = []
    range_no = 0
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if kind == "partial":  # the surface keeps a day, time-of-day or weekday cue, not a preposition
                keep = re.fullmatch(rf"ngày|hôm|{_TOD}|{_WEEKDAY},?", m.group("cue").strip(), re.I)
                s = m.start("cue") if keep else m.end("cue")
            if any(a < e and s < b for a, b in taken):
                continue
            before, after = text[:s], text[e:]
            tense = _tense(before, after)
            rows = _interpret(kind, m, pub, context_year, tense, before)
            if not rows:
                continue
            taken.append((s, e))
            if len(rows) == 2:
                range_no += 1
            for i, (value, gran, anchor, part) in enumerate(rows):
                out.append({"value": value, "granularity": gran, "surface": text[s:e].strip(), "anchor": anchor,
                            "start": s, "end": e, "range": ("start", "end")[i] if len(rows) == 2 else "",
                            "range_id": range_no if len(rows) == 2 else 0, "part": part})
    return sorted(out, key=lambda r: (r["start"], r["range"] != "start"))


def _resolve_dm(d: int, mo: int, y: str | None, pub: date | None, ctx: int | None, tense: str):
    """(value, anchor) for a day+month with an optional year; None if impossible."""
    if y:
        return (date(int(y), mo, d).isoformat(), "explicit") if _valid(int(y), mo, d) else None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    if pub:
        year = _pick_year(mo, d, pub, tense)
        return (date(year, mo, d).isoformat(), "published") if year else None
    if ctx and _valid(ctx, mo, d):
        return date(ctx, mo, d).isoformat(), "inferred"
    return ("", "unresolved") if _valid(2000, mo, d) else None


def _interpret(kind: str, m: re.Match[str], pub: date | None, ctx: int | None, tense: str, before: str):
    """Rows (value, granularity, anchor, part) for one match, or [] when it is not a date."""
    g = m.groups()
    if kind in ("range_from", "range_and", "range_dash"):
        d1, d2, mo, y = int(g[0]), int(g[1]), int(g[2]), g[3]
        if not d1 < d2:
            return []
        first, second = _resolve_dm(d1, mo, y, pub, ctx, tense), _resolve_dm(d2, mo, y, pub, ctx, tense)
        if not first or not second:
            return []
        return [(first[0], "day", first[1], ""), (second[0], "day", second[1], "")]
    if kind == "long":
        hit = _resolve_dm(int(g[0]), int(g[1]), g[2], pub, ctx, tense)
        return [(hit[0], "day", hit[1], "")] if hit else []
    if kind == "full":
        hit = _resolve_dm(int(g[0]), int(g[2]), g[3], pub, ctx, tense)
        return [(hit[0], "day", hit[1], "")] if hit else []
    if kind == "partial":
        d, mo = int(m.group(m.lastindex - 1)), int(m.group(m.lastindex))
        if (d, mo) == (24, 7) or m.group(0).strip().endswith(("24/7", "24-7")):
            return []
        hit = _resolve_dm(d, mo, None, pub, ctx, tense)
        return [(hit[0], "day", hit[1], "")] if hit else []
    if kind == "months_part":
        n = {"ba": 3, "sáu": 6, "chín": 9}.get(g[0].lower(), None) or int(g[0])
        year, anchor = _year_of(g[2], pub, ctx)
        if n == 3:
            q = 1 if g[1].lower() == "đầu" else 4
            return [(f"{year}-Q{q}" if year else "", "quarter", anchor, "")]
        if n == 6:
            return [(str(year) if year else "", "year", anchor, "H1" if g[1].lower() == "đầu" else "H2")]
        return [(str(year) if year else "", "year", anchor, "early" if g[1].lower() == "đầu" else "late")]
    if kind == "quarter":
        year, anchor = _year_of(g[1] or g[2], pub, ctx)
        return [(f"{year}-Q{_ROMAN[g[0].lower()]}" if year else "", "quarter", anchor, "")]
    if kind == "month":
        mo = int(g[0])
        if not 1 <= mo <= 12 or _DURATION_BEFORE.search(before[-8:]) and re.search(r"\d\s*$", before):
            return []
        y = g[1] or g[2]
        if y:
            return [(f"{int(y)}-{mo:02d}", "month", "explicit", "")]
        if pub:
            year = _pick_year(mo, 1, pub, tense) if tense else min(
                (pub.year - 1, pub.year, pub.year + 1), key=lambda yy: abs((date(yy, mo, 15) - pub).days))
            return [(f"{year}-{mo:02d}", "month", "published", "")]
        return [(f"{ctx}-{mo:02d}", "month", "inferred", "")] if ctx else [("", "month", "unresolved", "")]
    if kind == "year_part":
        part = {"đầu": "early", "giữa": "mid", "cuối": "late"}[g[0].lower()]
        if g[1]:
            return [(g[1], "year", "explicit", part)]
        ref = pub or (date(ctx, 7, 1) if ctx else None)
        if ref is None:
            return [("", "year", "unresolved", part)]
        shift = {"ngoái": -1, "tới": 1, "sau": 1}.get((g[2] or "").lower(), 0)
        return [(str(ref.year + shift), "year", "published" if pub else "inferred", part)]
    if kind == "year":
        if _LAW_BEFORE.search(before):
            return []
        return [(g[0], "year", "explicit", "")]
    if kind == "relative":
        ref = pub
        if ref is None:
            return [("", "relative", "unresolved", "")]
        value, gran = _relative(g[0], ref)
        return [(value, gran, "published", "")]
    return []


def _year_of(y: str | None, pub: date | None, ctx: int | None) -> tuple[int | None, str]:
    if y:
        return int(y), "explicit"
    if pub:
        return pub.year, "published"
    return (ctx, "inferred") if ctx else (None, "unresolved")


_CLAUSE = re.compile(r"[,;:“”\"()–]")


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


def timeline(wb) -> pd.DataFrame:
    """One row per date expression in the corpus (COLUMNS).

    article_id, sentence_id, value, granularity (day|month|quarter|year|week|relative), surface, anchor
    (explicit|published|inferred|unresolved), event (the clause around the date), sentence, start, end
    (offsets in the sentence), range (start|end|''), range_id, part (early|mid|late|H1|H2|''), published
    (the article's publication date used as anchor, YYYY-MM-DD or '').
    """
    rows = []
    published = dict(zip(wb.articles["article_id"], wb.articles["published"]))
    for article_id, sents in wb.sentences.groupby("article_id", sort=False):
        years = _explicit_years(" ".join(sents["text"]))
        ctx = max(years) if years else None
        pub = published.get(article_id)
        pub = None if pub is None or pd.isna(pub) else pd.Timestamp(pub)
        for sid, text in zip(sents["sentence_id"], sents["text"]):
            for r in extract_dates(text, pub, ctx):
                rows.append({"article_id": article_id, "sentence_id": sid, **r,
                             "event": event_label(text, r["start"], r["end"]), "sentence": text,
                             "published": pub.strftime("%Y-%m-%d") if pub is not None else ""})
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.astype({"sentence_id": "int64", "start": "int64", "end": "int64", "range_id": "int64"})


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


def merge_events(df: pd.DataFrame, similarity: float = 0.35) -> pd.DataFrame:
    """Events merged across articles: one row per resolved (value, granularity) (MERGED_COLUMNS).

    value, granularity, event (the label most sources share, else the shortest), sources (articles),
    articles (';'-separated), conflict (why the sources may disagree: the same event reported on another
    date, or different figures for the same unit; '' if none), sentences (' | '), date (for plotting).
    Two events with different values conflict when their labels share at least `similarity` (Jaccard of
    content words) and they come from different articles.
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


def timeline_figure(merged: pd.DataFrame, max_labels: int = 25) -> Figure:
    """Events on a dated axis; marker size and colour by number of sources; labels alternate above/below."""
    data = merged.dropna(subset=["date"]).sort_values("date").head(max_labels)
    fig, ax = plt.subplots(figsize=(11, 1.6 + 0.42 * max(3, len(data))))
    if data.empty:
        ax.text(0.5, 0.5, "no dated events", ha="center", va="center")
        ax.axis("off")
        return fig
    ys = range(len(data))
    sc = ax.scatter(data["date"], list(ys), s=40 + 60 * data["sources"], c=data["sources"], cmap="viridis",
                    vmin=1, vmax=max(2, data["sources"].max()), zorder=3)
    for y, (when, value, event) in zip(ys, data[["date", "value", "event"]].itertuples(index=False)):
        ax.annotate(f"{value}  {event[:70]}", (when, y), xytext=(8, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_yticks([])
    span = (data["date"].max() - data["date"].min()) or pd.Timedelta(days=30)
    ax.set_xlim(data["date"].min() - span * 0.05, data["date"].max() + span * 0.6)  # room for the labels
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Events reported in the coverage, on their calendar dates")
    fig.colorbar(sc, ax=ax, label="sources (articles)", fraction=0.03, pad=0.01)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


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
