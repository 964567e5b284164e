"""Figures drawn from the analyses' tables (computing is in `vnpress.analyses`; this module only draws).

Each function takes the table an analysis returns (named in its docstring) and returns a matplotlib Figure; none
of them reads the corpus or computes a finding, so editing a figure re-runs no layer.
"""

from __future__ import annotations

import math
from textwrap import shorten

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from wordcloud import WordCloud

from vnpress.analyses.countries import country_codes
from vnpress.analyses.coverage import key_events, period_starts
from vnpress.analyses.overview import article_table
from vnpress.analyses.stance import FRAMES, STANCES, UNKNOWN
from vnpress.analyses.topics import gloss, with_gloss
from vnpress.corpus.outlets import OUTLET_TYPES, type_names
from vnpress.data import country_label, english_country, labels
from vnpress.processing.workbook import Workbook

STANCE_COLORS = {"support": "#2b8a3e", "conditional": "#f08c00", "oppose": "#c92a2a", "neutral": "#adb5bd"}


def stance_by_group_figure(table: pd.DataFrame, actor_type: str = "country") -> Figure:
    """Stacked horizontal bars from an `aggregate_by_group` table: for each group (outlet type), how many
    actors it reports as support, conditional, oppose or neutral (over its own articles)."""
    counts = pd.crosstab(table["group"], table["stance"]).reindex(columns=STANCES, fill_value=0) if len(table) \
        else pd.DataFrame(columns=STANCES)
    fig, ax = plt.subplots(figsize=(7.5, 1.6 + 0.45 * max(1, len(counts))))
    if counts.empty:
        ax.text(0.5, 0.5, f"no {actor_type} actors", ha="center", va="center")
        ax.axis("off")
        return fig
    counts = counts.iloc[::-1]
    left = pd.Series(0, index=counts.index)
    words = labels().get("stance", {})
    for s in STANCES:
        ax.barh(counts.index, counts[s], left=left, color=STANCE_COLORS[s], label=f"{s} ({words.get(s, s)})")
        left = left + counts[s]
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    chart = labels()["charts"]["stance_by_group"]
    actors = chart["actors"].get(actor_type, chart["actors"]["organization"])
    ax.set_xlabel(chart["x"].format(actor_type=actor_type, actors=actors))
    ax.set_ylabel(chart["y"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, fontsize=8, frameon=False)
    ax.set_title(chart["title"].format(actor_type=actor_type))
    fig.tight_layout()
    return fig


def frames_by_group_figure(table: pd.DataFrame) -> Figure:
    """Heatmap from a `frames_by_group` table: group × frame, the share of the group's actor pairs with each frame
    (percent written in the cells); frames named in English and Vietnamese."""
    matrix = table.pivot_table(index="group", columns="frame", values="share", fill_value=0.0) if len(table) \
        else pd.DataFrame()
    matrix = matrix[[f for f in FRAMES if f in matrix.columns] + sorted(set(matrix.columns) - set(FRAMES))]
    fig, ax = plt.subplots(figsize=(1.6 + 0.95 * max(1, matrix.shape[1]), 1.8 + 0.5 * max(1, len(matrix))))
    if matrix.empty:
        ax.text(0.5, 0.5, "no frames", ha="center", va="center")
        ax.axis("off")
        return fig
    words = labels().get("frames", {})
    ax.imshow(matrix.values, cmap="Blues", aspect="auto", vmin=0, vmax=1)
    ax.set_xticks(range(matrix.shape[1]), [f"{f.replace('_', ' ')}\n({words.get(f, f)})" for f in matrix.columns],
                  fontsize=7, rotation=30, ha="right")
    ax.set_yticks(range(len(matrix)), matrix.index, fontsize=9)
    for (r, c), v in pd.DataFrame(matrix.values).stack().items():
        if v:
            ax.text(c, r, f"{v:.0%}", ha="center", va="center", color="white" if v > 0.5 else "black", fontsize=8)
    ax.set_title(labels()["charts"]["frames_by_group"]["title"])
    fig.tight_layout()
    return fig


def stance_figure(by_article: pd.DataFrame, actor_type: str = "country", top: int = 30) -> Figure:
    """Stacked horizontal bars: per actor (one row each), the number of articles with each stance; a country named
    in English with its Vietnamese name in brackets."""
    df = by_article[by_article["actor_type"] == actor_type] if "actor_type" in by_article else by_article
    table = pd.DataFrame(columns=STANCES)
    if len(df):
        names = [country_label(i, n) for i, n in zip(df["iso"], df["name"])] if actor_type == "country" \
            else df["name"].tolist()
        table = pd.crosstab(pd.Series(names, index=df.index), df["stance"]).reindex(columns=STANCES, fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=True).index[-top:]] if len(table) else table
    fig, ax = plt.subplots(figsize=(7, 1.7 + 0.35 * max(1, len(table))))
    if table.empty:
        ax.text(0.5, 0.5, f"no {actor_type} actors", ha="center", va="center")
        ax.axis("off")
        return fig
    left = pd.Series(0, index=table.index)
    words = labels().get("stance", {})
    for s in STANCES:
        ax.barh(table.index, table[s], left=left, color=STANCE_COLORS[s],
                label=f"{s} ({words.get(s, s).split(' (')[0]})")
        left = left + table[s]
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("articles")
    fig.legend(loc="lower center", ncol=2, fontsize=8, frameon=False)  # below the bars, never over them
    ax.set_title(f"Stance per {actor_type} (number of articles)")
    fig.tight_layout(rect=(0, 0.55 / fig.get_figheight(), 1, 1))
    return fig


