"""The corpus's timeline: Vietnamese date expressions resolved to calendar dates, and the events they date.

The `dates` layer maps `dates.article.article_dates` over a corpus's articles (with their captions, publication
dates and months, URL dates; photo captions that cleaning removed, `vnpress.corpus.clean`, are read too, without
their credits, as sentence -1); `timeline` adds corpus anchoring (`dates.anchoring`); `merge_events` merges the same
event across articles; `coverage` and `evaluate` measure it. How an expression becomes a date: `vnpress.analyses.dates`.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from vnpress.analyses.dates.anchoring import anchor_to_corpus
from vnpress.analyses.dates.article import COLUMNS, article_dates, typed_dates
from vnpress.corpus import reader
from vnpress.corpus.clean import caption_text
from vnpress.processing.layers import Batch, layer
from vnpress.util.textnorm import fold

MERGED_COLUMNS = ["value", "granularity", "event", "sources", "articles", "conflict", "sentences", "date",
                  "anchored_from"]
_HEADER_MONTH = re.compile(r"date\s*[:=]?\s*(\d{4})-(\d{2})", re.I)


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
    df = typed_dates(pd.concat(frames, ignore_index=True)) if frames else typed_dates(pd.DataFrame(columns=COLUMNS))
    return anchor_to_corpus(df, grammar_path) if corpus_anchor else df


@layer("dates", COLUMNS, data_files=("dates.yaml", "corpus.yaml"),
       article_fields=("published", "published_source", "url", "cleaning_log"),
       tables=("sentences",))
def dates_layer(batch: Batch) -> pd.DataFrame:
    """The `dates` layer: each article's date expressions, before corpus anchoring (`timeline` without it)."""
    return timeline(batch.wb, corpus_anchor=False, grammar_path=batch.files["dates.yaml"],
                    corpus_path=batch.files["corpus.yaml"])


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
