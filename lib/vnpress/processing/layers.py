"""The engine of per-article layers: each declared where it is written, mapped over batches, cached, incremental.

A layer is a function of one batch of articles, declared with `@layer(...)` beside it in its module (the way spaCy
registers a component with what it assigns): its name, the columns it returns, the data files it reads, its
upstream layers, the article fields it reads and the processing tables it needs. The function takes one
`Batch`: `batch.wb`, a sub-workbook holding only those articles (articles, and the processing tables the layer
lists in `tables`, read from the processing shards), `batch.inputs` (the rows of its upstream layers for the same
articles, by layer name) and `batch.files` (data file name → path of the copy to read); it returns a tidy
DataFrame with an `article_id` column and the layer's columns. `run(wb, name)` maps it over the articles that
have no cached result yet, by `wb.engine` (local worker processes or Dask), after its upstream layers (the order
comes from the declarations); workers read their inputs from the shards and write their results.

Keys. A layer's rows are stored per article key: the content key (SHA-256 of the cleaned text), combined with the
article fields the layer reads (e.g. `published` for dates, or `cleaning_log`: the lines cleaning removed, as
JSON), so an edited article or a corrected publication date re-runs only that article. They live under
`cache_dir/<processing settings>/analyses/<name>-<layer settings>/` (`rows/` the results, `done/` the articles
analysed, written last so an interrupted batch is redone). The layer settings key hashes the vnpress version,
the source of every module in the layer's import closure (`code_closure`: its module and every vnpress module it
imports, transitively, read from the syntax tree), the contents of its data files and the settings of its upstream
layers. Reports, figures and templates are in no layer's closure, so editing them re-runs no layer; an edited
`frames.yaml` re-runs stance and nothing else. Data files are passed to the layer as content-addressed copies
(`.../data/<hash>/<name>`), on the cache's shared storage for Dask workers, and every layer reads the copies it
is given: a replacement given by `data_files=` (file name → path) changes both the settings key and the result.

The layers (`REGISTRY`, filled when `vnpress.analyses` is imported): mentions (`analyses.countries`), statements
(`analyses.statements`), stance (`analyses.stance`), dates (`analyses.timeline`), entities (`analyses.entities`),
minhash (`analyses.stories`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass
from functools import cache, partial
from importlib.util import find_spec
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from vnpress.corpus.clean import LOG_COLUMNS
from vnpress.data import path as data_path
from vnpress.processing.pipeline import COLUMNS, Engine, Processed, run_batches, settings_key, shard_index, stored
from vnpress.util import memory
from vnpress.util.atomic import replacing
from vnpress.util.version import __version__

_UNIQUE = ("article_id", "sentence_id", "token_id", "_row")
# input shards are read with article ids as a dictionary: a batch's rows are filtered, matched to its articles
# and sorted on their few distinct ids, not on a 64-character string per row
_BY_ARTICLE = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=["article_id"]))
_SEEN_FILES: dict[str, str] = {}  # data file name → the copy a layer last got in this process


@dataclass(frozen=True)
class Batch:
    """What a layer function gets: the batch's sub-workbook, its upstream rows by layer, its data files."""

    wb: Processed
    inputs: dict[str, pd.DataFrame]
    files: dict[str, str]


@dataclass(frozen=True)
class Analysis:
    """A declared per-article layer (see the module docstring)."""

    name: str
    function: Callable[[Batch], pd.DataFrame]
    columns: tuple[str, ...]
    data_files: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()
    article_fields: tuple[str, ...] = ()
    tables: tuple[str, ...] = ("sentences", "tokens")  # the processing tables it reads (a batch reads only these)


REGISTRY: dict[str, Analysis] = {}
# the modules that run layers (declare, map, store, open a workbook): no part of any layer's code key
ENGINE = frozenset({"vnpress.processing.layers", "vnpress.processing.pipeline", "vnpress.processing.workbook"})


