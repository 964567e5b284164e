"""Saving a notebook's tables and figures into its output folder, showing tables for people, safe HTML, and the
run's index page with its findings (read from the tables the notebooks saved, never recomputed: `findings`).

In a notebook kernel, importing this module makes every DataFrame display for people (`people_html`): without
the index column, numbers rounded, readable column headers (labels.yaml `display`; the column's name and meaning in
the header's tooltip), the first `DISPLAY_ROWS` rows, and for a table `save_table` saved, a link to its full CSV.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import yaml
from IPython import get_ipython
from matplotlib.figure import Figure

from vnpress.data import english_country, labels
from vnpress.data import path as data_path
from vnpress.reports.findings import (
    SOURCES,
    cautions_table,
    coverage_chart_figure,
    coverage_chart_table,
    event_label,
    frame_name,
    headlines_table,
    load_saved,
    stance_chart_figure,
    stance_chart_table,
)
from vnpress.reports.params import project_root
from vnpress.util.csvio import write_csv

DISPLAY_ROWS = 20  # rows of a table shown in a report; the CSV has them all
MAX_CELL = 300  # characters of a text cell shown in a report
WORKBOOK = "tables.xlsx"  # every table of a run, one sheet each (`spreadsheet.write_workbook`)
__all__ = ["english_country", "save_table", "save_figure", "people_table", "people_html", "index_html"]


def save_table(df: pd.DataFrame, name: str, out_dir: str | Path) -> pd.DataFrame:
    """Write `df` as out_dir/tables/<name>.csv (formula-safe, UTF-8 with BOM, whole or not at all:
    `csvio.write_csv`) and return it, unchanged but for `attrs` naming that file and its row count (a report
    shows the first rows and links to it)."""
    write_csv(df, Path(out_dir) / "tables" / f"{name}.csv")
    df.attrs.update(vnpress_csv=f"{Path(out_dir).name}/tables/{name}.csv", vnpress_rows=len(df))
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


# --- tables for people ---------------------------------------------------------------------------------------

def _number(value: float) -> str:
    """A float rounded for reading: 2 decimals, thousands separated, trailing zeros dropped (12.50 → 12.5)."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell(value: object) -> str:
    """A cell as a reader sees it: '' for missing, rounded floats, 'support:4;oppose:1' → 'support 4 · oppose 1',
    long text cut at MAX_CELL characters."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return _number(value)
    text = str(value)
    if re.fullmatch(r"[\w -]+:\d+(;[\w -]+:\d+)*", text):
        text = " · ".join(part.replace(":", " ") for part in text.split(";"))
    return text if len(text) <= MAX_CELL else text[:MAX_CELL].rstrip() + " …"


def column_label(column: object) -> str:
    """The readable header of a column: labels.yaml `display`, else its name with spaces for underscores."""
    return labels()["display"].get(str(column), str(column).replace("_", " "))


def with_english_names(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with `name_en`, the English name of each row's country (CLDR; empty for an organization), after its
    `name` column, when it has `iso` and `name` columns and some row is a country: for readers who do not read
    Vietnamese."""
    if not {"iso", "name"} <= set(df.columns) or "name_en" in df.columns:
        return df
    english = [english_country(i) for i in df["iso"]]
    if not any(english):
        return df
    out = df.copy()
    out.insert(list(df.columns).index("name") + 1, "name_en", english)
    return out


def people_table(df: pd.DataFrame, rows: int = DISPLAY_ROWS) -> pd.DataFrame:
    """The first `rows` rows of `df` as a reader sees them: text cells (`_cell`), readable column headers, a
    fresh 0..n index (not shown). Columns: those of `df` (and a country's English name, `with_english_names`),
    relabelled by `column_label`."""
    head = with_english_names(df.head(rows))
    if not isinstance(df.index, pd.RangeIndex):  # a named index (a matrix's rows) is data: keep it as a column
        head = head.reset_index()
    out = pd.DataFrame({i: [_cell(v) for v in head.iloc[:, i]] for i in range(head.shape[1])}, index=range(len(head)))
    out.columns = [column_label(c) for c in head.columns]
    return out


