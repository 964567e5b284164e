"""Topics: a topic model (scikit-learn NMF) of the articles' content words.

The input is each article's word counts (`terms.article_counts`: segmented words, stopwords, punctuation and
numbers left out, as for term frequency), by default of content words only (POS N, Np, V, A). The counts are
computed and cached per article when the corpus is processed; the fit reads them a batch of articles at a time
into one sparse article × word matrix (the corpus's text is never held) and reduces that matrix once for the
whole corpus: a corpus-level step, so adding an article changes every topic, and a topic table belongs to the
corpus it was fitted on.

Method: words in more than 90% of the articles (`MAX_DF`; on a corpus about the Convention, *Công ước*,
*quốc gia*) tell no topic apart and are left out of the fit. The counts are weighted by TF-IDF (smoothed idf,
rows scaled to unit length) and factorised by non-negative matrix factorisation (NMF, initialised by a seeded
randomised SVD, `nndsvda`) into k topics. NMF rather than LDA: on the seeds (5 articles) LDA with k = 5 leaves
three topics empty and identical, while NMF on TF-IDF gives each article a topic of its own, with its
distinctive words (*chủ quyền*, *cân bằng*; *công nghệ*, *an toàn*).
The fit is deterministic: the same corpus, k, seed and filters give identical tables.

Topics are numbered 1..k by prevalence (topic 1 has the largest total share over the articles). A term's
`weight` is its share of the topic (a topic's weights sum to 1 over the vocabulary); an article's `share` of a
topic is its share of the article's topic weights (an article's shares sum to 1, or are all 0 for an article
without a counted word). English glosses come from `data/glossary.csv` (column `english`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfTransformer

from vnpress.analyses.terms import article_counts
from vnpress.data import path as data_path
from vnpress.data import pos_tags
from vnpress.util.csvio import read_file
from vnpress.util.textnorm import fold

CONTENT_POS = ("N", "Np", "V", "A")
TERM_COLUMNS = ["topic", "term", "weight", "gloss"]
SHARE_COLUMNS = ["article_id", "topic", "share"]
REPRESENTATIVE_COLUMNS = ["topic", "article_id", "title", "outlet", "share"]
BY_COLUMNS = ["group", "topic", "share", "articles"]
GROUPS = ("outlet_type", "month")
DIGITS = 4  # weights and shares are rounded to this many decimals
MAX_DF = 0.9  # words in more than this share of the articles tell no topic apart and are left out
MIN_SHARE = 0.1  # an article is representative of a topic only if the topic has at least this share of it


def check_k(wb, k: int) -> None:
    """Raise ValueError (one line) unless 2 ≤ k ≤ the number of articles."""
    n = len(wb.articles)
    if not 2 <= k <= n:
        raise ValueError(f"topics: k must be from 2 to the number of articles ({n}), got {k}")


def usable_k(wb, k: int) -> tuple[int, str]:
    """`k`, or the number of articles if there are fewer, and a note saying so ('' if `k` is kept)."""
    n = len(wb.articles)
    if k <= n:
        return k, ""
    return n, f"topics_k = {k} is more than the {n} articles of the corpus: fitting {n} topics"


def count_matrix(wb, pos: str | list[str] | tuple[str, ...] | None = CONTENT_POS,
                 **filters) -> tuple[sparse.csr_matrix, list[str]]:
    """Article × term counts: a sparse matrix (rows in `wb.articles` order, columns the sorted terms) and its
    terms, streamed a batch of articles at a time from `terms.article_counts` (`pos`, `filters`)."""
    row = {a: i for i, a in enumerate(wb.articles["article_id"])}
    vocab: dict[str, int] = {}
    rows, cols, values = [], [], []
    for batch in article_counts(wb, pos=sorted(pos_tags(pos)), **filters):
        rows.append(batch["article_id"].map(row).to_numpy(dtype=np.int64))
        cols.append(np.fromiter((vocab.setdefault(t, len(vocab)) for t in batch["term"]), np.int64, len(batch)))
        values.append(batch["count"].to_numpy(dtype=np.float64))
    names = sorted(vocab)
    rank = np.empty(len(names), dtype=np.int64)
    rank[[vocab[t] for t in names]] = np.arange(len(names))
    col = rank[np.concatenate(cols)] if cols else np.zeros(0, np.int64)
    data = (np.concatenate(values) if values else np.zeros(0), (np.concatenate(rows) if rows else col, col))
    return sparse.csr_matrix(data, shape=(len(row), len(names))), names


def distinctive(counts: sparse.csr_matrix, names: list[str],
                max_df: float = MAX_DF) -> tuple[sparse.csr_matrix, list[str]]:
    """The columns (terms) of `counts` found in at most `max_df` of its rows (articles)."""
    keep = np.asarray((counts > 0).sum(axis=0)).ravel() <= max_df * counts.shape[0]
    return counts[:, keep].tocsr(), [t for t, k in zip(names, keep) if k]


def _factorise(counts: sparse.csr_matrix, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(article × topic, topic × term) NMF factors of the TF-IDF-weighted counts, topics in prevalence order."""
    weighted = TfidfTransformer().fit_transform(counts)
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
    articles = model.fit_transform(weighted)
    shares = articles / np.where(articles.sum(axis=1, keepdims=True) > 0, articles.sum(axis=1, keepdims=True), 1)
    order = np.argsort(-shares.sum(axis=0), kind="stable")
    return shares[:, order], model.components_[order]