def heatmap(matrix: pd.DataFrame) -> Figure:
    """Country × frame heatmap (a `stance.frame_matrix`, indexed by the Vietnamese name) with counts written in the
    cells; countries named in English with the Vietnamese in brackets."""
    rows = [country_label(country_codes().get(n, ""), n) for n in matrix.index]
    label_width = 0.075 * max((len(r) for r in rows), default=0)  # inches the country names take, at 9 pt
    fig, ax = plt.subplots(figsize=(label_width + 0.8 + 0.8 * max(1, matrix.shape[1]),
                                    1.2 + 0.45 * max(1, len(matrix))))
    if matrix.empty:
        ax.text(0.5, 0.5, "no actor countries", ha="center", va="center")
        ax.axis("off")
        return fig
    ax.imshow(matrix.values, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(matrix.shape[1]), [c.replace("_", "\n") for c in matrix.columns], fontsize=8)
    ax.set_yticks(range(len(matrix)), rows, fontsize=9)
    top = matrix.values.max() or 1
    for (r, c), v in pd.DataFrame(matrix.values).stack().items():
        if v:
            ax.text(c, r, str(v), ha="center", va="center", color="white" if v > top / 2 else "black", fontsize=8)
    ax.set_title("Frames in each country's statements (number of articles)")
    fig.tight_layout()
    return fig


def coverage_figure(table: pd.DataFrame, events: pd.DataFrame, undated: int | None = None, n_events: int = 5,
                    min_sources: int = 2) -> Figure:
    """Articles per period (a `coverage_table`), stacked by group, with the `n_events` key dated events of
    `events` (a `timeline.merge_events` table; `key_events` with `min_sources`) marked; `undated`: articles not on
    the chart, said under it."""
    fig, ax = plt.subplots(figsize=(11, 4.5))
    if table.empty:
        ax.text(0.5, 0.5, "no dated article: nothing to plot", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    weekly, grouped = table["period"].str.len().iloc[0] > 7, table["group"].ne("").any()
    wide = table.pivot(index="period", columns="group", values="articles")
    wide = wide[list(dict.fromkeys(table["group"]))]  # the table's group order
    starts = period_starts(pd.Series(wide.index))
    bottom = pd.Series(0, index=wide.index)
    for group, color in _colors(list(wide.columns)).items():
        ax.bar(starts, wide[group], bottom=bottom, width=6 if weekly else 27, align="edge", color=color,
               label=group_label(group))
        bottom = bottom + wide[group]
    _mark_events(ax, key_events(events, table, n_events, min_sources))
    unit = "week (ISO, Monday to Sunday)" if weekly else "month"
    chart = labels()["charts"]["coverage"]
    ax.set_ylabel(chart["y"].format(unit=unit.split()[0], unit_vi=chart["units"][unit.split()[0]]))
    ax.set_xlabel(f"publication {unit}")
    by_type = set(wide.columns) <= {*OUTLET_TYPES, UNKNOWN}
    ax.set_title("Coverage over time" + ("" if not grouped else ", by outlet type" if by_type else ", by outlet"))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y" if weekly else "%b\n%Y"))
    ax.set_ylim(0, max(1, bottom.max()) * 1.35)  # room for the event labels
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if grouped:
        handles, names = ax.get_legend_handles_labels()  # top of the stack first
        ax.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    if undated:
        said = "1 undated article is" if undated == 1 else f"{undated} undated articles are"
        fig.text(0.01, -0.02, f"{said} not on the chart (no publication date).", fontsize=8, ha="left")
    fig.tight_layout()
    return fig


def length_figure(wb: Workbook) -> Figure:
    """Histogram of article length in words, with each article marked."""
    table = article_table(wb)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.hist(table["tokens"], bins=min(20, max(5, len(table))), color="#4c72b0", alpha=0.8)
    ax.plot(table["tokens"], [0] * len(table), "|", color="black", markersize=14)
    ax.set_xlabel("article length (words, punctuation excluded)")
    ax.set_ylabel("articles")
    ax.set_title("Length distribution")
    fig.tight_layout()
    return fig


def stories_figure(summary: pd.DataFrame, top: int = 20) -> Figure:
    """Horizontal bars: articles per syndicated story (the `top` largest of `story_summary`), labelled by the
    first article's title (or the story id)."""
    shown = summary.head(top).iloc[::-1]
    names = [(t if len(t) <= 60 else t[:57] + "…") if t else s for s, t in zip(shown["story_id"], shown["title"])]
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.4 * len(shown) + 1.2)))
    ax.barh(names, shown["articles"], color="#4c72b0")
    chart = labels()["charts"]["stories"]
    ax.set_xlabel(chart["x"])
    ax.set_title(chart["title"])
    ax.xaxis.get_major_locator().set_params(integer=True)
    if shown.empty:
        ax.text(0.5, 0.5, "no story printed by more than one article", ha="center", va="center",
                transform=ax.transAxes)
    fig.tight_layout()
    return fig


