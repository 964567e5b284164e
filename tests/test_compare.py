"""Comparisons by outlet type: stance and frames as each outlet type reports them, keyness between outlet types,
term trends over time; on a small corpus of several outlets and types reporting the same countries differently."""
from io import StringIO

import pandas as pd
import pytest

from vnpress import cli
from vnpress.analyses import stance, terms
from vnpress.processing.workbook import load
from vnpress.reports import figures
from vnpress.validation import coding

# file: (outlet, outlet_type, published, text); the manifest's outlet_type column gives each article its type
ARTICLES = {
    "party1.txt": ("Nhân Dân", "party", "2025-10-25",
                   "Ngày 25/10, tại Hà Nội, Pháp đã ký Công ước của Liên hợp quốc về chống tội phạm mạng. "
                   "Bộ trưởng Ngoại giao Singapore khẳng định Singapore ủng hộ Công ước nhằm tăng cường hợp tác "
                   "quốc tế trong phòng chống tội phạm mạng. Tổng Thư ký Liên hợp quốc António Guterres khẳng định "
                   "Công ước là bước tiến quan trọng trong hợp tác quốc tế."),
    "party2.txt": ("Quân đội Nhân dân", "party", "2025-10-26",
                   "Pháp đã ký Công ước về chống tội phạm mạng tại Hà Nội. Nga đã ký Công ước. Lễ ký diễn ra "
                   "trang trọng, thể hiện tinh thần hợp tác của cộng đồng quốc tế trong cuộc chiến chống tội phạm "
                   "mạng."),
    "state1.txt": ("VOV", "state", "2025-11-03",
                   "Nga đã ký Công ước của Liên hợp quốc về chống tội phạm mạng. Nhật Bản ký Công ước nhưng bảo "
                   "lưu một số điều khoản về chủ quyền dữ liệu."),
    "foreign1.txt": ("RFI Tiếng Việt", "foreign_service", "2025-10-27",
                     "Đại sứ Pháp cho rằng Công ước sẽ bị lạm dụng để giám sát và đàn áp những người bất đồng chính "
                     "kiến. Đại diện Nga cho biết Nga phản đối Công ước vì văn kiện này bị lạm dụng để đàn áp. Các "
                     "nhà hoạt động nhân quyền lo ngại về quyền tự do ngôn luận và nhân quyền. Tổ chức Ân xá Quốc tế "
                     "cảnh báo Công ước có thể bị lạm dụng để đàn áp các nhà báo."),
    "foreign2.txt": ("BBC Tiếng Việt", "foreign_service", "2025-11-05",
                     "Pháp đã ký Công ước về chống tội phạm mạng. Mỹ từ chối ký Công ước vì lo ngại về nhân quyền. "
                     "Giới quan sát cho rằng nhân quyền là điểm tranh cãi lớn nhất."),
    "unknown1.txt": ("Báo Lạ", "", "",
                     "Singapore ủng hộ Công ước nhằm tăng cường hợp tác quốc tế."),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    lines = ["file,title,outlet,url,published,authors,language,outlet_type"]
    for name, (outlet, kind, published, text) in ARTICLES.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
        lines.append(f"{name},Công ước Hà Nội,{outlet},,{published},,vi,{kind}")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def wb(corpus, cache):
    return load(corpus, cache, workers=1)


def _cli(capsys, *args):
    """A table command's CSV output as a DataFrame, and its exit code."""
    code = cli.main([args[0], *map(str, args[1:]), "--format", "csv", "--workers", "1"])
    return pd.read_csv(StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False), code


def _rows(table, columns):
    return [tuple(r) for r in table[columns].itertuples(index=False)]


def test_stance_by_country_grouped_by_outlet_type(corpus, cache, capsys):
    table, code = _cli(capsys, "stance", corpus, "--by", "country", "--group", "outlet_type", "--cache", cache)
    assert code == 0
    assert list(table.columns) == ["group", "iso", "name", "articles", "stance", "frames", "evidence", "sources"]
    # France: signs in the party press (2 articles) and the BBC; criticizes in RFI → foreign services: one
    # support and one oppose article, a tie, so conditional. Russia: signs (party, state), opposes (RFI).
    assert _rows(table, ["group", "iso", "articles", "stance", "frames", "sources"]) == [
        ("foreign_service", "FR", "2", "conditional", "human_rights", "machine:2"),
        ("foreign_service", "RU", "1", "oppose", "human_rights", "machine:1"),
        ("foreign_service", "US", "1", "conditional", "", "machine:1"),
        ("party", "FR", "2", "support", "", "machine:2"),
        ("party", "RU", "1", "support", "", "machine:1"),
        ("party", "SG", "1", "support", "cooperation", "machine:1"),
        ("state", "JP", "1", "conditional", "sovereignty", "machine:1"),
        ("state", "RU", "1", "support", "", "machine:1"),
        ("unknown", "SG", "1", "support", "cooperation", "machine:1"),  # an outlet the lookup does not know
    ]
    fr = table[(table["group"] == "foreign_service") & (table["iso"] == "FR")].iloc[0]
    assert "bị lạm dụng để giám sát" in fr["evidence"] and "Pháp đã ký Công ước" in fr["evidence"]
    # the ungrouped table is unchanged: France over all five articles is support (3 of 4)
    whole, _ = _cli(capsys, "stance", corpus, "--by", "country", "--cache", cache)
    assert list(whole.columns) == ["iso", "name", "articles", "stance", "frames", "evidence", "sources"]
    assert _rows(whole[whole["iso"] == "FR"], ["articles", "stance"]) == [("4", "support")]


def test_organizations_and_outlets_as_groups(corpus, cache, capsys):
    orgs, _ = _cli(capsys, "stance", corpus, "--by", "organization", "--group", "outlet_type", "--cache", cache)
    assert _rows(orgs, ["group", "iso", "stance"]) == [("foreign_service", "org:amnesty", "oppose"),
                                                       ("party", "org:un_secretary_general", "support")]
    by_outlet, _ = _cli(capsys, "stance", corpus, "--group", "outlet", "--cache", cache)
    assert _rows(by_outlet[by_outlet["iso"] == "FR"], ["group", "stance"]) == [
        ("BBC Tiếng Việt", "support"), ("Nhân Dân", "support"), ("Quân đội Nhân dân", "support"),
        ("RFI Tiếng Việt", "oppose")]
    articles, _ = _cli(capsys, "stance", corpus, "--by", "article", "--group", "outlet_type", "--cache", cache)
    assert articles.columns[0] == "group"
    assert _rows(articles[articles["iso"] == "JP"], ["group", "article_id", "stance"]) == [
        ("state", "state1", "conditional")]


def test_a_coded_label_counts_in_the_group_of_its_article(wb):
    machine = wb.analysis("stance")
    codes = pd.DataFrame([("ana.csv", 2, "ana", "foreign1", "FR", "", "support", None, "")],
                         columns=coding.CODE_COLUMNS)
    table = coding.aggregate(coding.apply_codes(machine, codes), "country", group="outlet_type",
                             articles=wb.articles)
    fr = table[table["iso"] == "FR"].set_index("group")
    assert fr.loc["foreign_service", ["stance", "stances_by_article", "sources"]].tolist() == [
        "support", "support:2", "machine:1;coded:1"]
    assert fr.loc["party", "sources"] == "machine:2"


def test_frames_by_outlet_type(wb):
    table = stance.frames_by_group(wb, "outlet_type")
    assert list(table.columns) == ["group", "frame", "actors", "articles", "share"]
    # RFI: France, Russia and Amnesty International all speak of human rights; the BBC's France and the US no frame
    # → 3 of the 5 (article, actor) pairs of the foreign services
    assert _rows(table, ["group", "frame", "actors", "articles", "share"]) == [
        ("foreign_service", "human_rights", 3, 1, 0.6),
        ("party", "cooperation", 2, 1, 0.4),  # Singapore and the UN Secretary-General, of 5 pairs
        ("state", "sovereignty", 1, 1, 0.5),
        ("unknown", "cooperation", 1, 1, 1.0),
    ]
    frameless = stance.frames_by_group(wb, by_article=wb.analysis("stance").assign(frames=""))
    assert frameless.empty and list(frameless.columns) == ["group", "frame", "actors", "articles", "share"]
    countries = stance.frames_by_group(wb, "outlet_type", actor_type="country")
    assert _rows(countries[countries["group"] == "foreign_service"], ["actors", "share"]) == [(2, 0.5)]


def test_unknown_group_is_one_clear_error(wb, corpus, cache, capsys):
    with pytest.raises(ValueError, match="group must be outlet_type or outlet, got 'country'"):
        stance.frames_by_group(wb, "country")
    with pytest.raises(SystemExit):
        cli.main(["stance", str(corpus), "--group", "type"])
    assert "invalid choice: 'type'" in capsys.readouterr().err


def test_comparison_figures_draw_every_group(wb):
    by_type = coding.aggregate(coding.apply_codes(wb.analysis("stance"), pd.DataFrame(columns=coding.CODE_COLUMNS)),
                               "country", group="outlet_type", articles=wb.articles)
    fig = figures.stance_by_group_figure(by_type)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(labels) == ["foreign_service", "party", "state", "unknown"]
    assert sum(p.get_width() for p in fig.axes[0].patches) == len(by_type)  # one unit per (group, country)
    heat = figures.frames_by_group_figure(stance.frames_by_group(wb))
    assert [t.get_text() for t in heat.axes[0].get_xticklabels()][0] == "sovereignty\n(chủ quyền)"
    empty = figures.frames_by_group_figure(stance.frames_by_group(wb).iloc[:0])
    assert empty.axes[0].texts[0].get_text() == "no frames"


def test_keyness_between_outlet_types(wb):
    assert terms.split_groups(wb, "outlet_type=foreign_service") == ({"foreign1", "foreign2"},
                                                                     "outlet type foreign_service")
    key = terms.keyness(wb, "outlet_type=foreign_service").set_index("term")
    # "nhân quyền" twice in each foreign-service article, nowhere else
    assert key.index[0] == "nhân quyền"
    assert key.loc["nhân quyền", ["target_count", "reference_count"]].tolist() == [4, 0]
    assert key.loc["hợp tác", "log_ratio"] < 0  # the party press and Báo Lạ speak of cooperation
    both = terms.keyness(wb, "outlet_type=party, state").set_index("term")
    # tội phạm mạng: 2 + 2 (party) + 1 (state) against 1 (BBC)
    assert both.loc["tội phạm mạng", ["target_count", "reference_count"]].tolist() == [5, 1]
    assert terms.split_groups(wb, "outlet_type=unknown")[0] == {"unknown1"}


@pytest.mark.parametrize("target, message", [
    ("outlet_type=tabloid", "keyness target: unknown outlet type 'tabloid' (types present, with articles: "
                            "foreign_service (2), party (2), state (1), unknown (1); known types: state, party, "),
    ("outlet_type=ngo", "keyness target: no article of outlet type ngo (types present, with articles: "
                        "foreign_service (2), party (2), state (1), unknown (1))"),
    ("outlet_type= ,", "keyness target: outlet_type= names no type"),
])
def test_keyness_outlet_type_errors_list_the_types_present(wb, target, message):
    with pytest.raises(ValueError) as e:
        terms.keyness(wb, target)
    assert str(e.value).startswith(message)


def test_term_frequencies_by_outlet_type(wb):
    freq = terms.frequencies(wb, by="outlet_type")
    counts = freq[freq["term"].isin(["nhân quyền", "tội phạm mạng"])]
    assert _rows(counts, ["outlet_type", "term", "count", "doc_freq"]) == [
        ("foreign_service", "nhân quyền", 4, 2), ("foreign_service", "tội phạm mạng", 1, 1),
        ("party", "tội phạm mạng", 4, 2), ("state", "tội phạm mạng", 1, 1)]


def test_term_trends_by_month_and_week(wb):
    table = terms.term_trends(wb, "tội phạm mạng, nhân quyền,chu quyen", by="month")
    assert list(table.columns) == ["period", "term", "count", "per_10k"]
    # October: party1 (2), party2 (2), RFI (0); November: VOV (1), BBC (1). "chu quyen" finds VOV's "chủ quyền".
    # The undated article of Báo Lạ is on no period.
    assert _rows(table, ["period", "term", "count"]) == [
        ("2025-10", "tội phạm mạng", 4), ("2025-10", "nhân quyền", 2), ("2025-10", "chu quyen", 0),
        ("2025-11", "tội phạm mạng", 2), ("2025-11", "nhân quyền", 2), ("2025-11", "chu quyen", 1)]
    tokens = wb.tokens[wb.tokens["pos"].ne("CH") & wb.tokens["token"].str.contains(r"\w")]
    months = tokens["article_id"].map(wb.articles.set_index("article_id")["published"].dt.strftime("%Y-%m"))
    words = months.value_counts()
    assert table["per_10k"].tolist() == [round(c / words[p] * 10_000, 2) for p, c in zip(table["period"],
                                                                                          table["count"])]
    weeks = terms.term_trends(wb, ["nhân quyền"], by="week")
    # Mondays: 20/10 (party1 on Saturday 25, party2 on Sunday 26), 27/10 (RFI), 3/11 (VOV, BBC)
    assert _rows(weeks, ["period", "count"]) == [("2025-10-20", 0), ("2025-10-27", 2), ("2025-11-03", 2)]


def test_term_trends_errors_and_figure(wb, corpus, cache, capsys):
    with pytest.raises(ValueError, match="give one or more terms"):
        terms.term_trends(wb, " , ")
    with pytest.raises(ValueError, match="by must be month or week, got 'outlet'"):
        terms.term_trends(wb, "hợp tác", by="outlet")
    fig = figures.term_trends_figure(terms.term_trends(wb, "tội phạm mạng,nhân quyền"))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["tội phạm mạng", "nhân quyền"]
    assert fig.axes[0].get_xlabel() == "month of publication (tháng)"
    table, code = _cli(capsys, "terms", corpus, "--trend", "nhân quyền", "--by", "week", "--cache", cache)
    assert code == 0 and _rows(table, ["period", "count"]) == [("2025-10-20", "0"), ("2025-10-27", "2"),
                                                               ("2025-11-03", "2")]
    assert cli.main(["terms", str(corpus), "--by", "week", "--cache", str(cache)]) == 2
    assert "error: --by week needs --trend TERMS" in capsys.readouterr().err


def test_notebook_parameters_of_the_comparisons_are_checked():
    from vnpress.reports.params import check_params

    assert check_params(trend_terms="chủ quyền,hợp tác", trend_by="week", group_by="outlet_type")["trend_by"] == \
        "week"
    with pytest.raises(ValueError) as e:
        check_params(trend_terms=" , ", trend_by="year")
    assert "parameter 'trend_terms' must name at least one item" in str(e.value)
    assert "parameter 'trend_by' must be one of month, week, got 'year'" in str(e.value)


def test_keyness_by_outlet_type_on_the_command_line(corpus, cache, capsys):
    table, code = _cli(capsys, "terms", corpus, "--keyness", "outlet_type=foreign_service", "--top", "3",
                       "--cache", cache)
    assert code == 0 and list(table.columns) == ["term", "target_count", "reference_count", "target_per_10k",
                                                 "reference_per_10k", "g2", "log_ratio", "p_value"]
    assert _rows(table, ["term", "target_count", "reference_count"])[0] == ("nhân quyền", "4", "0")
    assert len(table) == 3
    assert cli.main(["terms", str(corpus), "--keyness", "outlet_type=tabloid", "--cache", str(cache)]) == 2
    assert "error: keyness target: unknown outlet type 'tabloid'" in capsys.readouterr().err
