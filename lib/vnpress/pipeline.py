"""Load, clean and process a corpus into a `Workbook`, with a Parquet cache.

Processing (sentences, segmentation, POS, and NER on demand) runs per article
in worker processes, batch by batch; each finished batch is written as one
Parquet shard per table under `cache_dir/<settings key>/<table>/`, with the
article's content key in a `key` column. The settings key covers the vnpress
and underthesea versions and the processing settings, so a change of any of
them starts a fresh cache; the content key is the SHA-256 of the cleaned text.
A second run over an unchanged corpus reads the shards; an interrupted run
resumes with the articles whose shards are missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import underthesea
from tqdm import tqdm

from . import __version__
from .clean import LOG_COLUMNS
from .corpus import MAX_BYTES, PROBLEM_COLUMNS, articles_frame, load_corpus, make_article
from .nlp import ENTITY_COLUMNS, SENTENCE_COLUMNS, TOKEN_COLUMNS, entities_for, process_text

BATCH_SIZE = 64


@dataclass
class Workbook:
    """A loaded corpus: articles, problems, cleaning log, sentences and tokens."""

    articles: pd.DataFrame
    problems: pd.DataFrame
    cleaning_log: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    cache_dir: Path | None = None
    workers: int = 1
    _entities: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def errors(self) -> pd.DataFrame:
        """Problems of level `error` (file, problem)."""
        return self.problems.loc[self.problems["level"] == "error", ["file", "problem"]].reset_index(drop=True)

    def entities(self) -> pd.DataFrame:
        """Named entities (article_id, sentence_id, entity, type), computed once and cached."""
        if self._entities is None:
            self._entities = _tables(self.articles, self.sentences_by_key(), "entities", _entities_job,
                                     self.cache_dir, self.workers)["entities"]
        return self._entities

    def sentences_by_key(self) -> dict[str, pd.DataFrame]:
        return {key: grp for key, grp in self.sentences.groupby("article_id", sort=False)}


def settings_key(settings: dict | None = None) -> str:
    facts = {"vnpress": __version__, "underthesea": underthesea.__version__, **(settings or {})}
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


def _process_job(item: tuple[str, str]) -> dict[str, pd.DataFrame]:
    key, text = item
    sentences, tokens = process_text(text, article_id=key)
    return {"sentences": sentences, "tokens": tokens}


def _entities_job(item: tuple[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    key, sentences = item
    return {"entities": entities_for(sentences.assign(article_id=key))}


def _shard_dir(cache_dir: Path, table: str) -> Path:
    return cache_dir / settings_key() / table


def cached_keys(cache_dir: Path, table: str) -> set[str]:
    """Content keys that already have a complete shard for `table`."""
    folder = _shard_dir(cache_dir, table)
    if not folder.exists():
        return set()
    dataset = ds.dataset(str(folder), format="parquet")
    return set(dataset.to_table(columns=["article_id"]).column("article_id").unique().to_pylist())


def _read_shards(cache_dir: Path, table: str, keys: set[str]) -> pd.DataFrame:
    folder = _shard_dir(cache_dir, table)
    dataset = ds.dataset(str(folder), format="parquet")
    frame = dataset.to_table(filter=ds.field("article_id").isin(list(keys))).to_pandas()
    return frame.drop_duplicates(subset=[c for c in frame.columns if c not in ("text",)])


def _write_shard(cache_dir: Path, table: str, frame: pd.DataFrame) -> None:
    folder = _shard_dir(cache_dir, table)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"part-{uuid.uuid4().hex}.parquet"
    tmp = folder / f".{name}.tmp"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
    os.replace(tmp, folder / name)  # a shard appears whole or not at all


def _batches(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _tables(articles: pd.DataFrame, inputs: dict[str, object], table_kind: str,
            job: Callable[[tuple], dict[str, pd.DataFrame]], cache_dir: Path | None, workers: int,
            tables: tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    """Run `job` on each article's input (keyed by content key), through the cache; rows keyed by article_id."""
    tables = tables or (table_kind,)
    keys = dict(zip(articles["article_id"], articles["sha256"]))
    by_key = {keys[a]: inp for a, inp in inputs.items() if a in keys}
    done = cached_keys(cache_dir, tables[-1]) & set(by_key) if cache_dir else set()
    todo = sorted(k for k in by_key if k not in done)
    fresh: dict[str, list[pd.DataFrame]] = {t: [] for t in tables}
    progress = tqdm(total=len(todo), desc=f"processing ({table_kind})", unit="article",
                    disable=None if len(todo) > 20 else True)
    pool = ProcessPoolExecutor(workers) if workers > 1 and len(todo) > 1 else None
    try:
        for batch in _batches(todo, BATCH_SIZE):
            work = [(k, by_key[k]) for k in batch]
            results = list(pool.map(job, work)) if pool else [job(w) for w in work]
            for t in tables:
                frame = pd.concat([r[t] for r in results], ignore_index=True)
                if cache_dir:
                    _write_shard(cache_dir, t, frame)  # the last table marks the batch complete
                else:
                    fresh[t].append(frame)
            progress.update(len(batch))
    finally:
        progress.close()
        if pool:
            pool.shutdown()
    out = {}
    for t in tables:
        frame = (_read_shards(cache_dir, t, set(by_key)) if cache_dir and by_key
                 else pd.concat(fresh[t], ignore_index=True) if fresh[t] else None)
        out[t] = _by_article(frame, keys, t)
    return out


