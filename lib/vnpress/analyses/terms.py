"""Term frequency on word-segmented Vietnamese: counts, TF-IDF, n-grams, keyness, KWIC.

Terms are underthesea's segmented words ("tội phạm mạng", "Liên hợp quốc"), or
their syllables with `level="syllable"`. Case variants are one term ("Lễ" at a
sentence start and "lễ"; "Công ước" and "công ước"), shown in its most frequent
written form in the corpus (`written_forms`); tone-mark variants are already
merged by the loader (hoà → hòa). Word counts come from the
`words` table, counted per article when the corpus is processed (so counting
them needs neither the tokens nor a pass of its own); syllables, n-grams, KWIC
and dispersion read the tokens.

Filtering (the same for every analysis here): punctuation, numbers (unless
`keep_numbers`), single characters and stopwords are dropped. Stopwords are
underthesea's Vietnamese list (Apache-2.0, shipped in the package) plus the
`add` list of `data/stopwords_override.yaml`, minus its `keep` list and every
country name of the gazetteer. `pos` keeps only the given POS tags (N, Np, V, ...;
the known tags are in `data/pos_tags.yaml`, an unknown one is an error).

`per_10k` is the count per 10,000 counted terms (after filtering) of the group.
N-grams are runs of kept terms inside one sentence: a dropped word or a
punctuation mark breaks the run, so "hợp tác quốc tế" is a bigram of
"hợp tác" + "quốc tế", but "của Việt Nam" is not.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import underthesea
import yaml

from vnpress.analyses.countries import gazetteer
from vnpress.analyses.stance import UNKNOWN
from vnpress.corpus.outlets import OUTLET_TYPES
from vnpress.data import path as data_path
from vnpress.data import pos_tags
from vnpress.util.textnorm import fold, plain

FREQ_COLUMNS = ["term", "count", "per_10k", "doc_freq"]
COUNT_COLUMNS = ["article_id", "term", "count"]
KWIC_COLUMNS = ["article_id", "sentence_id", "left", "match", "right"]
TREND_COLUMNS = ["period", "term", "count", "per_10k"]
_WORDLIKE = re.compile(r"\w", re.U)


@lru_cache(maxsize=8)
def stopwords(override_path: str | None = None) -> frozenset[str]:
    """The stopword set (folded): underthesea's list + override `add` − override `keep` − country names."""
    base = Path(underthesea.__file__).parent / "datasets" / "stopwords" / "stopwords.txt"
    words = {fold(w) for w in base.read_text(encoding="utf-8").split("\n") if w.strip()}
    override = yaml.safe_load(Path(override_path or data_path("stopwords_override.yaml")).read_text(encoding="utf-8"))
    words |= {fold(w) for w in override.get("add") or []}
    words -= {fold(w) for w in override.get("keep") or []}
    words -= {fold(v) for v in gazetteer()["variant"]}
    return frozenset(words)


def _form_totals(words: pd.DataFrame, level: str) -> pd.Series:
    """Occurrences of each written form (a word, or with level="syllable" a syllable) in a words table."""
    totals = words.groupby("token", sort=False)["count"].sum()
    if level == "syllable":
        pieces = [form.split() for form in totals.index]
        totals = pd.Series(np.repeat(totals.to_numpy(), [len(p) for p in pieces]),
                           index=[syllable for p in pieces for syllable in p]).groupby(level=0).sum()
    return totals


def _best_forms(totals: pd.Series) -> dict[str, str]:
    """Term (case-folded) → its most frequent written form; on a tie the lower-case form, then the first in
    sort order."""
    frame = pd.DataFrame({"form": totals.index, "n": totals.to_numpy()})
    frame["term"] = frame["form"].map(fold)
    frame["cased"] = frame["form"] != frame["term"]
    best = frame.sort_values(["n", "cased", "form"], ascending=[False, True, True]).drop_duplicates("term")
    return dict(zip(best["term"], best["form"]))


