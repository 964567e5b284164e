import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pytest
import yaml
from conftest import CORPUS, ROOT

import vnpress
from vnpress.analyses import countries, stance, statements, stories, terms, timeline
from vnpress.analyses.dates import anchoring
from vnpress.corpus.reader import load_corpus
from vnpress.data import path as data_path
from vnpress.processing import layers, pipeline, workbook
from vnpress.processing.nlp import entities_for
from vnpress.validation import coding

LAYERS = ["mentions", "statements", "stance", "dates", "entities", "minhash"]
CHEAP = ["mentions", "statements", "stance", "dates", "minhash"]  # without NER


def _direct(wb, name: str) -> pd.DataFrame:
    """Today's direct call on the whole workbook, for each registered analysis."""
    if name == "mentions":
        return countries.find_mentions(wb)
    if name == "statements":
        return statements.extract(wb, countries.find_mentions(wb))
    if name == "stance":
        return stance.stance_by_article(wb)
    if name == "dates":
        return timeline.timeline(wb, corpus_anchor=False)
    if name == "entities":
        return entities_for(wb.sentences)
    if name == "minhash":
        return stories.minhash_table(wb)
    raise AssertionError(f"no direct call for {name}: add one")


def same(got: pd.DataFrame, expected: pd.DataFrame, obj: str = "DataFrame") -> None:
    """Identical values and numeric dtypes; text columns compared as object (pandas 3 infers `str` or
    `object` for the same strings depending on how the frames were concatenated)."""
    def text_as_object(df: pd.DataFrame) -> pd.DataFrame:
        return df.astype({c: object for c in df if pd.api.types.is_string_dtype(df[c])})

    pd.testing.assert_frame_equal(text_as_object(got), text_as_object(expected), obj=obj)


def _build(folder, cache, **engine):
    c = load_corpus(folder)
    return workbook.build(c.articles, c.problems, c.cleaning_log, cache, pipeline.Engine(**engine))



def test_every_layer_is_registered_with_a_direct_reference():
    assert sorted(layers.REGISTRY) == sorted(LAYERS)


@pytest.mark.parametrize("cached", [False, True])
def test_each_analysis_matches_the_direct_call(tmp_path, cached):
    wb = _build(CORPUS, tmp_path if cached else None, workers=1)
    for name in LAYERS:
        got = wb.analysis(name)
        assert list(got.columns) == list(layers.REGISTRY[name].columns)
        assert got["article_id"].nunique() > 1
        same(got, _direct(wb, name), obj=name)
    same(wb.entities(), entities_for(wb.sentences))
    mentions = countries.find_mentions(wb)
    stmts = statements.extract(wb, mentions)
    same(statements.actor_mentions(wb), statements.mark_actors(mentions, stmts))
    by_article = stance.stance_by_article(wb, mentions, statements=stmts)
    same(stance.stance_by_country(wb.analysis("stance")), stance.stance_by_country(by_article))
    codes = pd.DataFrame([("c.csv", 2, "A", by_article["article_id"][0], by_article["iso"][0], "", "oppose", "", "")],
                         columns=coding.CODE_COLUMNS)
    for aggregate in (stance.stance_by_country, stance.stance_by_organization):
        same(aggregate(coding.apply_codes(wb.analysis("stance"), codes)),
             aggregate(coding.apply_codes(by_article, codes)))
    for filters in ({}, {"pos": "N,Np"}, {"keep_numbers": True}):  # word counts read back from the words table
        kept = terms.term_tokens(wb, **filters).query("kept")
        expected = kept.groupby(["article_id", "term"], sort=False).size().rename("count").reset_index()
        same(pd.concat(terms.article_counts(wb, **filters), ignore_index=True), expected, obj=str(filters))
    anchored = anchoring.anchor_to_corpus(wb.analysis("dates"))
    same(anchored, timeline.timeline(wb))
    same(timeline.merge_events(anchored), timeline.merge_events(timeline.timeline(wb)))


def test_rows_kept_without_a_cache_are_typed_as_the_shards_give_them_back(tmp_path):
    # one batch found no speaker (an all-None column), the other one: the shards store both as text
    batches = [pd.DataFrame({"article_id": ["a"], "speaker": pd.Series([None], dtype=object), "_row": [0]}),
               pd.DataFrame({"article_id": ["b"], "speaker": ["Lê Thị Hoa"], "_row": [0]})]
    for batch in batches:
        pipeline.write_shard(tmp_path, "rows", batch)
    shards = sorted(str(p) for p in tmp_path.rglob("rows/*.parquet"))
    back = ds.dataset(shards, format="parquet").to_table().to_pandas().sort_values("article_id", ignore_index=True)
    kept = layers._concat(batches, ("article_id", "speaker"))
    pd.testing.assert_frame_equal(kept, back)  # values, dtypes and missing values alike
    assert kept["speaker"].isna().tolist() == [True, False]