def _by_article(frame: pd.DataFrame | None, keys: dict[str, str], table: str) -> pd.DataFrame:
    """Turn rows keyed by content key into rows per article (two files may share content)."""
    columns = {"sentences": SENTENCE_COLUMNS, "tokens": TOKEN_COLUMNS, "entities": ENTITY_COLUMNS}[table]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    ids = pd.DataFrame({"article_id": list(keys), "_key": list(keys.values())}).astype("string")
    merged = ids.merge(frame.rename(columns={"article_id": "_key"}), on="_key").drop(columns="_key")
    order = [c for c in ("article_id", "sentence_id", "token_id") if c in merged]
    article_order = {a: i for i, a in enumerate(keys)}
    merged = merged.sort_values(order, key=lambda s: s.map(article_order) if s.name == "article_id" else s)
    return merged[columns].reset_index(drop=True)


def default_workers() -> int:
    return os.cpu_count() or 1


def build(corpus_articles: pd.DataFrame, problems: pd.DataFrame, cleaning_log: pd.DataFrame,
          cache_dir: str | Path | None, workers: int | None) -> Workbook:
    cache = Path(cache_dir) if cache_dir else None
    workers = workers or default_workers()
    texts = dict(zip(corpus_articles["article_id"], corpus_articles["text"]))
    out = _tables(corpus_articles, texts, "text", _process_job, cache, workers, tables=("tokens", "sentences"))
    return Workbook(corpus_articles, problems, cleaning_log, out["sentences"], out["tokens"], cache, workers)


def load(corpus_dir: str | Path, cache_dir: str | Path | None = None, workers: int | None = None,
         max_bytes: int = MAX_BYTES) -> Workbook:
    """Load and process a corpus folder; `workers` defaults to all cores."""
    corpus = load_corpus(corpus_dir, max_bytes=max_bytes)
    return build(corpus.articles, corpus.problems, corpus.cleaning_log, cache_dir, workers)


def from_texts(texts: dict[str, str], published: dict[str, str] | None = None, outlet: dict[str, str] | None = None,
               cache_dir: str | Path | None = None, workers: int = 1) -> Workbook:
    """A Workbook from in-memory raw texts (for tests and quick experiments)."""
    rows, log = [], []
    for article_id, raw in texts.items():
        meta = {"published": (published or {}).get(article_id, ""), "outlet": (outlet or {}).get(article_id, "")}
        row, article_log = make_article(article_id, raw, meta)
        rows.append(row)
        log.extend(article_log)
    return build(articles_frame(rows), pd.DataFrame(columns=PROBLEM_COLUMNS), pd.DataFrame(log, columns=LOG_COLUMNS),
                 cache_dir, workers)