def _caption(df: pd.DataFrame, shown: int) -> str:
    csv, total = df.attrs.get("vnpress_csv"), df.attrs.get("vnpress_rows", len(df))
    size = f"first {shown} of {total:,} rows" if shown < total else f"{total:,} rows"
    if not csv:
        return size
    return (f"{size}; full table: <a href='{escape(quote(csv))}'>{escape(Path(csv).name)}</a> (CSV, UTF-8) "
            f"and the run's <a href='{WORKBOOK}'>{WORKBOOK}</a>")


def people_html(df: pd.DataFrame) -> str:
    """`df` as an HTML table for people (`people_table`), each header's tooltip giving the column's name and
    meaning (labels.yaml `columns`), under a caption with the row count and a link to the saved CSV."""
    if len(df.columns) == 0:
        return "<p class='vnpress-empty'>(empty table)</p>"
    rows = with_english_names(df.head(DISPLAY_ROWS))  # what `people_table` shows (it adds nothing more)
    shown = people_table(rows)
    explain = labels()["columns"]
    names = list(rows.columns) if isinstance(df.index, pd.RangeIndex) else [df.index.name or "", *rows.columns]
    head = "".join(f"<th title='{escape(str(n) + (': ' + explain[str(n)] if str(n) in explain else ''))}'>"
                   f"{escape(label)}</th>" for n, label in zip(names, shown.columns))
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    return (f"<table class='vnpress-table'><caption>{_caption(df, len(shown))}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _register_display() -> None:
    """In a notebook kernel, show every DataFrame with `people_html`."""
    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, people_html)


_register_display()


# --- a notebook's HTML: contents, link back to the index, its saved files ------------------------------------

