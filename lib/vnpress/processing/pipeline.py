"""Process a loaded corpus (`Processed`: articles and their processing tables), with a Parquet cache.

Processing (sentences, segmentation, POS, each article's word counts; NER on
demand) runs on batches of articles: in worker processes on this machine
(`engine="local"`, `workers` processes, default all cores, at most two batches
in flight per worker) or on a Dask cluster (`engine="dask"`, `scheduler` = its
address, or a LocalCluster when empty). Either is started once per engine (the
local workers by `load`, before it reads the corpus; the cluster on first use)
and reused by processing and every analysis. A batch's input is built when it
is submitted, and each worker writes each batch it finishes as one Parquet
shard per table under `cache_dir/<settings key>/<table>/`, rows keyed by the
article's content key (SHA-256 of the cleaned text) in `article_id`; only
counts travel back. The settings key covers the vnpress and underthesea
versions, the tables' columns and the source of the processing code
(`vnpress.processing.nlp`), so neither an upgrade nor a change to the
segmentation reuses stale results. A
second run over an unchanged corpus reads the shards; an interrupted run
resumes with the articles whose shards are missing. With Dask, `cache_dir` must
be storage the workers all share.

`load(..., lazy=True)` keeps only the articles' metadata: a batch job reads and
cleans its articles' files again (checking each against its content key), so
neither the driver nor a worker holds the corpus's text; with a cache, what
loading learned from each file is cached too (`corpus.load_corpus`), so a
file unchanged since an earlier load is not read again, and the cleaning log
stays there until used. It reads the processing tables (`sentences`,
`tokens`, `words`) only when first used, and `Workbook.scan(table)` streams a
table batch by batch (whole articles per batch) from the shards, so analyses
that scan keep memory bounded.

Per-article analyses (`Workbook.analysis(name)`, entities included) run on the
same engine and cache: see `vnpress.processing.layers`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
import time
import uuid
import weakref
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import underthesea
from tqdm import tqdm

from vnpress.corpus.reader import article_texts
from vnpress.processing import nlp
from vnpress.processing.nlp import SENTENCE_COLUMNS, TOKEN_COLUMNS, WORD_COLUMNS, analyze, tables, word_counts
from vnpress.util import memory
from vnpress.util.atomic import replacing
from vnpress.util.extras import require
from vnpress.util.version import __version__

if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
    # Arrow's default allocator (mimalloc) keeps what a read freed for later reads: the loading process, which
    # reads many small shards and indexes, would grow with the corpus. The system allocator gives it back.
    pa.set_memory_pool(pa.system_memory_pool())

BATCH_SIZE = 16
ENGINES = ("local", "dask")
COLUMNS = {"sentences": SENTENCE_COLUMNS, "tokens": TOKEN_COLUMNS, "words": WORD_COLUMNS}
SHARD_KEYS = b"vnpress.article_ids"  # footer metadata of a shard: the JSON list of the content keys it holds
SHARD_INDEX = "_index.json"  # in a shard folder: shard file name → its content keys, for the shards seen so far
PARENT_POLL_S = 0.5  # how often a local worker checks that the process that started it is still there


@dataclass
class Engine:
    """Where processing runs: `local` worker processes or a `dask` cluster (scheduler address or '')."""

    name: str = "local"
    workers: int = 0
    scheduler: str = ""
    batch_size: int = BATCH_SIZE
    _client: object = field(default=None, init=False, repr=False, compare=False)
    _pool: ProcessPoolExecutor | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {self.name!r}")
        if self.name == "dask":
            _distributed()  # missing: one line naming the extra, before the corpus is read
        self.workers = self.workers or os.cpu_count() or 1

    def pool(self) -> ProcessPoolExecutor:
        """This engine's local worker processes, all started on first use (`load` starts them before it reads
        the corpus, so forked workers carry none of it) and reused by processing and every analysis; shut
        down when the engine is garbage-collected or the interpreter exits, and exit by themselves when this process
        is gone (killed with -9 included, `_worker_setup`)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, initializer=_worker_setup)
            list(self._pool.map(int, range(self.workers)))  # start every worker now
            weakref.finalize(self, self._pool.shutdown, cancel_futures=True)
        return self._pool

    def client(self):
        """This engine's Dask client, started on first use (on a LocalCluster of `workers` processes when no
        scheduler is given) and reused by processing and every analysis; closed with its cluster when the
        engine is garbage-collected or the interpreter exits."""
        if self._client is None:
            distributed = _distributed()
            cluster = None if self.scheduler else distributed.LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None)
            self._client = distributed.Client(self.scheduler or cluster)
            weakref.finalize(self, _close_dask, self._client, cluster)
        return self._client