def layer(name: str, columns: list[str] | tuple[str, ...], data_files: tuple[str, ...] = (),
          upstream: tuple[str, ...] = (), article_fields: tuple[str, ...] = (),
          tables: tuple[str, ...] = ("sentences", "tokens")) -> Callable[[Callable], Callable]:
    """Declare the function below as the per-article layer `name` (upstream layers must be declared first)."""
    def register(function: Callable[[Batch], pd.DataFrame]) -> Callable[[Batch], pd.DataFrame]:
        unknown = [u for u in upstream if u not in REGISTRY]
        if unknown:
            raise ValueError(f"layer {name}: upstream {', '.join(unknown)} not declared")
        REGISTRY[name] = Analysis(name, function, tuple(columns), tuple(data_files), tuple(upstream),
                                  tuple(article_fields), tuple(tables))
        return function
    return register


@dataclass(frozen=True)
class Layer:
    """One analysis planned on one workbook: settings key, data file copies, article keys, shard tables."""

    analysis: Analysis
    settings: str
    files: dict[str, str]
    keys: dict[str, str]  # article_id → article key
    fields: Callable[[str], dict]  # article_id → the article fields the layer reads (`_article_fields`)

    @property
    def rows(self) -> str:
        return f"analyses/{self.analysis.name}-{self.settings}/rows"

    @property
    def done(self) -> str:
        return f"analyses/{self.analysis.name}-{self.settings}/done"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _data_paths(data_files: dict[str, str] | None) -> dict[str, Path]:
    known = {f for a in REGISTRY.values() for f in a.data_files}
    unknown = set(data_files or {}) - known
    if unknown:
        raise ValueError(f"no analysis reads {', '.join(sorted(unknown))}; data files: {', '.join(sorted(known))}")
    return {f: Path((data_files or {}).get(f) or data_path(f)) for f in known}


def _file(module: str) -> Path | None:
    """The source file of a vnpress module (None for a name that is no module, e.g. a function)."""
    try:
        spec = find_spec(module)
    except ModuleNotFoundError:  # a name inside a module, not a submodule
        return None
    return Path(spec.origin) if spec and spec.origin and spec.origin.endswith(".py") else None


def _imports(module: str) -> set[str]:
    """The vnpress modules `module` imports, anywhere in its syntax tree (`from P import m` counts module P.m,
    not P, when m is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(_file(module).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "vnpress"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "vnpress":
            subs = {f"{node.module}.{a.name}" for a in node.names}
            modules = {m for m in subs if _file(m)}
            found |= modules | ({node.module} if len(modules) < len(subs) else set())
    return {m for m in found if _file(m)}


@cache
def code_closure(module: str) -> frozenset[str]:
    """`module` and every vnpress module it imports, transitively: the code of a layer's key. The engine's own
    modules (ENGINE: they map, store and load, and compute no row) are left out, with what only they import."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        m = todo.pop()
        if m not in seen and m not in ENGINE:
            seen.add(m)
            todo += sorted(_imports(m) - seen)
    return frozenset(seen)


def _settings(name: str, paths: dict[str, Path]) -> str:
    a = REGISTRY[name]
    facts = {"name": name, "vnpress": __version__, "fields": a.article_fields,
             "code": {m: _sha(_file(m).read_bytes()) for m in sorted(code_closure(a.function.__module__))},
             "data": {f: _sha(paths[f].read_bytes()) for f in a.data_files},
             "upstream": {u: _settings(u, paths) for u in a.upstream}}
    return _sha(json.dumps(facts, sort_keys=True).encode())[:16]


def _copy(path: Path, base: Path) -> str:
    """A content-addressed copy of a data file under `base` (so a changed file never meets a stale cache)."""
    data = path.read_bytes()
    target = base / "data" / _sha(data)[:16] / path.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with replacing(target) as tmp:
            tmp.write_bytes(data)
    return str(target)


def plan(wb: Processed, name: str, data_files: dict[str, str] | None = None) -> Layer:
    """The layer `name` on `wb`: its settings key, data files, and the key of each article."""
    if name not in REGISTRY:
        raise ValueError(f"unknown analysis {name!r}; registered: {', '.join(REGISTRY)}")
    a = REGISTRY[name]
    paths = _data_paths(data_files)
    base = wb.cache_dir / settings_key() if wb.cache_dir else Path(tempfile.gettempdir()) / "vnpress-data"
    fields = _fields(name)
    content = wb._keys()
    values = _article_fields(wb, fields)
    keys = {aid: _sha(json.dumps([sha] + [str(v) for v in values(aid).values()]).encode())
            for aid, sha in content.items()} if fields else content
    return Layer(a, _settings(name, paths), {f: _copy(paths[f], base) for f in a.data_files}, keys, values)