HEADING = re.compile(r"<h([1-3])\s+id=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S)


def saved_files(run_dir: Path, notebook: str) -> list[str]:
    """The CSV and PNG files a notebook saved, relative to the run folder, in order."""
    folder = Path(run_dir) / notebook
    return [p.relative_to(run_dir).as_posix() for sub in ("tables", "figures") if (folder / sub).is_dir()
            for p in sorted((folder / sub).iterdir()) if p.suffix in (".csv", ".png")]


def add_navigation(page: str, files: list[str]) -> str:
    """A notebook's rendered HTML with a link back to the run's index and a table of contents (its h1–h3
    headings) at the top, and links to its saved `files` (relative to the run folder) at the end."""
    toc = "".join(f"<li class='toc-h{level}'><a href='#{anchor}'>{escape(re.sub(r'<[^>]+>|¶', '', text).strip())}"
                  f"</a></li>" for level, anchor, text in HEADING.findall(page) if level != "1")
    nav = ("<nav class='vnpress-nav' id='vnpress-contents'><p><a href='index.html'>← Back to the run's index "
           f"(findings, all reports)</a></p><p><strong>Contents</strong></p><ul>{toc}</ul></nav>")
    listing = "".join(f"<li><a href='{escape(quote(f))}'>{escape(f)}</a></li>" for f in files) or "<li>none</li>"
    end = (f"<section class='vnpress-files' id='vnpress-files'><h2>Files saved by this report</h2><ul>{listing}</ul>"
           f"<p>Every table of the run in one workbook: <a href='{WORKBOOK}'>{WORKBOOK}</a>. "
           "<a href='index.html'>Back to the index</a>.</p></section>")
    style = ("<style>.vnpress-nav{border:1px solid #ccc;padding:.3em 1em;margin:1em 0;}.vnpress-nav .toc-h3"
             "{margin-left:1.5em;}table.vnpress-table caption{caption-side:bottom;text-align:left;font-size:90%;"
             "color:#555;}table.vnpress-table th{cursor:help;}table.vnpress-table td,table.vnpress-table th"
             "{text-align:left;vertical-align:top;}</style>")
    opening = "<main>" if "<main>" in page else re.search(r"<body[^>]*>", page)[0]
    closing = "</main>" if "</main>" in page else "</body>"
    page = page.replace("</head>", style + "</head>", 1).replace(opening, opening + nav, 1)
    at = page.rindex(closing)
    return page[:at] + end + page[at:]


# --- the run's index.html: findings page, run facts, notebooks, glossary -------------------------------------

KEY_EVENTS = 10  # events on the findings page: those most articles report
TOP_TERMS = 15
CITATION = "CITATION.cff"


def figure_data_uri(fig: Figure) -> str:
    """`fig` as a PNG data URI (the page stays one self-contained file); the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _bilingual(key: str, vietnamese: dict, english: str = "") -> str:
    """'support (ủng hộ)': the label (or its readable `english`), with its Vietnamese."""
    vi = vietnamese.get(key, "")
    shown = escape(english or key)
    return f"{shown} <span class='vi' lang='vi'>({escape(vi)})</span>" if vi else shown


def section_anchor(executed: Path, table: str) -> str:
    """The id nbconvert gives the heading above the cell that saves `table` in an executed notebook; '' if none."""
    if not executed.is_file():
        return ""
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


def _image(uri: str, alt: str) -> str:
    return f"<p><img class='chart' alt='{escape(alt)}' src='{uri}'></p>"


def _corpus_body(df: pd.DataFrame) -> tuple[str, list[str]]:
    rows = [[escape(r.fact), escape(r.value)] for r in df.itertuples()]
    note = ("<p class='note'>“unknown: N” under publication dates by source: N articles whose date neither the "
            "manifest, the article's header nor its text gives; they are left out of the coverage chart.</p>"
            if any("unknown:" in str(v) for v in df["value"]) else "")
    return _html_table(["fact", "value"], rows) + note, ["fact", "value"]


def _coverage_body(df: pd.DataFrame) -> tuple[str, list[str]]:
    table = coverage_chart_table(df)
    return (_image(figure_data_uri(coverage_chart_figure(table)), "Coverage over time by outlet type")
            + f"<p class='note'>{table['articles'].sum():,} dated articles in {table['period'].nunique()} periods; "
              "undated articles are not on the chart.</p>", [])


def _cautions_html(df: pd.DataFrame) -> str:
    cautions = cautions_table(df)
    if cautions.empty:
        return ""
    items = "".join(f"<li>{escape(r.country)} <span class='vi' lang='vi'>({escape(r.name)})</span>: "
                    f"{escape(r.reason)} ({r.articles} article{'s' if r.articles != 1 else ''})</li>"
                    for r in cautions.itertuples())
    return f"<div class='caution'><p><strong>Read with care</strong> (thin evidence):</p><ul>{items}</ul></div>"


def _country_body(df: pd.DataFrame) -> tuple[str, list[str]]:
    rows = []
    for r in df.itertuples():
        frames = ", ".join(_bilingual(f, labels()["frames"], frame_name(f)) for f in str(r.frames).split(";") if f)
        name = f"{escape(english_country(r.iso) or r.name)} <span class='vi' lang='vi'>({escape(r.name)})</span>"
        rows.append([name, escape(r.iso), escape(r.articles), _bilingual(r.stance, labels()["stance"]), frames])
    header = ["country", "iso", "articles", "stance", "frames"]
    chart = _image(figure_data_uri(stance_chart_figure(stance_chart_table(df))), "Stance by country")
    return chart + _cautions_html(df) + _html_table(header, rows), header


def _event_body(df: pd.DataFrame) -> tuple[str, list[str]]:
    df = df.assign(n=pd.to_numeric(df["sources"], errors="coerce").fillna(0))
    key = df.sort_values(["n", "value"], ascending=[False, True], kind="stable").head(KEY_EVENTS)
    key = key.sort_values("value", kind="stable")
    rows = [[escape(r.value), escape(event_label(r.event)), f"<span lang='vi'>{escape(r.event)}</span>",
             escape(r.sources), escape(r.conflict)] for r in key.itertuples()]
    header = ["date", "english", "event", "sources", "conflict"]
    return _html_table(header, rows), header


def _term_body(df: pd.DataFrame) -> tuple[str, list[str]]:
    rows = [[f"<span lang='vi'>{escape(r.term)}</span>", escape(labels()["terms"].get(r.term, "")),
             escape(r.count), escape(r.per_10k), escape(r.doc_freq)] for r in df.head(TOP_TERMS).itertuples()]
    header = ["term", "english", "count", "per_10k", "doc_freq"]
    return _html_table(header, rows), header


MISSING = {"coverage": ", so there is no coverage chart (it needs the columns period, group, articles, share: "
                        "articles per week by outlet type)"}
FINDINGS = [("coverage", "Coverage over time", _coverage_body), ("corpus", "The corpus", _corpus_body),
            ("countries", "Countries, their stance and frames", _country_body),
            ("events", f"Key dated events (the {KEY_EVENTS} most reported)", _event_body),
            ("terms", f"Top {TOP_TERMS} terms", _term_body)]


def headlines_html(headlines: pd.DataFrame) -> str:
    """The headline sentences (`findings.headlines_table`), English then Vietnamese, each with the number of
    articles behind it and a link to its section."""
    if headlines.empty:
        return "<p class='missing'>No headline: the run saved none of the tables they are written from.</p>"
    items = "".join(f"<li><p>{escape(r.english)} <span class='behind'>({r.articles:,} article"
                    f"{'s' if r.articles != 1 else ''}; <a href='#findings-{escape(r.section)}'>see the section</a>)"
                    f"</span></p><p class='vi' lang='vi'>{escape(r.vietnamese)}</p></li>"
                    for r in headlines.itertuples())
    return f"<ol class='headlines' id='headlines'>{items}</ol>"


def _section(run_dir: Path, key: str, title: str, body_of) -> tuple[str, list[str]]:
    notebook, table = SOURCES[key]
    df, problem = load_saved(run_dir, key)
    anchor = section_anchor(run_dir / f"{notebook}.ipynb", table)
    link = (f"<a href='{escape(notebook)}.html{'#' + escape(anchor) if anchor else ''}'>{escape(notebook)}</a>"
            if (run_dir / f"{notebook}.html").is_file() else escape(notebook))  # no link to a report not here
    used: list[str] = []
    if problem:
        body = f"<p class='missing'>{escape(problem)}</p>"
    elif df is None:
        body = (f"<p class='missing'>Not available: {escape(notebook)} saved no table {escape(table)}.csv in this "
                f"run{escape(MISSING.get(key, ''))}.</p>")
    elif df.empty:
        body = f"<p class='missing'>None found ({escape(table)}.csv is empty).</p>"
    else:
        body, used = body_of(df)
    csv = quote(f"{notebook}/tables/{table}.csv")
    return (f"<section id='findings-{key}'><h3>{escape(title)}</h3><p class='source'>From {link}, table "
            f"<code>{escape(table)}.csv</code>{f' (<a href={chr(39)}{csv}{chr(39)}>CSV</a>)' if df is not None else ''}"
            f".</p>{body}</section>", used)


def findings_html(run_dir: Path) -> str:
    """The findings page: headline sentences, then one section per table the notebooks saved (charts drawn from
    them), each linking to its report section."""
    parts, used = [], []
    for key, title, body_of in FINDINGS:
        part, columns = _section(Path(run_dir), key, title, body_of)
        parts.append(part)
        used += columns
    columns = "".join(f"<dt>{escape(c)}</dt><dd>{escape(labels()['columns'][c])}</dd>"
                      for c in labels()["columns"] if c in used)
    return ("<h2 id='findings'>Findings</h2>" + headlines_html(headlines_table(Path(run_dir))) + "".join(parts)
            + (f"<h3>Columns</h3><dl>{columns}</dl>" if columns else ""))


def glossary_html() -> str:
    """The English glossary of the Vietnamese terms the reports' method notes use (data/glossary.csv)."""
    df = pd.read_csv(data_path("glossary.csv"), keep_default_na=False)
    rows = [[f"<span lang='vi'>{escape(r.vietnamese)}</span>", escape(r.english), escape(r.where)]
            for r in df.itertuples()]
    return "<h2 id='glossary'>Glossary</h2>" + _html_table(["Vietnamese", "English", "notebooks"], rows)


def citation() -> dict:
    """The project's CITATION.cff (CFF 1.2.0), parsed; {} when the project folder has none."""
    path = project_root() / CITATION
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}