def test_a_batch_reads_its_rows_in_article_then_sentence_and_token_order(tmp_path):
    # a shard holding two articles' rows out of order: the batch gets them in its own article order
    rows = pd.DataFrame({"article_id": ["b", "b", "a", "a", "b"], "sentence_id": [1, 0, 0, 0, 0],
                         "token_id": [0, 1, 1, 0, 0], "token": ["năm", "hai", "bốn", "ba", "một"]})
    pipeline.write_shard(tmp_path, "tokens", rows)
    (shard,) = [str(p) for p in tmp_path.rglob("tokens/*.parquet")]
    items = [(key, {"inputs": {"tokens": (key, [shard])}}) for key in ["b", "a"]]
    assert layers._read_input("tokens", items, ["article_id", "token"])["token"].tolist() == [
        "một", "hai", "năm", "ba", "bốn"]
    assert layers._in_order([np.array([0, 0, 1]), np.array([2, 3, 0])])  # the later columns break ties only
    assert not layers._in_order([np.array([0, 0, 1]), np.array([3, 2, 0])])


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
    by_country = stance.stance_by_country(lazy.analysis("stance"))
    actors = statements.actor_mentions(lazy)
    freq = terms.frequencies(lazy)
    events = timeline.merge_events(anchoring.anchor_to_corpus(lazy.analysis("dates")))
    streamed = [terms.ngrams(lazy), terms.keyness(lazy), terms.kwic(lazy, "chủ quyền"),
                terms.dispersion(lazy, ["chủ quyền"]), terms.frequencies(lazy, pos="N"), terms.tfidf(lazy)]
    batches = list(lazy.scan("mentions", articles_per_batch=2))
    assert not {"tokens", "sentences", "words"} & set(lazy._tables)
    assert [b["article_id"].nunique() for b in batches] == [2, 2, 1]
    same(pd.concat(batches, ignore_index=True), lazy.analysis("mentions"))
    assert len(by_country) and len(freq) and len(events) and all(len(t) for t in streamed)
    assert (actors["role"] == "actor").any()


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
    assert {n: set(seen[n]) for n in CHEAP} == {n: {layers.plan(second, n).keys[a] for a in changed} for n in CHEAP}


def _edit_yaml(path, key, value):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[key] = data[key] + [value]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_an_edited_data_file_reruns_only_the_layers_that_read_it(tmp_path, seen):
    wb = _build(CORPUS, tmp_path / "cache", workers=1)
    cues, actors, frames = tmp_path / "stance_cues.yaml", tmp_path / "actor_cues.yaml", tmp_path / "frames.yaml"
    for f in (cues, actors, frames):
        shutil.copy(data_path(f.name), f)
    files = {f.name: str(f) for f in (cues, actors, frames)}
    before = {name: wb.analysis(name, files) for name in CHEAP}
    n = len(wb.articles)

    seen.clear()
    _edit_yaml(cues, "oppose", "công ước")
    after = wb.analysis("stance", files)
    for name in CHEAP:
        wb.analysis(name, files)
    # statements reads the support cues (the press's praise of an actor's role), stance all of them
    assert {k: len(v) for k, v in seen.items()} == {"statements": n, "stance": n}
    assert not after.equals(before["stance"]) and (after["stance"] == "oppose").sum() > 0
    same(after, stance.stance_by_article(wb, cues_path=str(cues)))

    seen.clear()
    _edit_yaml(frames, "sovereignty", "độc lập")
    same(wb.analysis("stance", files), stance.stance_by_article(wb, cues_path=str(cues), frames_path=str(frames)))
    for name in CHEAP:
        wb.analysis(name, files)
    assert {k: len(v) for k, v in seen.items()} == {"stance": n}

    seen.clear()
    _edit_yaml(actors, "speech_verbs", "tuyên bố mạnh mẽ")
    for name in CHEAP:
        wb.analysis(name, files)
    assert {k: len(v) for k, v in seen.items()} == {"mentions": n, "statements": n, "stance": n}
    with pytest.raises(ValueError, match="no analysis reads"):
        wb.analysis("stance", {"nonexistent.yaml": str(cues)})
    with pytest.raises(ValueError, match="unknown analysis"):
        wb.analysis("sentiment")


