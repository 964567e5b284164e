"""Coverage over time: how many articles appeared in each week or month, overall, by outlet or by outlet type.

Only the articles table is read (publication date, outlet, outlet type; no text), so a table costs time linear in
the number of articles. An article counts in the period of its publication date (`published`: from the manifest,
the article's header, its URL, or inferred from its text; `published_source` says which). Undated articles cannot
be placed and are left out; `undated_articles` / `undated_note` say how many. Periods inside the corpus's date
range without any article appear with 0 articles, so gaps in the collection show.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from vnpress.analyses.dates.anchoring import anchor_to_corpus
from vnpress.analyses.dates.grammar import event_kinds
from vnpress.analyses.timeline import merge_events
from vnpress.corpus.outlets import OUTLET_TYPES
from vnpress.processing.workbook import Workbook
from vnpress.util.textnorm import fold

PERIODS = {"week": "W-SUN", "month": "M"}  # pandas period of each --by: ISO weeks run Monday to Sunday
GROUPS = ("outlet", "outlet_type")
COLUMNS = ["period", "group", "articles", "share"]
EVENT_COLUMNS = ["value", "granularity", "event", "sources", "date", "label"]
UNKNOWN = "unknown"


def check(by: str, group: str | None) -> None:
    """ValueError (one line) for a period or group coverage does not know."""
    if by not in PERIODS:
        raise ValueError(f"coverage: by must be one of {', '.join(PERIODS)}, got {by!r}")
    if group not in (None, *GROUPS):
        raise ValueError(f"coverage: group must be one of {', '.join(GROUPS)} (or none), got {group!r}")


def _group_order(groups: pd.Index, group: str | None) -> list[str]:
    """Outlet types in the order of OUTLET_TYPES, outlets alphabetically (case-folded); 'unknown' last."""
    rank = {kind: i for i, kind in enumerate(OUTLET_TYPES)} if group == "outlet_type" else {}
    known = sorted((g for g in groups if g != UNKNOWN), key=lambda g: (rank.get(g, len(rank)), fold(g)))
    return known + [UNKNOWN] * (UNKNOWN in groups)


def _period_label(periods: pd.PeriodIndex, by: str) -> list[str]:
    """'YYYY-MM-DD' of each week's Monday, 'YYYY-MM' of each month."""
    return list(periods.start_time.strftime("%Y-%m-%d" if by == "week" else "%Y-%m"))


def coverage_of(articles: pd.DataFrame, by: str = "week", group: str | None = None) -> pd.DataFrame:
    """`coverage_table` of an articles table (columns published, and outlet or outlet_type when grouped)."""
    check(by, group)
    dated = articles[articles["published"].notna()]
    if dated.empty:
        return pd.DataFrame({"period": pd.Series(dtype=str), "group": pd.Series(dtype=str),
                             "articles": pd.Series(dtype="int64"), "share": pd.Series(dtype=float)})
    periods = dated["published"].dt.to_period(PERIODS[by])
    groups = dated[group].fillna("").replace("", UNKNOWN) if group else pd.Series("", index=dated.index)
    counts = pd.crosstab(periods.rename("period"), groups.rename("group"))
    every = pd.period_range(periods.min(), periods.max(), freq=PERIODS[by])
    counts = counts.reindex(index=every, columns=_group_order(counts.columns, group), fill_value=0)
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0).fillna(0.0)
    out = pd.DataFrame({"articles": counts.stack(), "share": shares.stack()}).reset_index()
    out.columns = COLUMNS
    out["period"] = _period_label(pd.PeriodIndex(out["period"]), by)
    return out.astype({"group": str, "articles": "int64", "share": float})


def coverage_table(wb: Workbook, by: str = "week", group: str | None = None) -> pd.DataFrame:
    """Articles per period, overall or per group.

    Columns: period (the ISO week's Monday as YYYY-MM-DD for `by="week"`, YYYY-MM for `by="month"`), group (''
    when not grouped; the outlet or outlet type, 'unknown' when the article has none), articles (published in
    that period, in that group), share (articles / all dated articles of the period: the groups of a period sum
    to 1; 1.0 when not grouped; 0.0 in a period without articles). Every period from the first to the last dated
    article appears, with every group, 0 where nothing was published. Undated articles are not counted.
    """
    return coverage_of(wb.articles, by, group)


def undated_articles(wb: Workbook) -> int:
    """How many articles have no publication date (and so are in no coverage table)."""
    return int(wb.articles["published"].isna().sum())


def undated_note(wb: Workbook) -> str:
    """One sentence saying how many articles are undated and therefore not counted."""
    undated, total = undated_articles(wb), len(wb.articles)
    if not undated:
        return f"Every article has a publication date: all {total} are counted."
    return (f"{undated} of {total} articles {'has' if undated == 1 else 'have'} no publication date (neither in the "
            f"manifest nor in the text) and {'is' if undated == 1 else 'are'} not counted.")


def corpus_events(wb: Workbook) -> pd.DataFrame:
    """The corpus's dated events, merged across articles (`timeline.merge_events` after `anchor_to_corpus`)."""
    return merge_events(anchor_to_corpus(wb.analysis("dates")))


def period_starts(periods: pd.Series) -> pd.Series:
    """The first day of each period label ('YYYY-MM-DD' week, 'YYYY-MM' month) as a timestamp."""
    return pd.to_datetime(periods.where(periods.str.len() > 7, periods + "-01"), format="%Y-%m-%d")


def _span(table: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day of the table's first period and the day after its last period."""
    starts = period_starts(table["period"])
    step = pd.DateOffset(days=7) if table["period"].str.len().iloc[0] > 7 else pd.DateOffset(months=1)
    return starts.min(), starts.max() + step


def event_label(event: str, sentences: str, value: str, granularity: str) -> str:
    """A short label for a chart: the date ('25 Oct', 'Oct 2025') and, in English, the kind of event its label
    names, else the kind most of its sentences (' | '-separated) name; else the label's first Vietnamese words."""
    kinds = event_kinds(event) or [k for k, _ in Counter(k for s in sentences.split(" | ") for k in event_kinds(s))
                              .most_common()]
    words = event.split()
    what = kinds[0].replace("_", " ") if kinds else " ".join(words[:4]) + (" …" if len(words) > 4 else "")
    date = pd.Timestamp(value)
    when = f"{date.day} {date:%b}" if granularity == "day" else f"{date:%b %Y}"
    return f"{when}: {what}"


def key_events(events: pd.DataFrame, table: pd.DataFrame, n: int = 5, min_sources: int = 2) -> pd.DataFrame:
    """The `n` dated events most articles report (`sources`, at least `min_sources`: an event one article alone
    dates is left off the chart), dated to a day or a month inside the table's periods, in date order.
    Columns: value, granularity, event, sources, date, label (`event_label`)."""
    if events.empty or table.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    first, end = _span(table)
    dated = events[events["granularity"].isin(["day", "month"])].assign(date=lambda e: pd.to_datetime(e["date"]))
    inside = dated[(dated["date"] >= first) & (dated["date"] < end) & (dated["sources"] >= min_sources)]
    top = inside.sort_values(["sources", "date"], ascending=[False, True], kind="stable").head(n)
    top = top.assign(label=[event_label(*row) for row in zip(top["event"], top["sentences"], top["value"],
                                                              top["granularity"])])
    return top.sort_values("date", kind="stable")[EVENT_COLUMNS].reset_index(drop=True)