def term_trends_figure(table: pd.DataFrame) -> Figure:
    """One line per term from a `term_trends` table: its occurrences per 10,000 words in each period (month or
    week of publication), periods placed on a time axis."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    if table.empty:
        ax.text(0.5, 0.5, "no dated articles", ha="center", va="center")
        ax.axis("off")
        return fig
    weekly = table["period"].str.len().eq(10).all()
    for term, rows in table.groupby("term", sort=False):
        ax.plot(pd.to_datetime(rows["period"]), rows["per_10k"], marker="o", label=term)
    periods = table["period"].drop_duplicates()
    if len(periods) <= 24:  # one labelled tick per period
        ax.set_xticks(pd.to_datetime(periods), periods)
    chart = labels()["charts"]["term_trends"]
    ax.set_xlabel(chart["x_week"] if weekly else chart["x_month"])
    ax.set_ylabel(chart["y"])
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, title=chart["legend"])
    ax.set_title(chart["title"])
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _glossed(terms: pd.Series) -> list[str]:
    """Terms with their English gloss in brackets where the glossary, the report labels or the gazetteer (a
    country's Vietnamese name) give one."""
    known, iso = labels()["terms"], country_codes()
    english = [gloss(t) or known.get(t, "") or english_country(iso.get(t, "")) for t in terms]
    return [with_gloss(t, e if e != t else "") for t, e in zip(terms, english)]


def top_terms_figure(freq: pd.DataFrame, top: int = 20) -> Figure:
    """Horizontal bar chart of the most frequent terms (English glosses in brackets where known)."""
    data = freq.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(data) + 1))
    ax.barh(_glossed(data["term"]), data["count"], color="#4c72b0")
    ax.set_xlabel("count")
    ax.set_title(f"Top {len(data)} terms")
    fig.tight_layout()
    return fig


def wordcloud_figure(freq: pd.DataFrame, top: int = 100) -> Figure:
    """Word cloud of term counts, drawn with DejaVu Sans (renders Vietnamese diacritics)."""
    font = font_manager.findfont("DejaVu Sans")
    counts = dict(zip(freq["term"].head(top), freq["count"].head(top)))
    cloud = WordCloud(width=900, height=450, background_color="white", font_path=font, collocations=False,
                      regexp=r".+", random_state=0).generate_from_frequencies(counts or {"(no terms)": 1})
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.imshow(cloud, interpolation="bilinear")
    ax.axis("off")
    fig.tight_layout()
    return fig