def cite_html(cff: dict, manifest: dict) -> str:
    """The "how to cite" box: the software (CITATION.cff) and this run (its time and git commit)."""
    if not cff:
        return "<div class='cite' id='cite'><h2>How to cite</h2><p>No CITATION.cff in the project folder.</p></div>"
    authors = ", ".join(a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}".strip(", ")
                        for a in cff.get("authors", []))
    year = str(cff.get("date-released", ""))[:4]
    text = (f"{authors} ({year or 'n.d.'}). {cff.get('title', '')} (version {cff.get('version', '')}) [computer "
            f"software]. {cff.get('repository-code') or cff.get('url', '')}")
    run = f"Reports of run {manifest['created_utc']} (git commit {manifest['git_commit'] or 'unknown'})."
    return (f"<div class='cite' id='cite'><h2>How to cite</h2><p>{escape(text)}</p><p>{escape(run)}</p>"
            f"<p class='note'>From the project's {CITATION} (Citation File Format 1.2.0).</p></div>")


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


def _files_html(manifest: dict, run_dir: Path) -> str:
    """The run's workbook and, per notebook, links to each CSV and PNG it saved."""
    book = manifest.get("workbook") or {}
    line = (f"<p>Every table of the run, one sheet each: <a href='{WORKBOOK}'>{WORKBOOK}</a> "
            f"({book.get('sheets', 0)} sheets).</p>" if book.get("file") else
            f"<p class='missing'>No workbook: {escape(book.get('error') or 'not written')}.</p>")
    parts = []
    for nb in manifest["notebooks"]:
        files = saved_files(run_dir, nb["notebook"])
        links = "".join(f"<li><a href='{escape(quote(f))}'>{escape(Path(f).name)}</a></li>" for f in files)
        parts.append(f"<details><summary>{escape(nb['notebook'])}: {len(files)} files</summary><ul>{links}</ul>"
                     "</details>")
    return "<h2 id='files'>Tables and figures</h2>" + line + "".join(parts)


