"""Corpus anchoring: years other articles give (a reduce step over a corpus's date rows).

A yearless day takes the year other articles give the same day and month for the same kind of event (anchor
`corpus`, column `anchor_article`), and the article's other yearless days within a month of that day take its
year. Corpus anchoring also dates an article's yearless months (nearest its anchored day) and a month of this year
(`tháng 1 năm nay`, through the same month and event in other articles); a day in an anniversary's sentence (`kỷ
niệm`) takes no year from its event.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from vnpress.analyses.dates.article import is_anniversary, near_days
from vnpress.analyses.dates.grammar import Grammar, event_kinds, grammar


def anchor_to_corpus(df: pd.DataFrame, grammar_path: str | None = None) -> pd.DataFrame:
    """A reduce step over the date rows of a corpus (`article.COLUMNS`): a day without a year that neither the
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
    return known.assign(year=known["value"].str.slice(0, 4),
                        kinds=[set(event_kinds(s, gram)) for s in known["sentence"]])


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
        best = _best_source(by_day.get(row["yearless"][5:]), row["article_id"], set(event_kinds(row["sentence"], gram)))
        if best is not None and not is_anniversary(row["sentence"], gram):
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
        best = _best_source(by_month.get(mo), row["article_id"], set(event_kinds(row["sentence"], gram)))
        if best is not None:
            out.loc[i, ["value", "anchor", "anchor_article"]] = [f"{best['year']}-{mo}", "corpus", best["article_id"]]
    return out


def _anchor_within_articles(df: pd.DataFrame) -> pd.DataFrame:
    """An article's other unresolved yearless days within a month (`article.near_days`) of its first day anchored
    through the corpus take the year putting them nearest it (the same episode: the eve of a signing, its press
    reports); farther ones stay unresolved."""
    out = df.copy()
    anchored = df[df["anchor"] == "corpus"].drop_duplicates("article_id")
    for ref in anchored.itertuples():
        mine = out["article_id"] == ref.article_id
        day = date.fromisoformat(ref.value)
        out.loc[mine] = _near_months(near_days(out.loc[mine], day, "corpus", ref.anchor_article), day,
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