def _article_fields(wb: Processed, fields: tuple[str, ...]) -> Callable[[str], dict]:
    """A function giving an article's `fields` ({field: value}, in the order of `fields`) from wb.articles;
    `cleaning_log` is the article's removed lines as JSON, made when asked for from the positions of its lines
    in the log, so no copy of the articles table or of the log, and no JSON of the whole log, is held."""
    columns = [f for f in fields if f != "cleaning_log"]
    arts = wb.articles.set_index("article_id")[columns]
    logged = "cleaning_log" in fields
    if logged:
        log = wb.cleaning_log
        lines = log.groupby("article_id", sort=False).indices  # article id → positions of its lines
        line_no, text, rule = (log[c].array for c in LOG_COLUMNS[1:])  # read in place, one line at a time

    def values(article_id: str) -> dict:
        out = {f: arts.at[article_id, f] for f in columns}
        if logged:
            out["cleaning_log"] = json.dumps([[int(line_no[i]), text[i], rule[i]] for i in lines.get(article_id, [])],
                                             ensure_ascii=False)
        return {f: out[f] for f in fields}
    return values


def _fields(name: str) -> tuple[str, ...]:
    """The article fields a layer reads, its upstream layers' included (they are part of its article key)."""
    a = REGISTRY[name]
    return tuple(sorted(set(a.article_fields).union(*(_fields(u) for u in a.upstream))))


def run(wb: Processed, name: str, data_files: dict[str, str] | None = None) -> Layer:
    """Bring layer `name` and its upstream layers up to date for every article of `wb` (only articles
    without a cached result are analysed); return the layer."""
    layer = plan(wb, name, data_files)
    upstream = {u: run(wb, u, data_files) for u in layer.analysis.upstream}
    if wb.cache_dir is None and layer.rows in wb._tables:
        return layer
    job = partial(_analyse_batch, layer.analysis, layer.files, layer.rows, layer.done)
    fresh = run_batches(layer.keys, _payload(wb, layer, upstream), job, (layer.rows, layer.done), wb.cache_dir,
                        wb.engine, desc=name, batch_size=4 * wb.engine.batch_size, order=_by_token_shard(wb))
    if wb.cache_dir is None:
        wb._tables[layer.rows] = _concat(fresh[layer.rows], layer.analysis.columns)
    memory.trim()
    return layer


def _payload(wb: Processed, layer: Layer, upstream: dict[str, Layer]) -> Callable[[list[tuple[str, str]]], list]:
    """What a batch job needs, built when the batch is submitted: for each (article key, article id), the
    article key and {sha256: content key, fields, inputs: {table: (source key, found)}}, where found is the
    list of shard files holding the table's rows for it or, without a cache, the rows. The indexes it reads
    are built on the first call, so a layer with nothing to do builds none."""

    @cache
    def indexes() -> tuple[dict, dict]:
        content = wb._keys()
        if wb.cache_dir:
            sources = {t: (content, wb._shard_index(t)) for t in layer.analysis.tables}
            sources |= {u: (up.keys, shard_index(wb.cache_dir, up.rows)) for u, up in upstream.items()}
        else:
            sources = {t: ({a: a for a in content}, dict(tuple(wb._table(t).groupby("article_id", sort=False))))
                       for t in layer.analysis.tables}
            sources |= {u: (up.keys, dict(tuple(wb._tables[up.rows].groupby("article_id", sort=False))))
                        for u, up in upstream.items()}
        return content, sources

    def payload(batch: list[tuple[str, str]]) -> list[tuple[str, dict]]:
        content, sources = indexes()
        missing = [] if wb.cache_dir else None
        return [(key, {"sha256": content[a], "fields": layer.fields(a),
                       "inputs": {t: (src[a], found.get(src[a], missing)) for t, (src, found) in sources.items()}})
                for key, a in batch]
    return payload


