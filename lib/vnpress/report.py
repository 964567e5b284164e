"""Saving a notebook's tables and figures into its output folder, safe HTML, and the run's index page
with its findings (read from the tables the notebooks saved, never recomputed)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from .csvio import read_file, unquote_cell, write_csv


def save_table(df: pd.DataFrame, name: str, out_dir: str | Path) -> pd.DataFrame:
    """Write `df` as out_dir/tables/<name>.csv (formula-safe, UTF-8 with BOM, whole or not at all:
    `csvio.write_csv`) and return it, unchanged, for display."""
    write_csv(df, Path(out_dir) / "tables" / f"{name}.csv")
    return df


def save_figure(fig: Figure, name: str, out_dir: str | Path) -> Figure:
    """Write `fig` as out_dir/figures/<name>.png and return it for display."""
    folder = Path(out_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{name}.png", dpi=120, bbox_inches="tight")
    return fig


def escape(text: object) -> str:
    """HTML-escape article text or metadata before it goes into a report."""
    return html.escape("" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text))


# --- the run's index.html: findings page, run facts, notebooks, glossary -------------------------------------

# (notebook, table) each findings section reads, as the notebooks save them
SOURCES = {"corpus": ("01-exploration", "corpus_summary"), "countries": ("03-stance-by-country", "stance_by_country"),
           "events": ("04-timeline", "events"), "terms": ("02-term-frequency", "frequencies")}
KEY_EVENTS = 10  # events on the findings page: those most articles report
TOP_TERMS = 15


def _labels() -> dict:
    import yaml

    from .data import path

    return yaml.safe_load(path("labels.yaml").read_text(encoding="utf-8"))


def english_country(iso: str) -> str:
    """The CLDR English name of a country code (Babel); '' when unknown."""
    from babel import Locale

    return Locale("en").territories.get(str(iso), "")


def _bilingual(key: str, vietnamese: dict) -> str:
    """'support (ủng hộ)': the label as the tables have it, with its Vietnamese."""
    vi = vietnamese.get(key, "")
    return f"{escape(key)} <span class='vi' lang='vi'>({escape(vi)})</span>" if vi else escape(key)


def _table(path: Path) -> pd.DataFrame | None:
    """A table a notebook saved (`save_table`), as text cells with their original values; None if not saved."""
    if not path.is_file():
        return None
    header, rows, _ = read_file(path)  # the workbook's own file: well-formed
    return pd.DataFrame([[unquote_cell(row[h]) for h in header] for _, row in rows],
                        columns=[unquote_cell(h) for h in header], dtype=str)


def section_anchor(executed: Path, table: str) -> str:
    """The id nbconvert gives the heading above the cell that saves `table` in an executed notebook; '' if none."""
    if not executed.is_file():
        return ""
    import nbformat

    heading = ""
    for cell in nbformat.read(executed, as_version=4).cells:
        if cell.cell_type == "markdown":
            lines = [line for line in cell.source.splitlines() if line.startswith("#")]
            heading = lines[-1].lstrip("#").strip().replace("*", "").replace("`", "") if lines else heading
        elif f'"{table}"' in cell.source and "save_table" in cell.source:
            return heading.replace(" ", "-")
    return ""


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _corpus_rows(df: pd.DataFrame, labels: dict) -> tuple[list[str], list[list[str]]]:
    return ["fact", "value"], [[escape(r.fact), escape(r.value)] for r in df.itertuples()]


def _country_rows(df: pd.DataFrame, labels: dict) -> tuple[list[str], list[list[str]]]:
    rows = []
    for r in df.itertuples():
        frames = ", ".join(_bilingual(f, labels["frames"]) for f in str(r.frames).split(";") if f)
        name = f"{escape(english_country(r.iso) or r.name)} <span class='vi' lang='vi'>({escape(r.name)})</span>"
        rows.append([name, escape(r.iso), escape(r.articles), _bilingual(r.stance, labels["stance"]), frames])
    return ["country", "iso", "articles", "stance", "frames"], rows


def _event_rows(df: pd.DataFrame, labels: dict) -> tuple[list[str], list[list[str]]]:
    df = df.assign(n=pd.to_numeric(df["sources"], errors="coerce").fillna(0))
    key = df.sort_values(["n", "value"], ascending=[False, True], kind="stable").head(KEY_EVENTS)
    key = key.sort_values("value", kind="stable")
    rows = [[escape(r.value), f"<span lang='vi'>{escape(r.event)}</span>", escape(r.sources),
             escape(r.conflict)] for r in key.itertuples()]
    return ["date", "event", "sources", "conflict"], rows


def _term_rows(df: pd.DataFrame, labels: dict) -> tuple[list[str], list[list[str]]]:
    rows = [[f"<span lang='vi'>{escape(r.term)}</span>", escape(labels["terms"].get(r.term, "")), escape(r.count),
             escape(r.per_10k), escape(r.doc_freq)] for r in df.head(TOP_TERMS).itertuples()]
    return ["term", "english", "count", "per_10k", "doc_freq"], rows


FINDINGS = [("corpus", "The corpus", _corpus_rows), ("countries", "Countries, their stance and frames", _country_rows),
            ("events", f"Key dated events (the {KEY_EVENTS} most reported)", _event_rows),
            ("terms", f"Top {TOP_TERMS} terms", _term_rows)]


def findings_html(run_dir: Path) -> str:
    """The findings page: one section per table the notebooks saved, each linking to its report section."""
    labels = _labels()
    parts, used = [], set()
    for key, title, rows_of in FINDINGS:
        notebook, table = SOURCES[key]
        df = _table(run_dir / notebook / "tables" / f"{table}.csv")
        anchor = section_anchor(run_dir / f"{notebook}.ipynb", table)
        link = (f"<a href='{escape(notebook)}.html{'#' + escape(anchor) if anchor else ''}'>{escape(notebook)}</a>"
                if (run_dir / f"{notebook}.html").is_file() else escape(notebook))  # no link to a report not here
        if df is None:
            body = f"<p class='missing'>Not available: {escape(notebook)} saved no table {escape(table)}.csv in this run.</p>"
        elif df.empty:
            body = f"<p class='missing'>None found ({escape(table)}.csv is empty).</p>"
        else:
            header, rows = rows_of(df, labels)
            used.update(header)
            body = _html_table(header, rows)
        parts.append(f"<section id='findings-{key}'><h3>{escape(title)}</h3><p class='source'>From {link}, "
                     f"table <code>{escape(table)}.csv</code>.</p>{body}</section>")
    columns = "".join(f"<dt>{escape(c)}</dt><dd>{escape(labels['columns'][c])}</dd>"
                      for c in labels["columns"] if c in used)
    return "<h2 id='findings'>Findings</h2>" + "".join(parts) + (f"<h3>Columns</h3><dl>{columns}</dl>" if columns else "")


def glossary_html() -> str:
    """The English glossary of the Vietnamese terms the reports' method notes use (data/glossary.csv)."""
    from .data import path

    df = pd.read_csv(path("glossary.csv"), keep_default_na=False)
    rows = [[f"<span lang='vi'>{escape(r.vietnamese)}</span>", escape(r.english), escape(r.where)]
            for r in df.itertuples()]
    return "<h2 id='glossary'>Glossary</h2>" + _html_table(["Vietnamese", "English", "notebooks"], rows)