def _distributed() -> ModuleType:
    """Dask's `distributed` module (the `dask` extra)."""
    return require("dask.distributed", "dask", "the dask engine")


def _worker_setup() -> None:
    """Set up a local worker: it exits when its parent does (`_exit_with_parent`), and decodes Parquet on one
    thread (Arrow's default is a thread per core, so a worker per core would run more threads than cores; Dask's
    nanny does the same for its workers, OMP_NUM_THREADS=1)."""
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="vnpress-exit-with-parent",
                     daemon=True).start()
    pa.set_cpu_count(1)


def _exit_with_parent(parent: int) -> None:
    """Exit this process once `parent` is gone. A process whose parent dies (even by kill -9, which runs no
    clean-up) is given another parent, so its parent pid changes; checked every PARENT_POLL_S seconds."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def _close_dask(client, cluster) -> None:
    client.close()
    if cluster is not None:
        cluster.close()


@dataclass
class Processed:
    """A loaded corpus: articles, problems, cleaning log, and (lazily) sentences, tokens and words. When
    `articles` has no text columns (a lazy `load`), texts are read from the files in `corpus_dir` when needed."""

    articles: pd.DataFrame
    problems: pd.DataFrame
    log: pd.DataFrame | Callable[[], pd.DataFrame]  # the cleaning log, or a function reading it (on first use)
    cache_dir: Path | None = None
    engine: Engine = field(default_factory=Engine)
    corpus_dir: Path | None = None
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _shards: dict[str, dict[str, list[str]]] = field(default_factory=dict, repr=False)

    @property
    def sentences(self) -> pd.DataFrame:
        return self._table("sentences")

    @property
    def tokens(self) -> pd.DataFrame:
        return self._table("tokens")

    @property
    def words(self) -> pd.DataFrame:
        return self._table("words")

    @property
    def cleaning_log(self) -> pd.DataFrame:
        """Every line cleaning removed (`vnpress.corpus.clean`): article_id, line_no, text, rule."""
        if callable(self.log):
            self.log = self.log()
        return self.log

    @property
    def errors(self) -> pd.DataFrame:
        """Problems of level `error` (file, problem)."""
        return self.problems.loc[self.problems["level"] == "error", ["file", "problem"]].reset_index(drop=True)

    def text(self, article_id: str, raw: bool = False) -> str:
        """An article's cleaned text (`raw`: as in its file), from `articles`, else read from its file."""
        row = self.articles.loc[self.articles["article_id"] == article_id].iloc[0]
        column = "raw_text" if raw else "text"
        if column in row:
            return row[column]
        raw_text, text = article_texts(self._file(row["file"]))
        return raw_text if raw else text

    def _file(self, name: str) -> Path:
        if self.corpus_dir is None:
            raise ValueError("this workbook keeps no texts and has no corpus_dir to read them from")
        return self.corpus_dir / name

    def _sources(self) -> dict[str, str | Path]:
        """Article id → its cleaned text, or the file to read it from (a workbook without texts)."""
        ids = self.articles["article_id"]
        if "text" in self.articles:
            return dict(zip(ids, self.articles["text"]))
        return dict(zip(ids, map(self._file, self.articles["file"])))

    def _keys(self) -> dict[str, str]:
        return dict(zip(self.articles["article_id"], map(sys.intern, self.articles["sha256"])))

    def _shard_index(self, table: str) -> dict[str, list[str]]:
        """Content key → shard files of a processing table (fixed once built, so read once)."""
        if table not in self._shards:
            self._shards[table] = shard_index(self.cache_dir, table)
        return self._shards[table]

    def _table(self, table: str) -> pd.DataFrame:
        if table not in self._tables and self.cache_dir is None and self.corpus_dir is None:
            raise ValueError(f"this workbook has no {table} table (a layer reading it must list it in its tables)")
        if table not in self._tables:
            self._tables[table] = _by_article(_read_shards(self.cache_dir, table, set(self._keys().values())),
                                              self._keys(), table)
        return self._tables[table]

    def subset(self, article_ids: Iterable[str]) -> Processed:
        """The same corpus restricted to these articles (corpus order kept), for every table computed on it:
        articles, cleaning log and the processing tables held in memory are filtered; problems, cache, engine
        and the analyses' rows (kept by content key, read for the remaining articles only) are shared;
        corpus-level results cached on this workbook (e.g. `terms.written_forms`) are not carried over."""
        keep = set(article_ids)
        articles = self.articles[self.articles["article_id"].isin(keep)].reset_index(drop=True)
        log = partial(_log_of, self.log, keep) if callable(self.log) else _log_of(self.log, keep)
        tables = {name: (frame[frame["article_id"].isin(keep)].reset_index(drop=True) if name in COLUMNS else frame)
                  for name, frame in self._tables.items() if name in COLUMNS or name.startswith("analyses/")}
        return type(self)(articles, self.problems, log, self.cache_dir, self.engine, self.corpus_dir, tables,
                        dict(self._shards))

    def scan(self, table: str = "tokens", articles_per_batch: int = 500) -> Iterator[pd.DataFrame]:
        """Yield a processing table (sentences, tokens or words) in batches of whole articles, reading only
        those articles' rows from the shards."""
        ids, all_keys = self.articles["article_id"].tolist(), self._keys()
        held = table in self._tables or self.cache_dir is None
        if held:  # each row's batch, found once (not a pass over the whole table per batch)
            full = self._table(table)
            batch = {a: i // articles_per_batch for i, a in enumerate(ids)}
            rows = full.groupby(full["article_id"].map(batch).to_numpy(), sort=False).indices if len(full) else {}
        for i in range(0, len(ids), articles_per_batch):
            chunk = ids[i:i + articles_per_batch]
            if held:
                yield full.iloc[rows.get(i // articles_per_batch, [])].reset_index(drop=True)
            else:
                keys = {a: all_keys[a] for a in chunk}
                files = sorted({f for k in keys.values() for f in self._shard_index(table).get(k, [])})
                yield _by_article(_read_shards(self.cache_dir, table, set(keys.values()), files), keys, table)


def _log_of(log: pd.DataFrame | Callable[[], pd.DataFrame], keep: set[str]) -> pd.DataFrame:
    """The lines of a cleaning log (or of the log a function reads) removed from the articles in `keep`."""
    frame = log() if callable(log) else log
    return frame[frame["article_id"].isin(keep)].reset_index(drop=True)


def settings_key() -> str:
    facts = {"vnpress": __version__, "underthesea": underthesea.__version__, "tables": COLUMNS,
             "code": hashlib.sha256(Path(nlp.__file__).read_bytes()).hexdigest()}
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


def _shard_dir(cache_dir: Path, table: str) -> Path:
    return Path(cache_dir) / settings_key() / table


class DamagedShard(ValueError):
    """A cache shard that cannot be read (truncated, or not Parquet)."""

    def __init__(self, path: Path, cache_dir: Path) -> None:
        super().__init__(f"cache shard {path} is damaged (not readable as Parquet); deleting the cache folder "
                         f"{cache_dir} is safe (it is computed again)")
        self.path = path


def shard_index(cache_dir: Path, table: str) -> dict[str, list[str]]:
    """Content key → the shard files of `table` holding its rows (see `_listed`); a shard that cannot be read
    raises DamagedShard."""
    folder = _shard_dir(cache_dir, table)
    index: dict[str, list[str]] = {}
    for name, keys in _listed(folder, Path(cache_dir)).items():
        path = str(folder / name)
        for key in keys:  # interned: every index, and the workbook's keys, share one copy of each key
            index.setdefault(sys.intern(key), []).append(path)
    memory.trim()
    return index


def _listed(folder: Path, cache_dir: Path) -> dict[str, list[str]]:
    """Shard file name → the content keys it holds. Each shard lists its keys in its footer (`SHARD_KEYS`); the
    size and keys of the shards seen before are kept in the folder's `SHARD_INDEX` file, so only a shard new, or
    changed in size (truncated), since the last call has its footer read. The folder's listing decides which
    shards count: an index entry of a shard no longer there is ignored, and the index is rewritten when the
    listing changed."""
    sizes = {entry.name: entry.stat().st_size for entry in os.scandir(folder) if entry.name.endswith(".parquet")} \
        if folder.is_dir() else {}
    saved = _saved_index(folder / SHARD_INDEX)
    listed = {}
    for name in sorted(sizes):
        known = saved.get(name)
        if not (isinstance(known, dict) and known.get("size") == sizes[name]):
            try:
                known = {"size": sizes[name], "keys": _shard_keys(folder / name)}
            except (pa.ArrowInvalid, OSError) as e:
                raise DamagedShard(folder / name, cache_dir) from e
        listed[name] = known
    if listed.keys() != saved.keys() or any(listed[n] is not saved[n] for n in listed):
        try:
            with replacing(folder / SHARD_INDEX) as tmp:
                tmp.write_bytes(json.dumps(listed).encode())
        except OSError:  # a read-only cache: the footers are read again next time
            pass
    return {name: known["keys"] for name, known in listed.items()}


def _saved_index(path: Path) -> dict[str, dict]:
    """Shard file name → its size and keys, as `_listed` last saved them (empty if none, or unreadable)."""
    try:
        saved = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def _shard_keys(path: Path) -> list[str]:
    """The content keys a shard holds: from its footer, or from its `article_id` column."""
    listed = (pq.read_schema(path).metadata or {}).get(SHARD_KEYS)
    if listed is not None:
        return json.loads(listed)
    column = pq.read_table(path, columns=["article_id"], read_dictionary=["article_id"]).column("article_id")
    return sorted({key for chunk in column.chunks for key in chunk.dictionary.to_pylist()})


def cached_keys(cache_dir: Path, table: str) -> set[str]:
    """Content keys that already have a complete shard for `table`."""
    return set(shard_index(cache_dir, table))


def _read_shards(cache_dir: Path | None, table: str, keys: set[str],
                 files: list[str] | None = None) -> pd.DataFrame | None:
    """Rows of `table` for the content keys, from `files` (shards known to hold them) or the whole folder."""
    folder = _shard_dir(cache_dir, table) if cache_dir else None
    if folder is None or not folder.exists() or not keys or files == []:
        return None
    dataset = ds.dataset(files or str(folder), format="parquet")
    frame = dataset.to_table(filter=ds.field("article_id").isin(list(keys))).to_pandas()
    # a batch interrupted between its tokens and sentences shards is redone: keep one copy of each row
    unique = {"tokens": ["article_id", "sentence_id", "token_id"], "sentences": ["article_id", "sentence_id"],
              "words": ["article_id", "token", "pos"]}
    return frame.drop_duplicates(subset=unique[table]) if table in unique else frame


def write_shard(cache_dir: Path, table: str, frame: pd.DataFrame) -> None:
    """Write one shard; it appears whole or not at all (temporary file, then rename). An empty frame writes
    nothing; an all-empty text column is stored as string, so every shard of a table has one schema."""
    if frame.empty:
        return
    folder = _shard_dir(cache_dir, table)
    folder.mkdir(parents=True, exist_ok=True)
    arrow = stored(frame)
    keys = json.dumps(sorted(pc.unique(arrow["article_id"]).to_pylist())).encode()
    with replacing(folder / f"part-{uuid.uuid4().hex}.parquet") as tmp:
        pq.write_table(arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), SHARD_KEYS: keys}), tmp)