def keyness_figure(key: pd.DataFrame, top: int = 15, target: str = "target") -> Figure:
    """Log ratio of the most key terms of each side (the `target` group positive, the other articles negative),
    English glosses in brackets where known."""
    pos = key[key["log_ratio"] > 0].head(top)
    neg = key[key["log_ratio"] < 0].head(top)
    data = pd.concat([pos, neg]).sort_values("log_ratio")
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(data) + 1.2))
    ax.barh(_glossed(data["term"]), data["log_ratio"],
            color=["#c44e52" if v < 0 else "#4c72b0" for v in data["log_ratio"]])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"log ratio (the {target} against the other articles)")
    ax.set_title(f"Keyness (ranked by G²)\nblue: more used in the {target}; red: in the other articles", fontsize=10)
    fig.tight_layout()
    return fig


def dispersion_figure(disp: pd.DataFrame, wb) -> Figure:
    """One row per term, one band per article; a tick at each occurrence (relative position in the article)."""
    terms = list(dict.fromkeys(disp["term"]))
    articles = wb.articles["article_id"].tolist()
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(1, len(terms)) + 1.2))
    offset = {a: i for i, a in enumerate(articles)}
    for y, term in enumerate(terms):
        sub = disp[disp["term"] == term]
        ax.scatter(sub["article_id"].map(offset) + sub["relative"], [y] * len(sub), marker="|", s=200,
                   color="#4c72b0")
    for i in range(len(articles) + 1):
        ax.axvline(i, color="grey", linewidth=0.5)
    ax.set_yticks(range(len(terms)), terms)
    ax.set_xticks([i + 0.5 for i in range(len(articles))], [a[:12] for a in articles], rotation=45, ha="right",
                  fontsize=7)
    ax.set_xlim(0, len(articles))
    ax.set_title("Dispersion: where each term occurs (one band per article)")
    fig.tight_layout()
    return fig


def timeline_figure(merged: pd.DataFrame, max_labels: int = 25) -> Figure:
    """Events on a dated axis, one row each in date order, its date and clause written at the left of the row
    (never over the markers); marker size and colour by number of sources."""
    data = merged.dropna(subset=["date"]).sort_values("date").head(max_labels)
    fig, ax = plt.subplots(figsize=(12, 1.6 + 0.42 * max(3, len(data))))
    if data.empty:
        ax.text(0.5, 0.5, "no dated events", ha="center", va="center")
        ax.axis("off")
        return fig
    ys = range(len(data))
    sc = ax.scatter(data["date"], list(ys), s=40 + 60 * data["sources"], c=data["sources"], cmap="viridis",
                    vmin=1, vmax=max(2, data["sources"].max()), zorder=3)
    ax.set_yticks(list(ys), [f"{value}  {shorten(str(event), 60, placeholder=' …')}" for value, event in
                             data[["value", "event"]].itertuples(index=False)], fontsize=8)
    span = (data["date"].max() - data["date"].min()) or pd.Timedelta(days=30)
    ax.set_xlim(data["date"].min() - span * 0.04, data["date"].max() + span * 0.04)
    ax.invert_yaxis()
    ax.grid(axis="both", alpha=0.3)
    ax.set_title("Events reported in the coverage, on their calendar dates")
    fig.colorbar(sc, ax=ax, label="sources (articles)", fraction=0.03, pad=0.01)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def topics_figure(table: pd.DataFrame, top: int = 8) -> Figure:
    """One bar chart per topic of its `top` words (from a `topic_terms` table), labelled with English glosses."""
    topics = sorted(table["topic"].unique())
    cols = min(3, max(1, len(topics)))
    rows = max(1, math.ceil(len(topics) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 0.32 * top * rows + 1.2 * rows), squeeze=False)
    for ax, topic in zip(axes.ravel(), topics):
        data = table[table["topic"] == topic].head(top).iloc[::-1]
        ax.barh([with_gloss(t, g) for t, g in zip(data["term"], data["gloss"])], data["weight"], color="#4c72b0")
        ax.set_title(f"Topic {topic}", fontsize=10)
        ax.set_xlabel("weight (share of the topic)", fontsize=8)
        ax.tick_params(labelsize=8)
    for ax in axes.ravel()[len(topics):]:
        ax.axis("off")
    fig.suptitle("Topics (NMF): the words that weigh most in each")
    fig.tight_layout()
    return fig