def _run_facts(manifest: dict) -> str:
    facts = [("run (UTC)", manifest["created_utc"]), ("corpus", manifest["corpus_dir"]),
             ("corpus files", len(manifest["corpus_files"])), ("git commit", manifest["git_commit"] or "unknown"),
             ("vnpress", manifest["packages"].get("vnpress", "")),
             ("underthesea", manifest["packages"].get("underthesea", "")),
             ("parameters", json.dumps(manifest["parameters"], ensure_ascii=False) or "{}")]
    return "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts) + "</table>"


def _note(nb: dict) -> str:
    """A notebook's note in the index: its error, or the run its report comes from (not run: not in `--only`)."""
    if nb.get("selected", True):
        return nb["error"] or (f"reused from {nb['reused_from']}" if nb["reused_from"] else "")
    changed = "; its inputs have changed since" if nb.get("stale") else ""
    return "; ".join(filter(None, [f"not in --only: the report of run {nb['reused_from']}{changed}", nb["error"]]))


def _notebook_rows(manifest: dict) -> str:
    return "".join(
        f"<tr class='{escape(nb['status'])}'><td><a href='{escape(nb['html'])}'>{escape(nb['notebook'])}</a></td>"
        f"<td>{escape(nb['status'])}</td><td>{nb['duration_s']:.1f} s</td><td>{escape(_note(nb))}</td></tr>"
        for nb in manifest["notebooks"])


def index_html(manifest: dict, run_dir: Path) -> str:
    """The run's index.html: findings first, then run facts, input problems, the notebooks and the glossary."""
    problems = "".join(f"<li>{escape(p['level'])}: {escape(p['file'])}: {escape(p['problem'])}</li>"
                       for p in manifest["input_problems"]) or "<li>none</li>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>vnpress reports {escape(manifest['created_utc'])}</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;}}table{{border-collapse:collapse;margin:.5em 0;}}
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top;}}tr.failed td{{background:#fdd;}}
.vi{{color:#555;}}.source{{font-size:90%;color:#555;}}.missing{{color:#a00;}}dt{{font-weight:bold;}}</style></head>
<body><h1>vnpress reports</h1>
{findings_html(run_dir)}
<h2>Run</h2>
{_run_facts(manifest)}
<h2>Input problems</h2>
<ul>{problems}</ul>
<h2>Notebooks</h2>
<table><tr><th>report</th><th>status</th><th>duration</th><th>note</th></tr>{_notebook_rows(manifest)}</table>
<p>Details: <a href="manifest.json">manifest.json</a> (parameters, corpus file hashes, package versions);
kernel and library messages: <a href="logs/">logs/</a>.</p>
{glossary_html()}
</body></html>
"""