def stored(frame: pd.DataFrame) -> pa.Table:
    """A frame as a shard stores it: Arrow, with an all-empty column typed as string."""
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    return arrow.cast(pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in arrow.schema],
                                metadata=arrow.schema.metadata))


def _cleaned(key: str, source: str | Path) -> str:
    """The cleaned text: given, or read from the article's file, which must still hold the text of `key`."""
    if isinstance(source, str):
        return source
    text = article_texts(source)[1]
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != key:
        raise ValueError(f"{source} changed since the corpus was loaded: load it again")
    return text


def _process_batch(items: list[tuple[str, str | Path]]) -> dict[str, pd.DataFrame]:
    """Sentences, tokens and words of a batch of (content key, cleaned text or article file), one DataFrame per
    table."""
    sent_rows: list = []
    tok_rows: list = []
    for key, source in items:
        analyze(_cleaned(key, source), key, sent_rows, tok_rows)
    sentences, tokens = tables(sent_rows, tok_rows)
    return {"sentences": sentences, "tokens": tokens, "words": word_counts(tokens)}


def _batch_to_shards(job: Callable, tables: tuple[str, ...], cache_dir: str, items: list) -> int:
    """Run `job` on a batch and write its shards where it runs (the last table marks the batch complete)."""
    result = job(items)
    for t in tables:
        write_shard(Path(cache_dir), t, result[t])
    return len(items)