STYLE = """body{font-family:sans-serif;max-width:70em;margin:2em auto;}table{border-collapse:collapse;margin:.5em 0;}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top;}tr.failed td{background:#fdd;}
.vi{color:#555;}.source,.note,.behind{font-size:90%;color:#555;}.missing{color:#a00;}dt{font-weight:bold;}
ol.headlines li{margin-bottom:.6em;}ol.headlines p{margin:.1em 0;}img.chart{max-width:100%;}
.caution{border-left:4px solid #f08c00;padding:.2em 1em;background:#fff8eb;}
.cite{border:1px solid #999;padding:.2em 1em;background:#f6f6f6;}"""


def index_html(manifest: dict, run_dir: Path) -> str:
    """The run's index.html: findings first, then the files, run facts, input problems, the notebooks, how to
    cite and the glossary."""
    problems = "".join(f"<li>{escape(p['level'])}: {escape(p['file'])}: {escape(p['problem'])}</li>"
                       for p in manifest["input_problems"]) or "<li>none</li>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>vnpress reports {escape(manifest['created_utc'])}</title>
<style>{STYLE}</style></head>
<body><h1>vnpress reports</h1>
{findings_html(run_dir)}
{_files_html(manifest, run_dir)}
<h2>Run</h2>
{_run_facts(manifest)}
<h2>Input problems</h2>
<ul>{problems}</ul>
<h2>Notebooks</h2>
<table><tr><th>report</th><th>status</th><th>duration</th><th>note</th></tr>{_notebook_rows(manifest)}</table>
<p>Details: <a href="manifest.json">manifest.json</a> (parameters, corpus file hashes, package versions);
kernel and library messages: <a href="logs/">logs/</a>.</p>
{cite_html(citation(), manifest)}
{glossary_html()}
</body></html>
"""