def test_an_edited_stopword_list_reruns_no_per_article_work(tmp_path, seen):
    """Stopwords filter the word counts processing wrote when a term table is made: no layer or article re-runs."""
    wb = _build(CORPUS, tmp_path / "cache", workers=1)
    for name in CHEAP:
        wb.analysis(name)
    shards = sorted((tmp_path / "cache").rglob("*.parquet"))
    seen.clear()
    override = tmp_path / "stopwords_override.yaml"
    override.write_text("keep: []\nadd: [chủ quyền]\n", encoding="utf-8")
    before, after = terms.frequencies(wb), terms.frequencies(wb, override_path=str(override))
    for name in CHEAP:
        wb.analysis(name)
    assert "chủ quyền" in set(before["term"]) and "chủ quyền" not in set(after["term"])
    assert not seen and sorted((tmp_path / "cache").rglob("*.parquet")) == shards


def test_an_interrupted_analysis_resumes_with_the_missing_articles(tmp_path, seen, monkeypatch):
    wb = _build(CORPUS, tmp_path, workers=1, batch_size=1)
    counting = layers._analyse_batch

    def failing(analysis, files, rows, done, items):
        if len(seen.get(analysis.name, [])) == 2:
            raise KeyboardInterrupt("simulated interruption")
        return counting(analysis, files, rows, done, items)

    monkeypatch.setattr(layers, "_analyse_batch", failing)
    with pytest.raises(KeyboardInterrupt):
        wb.analysis("mentions")
    layer = layers.plan(wb, "mentions")
    assert len(pipeline.cached_keys(tmp_path, layer.done)) == 2
    monkeypatch.setattr(layers, "_analyse_batch", counting)
    seen.clear()
    resumed = wb.analysis("mentions")
    assert len(seen["mentions"]) == 3
    same(resumed, countries.find_mentions(wb))


def test_a_corrected_publication_date_reruns_only_the_layers_that_read_it(tmp_path, seen):
    c = load_corpus(CORPUS)
    wb = workbook.build(c.articles, c.problems, c.cleaning_log, tmp_path, pipeline.Engine(workers=1))
    for name in CHEAP:
        wb.analysis(name)
    seen.clear()
    articles = c.articles.copy()
    articles.loc[0, "published"] = pd.Timestamp("2025-10-25")
    fixed = workbook.build(articles, c.problems, c.cleaning_log, tmp_path, pipeline.Engine(workers=1))
    for name in CHEAP:
        fixed.analysis(name)
    assert {k: len(v) for k, v in seen.items()} == {"dates": 1}
    same(fixed.analysis("dates"), timeline.timeline(fixed, corpus_anchor=False))



