from vnpress.analyses import overview
from vnpress.reports import figures


def test_article_table_counts_words_not_punctuation(seed_wb):
    table = overview.article_table(seed_wb).set_index("article_id")
    toks = seed_wb.tokens[seed_wb.tokens.article_id == "001_2c2119ea819d08e1"]
    assert table.loc["001_2c2119ea819d08e1", "tokens"] == (toks.pos != "CH").sum() < len(toks)
    assert table.loc["002_e46f340304d81593", "removed_lines"] == 8


def test_summary_and_cleaning_tables(seed_wb):
    facts = dict(overview.corpus_summary(seed_wb).itertuples(index=False))
    assert facts["articles"] == "5" and facts["outlets named"] == "1"
    assert facts["earliest publication"] == "2024-12-25" and facts["latest publication"] == "2025-10-24"
    rules = overview.cleaning_summary(seed_wb).set_index("rule")["lines"]
    assert rules["photo_caption"] == 7 and rules["byline"] == 2 and rules["sponsor_box"] == 1


def test_entities_carry_their_evidence_sentence(seed_wb):
    ents = overview.top_entities(seed_wb, top_n=40)
    assert {"Việt Nam", "Trung Quốc", "Nhật Bản"} <= set(ents.entity)
    for row in ents.itertuples():
        assert row.entity.split()[0] in row.sentence


def test_the_overview_scans_the_cache_once(tmp_path):
    from conftest import CORPUS

    from vnpress.processing.workbook import load

    wb = load(CORPUS, tmp_path, workers=1, lazy=True)
    scans, scan = [], wb.scan
    wb.scan = lambda table="tokens", **kw: scans.append(table) or scan(table, **kw)
    summary = dict(overview.corpus_summary(wb).itertuples(index=False))
    table = overview.article_table(wb)
    figures.length_figure(wb)
    assert scans == ["sentences", "tokens"]
    assert int(summary["tokens (words)"]) == table["tokens"].sum() > 1000
    assert int(summary["sentences"]) == table["sentences"].sum() > 50
