"""Syndicated stories: near-duplicate articles (a wire story reprinted by several outlets) grouped into one story.

Each article gets a MinHash signature (datasketch `MinHash`, NUM_PERM permutations, seed SEED) over its word
shingles: runs of SHINGLE consecutive segmented words (underthesea's tokens, punctuation left out, case-folded,
so a changed headline, a dropped paragraph or an outlet's sign-off change few shingles). The signatures are the
per-article layer `minhash` of `vnpress.processing.layers` (cached, incremental: a new article computes only its own).

`stories(wb, threshold)` puts the signatures in a `datasketch.MinHashLSH` tuned to the threshold and joins the
articles that share one of its buckets when their estimated Jaccard similarity (the share of equal signature
values) is at least `threshold`: a story is a connected component of those pairs. Work and memory grow with the
number of articles (each is in one bucket per LSH band), never with the number of pairs: inside a bucket an
article is compared with the articles of each other story there until one is similar enough, so a story of
thousands of copies costs one comparison per copy and band. The earliest article of a story (by publication
date, undated last, ties by article id) is its first; its id is the story's id.

`one_per_story(wb)` keeps the first article of each story (`Workbook.subset`), so corpus-level tables count each
syndicated story once; `counted(wb, once)` gives the workbook to count and the sentence saying which it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from datasketch import LeanMinHash, MinHash, MinHashLSH

from vnpress.processing.layers import Batch, layer
from vnpress.processing.workbook import Workbook

NUM_PERM = 128  # signature length: the estimate's standard error is about 0.04 at a similarity of 0.5
SEED = 1
SCHEME = "affine32"  # datasketch's hashing scheme (32-bit values), named so that signatures stay comparable
SHINGLE = 5  # words per shingle
PUNCTUATION = "CH"  # underthesea's POS tag of punctuation
MINHASH_COLUMNS = ["article_id", "shingles", "signature"]
STORY_COLUMNS = ["story_id", "article_id", "outlet", "published", "similarity"]
SUMMARY_COLUMNS = ["story_id", "articles", "outlets", "outlet_types", "first_published", "last_published", "title"]


def shingles(words: list[str], size: int = SHINGLE) -> set[str]:
    """The distinct runs of `size` consecutive words (an article shorter than that: all its words as one)."""
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signature(words: list[str]) -> tuple[int, bytes]:
    """(number of shingles, MinHash signature as NUM_PERM unsigned 32-bit values; b'' without shingles)."""
    found = shingles(words)
    if not found:
        return 0, b""
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    mh.update_batch([s.encode("utf-8") for s in sorted(found)])
    return len(found), mh.hashvalues.astype("<u4").tobytes()


def minhash_table(wb: Workbook) -> pd.DataFrame:
    """One row per article of `wb` (MINHASH_COLUMNS): article_id, shingles (distinct word shingles), signature
    (bytes, `signature`), from the tokens table: words case-folded, punctuation left out."""
    tokens = wb.tokens
    words = tokens.loc[tokens["pos"] != PUNCTUATION, ["article_id", "token"]]
    by_article = words.groupby("article_id", sort=False)["token"].agg(list).to_dict()
    rows = [(a, *signature([w.casefold() for w in by_article.get(a, [])])) for a in wb.articles["article_id"]]
    return pd.DataFrame(rows, columns=MINHASH_COLUMNS).astype({"article_id": "string", "shingles": "int64"})


@layer("minhash", MINHASH_COLUMNS, tables=("tokens",))
def minhash_layer(batch: Batch) -> pd.DataFrame:
    """The `minhash` layer: each article's MinHash signature (`minhash_table`)."""
    return minhash_table(batch.wb)