def _by_token_shard(wb: Processed) -> Callable[[list[tuple[str, str]]], list[tuple[str, str]]] | None:
    """With a cache, order (article key, article id) pairs by the token shard holding the article, so a batch's
    articles share shard files and each file is read by few batches."""
    if not wb.cache_dir:
        return None

    def order(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        content, index = wb._keys(), wb._shard_index("tokens")
        return sorted(pairs, key=lambda pair: min(index.get(content[pair[1]], []), default=""))
    return order


def _read_input(table: str, items: list[tuple[str, dict]], columns: list[str]) -> pd.DataFrame:
    """One input table of a batch (`columns`), rows under the article keys, in the batch's article order (and
    each article's in sentence, token or row order)."""
    pairs = [(key, item["inputs"][table]) for key, item in items]
    if not (pairs and all(isinstance(found, list) for _, (_, found) in pairs)):  # no cache: the rows, in order
        frames = [found.assign(article_id=pd.array([key] * len(found), dtype=found["article_id"].dtype))
                  for key, (_, found) in pairs if found is not None]
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return frame[columns] if not frame.empty else pd.DataFrame(columns=columns)
    files = sorted({f for _, (_, found) in pairs for f in found})
    sources = list(dict.fromkeys(src for _, (src, _) in pairs))  # in batch order
    rows = ds.dataset(files, format=_BY_ARTICLE).to_table(filter=ds.field("article_id").isin(sources)) if files else None
    if rows is None or rows.num_rows == 0:
        return pd.DataFrame(columns=columns)
    ids = rows["article_id"].combine_chunks()  # dictionary-encoded: matched and ordered on its few values
    position = pc.index_in(ids.dictionary, value_set=pa.array(sources, ids.type.value_type)).take(ids.indices)
    order = [c for c in _UNIQUE[1:] if c in rows.column_names]
    if not _in_order([position.to_numpy(), *(rows[c].to_numpy() for c in order)]):  # shards are mostly in order
        rows = rows.take(pc.sort_indices(pa.table([position, *(rows[c] for c in order)], ["_position", *order]),
                                         [(c, "ascending") for c in ["_position", *order]]))
    frame = rows.set_column(rows.column_names.index("article_id"), "article_id",
                            pc.cast(rows["article_id"], ids.type.value_type)).to_pandas()
    if any(len(found) > 1 for _, (_, found) in pairs):  # a redone batch: rows in two shards, keep one copy
        frame = frame.drop_duplicates(subset=[c for c in _UNIQUE if c in frame])
    keys = {src: key for key, (src, _) in pairs}
    if len(keys) < len(pairs):  # articles sharing a source (same text, other fields): one copy of its rows each
        frame = pd.DataFrame({"_src": [src for _, (src, _) in pairs], "article_id": [k for k, _ in pairs]}).merge(
            frame.rename(columns={"article_id": "_src"}), on="_src")
    elif any(src != key for src, key in keys.items()):
        frame["article_id"] = frame["article_id"].map(keys)
    return frame[columns].astype({"article_id": "string"})


def _in_order(columns: list[np.ndarray]) -> bool:
    """Whether the rows are sorted by these integer columns (the first, then the next where equal, ...)."""
    undecided = np.ones(max(len(columns[0]) - 1, 0), dtype=bool)  # pairs of neighbours equal so far
    for column in columns:
        step = np.diff(column)
        if (step[undecided] < 0).any():
            return False
        undecided &= step == 0
    return True


def _analyse_batch(analysis: Analysis, files: dict[str, str], rows: str, done: str,
                   items: list[tuple[str, dict]]) -> dict[str, pd.DataFrame]:
    """Worker job: build the batch's sub-workbook and inputs, run the layer, number each article's rows."""
    keys = [k for k, _ in items]
    articles = pd.DataFrame({"article_id": keys, "sha256": [it["sha256"] for _, it in items],
                             **{f: [it["fields"][f] for _, it in items] for f in _fields(analysis.name)}})
    columns = {**{t: COLUMNS[t] for t in analysis.tables}, **{u: list(REGISTRY[u].columns) for u in analysis.upstream}}
    tables = {t: _read_input(t, items, cols) for t, cols in columns.items()}
    _forget_edited(files)
    empty = pd.DataFrame(columns=[])
    log = pd.DataFrame([(k, *row) for k, it in items for row in json.loads(it["fields"].get("cleaning_log", "[]"))],
                       columns=LOG_COLUMNS)
    sub = Processed(articles, empty, log, None, Engine(workers=1), _tables={t: tables[t] for t in analysis.tables})
    out = analysis.function(Batch(sub, {t: tables[t] for t in analysis.upstream}, files))
    missing = [c for c in analysis.columns if c not in out]
    if missing:
        raise ValueError(f"analysis {analysis.name} returned no column(s) {', '.join(missing)}")
    out = out[list(analysis.columns)].assign(_row=lambda d: d.groupby("article_id", sort=False).cumcount())
    return {rows: out.reset_index(drop=True), done: pd.DataFrame({"article_id": pd.array(keys, dtype="string")})}


def _forget_edited(files: dict[str, str]) -> None:
    """Modules keep what they read from data files (`lru_cache`, some by file name): when a data file is new to
    this process or changed since a layer last got it (another content-addressed copy), clear those caches, so a
    long-lived process (a kernel, a Dask worker) never analyses with an edited file's old contents."""
    if any(_SEEN_FILES.get(name) != copy for name, copy in files.items()):
        for module in [m for n, m in list(sys.modules.items()) if n.startswith("vnpress.")]:
            for f in vars(module).values():
                if callable(getattr(f, "cache_clear", None)):
                    f.cache_clear()
    _SEEN_FILES.update(files)


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    """The batches' rows (without a cache) typed as the cache's shards give them back, so a layer's table is the
    same frame with or without a cache."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=[*columns, "_row"])
    return stored(pd.concat(frames, ignore_index=True)).to_pandas()


def _rows(wb: Processed, layer: Layer, article_ids: list[str], index: dict[str, list[str]]) -> pd.DataFrame:
    """The layer's rows for these articles (shard files from `index`), under their article ids, in order."""
    keys = {a: layer.keys[a] for a in article_ids}
    wanted = set(keys.values())
    if wb.cache_dir:
        files = sorted({f for k in wanted for f in index.get(k, [])})
        frame = ds.dataset(files, format="parquet").to_table(
            filter=ds.field("article_id").isin(list(wanted))).to_pandas() if files else None
    else:
        frame = wb._tables[layer.rows]
        frame = frame[frame["article_id"].isin(wanted)]
    columns = list(layer.analysis.columns)
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.drop_duplicates(subset=["article_id", "_row"])
    dtype = frame["article_id"].dtype
    ids = pd.DataFrame({"article_id": list(keys), "_key": list(keys.values())})
    merged = ids.merge(frame.rename(columns={"article_id": "_key"}), on="_key")
    position = {a: i for i, a in enumerate(keys)}
    merged = merged.sort_values(["article_id", "_row"], key=lambda s: s.map(position) if s.name == "article_id"
                                else s, kind="stable")
    return merged[columns].astype({"article_id": dtype}).reset_index(drop=True)


def result(wb: Processed, name: str, data_files: dict[str, str] | None = None) -> pd.DataFrame:
    """Layer `name` for every article of `wb` (analysing those not cached yet), in corpus order."""
    layer = run(wb, name, data_files)
    return _rows(wb, layer, wb.articles["article_id"].tolist(), _index(wb, layer))


def _index(wb: Processed, layer: Layer) -> dict[str, list[str]]:
    return shard_index(wb.cache_dir, layer.rows) if wb.cache_dir else {}


def scan(wb: Processed, name: str, articles_per_batch: int = 500,
         data_files: dict[str, str] | None = None) -> Iterator[pd.DataFrame]:
    """Layer `name` in batches of whole articles (corpus order), read from the shards batch by batch."""
    layer = run(wb, name, data_files)
    index = _index(wb, layer)
    ids = wb.articles["article_id"].tolist()
    for i in range(0, len(ids), articles_per_batch):
        yield _rows(wb, layer, ids[i:i + articles_per_batch], index)
