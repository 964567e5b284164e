"""What the findings page says, computed from the tables the notebooks saved (never recomputed from the corpus).

`headlines_table` writes the headline sentences (English and Vietnamese, each with the number of articles behind
it and the findings section it summarizes); `stance_chart_table` and `coverage_chart_table` are the data of the
page's two charts, drawn by `stance_chart_figure` and `coverage_chart_figure`; `cautions_table` lists the country
labels to read with care. The HTML is written by `report.findings_html`.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from vnpress.analyses.dates.grammar import event_kinds
from vnpress.corpus.outlets import type_names
from vnpress.data import country_label, english_country, labels
from vnpress.util.csvio import read_file, unquote_cell

# (notebook, table) each findings section reads, as the notebooks save them
SOURCES = {"corpus": ("01-exploration", "corpus_summary"), "coverage": ("01-exploration", "coverage"),
           "stories": ("01-exploration", "stories"), "countries": ("03-stance-by-country", "stance_by_country"),
           "by_article": ("03-stance-by-country", "stance_by_article"), "events": ("04-timeline", "events"),
           "terms": ("02-term-frequency", "frequencies"), "topics": ("02-term-frequency", "topics")}
# columns each findings source needs; a saved table without them is reported and left out
REQUIRED = {"corpus": ["fact", "value"], "coverage": ["period", "group", "articles"],
            "stories": ["story_id", "article_id"], "countries": ["iso", "name", "articles", "stance", "frames"],
            "by_article": ["article_id", "actor_type"], "events": ["value", "event", "sources", "conflict"],
            "terms": ["term", "count", "per_10k", "doc_freq"], "topics": ["topic", "term", "weight"]}
STANCE_COLORS = {"support": "#2b8a3e", "conditional": "#f08c00", "oppose": "#c92a2a", "neutral": "#adb5bd"}
MOSTLY_UNCERTAIN = 0.5  # a country label is flagged when more than this share of its articles is uncertain
HEADLINE_COLUMNS = ["section", "english", "vietnamese", "articles", "source"]


def frame_name(code: str) -> str:
    """A frame's readable English name (labels.yaml `frames_en`), else the code with spaces."""
    return labels()["frames_en"].get(code, code.replace("_", " "))


def event_label(text: str) -> str:
    """The English label of the first event kind of the timeline's event vocabulary (dates.yaml `events`) whose
    words occur in `text`; '' when none does."""
    kind = next(iter(event_kinds(str(text))), "")
    return labels()["events"].get(kind, kind.replace("_", " ")) if kind else ""


def read_saved(run_dir: Path, key: str) -> pd.DataFrame | None:
    """The table a notebook saved for findings source `key`, as text cells with their original values (the
    formula guard taken off); None if the run did not save it."""
    notebook, table = SOURCES[key]
    path = Path(run_dir) / notebook / "tables" / f"{table}.csv"
    if not path.is_file():
        return None
    header, rows, _ = read_file(path)  # the workbook's own file: well-formed
    return pd.DataFrame([[unquote_cell(row[h]) for h in header] for _, row in rows],
                        columns=[unquote_cell(h) for h in header], dtype=str)


def load_saved(run_dir: Path, key: str) -> tuple[pd.DataFrame | None, str]:
    """(`read_saved` of `key`, '') when the table is there with the columns its section needs (`REQUIRED`); else
    (None, one line naming the file and the problem), or (None, '') when the run did not save it."""
    notebook, table = SOURCES[key]
    name = f"{notebook}/tables/{table}.csv"
    try:
        df = read_saved(run_dir, key)
    except ValueError as e:
        return None, f"{name}: {e}"
    lacking = [c for c in REQUIRED[key] if df is not None and c not in df.columns]
    if lacking:
        return None, f"{name}: missing column(s) {', '.join(lacking)}; left out of the findings"
    return df, ""


def _counts(cell: str) -> dict[str, int]:
    """'conditional:1;support:2' → {'conditional': 1, 'support': 2}."""
    pairs = (part.rsplit(":", 1) for part in str(cell).split(";") if ":" in part)
    return {k.strip(): int(v) for k, v in pairs if v.strip().isdigit()}


def stance_chart_table(countries: pd.DataFrame) -> pd.DataFrame:
    """Per country and stance, the number of articles (from `stances_by_article` of stance_by_country.csv, else
    the country's label over its `articles`). Columns: country (English, CLDR), name (Vietnamese), iso, stance,
    articles; countries in the table's order, stances in labels.yaml order, zero counts left out."""
    rows = []
    for r in countries.itertuples():
        total = pd.to_numeric(r.articles, errors="coerce")
        counts = _counts(getattr(r, "stances_by_article", "")) or {r.stance: 0 if pd.isna(total) else int(total)}
        for stance in labels()["stance"]:
            if counts.get(stance):
                rows.append([english_country(r.iso) or r.name, r.name, r.iso, stance, counts[stance]])
    return pd.DataFrame(rows, columns=["country", "name", "iso", "stance", "articles"])


