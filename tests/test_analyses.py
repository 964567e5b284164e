import shutil

import pandas as pd
import pytest
import yaml

import vnpress
from conftest import CORPUS
from vnpress import analyses, countries, pipeline, stance, terms, timeline
from vnpress.corpus import load_corpus
from vnpress.data import path as data_path
from vnpress.nlp import entities_for

LAYERS = ["mentions", "stance", "dates", "term_counts", "entities"]
CHEAP = ["mentions", "stance", "dates", "term_counts"]  # without NER


def _direct(wb, name: str) -> pd.DataFrame:
    """Today's direct call on the whole workbook, for each registered analysis."""
    if name == "mentions":
        return countries.find_mentions(wb)
    if name == "stance":
        return stance.stance_by_article(wb)
    if name == "dates":
        return timeline.timeline(wb, corpus_anchor=False)
    if name == "term_counts":
        kept = terms.term_tokens(wb).query("kept")
        return kept.groupby(["article_id", "term"], sort=False).size().rename("count").reset_index()
    if name == "entities":
        return entities_for(wb.sentences)
    raise AssertionError(f"no direct call for {name}: add one")


def same(got: pd.DataFrame, expected: pd.DataFrame, obj: str = "DataFrame") -> None:
    """Identical values and numeric dtypes; text columns compared as object (pandas 3 infers `str` or
    `object` for the same strings depending on how the frames were concatenated)."""
    def text_as_object(df: pd.DataFrame) -> pd.DataFrame:
        return df.astype({c: object for c in df if pd.api.types.is_string_dtype(df[c])})

    pd.testing.assert_frame_equal(text_as_object(got), text_as_object(expected), obj=obj)


def _build(folder, cache, **engine):
    c = load_corpus(folder)
    return pipeline.build(c.articles, c.problems, c.cleaning_log, cache, pipeline.Engine(**engine))


@pytest.fixture
def seen(monkeypatch):
    """Records, per analysis, the article keys its batch jobs received (jobs run in this process)."""
    log: dict[str, list[str]] = {}
    real = analyses._analyse_batch

    def counting(analysis, files, rows, done, items):
        log.setdefault(analysis.name, []).extend(k for k, _ in items)
        return real(analysis, files, rows, done, items)

    monkeypatch.setattr(analyses, "_analyse_batch", counting)
    return log


def test_every_layer_is_registered_with_a_direct_reference():
    assert sorted(analyses.REGISTRY) == sorted(LAYERS)


@pytest.mark.parametrize("cached", [False, True])
def test_each_analysis_matches_the_direct_call(tmp_path, cached):
    wb = _build(CORPUS, tmp_path if cached else None, workers=1)
    for name in LAYERS:
        got = wb.analysis(name)
        assert list(got.columns) == list(analyses.REGISTRY[name].columns)
        assert got["article_id"].nunique() > 1
        same(got, _direct(wb, name), obj=name)
    same(wb.entities(), entities_for(wb.sentences))
    by_article = stance.stance_by_article(wb)
    same(analyses.stance_by_country(wb), stance.stance_by_country(by_article))
    for by in (None, "outlet", "article"):
        expected = terms.frequencies(wb, by=by, top=30)
        same(analyses.term_frequencies(wb, by=by, top=30), expected)
    same(analyses.tfidf(wb, top=5), terms.tfidf(wb, top=5))
    anchored = timeline.anchor_to_corpus(wb.analysis("dates"))
    same(anchored, timeline.timeline(wb))
    same(timeline.merge_events(anchored), timeline.merge_events(timeline.timeline(wb)))


def test_parallel_workers_and_dask_give_identical_tables(tmp_path):
    serial = _build(CORPUS, None, workers=1)
    parallel = _build(CORPUS, tmp_path / "local", workers=2, batch_size=1)
    dask_wb = vnpress.load(CORPUS, tmp_path / "dask", workers=2, engine="dask")
    for name in CHEAP:
        expected = serial.analysis(name)
        same(parallel.analysis(name), expected, obj=name)
        same(dask_wb.analysis(name), expected, obj=name)
    assert any((tmp_path / "dask").rglob("analyses/stance-*/rows/*.parquet"))  # written by the dask workers


def test_analyses_read_shards_not_the_whole_token_table(tmp_path):
    _build(CORPUS, tmp_path, workers=1)
    lazy = vnpress.load(CORPUS, tmp_path, workers=1, lazy=True)
    by_country = analyses.stance_by_country(lazy)
    freq = analyses.term_frequencies(lazy)
    batches = list(lazy.scan("mentions", articles_per_batch=2))
    assert "tokens" not in lazy._tables and "sentences" not in lazy._tables
    assert [b["article_id"].nunique() for b in batches] == [2, 2, 1]
    same(pd.concat(batches, ignore_index=True), lazy.analysis("mentions"))
    assert len(by_country) and len(freq)