def topics_over_time_figure(by_month: pd.DataFrame, labels: dict[int, str] | None = None) -> Figure:
    """Mean topic share of each month's articles (a `topics_by(group="month")` table), one line per topic;
    undated articles are left out (the title says how many)."""
    unknown = by_month["group"] == "unknown"
    undated = int(by_month.loc[unknown, "articles"].max()) if unknown.any() else 0
    dated = by_month[by_month["group"] != "unknown"]
    wide = dated.pivot(index="group", columns="topic", values="share").sort_index()
    wide.index = pd.to_datetime(wide.index, format="%Y-%m")  # months spaced as in time, gaps included
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for topic in wide.columns:
        ax.plot(wide.index, wide[topic], marker="o", label=f"Topic {topic}: {(labels or {}).get(topic, '')}")
    if wide.empty:
        ax.text(0.5, 0.5, "no dated article", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("month of publication")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    fig.autofmt_xdate()
    ax.set_ylabel("mean topic share of the month's articles")
    ax.set_ylim(0, 1)
    left_out = f"; {undated} undated article(s) left out" if undated else ""
    ax.set_title(f"Topics over time{left_out}")
    if len(wide.columns):
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    return fig


def topics_by_figure(by: pd.DataFrame, labels: dict[int, str] | None = None) -> Figure:
    """Heat map of the mean topic share of each group (a `topics_by` table): groups as rows (with their number
    of articles), topics as columns."""
    wide = by.pivot(index="group", columns="topic", values="share").fillna(0)
    sizes = by.groupby("group")["articles"].max()
    fig, ax = plt.subplots(figsize=(1.6 * max(2, len(wide.columns)) + 3, 0.55 * max(1, len(wide)) + 2))
    ax.imshow(wide.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for (i, j), value in np.ndenumerate(wide.to_numpy()):
        ax.text(j, i, f"{value:.2f}", ha="center", va="center", color="white" if value > 0.6 else "black")
    ax.set_yticks(range(len(wide)), [f"{g} ({sizes[g]} art.)" for g in wide.index])
    ax.set_xticks(range(len(wide.columns)), [f"Topic {t}\n" + (labels or {}).get(t, "").replace(" · ", "\n")
                                             for t in wide.columns], fontsize=7)
    ax.set_title("Mean topic share of each group's articles")
    fig.tight_layout()
    return fig


def confusion_figure(table: pd.DataFrame) -> Figure:
    """Heatmap of a `confusion` table: machine labels in rows, coded labels in columns, counts in cells."""
    matrix = table.pivot(index="machine", columns="human", values="n").reindex(index=STANCES, columns=STANCES)
    fig, ax = plt.subplots(figsize=(4.8, 4))
    ax.imshow(matrix.values, cmap="Blues", vmin=0)
    ax.set_xticks(range(len(STANCES)), STANCES, rotation=30)
    ax.set_yticks(range(len(STANCES)), STANCES)
    ax.set_xlabel("coded (human)")
    ax.set_ylabel("machine")
    top = matrix.values.max() or 1
    for (r, c), v in np.ndenumerate(matrix.values):
        ax.text(c, r, str(v), ha="center", va="center", color="white" if v > top / 2 else "black")
    ax.set_title("Stance: machine × coded")
    fig.tight_layout()
    return fig


def _colors(groups: list[str]) -> dict[str, str]:
    """A fixed colour per outlet type (grey for unknown), the tab20 cycle for outlets."""
    palette = plt.get_cmap("tab10" if set(groups) <= {*OUTLET_TYPES, UNKNOWN} else "tab20").colors
    order = [*OUTLET_TYPES] if set(groups) <= {*OUTLET_TYPES, UNKNOWN} else groups
    return {g: "#9e9e9e" if g == UNKNOWN else palette[order.index(g) % len(palette)] for g in groups}


def _mark_events(ax, marks: pd.DataFrame) -> None:
    """A dashed vertical line per event, its short label written along it at the top of the plot (left and right
    of the line in turn, so that close events stay readable)."""
    for i, row in enumerate(marks.itertuples(index=False)):
        ax.axvline(row.date, color="#c0392b", linestyle="--", linewidth=1)
        ax.text(row.date, 0.98, f"{row.label} ({row.sources} art.)", rotation=90, va="top",
                ha="left" if i % 2 else "right", fontsize=8, color="#c0392b", transform=ax.get_xaxis_transform(),
                bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1})


def group_label(group: str) -> str:
    """A legend entry: an outlet type in English with its Vietnamese ('state media (truyền thông nhà nước)'), an
    outlet's name as it is, 'articles' for an ungrouped table."""
    if not group:
        return "articles"
    english, vietnamese = type_names(group)
    return f"{english} ({vietnamese})" if english != vietnamese else group