def _inline(job: Callable, batches: Iterator[list], engine: Engine) -> Iterator[tuple[list, object]]:
    """Yield (batch, result), each batch run in this process."""
    for batch in batches:
        yield batch, job(batch)


def _local(job: Callable, batches: Iterator[list], engine: Engine) -> Iterator[tuple[list, object]]:
    """Yield (batch, result) as the engine's worker processes finish batches, with at most two batches in
    flight per worker; batches not started when this stops early are cancelled."""
    pool = engine.pool()
    pending: dict[Future, list] = {}
    try:
        while True:
            while len(pending) < 2 * engine.workers and (batch := next(batches, None)) is not None:
                pending[pool.submit(job, batch)] = batch
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                yield pending.pop(fut), fut.result()
    except BrokenProcessPool:
        engine._pool = None  # a worker died: the next step starts new ones
        raise
    finally:
        for fut in pending:
            fut.cancel()


def _dask(job: Callable, batches: Iterator[list], engine: Engine) -> Iterator[tuple[list, object]]:
    """Yield (batch, result) as the engine's Dask cluster finishes batches, with at most two batches in flight
    per worker."""
    client = engine.client()
    workers = sum(client.nthreads().values()) or engine.workers
    pending = {client.submit(job, batch, pure=False): batch for batch in islice(batches, 2 * workers)}
    finished = _distributed().as_completed(pending)
    for fut in finished:
        yield pending.pop(fut), fut.result()
        if (batch := next(batches, None)) is not None:
            new = client.submit(job, batch, pure=False)
            pending[new] = batch
            finished.add(new)