def _rounded(shares: np.ndarray) -> np.ndarray:
    """Shares rounded to DIGITS decimals, each non-zero row still summing to 1 (the residue goes to its largest)."""
    out = shares.round(DIGITS)
    live = shares.sum(axis=1) > 0
    top = shares.argmax(axis=1)
    out[live, top[live]] += 1 - out[live].sum(axis=1)
    return out.round(DIGITS)


def _fit(wb, k: int, seed: int, pos, filters: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(terms: topic, term, weight for every term of weight > 0; shares: SHARE_COLUMNS), fitted once per
    workbook, k, seed and filters."""
    check_k(wb, k)
    name = f"topics:{k}:{seed}:{sorted(pos_tags(pos))}:{sorted(filters.items())}"
    if f"{name}:terms" not in wb._tables:
        counts, names = distinctive(*count_matrix(wb, pos, **filters))
        if len(names) < k:
            raise ValueError(f"topics: the corpus has {len(names)} distinct counted words in at most "
                             f"{MAX_DF:.0%} of its articles, fewer than k = {k}")
        shares, components = _factorise(counts, k, seed)
        weights = components / np.maximum(components.sum(axis=1, keepdims=True), 1e-300)
        topic, term = np.nonzero(weights)
        wb._tables[f"{name}:terms"] = pd.DataFrame({
            "topic": topic + 1, "term": np.array(names, dtype=object)[term],
            "weight": weights[topic, term].round(DIGITS)}).sort_values(
            ["topic", "weight", "term"], ascending=[True, False, True], ignore_index=True)
        ids = wb.articles["article_id"].to_numpy()
        wb._tables[f"{name}:shares"] = pd.DataFrame({
            "article_id": np.repeat(ids, k), "topic": np.tile(np.arange(1, k + 1), len(ids)),
            "share": _rounded(shares).ravel()})
    return wb._tables[f"{name}:terms"], wb._tables[f"{name}:shares"]


def topic_terms(wb, k: int, top: int = 10, seed: int = 0, pos=CONTENT_POS, **filters) -> pd.DataFrame:
    """The `top` words of each of `k` topics: topic (1..k, by prevalence), term, weight (the term's share of the
    topic), gloss (English, from the glossary; '' if none). `pos` and `filters` (keep_numbers, override_path) go
    to `terms.article_counts`."""
    if top < 1:
        raise ValueError(f"topics: top must be a positive number of words, got {top}")
    table = _fit(wb, k, seed, pos, filters)[0].groupby("topic", sort=True).head(top).reset_index(drop=True)
    return table.assign(gloss=table["term"].map(gloss))[TERM_COLUMNS]


def topic_shares(wb, k: int, seed: int = 0, pos=CONTENT_POS, **filters) -> pd.DataFrame:
    """Each article's share of each topic: article_id, topic, share (k rows per article, in corpus order; an
    article's shares sum to 1, or are all 0 if it has no counted word, or only words of nearly every article:
    MAX_DF)."""
    return _fit(wb, k, seed, pos, filters)[1].copy()


def representative_articles(wb, k: int, seed: int = 0, n: int = 3, pos=CONTENT_POS, **filters) -> pd.DataFrame:
    """The `n` articles with the largest share of each topic: topic, article_id, title, outlet, share (largest
    first; an article where the topic has less than MIN_SHARE is not representative of it and left out)."""
    shares = topic_shares(wb, k, seed, pos, **filters)
    meta = wb.articles.set_index("article_id")
    top = shares[shares["share"] >= MIN_SHARE].sort_values(["topic", "share", "article_id"],
                                                            ascending=[True, False, True])
    top = top.groupby("topic").head(n).reset_index(drop=True)
    return top.assign(title=top["article_id"].map(meta["title"]).fillna(""),
                      outlet=top["article_id"].map(meta["outlet"]).fillna(""))[REPRESENTATIVE_COLUMNS]


def _group_of(wb, group: str) -> pd.Series:
    """Article id → its group: outlet type or publication month (YYYY-MM); 'unknown' when not known."""
    a = wb.articles.set_index("article_id")
    if group == "outlet_type":
        return a["outlet_type"].fillna("").replace("", "unknown")
    if group == "month":
        return a["published"].dt.strftime("%Y-%m").fillna("unknown")
    raise ValueError(f"topics: group must be {' or '.join(GROUPS)}, got {group!r}")


def topics_by(wb, k: int, group: str = "outlet_type", seed: int = 0, pos=CONTENT_POS, **filters) -> pd.DataFrame:
    """Mean topic share of each group's articles: group (outlet type, or month YYYY-MM; 'unknown' when not known),
    topic, share, articles (the group's articles with a counted word; articles without one have no topics and
    are left out). A group's shares sum to 1."""
    groups = _group_of(wb, group)
    shares = topic_shares(wb, k, seed, pos, **filters)
    live = shares.groupby("article_id")["share"].transform("sum") > 0
    shares = shares[live].assign(group=lambda s: s["article_id"].map(groups))
    out = shares.groupby(["group", "topic"]).agg(share=("share", "mean"), articles=("article_id", "nunique"))
    out = out.reset_index()
    out["share"] = out["share"].round(DIGITS)
    return out[BY_COLUMNS]