def written_forms(wb, level: str = "word") -> dict[str, str]:
    """Each term's most frequent written form in the corpus (`Hà Nội`, `lễ`), counted from the words table
    once per workbook."""
    name = f"terms:forms:{level}"
    if name not in wb._tables:
        parts = [_form_totals(batch, level) for batch in wb.scan("words")]
        totals = pd.concat(parts).groupby(level=0).sum() if parts else pd.Series(dtype="int64")
        forms = _best_forms(totals)
        wb._tables[name] = pd.DataFrame({"term": list(forms), "form": list(forms.values())})
    table = wb._tables[name]
    return dict(zip(table["term"], table["form"]))


def _shown(terms: np.ndarray, forms: dict[str, str]) -> np.ndarray:
    """Case-folded terms as their written forms."""
    return np.array([forms.get(term, term) for term in terms], dtype=object)


def term_tokens(wb, level: str = "word", pos: str | list[str] | None = None, keep_numbers: bool = False,
                override_path: str | None = None, tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tokens that count, in text order: article_id, sentence_id, token_id, term, pos, kept.

    Every token is listed; `kept` says whether it passes the filters (dropped ones break n-grams).
    With level="syllable" each syllable is a row (sharing its word's token_id and POS). `tokens` (a
    batch from `wb.scan()`) replaces `wb.tokens`.
    """
    wanted = _tags(level, pos)
    stops = stopwords(override_path)
    t = wb.tokens if tokens is None else tokens
    words = t["token"]
    if level == "syllable":
        pieces = [tok.split() for tok in words.tolist()]
        t = t.iloc[[i for i, p in enumerate(pieces) for _ in p]].reset_index(drop=True)
        words = pd.Series([s for p in pieces for s in p], dtype="str")
    codes, terms, kept = _judged(words, t["pos"], stops, wanted, keep_numbers)
    terms = _shown(terms, written_forms(wb, level))
    return pd.DataFrame({"article_id": t["article_id"].to_numpy(), "sentence_id": t["sentence_id"].to_numpy(),
                         "token_id": t["token_id"].to_numpy(), "term": terms[codes], "pos": t["pos"].to_numpy(),
                         "kept": kept[codes]})


def _tags(level: str, pos: str | list[str] | None) -> frozenset[str]:
    """The wanted POS tags (none: every tag), after checking `level` and the tags (`data.pos_tags`)."""
    if level not in ("word", "syllable"):
        raise ValueError(f"level must be 'word' or 'syllable', got {level!r}")
    return pos_tags(pos)


def counts(words: pd.DataFrame, pos: str | list[str] | None = None, keep_numbers: bool = False,
           override_path: str | None = None, forms: dict[str, str] | None = None) -> pd.DataFrame:
    """Kept terms per article of a words table (`nlp.WORD_COLUMNS`, whole articles, in its order): article_id,
    term, count; each article's terms in order of first appearance (the (word, tag) pairs of one term, case
    variants included, count together). A term is shown as `forms` has it (default: its most frequent written
    form in `words`)."""
    codes, terms, kept = _judged(words["token"], words["pos"], stopwords(override_path), _tags("word", pos),
                                 keep_numbers)
    terms = _shown(terms, _best_forms(_form_totals(words, "word")) if forms is None else forms)
    rows = kept[codes]
    frame = pd.DataFrame({"article_id": words["article_id"].to_numpy()[rows], "term": terms[codes[rows]],
                          "count": words["count"].to_numpy()[rows]})
    return frame.groupby(["article_id", "term"], sort=False)["count"].sum().reset_index()


def article_counts(wb, level: str = "word", pos: str | list[str] | None = None, keep_numbers: bool = False,
                   override_path: str | None = None) -> Iterator[pd.DataFrame]:
    """Kept terms per article (article_id, term, count, as `counts`), a batch of whole articles at a time: words
    from the `words` table (counted when the articles were processed), syllables from the tokens."""
    _tags(level, pos)  # a wrong level or tag fails before any batch is read
    if level == "word":
        forms = written_forms(wb)
        for batch in wb.scan("words"):
            yield counts(batch, pos, keep_numbers, override_path, forms)
        return
    for batch in wb.scan("tokens"):
        terms = term_tokens(wb, level, pos, keep_numbers, override_path, tokens=batch)
        terms = terms[terms["kept"]]
        yield terms.groupby(["article_id", "term"], sort=False).size().rename("count").reset_index()[COUNT_COLUMNS]


def _judged(words: pd.Series, tags: pd.Series, stops: frozenset[str], wanted: frozenset[str],
            keep_numbers: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's code of its distinct (word, tag) pair, and each pair's (case-folded) term and whether it counts
    (`_judge`)."""
    word_codes, word_values = pd.factorize(words)
    tag_codes, tag_values = pd.factorize(tags)
    word_values, tag_values = word_values.tolist(), tag_values.tolist()  # plain lists: fast to index one by one
    codes, pairs = pd.factorize(word_codes * len(tag_values) + tag_codes)
    judged = [_judge(word_values[p // len(tag_values)], tag_values[p % len(tag_values)], stops, wanted, keep_numbers)
              for p in pairs]
    return codes, np.array([term for term, _ in judged], dtype=object), np.array([ok for _, ok in judged], dtype=bool)


@lru_cache(maxsize=1 << 16)  # a vocabulary is mostly the same words batch after batch
def _judge(tok: str, tag: str, stops: frozenset[str], wanted: frozenset[str], keep_numbers: bool) -> tuple[str, bool]:
    """A token's term (case-folded), and whether it counts: word-like, not punctuation, not a bare number (unless
    `keep_numbers`), not a stopword, and of a wanted POS tag (if any are given)."""
    term = fold(tok)
    ok = bool(_WORDLIKE.search(tok)) and len(tok) > 1 and tag != "CH"
    if ok and not keep_numbers and (tag == "M" and any(c.isdigit() for c in tok) or
                                    not any(c.isalpha() for c in tok)):
        ok = False
    return term, ok and term not in stops and (not wanted or tag in wanted)


def _groups(wb, terms: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None:
        return pd.Series("all", index=terms.index)
    a = wb.articles.set_index("article_id")
    if by == "article":
        return terms["article_id"]
    if by in ("outlet", "outlet_type"):
        return terms["article_id"].map(a[by].replace("", UNKNOWN).fillna(UNKNOWN))
    if by == "month":
        return terms["article_id"].map(a["published"].dt.strftime("%Y-%m")).fillna(UNKNOWN)
    raise ValueError(f"by must be article, outlet, outlet_type or month, got {by!r}")


def _check_top(top: int | None) -> None:
    """Raise ValueError unless `top` (rows per group) is None or positive."""
    if top is not None and top < 1:
        raise ValueError(f"top must be a positive number of rows, got {top}")


def frequencies(wb, by: str | None = None, top: int | None = None, **filters) -> pd.DataFrame:
    """Term frequencies: [by,] term, count, per_10k, doc_freq (articles with the term), most frequent first.

    `by` groups by article, outlet, outlet_type or month (of publication); an unknown outlet, type or date forms
    the group 'unknown'. `top` keeps the
    N most frequent terms per group (a positive number). `filters` go to `article_counts` (level, pos, keep_numbers,
    override_path), which streams each article's counts a batch of articles at a time, so memory holds the
    counts, not the corpus.
    """
    _check_top(top)
    parts = []
    for batch in article_counts(wb, **filters):
        batch = batch.assign(group=_groups(wb, batch, by))
        parts.append(batch.groupby(["group", "term"]).agg(count=("count", "sum"), doc_freq=("article_id", "nunique")))
    columns = ([by] if by else []) + FREQ_COLUMNS
    if not parts:
        return pd.DataFrame(columns=columns)
    # batches hold whole articles, so counts and document frequencies add up across batches
    counts = pd.concat(parts).groupby(level=["group", "term"]).sum().reset_index()
    counts["per_10k"] = (counts["count"] / counts.groupby("group")["count"].transform("sum") * 10_000).round(2)
    counts = counts.sort_values(["group", "count", "term"], ascending=[True, False, True])
    if top is not None:
        counts = counts.groupby("group").head(top)
    return counts.rename(columns={"group": by or "group"})[columns].reset_index(drop=True)


def tfidf(wb, top: int = 10, **filters) -> pd.DataFrame:
    """Distinctive terms per article: article_id, term, count, tf, idf, tfidf (top N per article).

    tf = count / terms in the article; idf = ln((1 + N) / (1 + df)) + 1 with N articles and df the
    articles containing the term (smoothed, so a term in every article still weighs 1). Two streaming passes
    over `article_counts` (`filters`): document frequencies, then each article's top terms.
    """
    _check_top(top)
    doc_freq: dict[str, int] = {}
    for batch in article_counts(wb, **filters):
        for term, n in batch["term"].value_counts().items():
            doc_freq[term] = doc_freq.get(term, 0) + n
    n_docs = wb.articles["article_id"].nunique()
    parts = []
    for batch in article_counts(wb, **filters):
        batch["tf"] = batch["count"] / batch.groupby("article_id")["count"].transform("sum")
        batch["idf"] = batch["term"].map(lambda t: math.log((1 + n_docs) / (1 + doc_freq[t])) + 1)
        batch["tfidf"] = (batch["tf"] * batch["idf"]).round(5)
        batch = batch.sort_values(["article_id", "tfidf", "term"], ascending=[True, False, True])
        parts.append(batch.groupby("article_id").head(top))
    columns = [*COUNT_COLUMNS, "tf", "idf", "tfidf"]
    out = pd.concat(parts) if parts else pd.DataFrame(columns=columns)
    return out.sort_values("article_id", kind="stable")[columns].reset_index(drop=True)


def _runs(terms: pd.DataFrame) -> list[list[str]]:
    """Runs of kept terms, broken by dropped tokens and sentence ends."""
    runs, current, last = [], [], None
    for art, sid, term, kept in terms[["article_id", "sentence_id", "term", "kept"]].itertuples(index=False):
        if (art, sid) != last or not kept:
            if current:
                runs.append(current)
            current = []
            last = (art, sid)
        if kept:
            current.append(term)
    if current:
        runs.append(current)
    return runs


def g2(o11: float, o12: float, o21: float, o22: float) -> float:
    """Dunning's log-likelihood G² of a 2×2 contingency table (0·ln 0 = 0)."""
    n = o11 + o12 + o21 + o22
    rows, cols = (o11 + o12, o21 + o22), (o11 + o21, o12 + o22)
    total = 0.0
    for o, r, c in ((o11, rows[0], cols[0]), (o12, rows[0], cols[1]), (o21, rows[1], cols[0]),
                    (o22, rows[1], cols[1])):
        if o > 0:
            total += o * math.log(o / (r * c / n))
    return 2 * total


def pmi(count: int, part_counts: list[int], total_terms: int, total_grams: int) -> float:
    """Pointwise mutual information log2(p(w1..wn) / Π p(wi)) of an n-gram."""
    return math.log2((count / total_grams) / math.prod(c / total_terms for c in part_counts))


def ngrams(wb, n: int = 2, min_freq: int = 2, **filters) -> pd.DataFrame:
    """Word n-grams (n = 2 or 3) with association: ngram, count, pmi, g2 (most frequent first).

    pmi = log2(p(w1..wn) / Π p(wi)) with p(n-gram) = count / all n-grams and p(w) = count / all kept
    terms. g2 = log-likelihood of the 2×2 table of (first n−1 words) × (last word) over all n-grams.
    Tokens are streamed a batch of whole articles at a time (`wb.scan`); runs never cross articles.
    """
    if n not in (2, 3):
        raise ValueError(f"n must be 2 or 3, got {n}")
    unigrams: dict[str, int] = {}
    grams: dict[tuple[str, ...], int] = {}
    for batch in wb.scan("tokens"):
        for run in _runs(term_tokens(wb, tokens=batch, **filters)):
            for w in run:
                unigrams[w] = unigrams.get(w, 0) + 1
            for i in range(len(run) - n + 1):
                key = tuple(run[i:i + n])
                grams[key] = grams.get(key, 0) + 1
    total_uni, total_grams = sum(unigrams.values()), sum(grams.values())
    heads: dict[tuple[str, ...], int] = {}
    tails: dict[str, int] = {}
    for key, c in grams.items():
        heads[key[:-1]] = heads.get(key[:-1], 0) + c
        tails[key[-1]] = tails.get(key[-1], 0) + c
    rows = []
    for key, c in grams.items():
        if c < min_freq:
            continue
        o12, o21 = heads[key[:-1]] - c, tails[key[-1]] - c
        rows.append((" ".join(key), c, round(pmi(c, [unigrams[w] for w in key], total_uni, total_grams), 3),
                     round(g2(c, o12, o21, total_grams - c - o12 - o21), 3)))
    out = pd.DataFrame(rows, columns=["ngram", "count", "pmi", "g2"])
    return out.sort_values(["count", "g2", "ngram"], ascending=[False, False, True], ignore_index=True)


def split_groups(wb, target: str = "") -> tuple[set[str], str]:
    """Target article ids for keyness, and a description. Syntax of `target`:

    'outlet=NAME', 'outlet_type=TYPE' or 'outlet_type=TYPE,TYPE' (those outlet types against every other
    article; 'unknown' is the articles of no known type), 'before=YYYY-MM-DD' / 'after=YYYY-MM-DD' (by publication
    date), 'articles=ID,ID', or '' (default): the earlier half of the articles by publication date (undated ones
    last) vs the rest. A target that selects no article (an outlet or outlet type not in the corpus, a date
    outside it) raises ValueError naming what the corpus has.
    """
    a = wb.articles
    if not target:
        order = a.sort_values(["published", "article_id"], na_position="last")["article_id"].tolist()
        half = set(order[: max(1, len(order) // 2)])
        return half, "earlier half of the articles by publication date"
    key, _, value = target.partition("=")
    key, value = key.strip(), value.strip()
    if key == "outlet":
        return _outlet_ids(a, value), f"outlet {value}"
    if key == "outlet_type":
        types = [v.strip() for v in value.split(",") if v.strip()]
        return _outlet_type_ids(a, types), f"outlet type {' + '.join(types)}"
    if key in ("before", "after"):
        return _dated_ids(a, key, value), f"published {key} {value}"
    if key == "articles":
        ids = {v.strip() for v in value.split(",") if v.strip()}
        unknown = ids - set(a["article_id"])
        if unknown:
            raise ValueError(f"keyness target names unknown article(s): {', '.join(sorted(unknown))}")
        return ids, f"articles {', '.join(sorted(ids))}"
    raise ValueError(f"keyness target must be outlet=, outlet_type=, before=, after= or articles=, got {target!r}")


def _outlet_ids(articles: pd.DataFrame, outlet: str) -> set[str]:
    """The articles of `outlet`; raises ValueError naming the corpus's outlets if there are none."""
    ids = set(articles.loc[articles["outlet"] == outlet, "article_id"])
    if not ids:
        known = sorted(set(articles["outlet"].dropna()) - {""})
        raise ValueError(f"keyness target: no article of outlet {outlet!r} (outlets: "
                         f"{', '.join(known) or 'none named in the manifest'})")
    return ids


def _outlet_type_ids(articles: pd.DataFrame, types: list[str]) -> set[str]:
    """The articles of any of the outlet `types` ('unknown': of no known type); raises ValueError listing the
    types present in the corpus when a type is not one of OUTLET_TYPES or selects no article."""
    kinds = articles["outlet_type"].fillna("").replace("", UNKNOWN)
    present = ", ".join(f"{k} ({n})" for k, n in sorted(kinds.value_counts().items()))
    wrong = [t for t in types if t not in (*OUTLET_TYPES, UNKNOWN)]
    if not types or wrong:
        what = f"unknown outlet type {', '.join(map(repr, wrong))}" if wrong else "outlet_type= names no type"
        raise ValueError(f"keyness target: {what} (types present, with articles: {present}; known types: "
                         f"{', '.join(OUTLET_TYPES)})")
    ids = set(articles.loc[kinds.isin(types), "article_id"])
    if not ids:
        raise ValueError(f"keyness target: no article of outlet type {' or '.join(types)} (types present, with "
                         f"articles: {present})")
    return ids


def _dated_ids(articles: pd.DataFrame, key: str, value: str) -> set[str]:
    """The articles published before (or from) the date `value`; raises ValueError if there are none."""
    try:
        when = pd.Timestamp(value)
    except ValueError:
        raise ValueError(f"keyness target: {key}= needs a date YYYY-MM-DD, got {value!r}") from None
    mask = articles["published"] < when if key == "before" else articles["published"] >= when
    ids = set(articles.loc[mask.fillna(False), "article_id"])
    if not ids:
        dates = articles["published"].dropna()
        span = f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if len(dates) else "none"
        raise ValueError(f"keyness target: no article published {key} {value} (publication dates: {span})")
    return ids


def keyness(wb, target: str = "", min_freq: int = 2, **filters) -> pd.DataFrame:
    """Keyness of the target articles against the rest (see `split_groups` for `target`).

    Columns: term, target_count, reference_count, target_per_10k, reference_per_10k, g2 (log-likelihood,
    Rayson & Garside), log_ratio (Hardie: log2 of the ratio of relative frequencies, zero counts set to
    0.5), p_value (χ² with 1 df), sorted by g2; positive log_ratio = more typical of the target. Counts are
    streamed a batch of articles at a time (`article_counts`, with `filters`).
    """
    ids, _ = split_groups(wb, target)
    t_counts: dict[str, int] = {}
    r_counts: dict[str, int] = {}
    for batch in article_counts(wb, **filters):
        in_target = batch["article_id"].isin(ids)
        for totals, part in ((t_counts, batch[in_target]), (r_counts, batch[~in_target])):
            for term, k in part.groupby("term")["count"].sum().items():
                totals[term] = totals.get(term, 0) + int(k)
    c, d = sum(t_counts.values()), sum(r_counts.values())
    rows = []
    for term in set(t_counts) | set(r_counts):
        a, b = t_counts.get(term, 0), r_counts.get(term, 0)
        if a + b < min_freq or not c or not d:
            continue
        score = g2(a, b, c - a, d - b)
        ratio = math.log2((max(a, 0.5) / c) / (max(b, 0.5) / d))
        rows.append((term, a, b, round(a / c * 10_000, 2), round(b / d * 10_000, 2), round(score, 3),
                     round(ratio, 3), math.erfc(math.sqrt(score / 2))))
    out = pd.DataFrame(rows, columns=["term", "target_count", "reference_count", "target_per_10k",
                                      "reference_per_10k", "g2", "log_ratio", "p_value"])
    return out.sort_values(["g2", "term"], ascending=[False, True], ignore_index=True)


def _query(query: str) -> list[str]:
    return plain(query).split()


def _matches(tokens: list[str], query: list[str]) -> Iterator[tuple[int, int]]:
    """(first, end) token spans whose syllables equal the query's, case and diacritics ignored (`plain`)."""
    sylls = [plain(t).split() for t in tokens]
    for i in range(len(tokens)):
        flat, j = [], i
        while j < len(tokens) and len(flat) < len(query):
            flat += sylls[j]
            j += 1
        if query and flat == query:
            yield i, j


def kwic(wb, query: str, window: int = 5) -> pd.DataFrame:
    """Concordance of `query` (one or more words; case and diacritics ignored, so "chu quyen" finds "chủ quyền"
    and "Dong Nam A" finds "Đông Nam Á"): KWIC_COLUMNS.

    A match is a run of whole segmented tokens whose syllables equal the query's ("tội phạm mạng" matches
    one token, or "tội phạm" + "mạng"); left/right hold up to `window` tokens of the same sentence. Tokens
    are streamed a batch of articles at a time (`wb.scan`).
    """
    q = _query(query)
    if not q:
        raise ValueError("empty query")
    rows = []
    for batch in wb.scan("tokens"):
        for (art, sid), grp in batch.groupby(["article_id", "sentence_id"], sort=False):
            toks = grp["token"].tolist()
            rows += [(art, sid, " ".join(toks[max(0, i - window):i]), " ".join(toks[i:j]),
                      " ".join(toks[j:j + window])) for i, j in _matches(toks, q)]
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def dispersion(wb, queries: list[str]) -> pd.DataFrame:
    """Where each query occurs: term, article_id, position (token index in the article), relative (0–1).
    Tokens are streamed a batch of articles at a time (`wb.scan`)."""
    rows = []
    for batch in wb.scan("tokens"):
        for art, grp in batch.groupby("article_id", sort=False):
            toks = grp["token"].tolist()
            for query in queries:
                rows += [(query, art, i, round(i / max(1, len(toks) - 1), 4))
                         for i, _ in _matches(toks, _query(query))]
    return pd.DataFrame(rows, columns=["term", "article_id", "position", "relative"])


def _periods(articles: pd.DataFrame, by: str) -> pd.Series:
    """article_id → its period of publication: 'YYYY-MM' (by month) or the date of the week's Monday
    'YYYY-MM-DD' (by week); undated articles are left out."""
    if by not in ("month", "week"):
        raise ValueError(f"term trends: by must be month or week, got {by!r}")
    dated = articles.dropna(subset=["published"]).set_index("article_id")["published"]
    if by == "month":
        return dated.dt.strftime("%Y-%m")
    return (dated.dt.normalize() - pd.to_timedelta(dated.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")


def _trend_counts(batch: pd.DataFrame, patterns: dict[str, re.Pattern[str]]) -> pd.DataFrame:
    """Per article of a token batch: words (tokens with a letter or digit that are no punctuation) and the
    occurrences of each pattern (a run of whole tokens, case and diacritics ignored: `_trend_pattern`)."""
    codes, uniques = pd.factorize(batch["token"])
    plains = np.array([plain(t) for t in uniques], dtype=object)[codes]
    last = batch["sentence_id"].ne(batch["sentence_id"].shift(-1)) | \
        batch["article_id"].ne(batch["article_id"].shift(-1))
    pieces = pd.Series(plains + np.where(last, "\n|", "|"), index=batch.index)
    texts = ("|" + pieces.groupby(batch["article_id"], sort=False).agg("".join))
    words = (batch["token"].str.contains(_WORDLIKE) & (batch["pos"] != "CH")).groupby(batch["article_id"],
                                                                                   sort=False).sum()
    out = pd.DataFrame({"words": words.reindex(texts.index).to_numpy()}, index=texts.index)
    for term, pattern in patterns.items():
        out[term] = [len(pattern.findall(t)) for t in texts]
    return out


def _trend_pattern(term: str) -> re.Pattern[str]:
    """A query's syllables as a run of whole tokens (syllables of one token joined by a space, tokens by '|')."""
    return re.compile(r"(?<=\|)" + r"[ |]".join(re.escape(w) for w in _query(term)) + r"(?=\|)")


def term_trends(wb, terms: str | list[str], by: str = "month") -> pd.DataFrame:
    """How often each term occurs over time: TREND_COLUMNS, one row per (period, term), every term in every
    period that has a dated article (0 where it does not occur).

    period: 'YYYY-MM' (by="month") or the Monday of the week 'YYYY-MM-DD' (by="week"), of publication; undated
    articles are left out. term: as given (`terms`: a list or a comma-separated string). count: its occurrences,
    matched like `kwic` (whole segmented words, case and diacritics ignored, so "tội phạm mạng" counts one token
    or "tội phạm" + "mạng"). per_10k: count per 10,000 words of the period (word tokens, punctuation excluded;
    2 decimals). Tokens are streamed a batch of articles at a time (`wb.scan`). Raises ValueError when no term is
    given or `by` is neither month nor week.
    """
    wanted = [t.strip() for t in (terms.split(",") if isinstance(terms, str) else terms) if t.strip()]
    if not wanted or not all(_query(t) for t in wanted):
        raise ValueError(f"term trends: give one or more terms, comma-separated (got {terms!r})")
    periods = _periods(wb.articles, by)
    patterns = {t: _trend_pattern(t) for t in dict.fromkeys(wanted)}
    parts = [_trend_counts(batch[batch["article_id"].isin(periods.index)], patterns)
             for batch in wb.scan("tokens")]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=TREND_COLUMNS)
    totals = pd.concat(parts).groupby(periods).sum()  # batches hold whole articles
    out = totals.drop(columns="words").rename_axis("period").reset_index().melt(
        id_vars="period", var_name="term", value_name="count")
    words = out["period"].map(totals["words"])
    out["per_10k"] = (out["count"] / words.where(words > 0) * 10_000).fillna(0.0).round(2)
    order = {t: i for i, t in enumerate(patterns)}
    out = out.sort_values(["period", "term"], key=lambda c: c.map(order) if c.name == "term" else c)
    return out.astype({"count": "int64"})[TREND_COLUMNS].reset_index(drop=True)


