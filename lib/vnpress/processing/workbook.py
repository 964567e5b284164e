"""Open a corpus as a `Workbook`: its articles, processing tables and per-article layers.

`load` reads and cleans a corpus folder (`vnpress.corpus`) and processes it (`vnpress.processing.pipeline`);
`from_texts` does the same for texts held in memory (tests, quick experiments). A `Workbook` is the processed
corpus with its layers on demand: `wb.analysis(name)` runs or reads the layer `name` (`vnpress.processing.layers`),
`wb.scan(name)` streams it, or a processing table, in batches of whole articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

from vnpress.corpus.clean import LOG_COLUMNS
from vnpress.corpus.reader import MAX_BYTES, PROBLEM_COLUMNS, articles_frame, load_corpus, make_article
from vnpress.data import profile as profiles
from vnpress.processing import layers
from vnpress.processing.pipeline import COLUMNS, Engine, Processed, process
from vnpress.util import memory
from vnpress.util.cachedir import usable

CORPUS_DATA = "model"  # a corpus's own data files (`vnpress learn` writes its stance_model.json there)


@dataclass
class Workbook(Processed):
    """A processed corpus (`Processed`: articles, problems, cleaning log, sentences, tokens, words) with its
    per-article layers; `profile_files` are the data files of its topic profile (`vnpress.data.profile`)."""

    profile_files: dict[str, str] = field(default_factory=dict)

    def data_files(self, data_files: dict[str, str] | None = None) -> dict[str, str] | None:
        """The data files the layers read instead of the shipped ones: the profile's, then the corpus's own
        (`corpus_data_files`), then `data_files`."""
        return {**self.profile_files, **self.corpus_data_files(), **(data_files or {})} or None

    def corpus_data_files(self) -> dict[str, str]:
        """The data files the corpus folder replaces: every file of `<corpus>/model/` named like a layer's data
        file (`stance_model.json`, written by `vnpress learn`; used until removed)."""
        folder = self.corpus_dir / CORPUS_DATA if self.corpus_dir else None
        if folder is None or not folder.is_dir():
            return {}
        known = {f for a in layers.REGISTRY.values() for f in a.data_files}
        return {p.name: str(p) for p in sorted(folder.iterdir()) if p.name in known and p.is_file()}

    def analysis(self, name: str, data_files: dict[str, str] | None = None) -> pd.DataFrame:
        """The per-article results of layer `name` (`vnpress.processing.layers.REGISTRY`) for every article, in
        corpus order; only articles without cached results are analysed. `data_files` replaces data files by
        name ({"stance_cues.yaml": path}), over the profile's and the corpus's own; the result is read from the
        shards on each call."""
        return layers.result(self, name, self.data_files(data_files))

    def subset(self, article_ids: Iterable[str]) -> Workbook:
        """`Processed.subset`, keeping the profile."""
        sub = super().subset(article_ids)
        sub.profile_files = self.profile_files
        return sub

    def entities(self) -> pd.DataFrame:
        """Named entities (article_id, sentence_id, entity, type): the `entities` layer."""
        return self.analysis("entities")

    def scan(self, table: str = "tokens", articles_per_batch: int = 500) -> Iterator[pd.DataFrame]:
        """Yield `table` (sentences, tokens, words or a layer) in batches of whole articles, reading only those
        articles' rows from the shards."""
        if table in COLUMNS:
            return super().scan(table, articles_per_batch)
        return layers.scan(self, table, articles_per_batch, self.data_files())


def build(articles: pd.DataFrame, problems: pd.DataFrame, cleaning_log, cache_dir: str | Path | None = None,
          engine: Engine | None = None, lazy: bool = False, corpus_dir: str | Path | None = None) -> Workbook:
    """Process cleaned articles into a Workbook; articles without a `text` column are read from their files in
    `corpus_dir`. `cleaning_log` is the log, or a function reading it on first use."""
    wb = Workbook(articles, problems, cleaning_log, Path(cache_dir) if cache_dir else None, engine or Engine(),
                  Path(corpus_dir) if corpus_dir else None)
    process(wb, lazy)
    return wb


def load(corpus_dir: str | Path, cache_dir: str | Path | None = None, workers: int | None = None,
         max_bytes: int = MAX_BYTES, engine: str = "local", scheduler: str = "", lazy: bool = False,
         profile: str | Path | None = None) -> Workbook:
    """Load and process a corpus folder.

    `workers` defaults to all cores; `engine` is local or dask (`scheduler` = address of a running
    cluster, '' for a LocalCluster); `lazy` keeps the articles' metadata without their texts (read from the
    files when needed, `Workbook.text`) and leaves the processing tables in the cache until first used;
    `profile` names the study's target (a shipped profile's name or a path; None: the Convention against
    Cybercrime, docs/profiles.md).
    """
    files = profiles.data_files(profile or None)  # a bad profile stops here, before the corpus is read
    eng = Engine(engine, workers or 0, scheduler)
    cache_dir = usable(cache_dir)  # a read-only cache: read through a temporary overlay
    if eng.name == "local" and eng.workers > 1:
        eng.pool()  # forked before the corpus is read, the workers carry none of it
    corpus = load_corpus(corpus_dir, max_bytes=max_bytes, texts=not lazy, cache_dir=cache_dir)
    wb = build(corpus.articles, corpus.problems, corpus.log, cache_dir, eng, lazy, corpus_dir)
    wb.profile_files = files
    memory.trim()
    return wb


def open_workbook(params: dict[str, Any]) -> Workbook:
    """The corpus a notebook studies, from its checked parameters (`check_params`): corpus and cache folders,
    workers, engine, scheduler and profile; lazy (the analyses read the cache)."""
    return load(params["corpus_dir"], params["cache_dir"] or None, workers=params["workers"] or None,
                engine=params["engine"], scheduler=params["scheduler"], lazy=True,
                profile=params.get("profile") or None)


def from_texts(texts: dict[str, str], published: dict[str, str] | None = None, outlet: dict[str, str] | None = None,
               cache_dir: str | Path | None = None, workers: int = 1, profile: str | Path | None = None) -> Workbook:
    """A Workbook from in-memory raw texts (for tests and quick experiments), for the topic `profile`."""
    files = profiles.data_files(profile or None)
    rows, log = [], []
    for article_id, raw in texts.items():
        meta = {"published": (published or {}).get(article_id, ""), "outlet": (outlet or {}).get(article_id, "")}
        row, article_log = make_article(article_id, raw, meta)
        rows.append(row)
        log.extend(article_log)
    wb = build(articles_frame(rows), pd.DataFrame(columns=PROBLEM_COLUMNS), pd.DataFrame(log, columns=LOG_COLUMNS),
               cache_dir, Engine(workers=workers))
    wb.profile_files = files
    return wb