def run_batches(keys: dict[str, str], payload: Callable[[list[tuple[str, str]]], list], job: Callable,
                tables: tuple[str, ...], cache_dir: Path | None, engine: Engine, desc: str = "processing",
                batch_size: int | None = None,
                order: Callable[[list[tuple[str, str]]], list[tuple[str, str]]] | None = None
                ) -> dict[str, list[pd.DataFrame]]:
    """Run `job` over the articles (id → key, in the order of `keys`; one article per key) whose key has no
    complete shard of the last table yet, in batches, into shards; without a cache, return each table's result
    frames. `order` may reorder the (key, article id) pairs to do; `payload(pairs)` builds a batch's
    [(key, input), ...] when the batch is submitted, so only the batches in flight are held."""
    done = _complete(cache_dir, tables) if cache_dir else set()
    todo = [(k, a) for k, a in {k: a for a, k in keys.items()}.items() if k not in done]
    todo = order(todo) if order and todo else todo
    # at least ~8 batches per worker, so no worker idles long at the end; never more than batch_size articles
    size = max(1, min(batch_size or engine.batch_size, -(-len(todo) // (8 * engine.workers))))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    fresh: dict[str, list[pd.DataFrame]] = {t: [] for t in tables}
    if cache_dir:
        job = partial(_batch_to_shards, job, tables, str(cache_dir))
    elif engine.name == "dask" and chunks:
        raise ValueError("the dask engine writes its results to shared storage: give a cache_dir")
    if engine.name == "dask":
        runner = _dask if chunks else _inline
    else:
        runner = _local if engine.workers > 1 and len(chunks) > 1 else _inline
    progress = tqdm(total=len(todo), desc=desc, unit="article", disable=None if len(todo) > 20 else True)
    try:
        for batch, result in runner(job, (payload(chunk) for chunk in chunks), engine):
            if cache_dir is None:
                for t in tables:
                    fresh[t].append(result[t])
            progress.update(len(batch))
    finally:
        progress.close()
    return fresh


def _complete(cache_dir: Path, tables: tuple[str, ...]) -> set[str]:
    """Content keys whose results are complete in the cache (a shard of the last of `tables`, written last). A
    damaged shard in any of the tables empties them all, with one warning line: the layer is computed again."""
    try:
        for table in tables[:-1]:
            _listed(_shard_dir(cache_dir, table), cache_dir)
        return cached_keys(cache_dir, tables[-1])
    except DamagedShard as e:
        print(f"warning: cache shard {e.path} is damaged: {', '.join(tables)} computed again", file=sys.stderr)
        for table in tables:
            shutil.rmtree(_shard_dir(cache_dir, table), ignore_errors=True)
        return set()


def _by_article(frame: pd.DataFrame | None, keys: dict[str, str], table: str) -> pd.DataFrame:
    """Turn rows keyed by content key into rows per article (two files may share content), in corpus order."""
    columns = COLUMNS[table]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    ids = pd.DataFrame({"article_id": list(keys), "_key": list(keys.values())}).astype("string")
    merged = ids.merge(frame.rename(columns={"article_id": "_key"}), on="_key").drop(columns="_key")
    article_order = {a: i for i, a in enumerate(keys)}
    order = [c for c in ("article_id", "sentence_id", "token_id", "first") if c in merged]
    merged = merged.sort_values(order, key=lambda s: s.map(article_order) if s.name == "article_id" else s,
                                kind="stable")
    return merged[columns].reset_index(drop=True)


def process(wb: Processed, lazy: bool = False) -> Processed:
    """Process a workbook's cleaned articles (see the module docstring); articles without a `text` column are
    read from their files in `wb.corpus_dir`."""
    sources = wb._sources()
    fresh = run_batches(wb._keys(), lambda pairs: [(k, sources[a]) for k, a in pairs], _process_batch,
                        ("tokens", "words", "sentences"), wb.cache_dir, wb.engine)
    if wb.cache_dir is None:
        for t, frames in fresh.items():
            wb._tables[t] = _by_article(pd.concat(frames, ignore_index=True) if frames else None, wb._keys(), t)
    elif not lazy:
        for t in fresh:
            wb._table(t)
    return wb