def stance_chart_figure(table: pd.DataFrame, top: int = 25) -> Figure:
    """Stacked horizontal bars of `stance_chart_table`: per country (English name, Vietnamese in brackets), the
    articles with each stance; the `top` countries with most articles."""
    named = [country_label(i, n) for i, n in zip(table["iso"], table["name"])]
    wide = table.assign(label=named).pivot_table(
        index="label", columns="stance", values="articles", aggfunc="sum", fill_value=0, sort=False)
    wide = wide.loc[wide.sum(axis=1).sort_values(kind="stable").index[-top:]] if len(wide) else wide
    fig, ax = plt.subplots(figsize=(8, 1.4 + 0.35 * max(1, len(wide))))
    left = pd.Series(0, index=wide.index)
    for stance, vietnamese in labels()["stance"].items():
        if stance in wide:
            ax.barh(wide.index, wide[stance], left=left, color=STANCE_COLORS.get(stance, "#868e96"),
                    label=f"{stance} ({vietnamese.split(' (')[0]})")
            left = left + wide[stance]
    if wide.empty:
        ax.text(0.5, 0.5, "no country acts in the coverage", ha="center", va="center")
        ax.axis("off")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    chart = labels()["charts"]["stance_by_country"]
    ax.set_xlabel(chart["x"])
    ax.set_title(chart["title"])
    if len(wide):
        ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def coverage_chart_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """The coverage table of notebook 01 (period, group, articles, share) with numeric `articles`, a readable
    `group` ('unknown' for an empty one) and periods in order. Columns: period, group, articles."""
    out = coverage[["period", "group", "articles"]].copy()
    out["articles"] = pd.to_numeric(out["articles"], errors="coerce").fillna(0).astype(int)
    out["group"] = out["group"].replace("", "unknown")
    return out.sort_values(["period", "group"], kind="stable").reset_index(drop=True)


def coverage_chart_figure(table: pd.DataFrame) -> Figure:
    """Stacked bars of `coverage_chart_table`: articles per period, one colour per group (outlet type)."""
    wide = table.pivot_table(index="period", columns="group", values="articles", aggfunc="sum", fill_value=0)
    fig, ax = plt.subplots(figsize=(9, 3.6))
    if wide.empty:
        ax.text(0.5, 0.5, "no dated article", ha="center", va="center")
        ax.axis("off")
        return fig
    wide.plot.bar(stacked=True, ax=ax, width=0.8, colormap="tab10")
    chart = labels()["charts"]["coverage_chart"]
    ax.set_xlabel(chart["x"])
    ax.set_ylabel(chart["y"])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(chart["title"])
    ax.legend(title="outlet type", fontsize=8)
    ax.tick_params(axis="x", labelrotation=45)
    fig.tight_layout()
    return fig


def period_phrase(period: str) -> tuple[str, str]:
    """(English, Vietnamese) of a coverage period: 2025-W43 or 2025-10-20 (weekly) → the week of 20 October 2025;
    2025-10 → October 2025; anything else as written."""
    period = str(period)
    week = re.fullmatch(r"(\d{4})-W(\d{1,2})", period)
    day = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", period)
    month = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if week or day:
        d = date.fromisocalendar(int(week[1]), int(week[2]), 1) if week else date(*map(int, day.groups()))
        return f"the week of {d.day} {d:%B} {d.year}", labels()["periods"]["week"].format(day=d.day, month=d.month,
                                                                                            year=d.year)
    if month:
        d = date(int(month[1]), int(month[2]), 1)
        return f"{d:%B} {d.year}", labels()["periods"]["month"].format(month=d.month, year=d.year)
    return period, period


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").fillna(0)


def _say(key: str, section: str, articles: int, source: str, **fields) -> dict:
    """One headline row from the templates of labels.yaml `headlines`, filled with `fields` (the English ones).
    Fields named `x_vi` replace field `x` in the Vietnamese sentence; `{s}` is the English plural ending of `n`."""
    template = labels()["headlines"][key]
    fields.setdefault("s", "" if fields.get("n") == 1 else "s")
    vi = {k: fields.get(f"{k}_vi", v) for k, v in fields.items()}
    return {"section": section, "english": template["en"].format(**fields), "vietnamese": template["vi"].format(**vi),
            "articles": int(articles), "source": source}


def cautions_table(countries: pd.DataFrame) -> pd.DataFrame:
    """Country labels to read with care: resting on one article, or mostly uncertain (column `uncertain`, a count
    of articles or a share, when the table has it). Columns: country, name, iso, articles, reason."""
    articles = _num(countries["articles"])
    one = articles == 1
    uncertain = _num(countries["uncertain"]) if "uncertain" in countries else pd.Series(0.0, index=countries.index)
    share = uncertain if (uncertain <= 1).all() and (uncertain % 1 != 0).any() else uncertain / articles.where(
        articles > 0, 1)
    mostly = share > MOSTLY_UNCERTAIN
    out = countries.assign(country=[english_country(i) or n for i, n in zip(countries["iso"], countries["name"])],
                           articles=articles.astype(int),
                           reason=["one article" if o else "mostly uncertain" for o in one])
    return out[one | mostly][["country", "name", "iso", "articles", "reason"]].reset_index(drop=True)


