import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import CORPUS

import vnpress
from vnpress.analyses import terms
from vnpress.corpus.reader import load_corpus
from vnpress.processing import pipeline, workbook


def _build(cache, **engine):
    c = load_corpus(CORPUS)
    return workbook.build(c.articles, c.problems, c.cleaning_log, cache, pipeline.Engine(**engine))


def test_parallel_and_serial_give_identical_tables(tmp_path):
    serial = _build(None, workers=1, batch_size=2)
    parallel = _build(tmp_path, workers=2, batch_size=1)
    pd.testing.assert_frame_equal(serial.sentences, parallel.sentences)
    pd.testing.assert_frame_equal(serial.tokens, parallel.tokens)


def test_second_run_reads_the_cache(tmp_path, monkeypatch):
    first = _build(tmp_path, workers=1)

    def must_not_run(*args, **kwargs):
        raise AssertionError("processing ran although the cache holds every article")

    monkeypatch.setattr(pipeline, "analyze", must_not_run)
    second = _build(tmp_path, workers=1)
    pd.testing.assert_frame_equal(first.tokens, second.tokens)


def test_a_change_to_the_processing_code_is_not_served_from_the_cache(tmp_path, monkeypatch):
    _build(tmp_path, workers=1)
    edited = tmp_path / "nlp.py"
    edited.write_text(Path(pipeline.nlp.__file__).read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    monkeypatch.setattr(pipeline.nlp, "__file__", str(edited))
    calls = []
    real = pipeline.analyze
    monkeypatch.setattr(pipeline, "analyze", lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    _build(tmp_path, workers=1)
    assert len(calls) == len(load_corpus(CORPUS).articles)  # every article processed again under the new key


def test_interrupted_run_resumes_with_the_missing_articles(tmp_path, monkeypatch):
    real = pipeline.analyze
    calls = []

    def failing(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 3:
            raise KeyboardInterrupt("simulated interruption")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyze", failing)
    with pytest.raises(KeyboardInterrupt):
        _build(tmp_path, workers=1, batch_size=1)
    assert len(pipeline.cached_keys(tmp_path, "sentences")) == 2  # two batches finished before the interruption
    calls.clear()
    monkeypatch.setattr(pipeline, "analyze", lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    resumed = _build(tmp_path, workers=1, batch_size=1)
    assert len(calls) == 3  # only the three missing articles were processed
    pd.testing.assert_frame_equal(resumed.tokens, _build(None, workers=1).tokens)


def test_shard_index_reads_the_keys_from_the_footers(tmp_path):
    wb = _build(tmp_path, workers=1)
    index = pipeline.shard_index(tmp_path, "tokens")
    assert set(index) == set(wb._keys().values())
    files = sorted({f for paths in index.values() for f in paths})
    assert len(files) > 1
    for path in files:
        rows = set(pq.read_table(path, columns=["article_id"]).column("article_id").to_pylist())
        assert set(json.loads(pq.read_schema(path).metadata[pipeline.SHARD_KEYS])) == rows
    # a shard without the list (a cache written by an earlier version) is indexed from its rows
    pq.write_table(pq.read_table(files[0]).replace_schema_metadata({}), files[0])
    assert pipeline.SHARD_KEYS not in (pq.read_schema(files[0]).metadata or {})
    (Path(files[0]).parent / pipeline.SHARD_INDEX).unlink()  # forget the saved index: every footer is read again
    assert pipeline.shard_index(tmp_path, "tokens") == index


def test_shard_index_reads_only_the_footers_of_new_shards(tmp_path, monkeypatch):
    wb = _build(tmp_path, workers=1, batch_size=2)
    index = pipeline.shard_index(tmp_path, "tokens")
    read = []
    real = pipeline._shard_keys
    monkeypatch.setattr(pipeline, "_shard_keys", lambda path: (read.append(path.name), real(path))[1])
    assert pipeline.shard_index(tmp_path, "tokens") == index
    assert read == []  # every shard's keys came from the saved index
    first = wb._keys()[wb.articles["article_id"].iloc[0]]
    gone = index[first][0]
    Path(gone).unlink()
    before = {p.name for p in Path(gone).parent.glob("*.parquet")}
    pipeline.write_shard(tmp_path, "tokens", wb.tokens.head(3).assign(article_id="a-new-key"))
    (added,) = {p.name for p in Path(gone).parent.glob("*.parquet")} - before
    again = pipeline.shard_index(tmp_path, "tokens")
    assert read == [added]
    assert again["a-new-key"] == [str(Path(gone).parent / added)]
    assert gone not in {f for paths in again.values() for f in paths}
    assert first not in again  # its only shard was removed


def test_dask_engine_matches_local_engine(tmp_path):
    local = _build(None, workers=1)
    dask_wb = vnpress.load(CORPUS, tmp_path, workers=2, engine="dask")
    pd.testing.assert_frame_equal(local.sentences, dask_wb.sentences)
    pd.testing.assert_frame_equal(local.tokens, dask_wb.tokens)
    with pytest.raises(ValueError, match="shared storage"):
        vnpress.load(CORPUS, None, workers=1, engine="dask")
    with pytest.raises(ValueError, match="engine must be one of"):
        vnpress.load(CORPUS, tmp_path, engine="spark")


def test_dask_cluster_is_started_once_per_engine(tmp_path, monkeypatch):
    from dask import distributed

    started = []
    real = distributed.LocalCluster
    monkeypatch.setattr(distributed, "LocalCluster", lambda *a, **k: started.append(k) or real(*a, **k))
    wb = vnpress.load(CORPUS, tmp_path, workers=2, engine="dask", lazy=True)
    client = wb.engine.client()
    for name in ("mentions", "dates"):
        wb.analysis(name)
    assert len(started) == 1 and wb.engine.client() is client  # processing and every layer on one cluster
    del wb
    assert client.status == "closed"  # with its engine


def test_local_workers_are_started_once_per_engine(tmp_path):
    wb = vnpress.load(CORPUS, tmp_path, workers=2, lazy=True)  # started before the corpus is read
    pool = wb.engine.pool()
    workers = set(pool._processes)
    for name in ("mentions", "dates"):
        wb.analysis(name)
    assert wb.engine.pool() is pool and set(pool._processes) == workers and len(workers) == 2


def _arrow_threads(_: int) -> int:
    return pa.cpu_count()


def test_each_local_worker_decodes_on_one_thread():
    engine = pipeline.Engine(workers=2)
    assert set(engine.pool().map(_arrow_threads, range(8))) == {1}  # a worker per core, not a thread per core each


def test_a_lazy_workbook_reads_texts_from_the_files(tmp_path):
    lazy = vnpress.load(CORPUS, tmp_path, workers=2, lazy=True)  # processed from the files, in the workers
    assert not {"raw_text", "text"} & set(lazy.articles)
    eager = _build(None, workers=1)
    pd.testing.assert_frame_equal(lazy.tokens, eager.tokens)
    first = eager.articles.iloc[0]
    assert lazy.text(first["article_id"]) == first["text"]
    assert lazy.text(first["article_id"], raw=True) == first["raw_text"]


def test_a_file_edited_after_loading_is_not_processed_under_its_old_key(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    c = load_corpus(corpus, texts=False)
    edited = corpus / c.articles["file"][0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMột câu mới.", encoding="utf-8")
    with pytest.raises(ValueError, match="changed since the corpus was loaded"):
        workbook.build(c.articles, c.problems, c.cleaning_log, tmp_path / "cache", pipeline.Engine(workers=1),
                       corpus_dir=corpus)


def test_streaming_keeps_memory_bounded(tmp_path):
    _build(tmp_path, workers=2, batch_size=2)
    lazy = vnpress.load(CORPUS, tmp_path, workers=1, lazy=True)
    assert "tokens" not in lazy._tables  # nothing materialized yet
    batches = list(lazy.scan("tokens", articles_per_batch=2))
    assert [b["article_id"].nunique() for b in batches] == [2, 2, 1]
    assert "tokens" not in lazy._tables  # scanning never held the whole table
    streamed = terms.frequencies(lazy)
    assert "tokens" not in lazy._tables
    eager = terms.frequencies(vnpress.load(CORPUS, tmp_path, workers=1))
    pd.testing.assert_frame_equal(streamed, eager)
