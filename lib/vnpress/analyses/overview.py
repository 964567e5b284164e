"""Exploration: what is in the corpus and how clean it is."""

from __future__ import annotations

import pandas as pd

from vnpress.processing.workbook import Workbook

WORD_POS_EXCLUDED = {"CH"}  # punctuation does not count as a token


def _counts(wb: Workbook) -> pd.DataFrame:
    """Sentences and words (no punctuation) per article id (the index), with the number of distinct
    case-folded words in `attrs["types"]`: streamed from the cache a batch of articles at a time
    (`Workbook.scan`), once per workbook (kept with its tables)."""
    if "overview:counts" not in wb._tables:
        sentences = [b.groupby("article_id").size() for b in wb.scan("sentences")]
        words, types = [], set()
        for batch in wb.scan("tokens"):
            batch = batch[~batch["pos"].isin(WORD_POS_EXCLUDED)]
            words.append(batch.groupby("article_id").size())
            types.update(batch["token"].str.lower().unique())
        counts = pd.DataFrame({"sentences": pd.concat(sentences or [pd.Series(dtype=int)]),
                               "words": pd.concat(words or [pd.Series(dtype=int)])})
        counts.attrs["types"] = len(types)
        wb._tables["overview:counts"] = counts
    return wb._tables["overview:counts"]


def article_table(wb: Workbook) -> pd.DataFrame:
    """One row per article.

    Columns: article_id, title, outlet, outlet_type ('' when unknown), published (YYYY-MM-DD or empty),
    published_source, chars (cleaned text), sentences, tokens (words, no
    punctuation), removed_lines (non-blank lines the cleaner removed).
    """
    a = wb.articles
    counts = _counts(wb)
    removed = wb.cleaning_log[wb.cleaning_log["rule"] != "blank_run"].groupby("article_id").size()
    ids = a["article_id"]
    return pd.DataFrame({
        "article_id": ids,
        "title": a["title"].fillna(""),
        "outlet": a["outlet"].fillna(""),
        "outlet_type": a["outlet_type"].fillna(""),
        "published": a["published"].dt.strftime("%Y-%m-%d").fillna(""),
        "published_source": a["published_source"],
        "chars": a["chars"],
        "sentences": ids.map(counts["sentences"]).fillna(0).astype("int64"),
        "tokens": ids.map(counts["words"]).fillna(0).astype("int64"),
        "removed_lines": ids.map(removed).fillna(0).astype("int64"),
    }).reset_index(drop=True)


def corpus_summary(wb: Workbook) -> pd.DataFrame:
    """Corpus facts as rows (fact, value): articles, outlets, date range, sentences, tokens, types, problems."""
    counts = _counts(wb)
    dates = wb.articles["published"].dropna()
    outlets = wb.articles["outlet"].replace("", pd.NA).dropna()
    facts = [
        ("articles", len(wb.articles)),
        ("outlets named", outlets.nunique()),
        ("articles without outlet", int(len(wb.articles) - len(outlets))),
        ("earliest publication", dates.min().strftime("%Y-%m-%d") if len(dates) else ""),
        ("latest publication", dates.max().strftime("%Y-%m-%d") if len(dates) else ""),
        ("publication dates by source", "; ".join(f"{k}: {v}" for k, v in
                                                  wb.articles["published_source"].value_counts().items())),
        ("sentences", int(counts["sentences"].sum())),
        ("tokens (words)", int(counts["words"].sum())),
        ("types (distinct words, case-folded)", counts.attrs["types"]),
        ("lines removed as boilerplate", int((wb.cleaning_log["rule"] != "blank_run").sum())),
        ("files with errors", int((wb.problems["level"] == "error").sum())),
        ("warnings", int((wb.problems["level"] == "warning").sum())),
    ]
    return pd.DataFrame(facts, columns=["fact", "value"]).astype({"value": "string"})


def cleaning_summary(wb: Workbook) -> pd.DataFrame:
    """Removed lines per rule: rule, lines, articles."""
    log = wb.cleaning_log
    return (log.groupby("rule").agg(lines=("line_no", "size"), articles=("article_id", "nunique"))
            .reset_index().sort_values("lines", ascending=False, ignore_index=True))


def cleaning_examples(wb: Workbook, per_rule: int = 3) -> pd.DataFrame:
    """Up to `per_rule` removed lines per rule: rule, article_id, line_no, text."""
    log = wb.cleaning_log[wb.cleaning_log["rule"] != "blank_run"]
    return log.groupby("rule").head(per_rule)[["rule", "article_id", "line_no", "text"]].reset_index(drop=True)


def top_entities(wb: Workbook, top_n: int = 20) -> pd.DataFrame:
    """Most frequent named entities (underthesea ner).

    Columns: entity, type, count, articles, and the evidence of the first
    occurrence: article_id, sentence_id, sentence.
    """
    columns = ["entity", "type", "count", "articles", "article_id", "sentence_id", "sentence"]
    ents = wb.entities()
    if ents.empty:
        return pd.DataFrame(columns=columns)
    out = (ents.groupby(["entity", "type"])
           .agg(count=("entity", "size"), articles=("article_id", "nunique"), article_id=("article_id", "first"),
                sentence_id=("sentence_id", "first"))
           .reset_index().sort_values(["count", "articles", "entity"], ascending=[False, False, True])
           .head(top_n).reset_index(drop=True))
    wanted = set(out["article_id"])
    texts = pd.concat([b.loc[b["article_id"].isin(wanted), ["article_id", "sentence_id", "text"]]
                       for b in wb.scan("sentences")])  # only the evidence sentences are kept
    return out.merge(texts.rename(columns={"text": "sentence"}), on=["article_id", "sentence_id"], how="left")[columns]