def test_articles_sharing_a_text_get_their_own_rows(tmp_path):
    """Two files with the same text and different publication dates share their processing rows (one content
    key) but not their dates: each gets the rows of its own date."""
    folder = tmp_path / "c"
    folder.mkdir()
    text = (CORPUS / "003_7afc3c7c88a3f9b6.txt").read_text(encoding="utf-8").split("\n", 1)[1]  # no header date
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text("file,title,outlet,url,published,authors,language\n"
                                         "a.txt,,,,2025-10-24,,vi\nb.txt,,,,2026-03-02,,vi\n", encoding="utf-8")
    wb = vnpress.load(folder, tmp_path / "cache", workers=1, lazy=True)
    assert wb.articles["sha256"].nunique() == 1
    for name in CHEAP:
        got = wb.analysis(name)
        same(got, _direct(vnpress.load(folder, workers=1), name), obj=name)
    layer = layers.plan(wb, "dates")
    batch = layers._payload(wb, layer, {})([(layer.keys["a"], "a"), (layer.keys["b"], "b")])  # one batch
    rows = layers._read_input("sentences", batch, pipeline.COLUMNS["sentences"])
    assert rows.groupby("article_id").size().to_dict() == {layer.keys[a]: len(wb.sentences) // 2 for a in "ab"}
    dates = wb.analysis("dates")
    assert set(dates["article_id"]) == {"a", "b"}
    assert not dates[dates["article_id"] == "a"].drop(columns="article_id").reset_index(drop=True).equals(
        dates[dates["article_id"] == "b"].drop(columns="article_id").reset_index(drop=True))


_READS = textwrap.dedent("""
    import functools, gc, json, sys
    from pathlib import Path
    import vnpress
    from vnpress.processing import layers
    from vnpress.data import path as data_path

    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))[:2]}
    wb = vnpress.from_texts(texts)
    opened, reads = None, {}

    def hook(event, args):
        if event == "open" and opened is not None and isinstance(args[0], (str, Path)) \\
                and Path(args[0]).parent == data_path("x").parent:
            opened.add(Path(args[0]).name)

    sys.addaudithook(hook)
    for name, a in layers.REGISTRY.items():
        inputs = {u: layers.result(wb, u) for u in a.upstream}
        for f in gc.get_objects():  # forget every data file read so far
            if isinstance(f, functools._lru_cache_wrapper) and f.__module__.startswith("vnpress"):
                f.cache_clear()
        opened = set()
        a.function(layers.Batch(wb, inputs, {f: str(data_path(f)) for f in a.data_files}))
        reads[name], opened = sorted(opened), None
    print(json.dumps(reads))
""")


def test_each_layer_declares_exactly_the_data_files_it_reads():
    """Every data file a layer's code opens is in its settings (an edit re-runs it), and no other."""
    env = {"PYTHONPATH": str(ROOT / "lib"), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", _READS, str(CORPUS)], capture_output=True, text=True, env=env,
                         check=True).stdout
    reads = {name: set(files) for name, files in yaml.safe_load(out.splitlines()[-1]).items()}
    loaded_unused = {"statements": {"frames.yaml"}}  # loaded with the stance cues; no statement depends on it
    for name, a in layers.REGISTRY.items():
        assert reads[name] - loaded_unused.get(name, set()) <= set(a.data_files), name
        assert set(a.data_files) <= reads[name], name


def _edited_copy(tmp_path, name, edit) -> str:
    """A copy of a packaged data file with `edit` applied to its YAML; the packaged file is left as it was."""
    data = yaml.safe_load(data_path(name).read_text(encoding="utf-8"))
    edit(data)
    copy = tmp_path / name
    copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(copy)


def test_statements_and_dates_read_the_data_files_they_are_given(tmp_path):
    """An edited copy given by `data_files` changes the statements and dates layers' results (and the direct
    calls'), without touching the packaged files."""
    packaged = {n: data_path(n).read_bytes() for n in ("speech_verbs.yaml", "dates.yaml")}
    wb = vnpress.from_texts({"speech": "Đại diện Nhật Bản thổ lộ rằng Công ước là một bước tiến quan trọng.",
                             "date": "Lễ ký sẽ diễn ra ngày kia tại Hà Nội."},
                            published={"speech": "2025-10-24", "date": "2025-10-24"}, cache_dir=tmp_path / "cache")
    verbs = _edited_copy(tmp_path, "speech_verbs.yaml", lambda d: d["speech"].append("thổ lộ"))
    dates = _edited_copy(tmp_path, "dates.yaml", lambda d: d["relative"].update({"ngày kia": ["day", 2]}))

    def reported(rows):
        return rows[(rows["kind"] == "reported") & (rows["verb"] == "thổ lộ")]

    assert reported(wb.analysis("statements")).empty  # "thổ lộ" is no packaged speech verb
    edited = wb.analysis("statements", {"speech_verbs.yaml": verbs})
    assert reported(edited)[["iso", "content"]].values.tolist() == [["JP", "Công ước là một bước tiến quan trọng"]]
    same(edited, statements.extract(wb, countries.find_mentions(wb), {"speech_verbs.yaml": verbs}))

    assert wb.analysis("dates").query("surface == 'ngày kia'").empty  # no packaged relative expression
    edited = wb.analysis("dates", {"dates.yaml": dates})
    assert edited.query("surface == 'ngày kia'")[["value", "anchor"]].values.tolist() == [["2025-10-26", "published"]]
    same(edited, timeline.timeline(wb, corpus_anchor=False, grammar_path=dates))

    assert {n: data_path(n).read_bytes() for n in packaged} == packaged
    assert reported(wb.analysis("statements")).empty and wb.analysis("dates").query("surface == 'ngày kia'").empty


def test_a_process_forgets_what_it_read_from_an_edited_data_file():
    """Modules cache data files by name: a new copy of one (an edit) clears those caches before a batch."""
    files = {"speech_verbs.yaml": "/cache/data/aaaa/speech_verbs.yaml"}
    layers._forget_edited(files)
    statements.lexicon()
    layers._forget_edited(files)
    assert statements.lexicon.cache_info().currsize == 1  # unchanged: kept
    layers._forget_edited({"speech_verbs.yaml": "/cache/data/bbbb/speech_verbs.yaml"})
    assert statements.lexicon.cache_info().currsize == 0