def _country_headlines(countries: pd.DataFrame, by_article: pd.DataFrame | None) -> list[dict]:
    source = "03-stance-by-country/tables/stance_by_country.csv"
    if by_article is not None:
        behind = by_article.loc[by_article["actor_type"] == "country", "article_id"].nunique()
    else:
        behind = int(_num(countries["articles"]).max())
    counts = countries["stance"].value_counts()
    parts = {lang: ", ".join(labels()["headlines"]["stance_parts"][s][lang].format(n=int(counts[s]))
                             for s in labels()["stance"] if counts.get(s)) for lang in ("en", "vi")}
    total = len(countries)
    rows = [_say("countries", "countries", behind, source, n=total, parts=parts["en"], parts_vi=parts["vi"])]
    frames = countries["frames"].str.split(";").explode().loc[lambda s: s.fillna("") != ""].value_counts()
    if len(frames):
        code = frames.index[0]
        rows.append(_say("frame", "countries", behind, source, frame=frame_name(code),
                         frame_vi=labels()["frames"].get(code, code), n=int(frames.iloc[0]), total=total))
    return rows + _caution_headlines(cautions_table(countries), total, source)


def _caution_headlines(cautions: pd.DataFrame, total: int, source: str) -> list[dict]:
    rows = []
    for reason, key in (("one article", "one_article"), ("mostly uncertain", "uncertain")):
        part = cautions[cautions["reason"] == reason]
        if len(part):
            rows.append(_say(key, "countries", part["articles"].sum(), source, n=len(part), total=total,
                             names=", ".join(part["country"]), names_vi=", ".join(part["name"])))
    return rows


def _coverage_headlines(coverage: pd.DataFrame) -> list[dict]:
    table = coverage_chart_table(coverage)
    total = int(table["articles"].sum())
    if not total:
        return []
    source = "01-exploration/tables/coverage.csv"
    per_period = table.groupby("period", sort=True)["articles"].sum()
    period, n = per_period.idxmax(), int(per_period.max())
    en, vi = period_phrase(period)
    rows = [_say("coverage", "coverage", total, source, total=total, period=en, period_vi=vi, n=n,
                 share=round(100 * n / total))]
    per_group = table.groupby("group", sort=True)["articles"].sum()
    if len(per_group) > 1:
        group_en, group_vi = type_names(per_group.idxmax())
        rows.append(_say("coverage_group", "coverage", int(per_group.max()), source, group=group_en[:1].upper()
                         + group_en[1:], group_vi=group_vi[:1].upper() + group_vi[1:], n=int(per_group.max()),
                         total=total))
    return rows


def _undated_headline(summary: pd.DataFrame) -> list[dict]:
    facts = dict(zip(summary["fact"], summary["value"]))
    unknown = re.search(r"unknown: (\d+)", facts.get("publication dates by source", ""))
    total = pd.to_numeric(facts.get("articles", ""), errors="coerce")
    if not unknown or pd.isna(total):
        return []
    n = int(unknown[1])
    return [_say("undated", "corpus", n, "01-exploration/tables/corpus_summary.csv", n=n, total=int(total))]


def _event_headline(events: pd.DataFrame) -> list[dict]:
    top = events.assign(n=_num(events["sources"])).sort_values(["n", "value"], ascending=[False, True],
                                                               kind="stable").iloc[0]
    label = event_label(top["event"]) or event_label(top.get("sentences", "")) or labels()["events"]["unknown"]
    return [_say("event", "events", top["n"], "04-timeline/tables/events.csv", date=top["value"], label=label,
                 label_vi=top["event"], n=int(top["n"]))]


def _stories_headline(stories: pd.DataFrame) -> list[dict]:
    sizes = stories.groupby("story_id")["article_id"].nunique()
    articles = int(stories["article_id"].nunique())
    return [_say("stories", "coverage", articles, "01-exploration/tables/stories.csv", n=articles,
                 stories=len(sizes), syndicated=int((sizes > 1).sum()))]


def headlines_table(run_dir: Path) -> pd.DataFrame:
    """The headline sentences of the findings page, from the tables the run saved (a sentence whose table is
    missing is left out). Columns: section (the findings section it summarizes: coverage, countries, events,
    corpus), english, vietnamese, articles (the number of articles behind it), source (the saved CSV, relative
    to the run folder)."""
    rows: list[dict] = []
    countries = load_saved(run_dir, "countries")[0]
    if countries is not None and len(countries):
        rows += _country_headlines(countries, load_saved(run_dir, "by_article")[0])
    for key, headline in (("coverage", _coverage_headlines), ("stories", _stories_headline),
                          ("events", _event_headline), ("corpus", _undated_headline)):
        table = load_saved(run_dir, key)[0]
        rows += headline(table) if table is not None and len(table) else []
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