@lru_cache(maxsize=4)
def glosses(file: str | None = None) -> dict[str, str]:
    """Folded Vietnamese term → its English gloss, from a glossary CSV (columns vietnamese, english; default
    `data/glossary.csv`). 'A / B' rows pair with 'a / b' glosses (or share a single one); a bracketed
    abbreviation ('Liên hợp quốc (LHQ)') has its word's gloss; an explanation after ' — ' is left out."""
    _, rows, _ = read_file(Path(file) if file else data_path("glossary.csv"))
    out: dict[str, str] = {}
    for _, row in rows:
        terms = [t.strip() for t in row["vietnamese"].split(" / ")]
        english = row["english"].split(" — ")[0].strip()
        parts = [g.strip() for g in english.split(" / ")]
        if len(parts) == 1:  # one gloss for every form ("Quốc gia này / Nước này": this country)
            parts = parts * len(terms)
        for term, meaning in zip(terms, parts) if len(parts) == len(terms) else ():
            out.update({fold(form.strip(" )")): meaning for form in term.split(" (")})  # "Liên hợp quốc (LHQ)"
    return out


def gloss(term: str) -> str:
    """The English gloss of a term ('' if the glossary has none)."""
    return glosses().get(fold(term), "")


def with_gloss(term: str, english: str) -> str:
    """'term (english)', or the term alone; a gloss is cut at its first bracket or semicolon."""
    short = english.split(" (")[0].split(";")[0].strip()
    return f"{term} ({short})" if short else term


def topic_labels(table: pd.DataFrame, words: int = 3) -> dict[int, str]:
    """Topic → its label: its top `words` words (from a `topic_terms` table), with English glosses."""
    return {int(t): " · ".join(with_gloss(r.term, r.gloss) for r in grp.head(words).itertuples())
            for t, grp in table.groupby("topic", sort=True)}