def test_a_new_or_edited_article_is_the_only_one_analysed(tmp_path, seen):
    files = sorted(CORPUS.glob("*.txt"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in files[:4]:
        shutil.copy(f, corpus)
    first = _build(corpus, tmp_path / "cache", workers=1)
    for name in CHEAP:
        first.analysis(name)
    assert all(len(seen[n]) == 4 for n in CHEAP)

    seen.clear()
    for name in CHEAP:
        first.analysis(name)
    assert seen == {}  # nothing new: every article (with or without rows) is marked done

    shutil.copy(files[4], corpus)
    edited = corpus / files[0].name
    edited.write_text(edited.read_text(encoding="utf-8") + "\nNga ủng hộ Công ước Hà Nội.", encoding="utf-8")
    second = _build(corpus, tmp_path / "cache", workers=1)
    for name in CHEAP:
        got = second.analysis(name)
        same(got, _direct(second, name), obj=name)
    changed = [files[0].stem, files[4].stem]
    assert {n: set(seen[n]) for n in CHEAP} == {n: {analyses.plan(second, n).keys[a] for a in changed} for n in CHEAP}


def _edit_yaml(path, key, value):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[key] = data[key] + [value]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_an_edited_data_file_reruns_only_the_layers_that_read_it(tmp_path, seen):
    wb = _build(CORPUS, tmp_path / "cache", workers=1)
    cues, actors = tmp_path / "stance_cues.yaml", tmp_path / "actor_cues.yaml"
    shutil.copy(data_path("stance_cues.yaml"), cues)
    shutil.copy(data_path("actor_cues.yaml"), actors)
    files = {"stance_cues.yaml": str(cues), "actor_cues.yaml": str(actors)}
    before = {name: wb.analysis(name, files) for name in CHEAP}
    n = len(wb.articles)

    seen.clear()
    _edit_yaml(cues, "oppose", "công ước")
    after = wb.analysis("stance", files)
    for name in CHEAP:
        wb.analysis(name, files)
    assert {k: len(v) for k, v in seen.items()} == {"stance": n}
    assert not after.equals(before["stance"]) and (after["stance"] == "oppose").sum() > 0
    same(after, stance.stance_by_article(wb, cues_path=str(cues)))

    seen.clear()
    _edit_yaml(actors, "speech_verbs", "tuyên bố mạnh mẽ")
    for name in CHEAP:
        wb.analysis(name, files)
    assert {k: len(v) for k, v in seen.items()} == {"mentions": n, "stance": n}
    with pytest.raises(ValueError, match="no analysis reads"):
        wb.analysis("stance", {"nonexistent.yaml": str(cues)})
    with pytest.raises(ValueError, match="unknown analysis"):
        wb.analysis("sentiment")


def test_an_interrupted_analysis_resumes_with_the_missing_articles(tmp_path, seen, monkeypatch):
    wb = _build(CORPUS, tmp_path, workers=1, batch_size=1)
    counting = analyses._analyse_batch

    def failing(analysis, files, rows, done, items):
        if len(seen.get(analysis.name, [])) == 2:
            raise KeyboardInterrupt("simulated interruption")
        return counting(analysis, files, rows, done, items)

    monkeypatch.setattr(analyses, "_analyse_batch", failing)
    with pytest.raises(KeyboardInterrupt):
        wb.analysis("mentions")
    layer = analyses.plan(wb, "mentions")
    assert len(pipeline.cached_keys(tmp_path, layer.done)) == 2
    monkeypatch.setattr(analyses, "_analyse_batch", counting)
    seen.clear()
    resumed = wb.analysis("mentions")
    assert len(seen["mentions"]) == 3
    same(resumed, countries.find_mentions(wb))


def test_a_corrected_publication_date_reruns_only_the_layers_that_read_it(tmp_path, seen):
    c = load_corpus(CORPUS)
    wb = pipeline.build(c.articles, c.problems, c.cleaning_log, tmp_path, pipeline.Engine(workers=1))
    for name in CHEAP:
        wb.analysis(name)
    seen.clear()
    articles = c.articles.copy()
    articles.loc[0, "published"] = pd.Timestamp("2025-10-25")
    fixed = pipeline.build(articles, c.problems, c.cleaning_log, tmp_path, pipeline.Engine(workers=1))
    for name in CHEAP:
        fixed.analysis(name)
    assert {k: len(v) for k, v in seen.items()} == {"dates": 1}
    same(fixed.analysis("dates"), timeline.timeline(fixed, corpus_anchor=False))