def _story_order(wb: Workbook) -> pd.DataFrame:
    """article_id, outlet, published of every article, earliest first (undated last, ties by article id)."""
    arts = wb.articles[["article_id", "outlet", "published"]].copy()
    arts["_undated"] = arts["published"].isna()
    return arts.sort_values(["_undated", "published", "article_id"], kind="stable").drop(columns="_undated") \
        .reset_index(drop=True)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _join_bucket(members: list[int], sigs: list[np.ndarray], parent: list[int], threshold: float) -> None:
    """Join the stories of a bucket's members that are similar enough (see the module docstring); a story's
    root is its earliest member (the smallest position)."""
    groups: dict[int, list[int]] = {}  # story root → the bucket's members in that story, so far
    for b in sorted(members):
        root = _find(parent, b)
        mine = groups.pop(root, [])
        for other in list(groups):
            if any(similarity(sigs[a], sigs[b]) >= threshold for a in groups[other]):
                theirs = groups.pop(other)
                mine, theirs = (mine, theirs) if len(mine) >= len(theirs) else (theirs, mine)
                mine.extend(theirs)  # the smaller list into the larger: each member moves O(log n) times
                parent[max(root, other)] = min(root, other)
                root = min(root, other)
        mine.append(b)
        groups[root] = mine


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal values."""
    return float(np.count_nonzero(a == b)) / len(a)


def _check_threshold(threshold: float) -> None:
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a similarity above 0 and at most 1, got {threshold}")


def _roots(sigs: list[np.ndarray | None], threshold: float) -> list[int]:
    """Each article's story root (position of the story's first article), articles in story order."""
    parent = list(range(len(sigs)))
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, sig in enumerate(sigs):
            if sig is not None:  # an article without words stands alone
                session.insert(i, LeanMinHash(seed=SEED, hashvalues=sig, scheme=SCHEME), check_duplication=False)
    for table in lsh.hashtables:
        for key in table.keys():
            members = table.get(key)
            if len(members) > 1:
                _join_bucket(list(members), sigs, parent, threshold)
    return [_find(parent, i) for i in range(len(sigs))]


def stories(wb: Workbook, threshold: float = 0.5) -> pd.DataFrame:
    """Syndicated stories (STORY_COLUMNS), one row per article: story_id (the id of the story's first article),
    article_id, outlet, published, similarity (estimated Jaccard to the story's first article, 1.0 for itself;
    rounded to 3 places); stories in order of first publication, articles in publication order within each."""
    _check_threshold(threshold)
    order = _story_order(wb)
    signed = wb.analysis("minhash").set_index("article_id")["signature"]
    sigs = [np.frombuffer(s, dtype="<u4") if len(s) else None
            for s in signed.reindex(order["article_id"]).fillna(b"")]
    roots = _roots(sigs, threshold)
    sim = [similarity(sigs[i], sigs[r]) if sigs[i] is not None else 1.0 for i, r in enumerate(roots)]
    table = order.assign(story_id=order["article_id"].to_numpy()[roots], similarity=np.round(sim, 3),
                         _root=roots).sort_values(["_root"], kind="stable")
    return table[STORY_COLUMNS].reset_index(drop=True)


def one_per_story(wb: Workbook, threshold: float = 0.5) -> Workbook:
    """The same workbook restricted to the first article of each story (`stories`; ties by article id)."""
    table = stories(wb, threshold)
    return wb.subset(table.loc[table["story_id"] == table["article_id"], "article_id"])


def counted(wb: Workbook, once: bool, threshold: float = 0.5) -> tuple[Workbook, str]:
    """The workbook corpus-level tables count (`one_per_story` if `once`, else `wb`) and the sentence saying
    which it is."""
    if not once:
        return wb, f"counting every article: {len(wb.articles)} articles, syndicated copies each counted"
    kept = one_per_story(wb, threshold)
    return kept, f"counting each syndicated story once: {len(kept.articles)} stories from {len(wb.articles)} articles"


def story_summary(wb: Workbook, table: pd.DataFrame) -> pd.DataFrame:
    """The stories printed by more than one article (SUMMARY_COLUMNS), largest first: story_id, articles,
    outlets (distinct), outlet_types ('; '-joined, 'unknown' where not known), first_published,
    last_published, title (of the first article)."""
    arts = wb.articles.set_index("article_id")
    rows = table.assign(outlet_type=table["article_id"].map(arts["outlet_type"]).fillna("").replace("", "unknown"))
    grouped = rows.groupby("story_id", sort=False).agg(
        articles=("article_id", "size"), outlets=("outlet", lambda s: s.fillna("").replace("", pd.NA).nunique()),
        outlet_types=("outlet_type", lambda s: "; ".join(sorted(set(s)))),
        first_published=("published", "min"), last_published=("published", "max")).reset_index()
    grouped["title"] = grouped["story_id"].map(arts["title"]).fillna("")
    grouped = grouped[grouped["articles"] > 1].sort_values(["articles", "first_published", "story_id"],
                                                           ascending=[False, True, True], kind="stable")
    return grouped[SUMMARY_COLUMNS].reset_index(drop=True)


