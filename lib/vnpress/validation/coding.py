"""Validating the machine: coding sheets, human codes, overrides and agreement.

The loop: `coding_sheet` draws a reproducible sample of (article, actor) rows
with the machine's label and evidence; researchers fill its `stance` and
`frames` columns and save the sheet as `<corpus>/codes/<coder or batch>.csv`;
`read_codes` reads and validates every such file; `apply_codes` lets coded
rows override the machine; `agreement`, `confusion` and `disagreements`
measure and show where the rules and the coders differ.

Codes files: CSV in UTF-8 (with or without BOM), comma-, semicolon- or
tab-separated, with the columns CODE_FILE_COLUMNS (others, such as the
sheet's, are ignored), read with `csvio` (a stray quote costs at most its own
line, reported with file and line; a cell the sheet protected from spreadsheet
formulas with a leading `'` is read back as it was). A row whose `stance` is
empty is not coded yet and is skipped silently. `frames`: ';'-separated frame
names, `none` for "no frame"; empty means frames were not coded (the machine's
frames stay). `coder` empty:
the file name (without .csv) is the coder. An optional `statement_id` column
marks statement-level codes (from `--by statement` sheets, see
`statement_units`); only article-level codes (no statement_id) override labels
and enter agreement.

Corrections: codes files are read in the natural order of their names
(`ana.csv`, `ana-2.csv`, `ana-10.csv`; numbers compare as numbers), never by
modification time, so the same files give the same tables on every copy. When a
later file codes the same (coder, article, actor, statement) again, its row
supersedes the earlier one everywhere (overrides, consensus, agreement), and a
warning names both files.

Two coders who give one (article, actor) different stances make it
`disputed`: it keeps the machine's label, with `source = disputed`, and
`coded` shows every coder's label, until a coder's file is corrected.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Iterable

import krippendorff
import numpy as np
import pandas as pd

from vnpress.analyses.countries import gazetteer
from vnpress.analyses.cues import lexicon
from vnpress.analyses.stance import (
    FRAMES,
    aggregate_by_group,
    scored_statements,
    stance_by_country,
    stance_by_organization,
    with_group,
)
from vnpress.analyses.stance import (
    label as stance_label,
)
from vnpress.corpus.reader import PROBLEM_COLUMNS, SUFFIXES
from vnpress.util import csvio

STANCES = ["support", "conditional", "oppose", "neutral"]
SOURCES = ["machine", "coded", "disputed"]
KEY = ["article_id", "iso"]
SHEET_COLUMNS = ["article_id", "iso", "name", "actor_type", "machine_stance", "machine_frames", "confidence",
                 "evidence", "stance", "frames", "coder", "note"]
CODE_FILE_COLUMNS = ["article_id", "iso", "stance", "frames", "coder", "note"]
CODE_COLUMNS = ["file", "line", "coder", "article_id", "iso", "statement_id", "stance", "frames", "note"]
CODE_KEY = ["coder", "article_id", "iso", "statement_id"]  # one label per key; a later file's row supersedes
CODER_COLUMNS = ["stance", "frames", "coder", "note"]  # the sheet's columns a coder fills
APPLIED_EXTRA = ["source", "machine_stance", "machine_frames", "coded"]
AGREEMENT_COLUMNS = ["measure", "value", "n"]
CONFUSION_COLUMNS = ["machine", "human", "n"]
DISAGREEMENT_COLUMNS = ["article_id", "iso", "name", "kind", "machine_stance", "coded", "machine_frames",
                        "coded_frames", "cues", "evidence", "note"]


# ---- actors ---------------------------------------------------------------------------------------------

def with_actor_type(by_article: pd.DataFrame) -> pd.DataFrame:
    """`by_article` with an `actor_type` column (country|organization); when missing, rows whose iso starts
    with `org:` are organizations, others countries."""
    if "actor_type" in by_article.columns:
        return by_article
    kind = np.where(by_article["iso"].astype(str).str.startswith("org:"), "organization", "country")
    return by_article.assign(actor_type=kind)


def _names() -> dict[str, str]:
    gaz = gazetteer()
    return dict(zip(gaz["iso"], gaz["name"]))


def _frame_names() -> list[str]:
    lex = lexicon()
    return list(dict.fromkeys(FRAMES + lex.loc[lex["kind"] == "frame", "label"].tolist()))


# ---- coding sheet ---------------------------------------------------------------------------------------

def _covering_sample(rows: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """`n` rows in a seeded random order, first one row for each not yet covered stance label and actor type."""
    shuffled = rows.sample(frac=1, random_state=seed)
    seen: set[tuple[str, str]] = set()
    first, rest = [], []
    for idx, label, kind in zip(shuffled.index, shuffled["machine_stance"], shuffled["actor_type"]):
        new = {("stance", label), ("type", kind)} - seen
        (first if new else rest).append(idx)
        seen |= new
    return shuffled.loc[(first + rest)[:n]]


ORDERS = ("uncertain", "stratified", "random")


def coding_sheet(units: pd.DataFrame, n: int | None = None, seed: int = 0, order: str = "stratified") -> pd.DataFrame:
    """A coding sheet: SHEET_COLUMNS (plus `statement_id` after iso when `units` has one).

    `units`: `stance_by_article` output (or statement rows with article_id, iso, name, stance, frames,
    confidence, evidence). `n`: sample size (None: every row). `order` (ORDERS): `uncertain` puts the least
    certain rows first (the learned decision's calibrated confidence, lowest first; ties by article and actor)
    and draws the first `n`, so coding them teaches the machine most (`vnpress learn`); `stratified` draws a
    sample reproducible for a `seed` that contains every machine stance label and actor type when `n` is at least
    their number; `random` a seeded random sample. Sorted by article except for `uncertain`. The coder's columns
    (stance, frames, coder, note) are empty.
    """
    if n is not None and n < 1:
        raise ValueError(f"sample size must be at least 1, got {n}")
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, got {order!r}")
    rows = with_actor_type(units).rename(columns={"stance": "machine_stance", "frames": "machine_frames"})
    columns = SHEET_COLUMNS[:2] + (["statement_id"] if "statement_id" in rows else []) + SHEET_COLUMNS[2:]
    key = [c for c in columns[:3] if c != "name"]
    if order == "uncertain":
        rows = rows.assign(_c=pd.to_numeric(rows["confidence"], errors="coerce").fillna(0.0))
        rows = rows.sort_values(["_c", *key], kind="stable").head(n if n is not None else len(rows))
        return rows.assign(stance="", frames="", coder="", note="").reindex(columns=columns).reset_index(drop=True)
    if n is not None and n < len(rows):
        rows = _covering_sample(rows, n, seed) if order == "stratified" else \
            rows.sample(frac=1, random_state=seed).head(n)
    sheet = rows.assign(stance="", frames="", coder="", note="").reindex(columns=columns)
    return sheet.sort_values(key, ignore_index=True)


def statement_units(statements: pd.DataFrame) -> pd.DataFrame:
    """One coding unit per statement or act with an actor (`vnpress.analyses.statements` rows), for `coding_sheet`.

    Columns: article_id, iso, statement_id ('<sentence_id>:<start>-<end>' of the statement in its article, '.2'
    and on appended if one span repeats), name (the affiliation), stance (the row's own label), frames (its
    frames, most hits first), confidence (none: it is a property of an article's rows together), evidence (the
    sentence).
    """
    scored = scored_statements(statements)
    span = scored["start"].astype(str) + "-" + scored["end"].astype(str)
    ids = scored["sentence_id"].astype(str) + ":" + span
    repeat = ids.groupby([scored["article_id"], scored["iso"], ids]).cumcount()
    ids = ids.where(repeat == 0, ids + "." + (repeat + 1).astype(str))
    frames = [";".join(sorted(hits, key=lambda f: -len(hits[f]))) for hits in scored["frame_hits"]]
    return pd.DataFrame({"article_id": scored["article_id"], "iso": scored["iso"], "statement_id": ids,
                         "name": scored["affiliation"], "stance": [stance_label([p]) for p in scored["stance_polarity"]],
                         "frames": frames, "confidence": np.nan, "evidence": scored["sentence"]})


def write_sheet(sheet: pd.DataFrame, path: str | Path) -> Path:
    """Write a coding sheet with `csvio.write_csv`: UTF-8 with BOM (spreadsheet programs then read Vietnamese
    correctly), formula-safe cells, the whole file or, if the write fails, the old one untouched."""
    path = Path(path)
    csvio.write_csv(sheet, path)
    return path


def overwrite_refusal(path: str | Path) -> str:
    """Why writing a sheet to `path` would lose a coder's work ('' when it would not): the file has a filled
    coder cell (CODER_COLUMNS), or cannot be read to tell."""
    path = Path(path)
    if not path.exists():
        return ""
    try:
        _, rows, _ = csvio.read_file(path, _delimiter(path))
    except (ValueError, OSError) as e:
        return f"exists and cannot be read as a coding sheet ({e}); not overwritten (use --force to replace it)"
    if any((row.get(c) or "").strip() for _, row in rows for c in CODER_COLUMNS):
        return ("has coded cells (stance, frames, coder or note); not overwritten (use --force to replace it, "
                "or choose another --out)")
    return ""


# ---- reading codes --------------------------------------------------------------------------------------

def _delimiter(path: Path) -> str:
    """The delimiter of a sheet or codes file: the first of comma, semicolon, tab in its header line."""
    with path.open("rb") as fh:
        header = fh.readline().decode("utf-8", errors="replace")
    return next((d for d in ",;\t" if d in header), ",")


def _read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list]:
    """(line number, row with cells as written before `csvio` protected them) of one codes file, and the
    warnings of its lines (file:line); raises ValueError with a one-line reason if the file cannot be used."""
    try:
        header, rows, problems = csvio.read_file(path, _delimiter(path))
    except ValueError as e:
        raise ValueError(f"{e}; save the sheet as 'CSV UTF-8'") from None
    missing = [c for c in CODE_FILE_COLUMNS if c not in header]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)} (want {','.join(CODE_FILE_COLUMNS)})")
    return [(line, {k: csvio.unquote_cell(v) for k, v in row.items()}) for line, row in rows], problems


def _parse_frames(cell: str, known: list[str]) -> tuple[str | None, list[str]]:
    """Coded frames as a ';'-joined string (None: not coded, '': none), and the unknown frame names."""
    cell = cell.strip()
    if not cell:
        return None, []
    if cell.lower() == "none":
        return "", []
    frames = list(dict.fromkeys(f.strip() for f in re.split(r"[;,]", cell) if f.strip()))
    return ";".join(frames), [f for f in frames if f not in known]


def _check_row(row: dict[str, str], articles: set[str], actors: set[str], frames: list[str]) -> tuple[dict, str]:
    """A clean code row and '' if valid, else ({}, the reason)."""
    get = {k: (row.get(k) or "").strip() for k in CODE_COLUMNS}
    stance = get["stance"].lower()
    coded_frames, unknown = _parse_frames(row.get("frames") or "", frames)
    if get["article_id"] not in articles:
        return {}, f"unknown article '{get['article_id']}' (no such file in the corpus)"
    if get["iso"] not in actors:
        return {}, f"unknown actor '{get['iso']}' (not a country code of the gazetteer nor an actor found)"
    if stance not in STANCES:
        return {}, f"unknown stance '{get['stance']}' (want {'|'.join(STANCES)})"
    if unknown:
        return {}, f"unknown frame(s) {', '.join(unknown)} (want ';'-separated {'|'.join(frames)} or 'none')"
    return {**get, "stance": stance, "frames": coded_frames}, ""


def _read_file(path: Path, articles: set[str], actors: set[str], frames: list[str]) -> tuple[list[dict], list]:
    """Valid code rows of one file, and its problems (file, level, problem)."""
    try:
        rows, problems = _read_rows(path)
    except (ValueError, OSError) as e:
        return [], [(str(path), "error", f"{e}; file ignored")]
    out, seen = [], set()
    for line, row in rows:
        if not (row.get("stance") or "").strip():
            continue  # not coded yet
        clean, reason = _check_row(row, articles, actors, frames)
        where = f"{path}:{line}"
        if reason:
            problems.append((where, "error", f"{reason}; row skipped"))
            continue
        clean.update(file=str(path), line=line, coder=clean["coder"] or path.stem)
        key = (clean["coder"], clean["article_id"], clean["iso"], clean["statement_id"])
        if key in seen:
            problems.append((where, "error", f"coder '{clean['coder']}' already coded {clean['article_id']} "
                                             f"{clean['iso']} in this file; first row kept"))
            continue
        seen.add(key)
        out.append(clean)
    return out, problems


def _name_order(path: Path) -> tuple:
    """Sort key of codes files: the natural order of their names (ana, ana-2, ana-10), then the exact name."""
    parts = re.split(r"(\d+)", path.stem.casefold())
    return [int(p) if i % 2 else p for i, p in enumerate(parts)], path.name


def latest(codes: pd.DataFrame) -> pd.DataFrame:
    """`codes` (in reading order) with one row per CODE_KEY: the last one, which supersedes the others."""
    return codes[~codes.fillna({"statement_id": ""}).duplicated(CODE_KEY, keep="last")]


def _superseded(codes: pd.DataFrame) -> list[tuple[str, str, str]]:
    """One warning per (later file, earlier file) whose rows give one CODE_KEY another stance or frames."""
    keyed = codes.fillna({"statement_id": ""})
    old = keyed[keyed.duplicated(CODE_KEY, keep="last")]
    pairs = old.merge(latest(keyed), on=CODE_KEY, suffixes=("_old", ""))
    frames_old, frames = pairs["frames_old"].fillna("-"), pairs["frames"].fillna("-")  # None: frames not coded
    changed = pairs[(pairs["stance_old"] != pairs["stance"]) | (frames_old != frames)]
    counts = changed.groupby(["file", "file_old"], sort=False).size()
    return [(later, "warning", f"supersedes {n} label(s) of {earlier} (same coder, article and actor; codes files "
                               "are read in name order, the later one wins)") for (later, earlier), n in counts.items()]


def coded_stance(wb, folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The machine's stance rows of `wb` (the `stance` layer), the codes of `folder/codes/` on its articles (a
    workbook counting each story once keeps the codes of the articles it counts) and the codes' problems: what
    the stance tables, the agreement table and notebook 03 all start from."""
    machine = wb.analysis("stance")
    codes, problems = read_codes(folder, machine["iso"])
    return machine, codes[codes["article_id"].isin(wb.articles["article_id"])].reset_index(drop=True), problems


def read_codes(folder: str | Path, actors: Iterable[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every `folder/codes/*.csv`: (codes with CODE_COLUMNS, problems with PROBLEM_COLUMNS).

    `folder` is the corpus folder: an article must be one of its .txt/.md files; an actor must be a
    gazetteer country code or one of `actors` (e.g. the iso values the machine found, organizations
    included). Each bad row or file is one problem naming the file and line; valid rows still count.
    Files are read in name order (`_name_order`); a coder's row in a later file supersedes the same coder's
    row (article, actor, statement) in an earlier one, with a warning when the label changes.
    """
    folder = Path(folder)
    articles = {p.stem for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES}
    known_actors = set(gazetteer()["iso"]) | set(actors)
    frames = _frame_names()
    rows, problems = [], []
    codes_dir = folder / "codes"
    files = sorted((p for p in codes_dir.iterdir() if p.is_file()), key=_name_order) if codes_dir.is_dir() else []
    for path in files:
        if path.name.startswith((".", "~$")):
            continue  # editor lock and hidden files
        if path.suffix.lower() != ".csv":
            problems.append((str(path), "error", "not a .csv file (save the sheet as 'CSV UTF-8'); file ignored"))
            continue
        found, bad = _read_file(path, articles, known_actors, frames)
        rows += found
        problems += bad
    codes = pd.DataFrame(rows, columns=CODE_COLUMNS).astype({"line": "int64"})
    problems += _superseded(codes)
    return latest(codes).reset_index(drop=True), pd.DataFrame(problems, columns=PROBLEM_COLUMNS)


# ---- consensus and overrides ----------------------------------------------------------------------------

def _majority_frames(frames: pd.Series) -> str | None:
    """Frames named by at least half of the coders who coded frames, most named first; None if none did."""
    coded = [f.split(";") if f else [] for f in frames.dropna()]
    if not coded:
        return None
    counts = pd.Series([f for fs in coded for f in fs], dtype="object").value_counts()
    order = _frame_names()
    keep = [f for f in counts.index if counts[f] * 2 >= len(coded)]
    return ";".join(sorted(keep, key=lambda f: (-counts[f], order.index(f) if f in order else 99)))


def consensus(codes: pd.DataFrame) -> pd.DataFrame:
    """One row per coded (article, actor), article-level codes only.

    Columns: article_id, iso, stance (the coders' label; NA when disputed), frames (see `_majority_frames`;
    NA when not coded), disputed (coders gave different stances), coded ('coder:label;...'), coders (how
    many), note (the coders' notes, ' | ').
    """
    rows = []
    article_level = latest(codes[codes["statement_id"].fillna("") == ""])
    for (article_id, iso), grp in article_level.sort_values("coder", kind="stable").groupby(KEY, sort=True):
        disputed = grp["stance"].nunique() > 1
        coded = ";".join(f"{c}:{s}" for c, s in zip(grp["coder"], grp["stance"]))
        notes = " | ".join(n for n in grp["note"] if n)
        rows.append((article_id, iso, None if disputed else grp["stance"].iloc[0], _majority_frames(grp["frames"]),
                     disputed, coded, grp["coder"].nunique(), notes))
    out = pd.DataFrame(rows, columns=KEY + ["stance", "frames", "disputed", "coded", "coders", "note"])
    return out.astype({"disputed": bool, "coders": "int64"})


def _missing_rows(by_article: pd.DataFrame, cons: pd.DataFrame) -> pd.DataFrame:
    """Rows for actors the coders found and the machine did not: machine columns empty."""
    extra = cons[KEY].merge(by_article[KEY], on=KEY, how="left", indicator=True).query("_merge == 'left_only'")
    names = _names()
    rows = pd.DataFrame({"article_id": extra["article_id"], "iso": extra["iso"],
                         "name": [names.get(i, i) for i in extra["iso"]], "stance": None, "frames": "",
                         "cues": "", "evidence": "", "sentences": 0, "confidence": np.nan,
                         "support": 0.0, "conditional": 0.0, "oppose": 0.0})
    return with_actor_type(rows).reindex(columns=by_article.columns)


def apply_codes(by_article: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """`by_article` with coded labels overriding the machine's: its columns (plus actor_type) + APPLIED_EXTRA.

    source: machine (no code), coded (the coders agree: their stance, and their frames if they coded
    frames) or disputed (coders disagree: the machine's label stays). machine_stance, machine_frames: the
    machine's labels (empty for actors only the coders found, which are added). coded: 'coder:label;...'.
    Confidence, cues and evidence stay the machine's; `stance.stance_by_country` aggregates the labels, so
    the coded ones carry into it.
    """
    base = with_actor_type(by_article)
    cons = consensus(codes)
    out = pd.concat([base, _missing_rows(base, cons)], ignore_index=True)
    out = out.assign(machine_stance=out["stance"], machine_frames=out["frames"])
    merged = out[KEY].merge(cons, on=KEY, how="left")
    coded = merged["coders"].notna() & ~merged["disputed"].fillna(False).astype(bool)
    out["source"] = np.select([coded, merged["disputed"].fillna(False).astype(bool)], ["coded", "disputed"],
                              "machine")
    out.loc[coded, "stance"] = merged.loc[coded, "stance"]
    own_frames = coded & merged["frames"].notna()
    out.loc[own_frames, "frames"] = merged.loc[own_frames, "frames"]
    out["coded"] = merged["coded"].fillna("")
    return out[list(base.columns) + APPLIED_EXTRA]


def sources_by_country(applied: pd.DataFrame, keys: tuple[str, ...] = ("iso",)) -> pd.DataFrame:
    """keys (default iso), sources: how many of each actor's article rows are machine, coded or disputed
    ('coded:2;machine:1'); keys=("group", "iso") counts them within each group (`stance.with_group`)."""
    counts = applied.groupby(list(keys))["source"].value_counts().unstack(fill_value=0)
    text = counts.apply(lambda r: ";".join(f"{s}:{r[s]}" for s in SOURCES if s in r and r[s]), axis=1)
    return text.rename("sources").reset_index()


def aggregate(applied: pd.DataFrame, by: str = "country", group: str | None = None,
              articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Stance over articles of the coded table (`apply_codes`), per country or per organization:
    `stance.BY_COUNTRY_COLUMNS` + sources (see `sources_by_country`). With `group` (outlet_type or outlet) and
    the workbook's `articles`: the same within each group of articles, with a first column `group`
    (`stance.aggregate_by_group`)."""
    actor_type = "organization" if by == "organization" else "country"
    if group:
        if articles is None:
            raise ValueError(f"aggregate by {group}: pass the workbook's articles table (wb.articles)")
        grouped = aggregate_by_group(applied, articles, group, actor_type)
        sources = sources_by_country(with_group(applied, articles, group), ("group", "iso"))
        return grouped.merge(sources, on=["group", "iso"], how="left")
    grouped = (stance_by_organization if by == "organization" else stance_by_country)(applied)
    return grouped.merge(sources_by_country(applied), on="iso", how="left")


# ---- agreement ------------------------------------------------------------------------------------------

def cohen_kappa(a: Iterable[str], b: Iterable[str]) -> float:
    """Cohen's kappa of two label sequences: (p_o − p_e) / (1 − p_e); NaN when undefined (p_e = 1 or empty)."""
    a, b = list(a), list(b)
    n = len(a)
    if n == 0:
        return float("nan")
    p_o = sum(x == y for x, y in zip(a, b)) / n
    p_e = sum(a.count(c) * b.count(c) for c in set(a) | set(b)) / n ** 2
    return float("nan") if p_e == 1 else (p_o - p_e) / (1 - p_e)


def krippendorff_alpha(codes: pd.DataFrame) -> tuple[float, int]:
    """Krippendorff's alpha (nominal) over the coders' stances, and the number of units coded at least twice."""
    if codes.empty:
        return float("nan"), 0
    table = codes.pivot_table(index="coder", columns=KEY, values="stance", aggfunc="first")
    table = table.loc[:, table.notna().sum() >= 2]
    if table.shape[1] == 0:
        return float("nan"), 0
    values = table.apply(lambda col: col.map(lambda s: STANCES.index(s) if isinstance(s, str) else np.nan))
    try:
        alpha = krippendorff.alpha(reliability_data=values.to_numpy(dtype=float), level_of_measurement="nominal")
    except ValueError:  # a single label in all the data: alpha is undefined
        alpha = float("nan")
    return float(alpha), table.shape[1]


def _pairs(by_article: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Machine and consensus labels of the rows both have (disputed rows left out)."""
    cons = consensus(codes)
    cons = cons[~cons["disputed"]]
    return by_article[KEY + ["stance", "frames"]].merge(cons, on=KEY, suffixes=("_machine", "_human"))


def _frame_scores(pairs: pd.DataFrame) -> list[tuple[str, float, int]]:
    coded = pairs[pairs["frames_human"].notna()]
    triples = {c: {(a, i, f) for a, i, fs in zip(coded["article_id"], coded["iso"], coded[f"frames_{c}"].fillna(""))
                   for f in filter(None, str(fs).split(";"))} for c in ("machine", "human")}
    tp = len(triples["machine"] & triples["human"])
    p = tp / len(triples["machine"]) if triples["machine"] else float("nan")
    r = tp / len(triples["human"]) if triples["human"] else float("nan")
    f1 = 2 * p * r / (p + r) if p + r else float("nan")
    return [("frames precision (machine vs coded)", p, len(triples["machine"])),
            ("frames recall (machine vs coded)", r, len(triples["human"])),
            ("frames F1 (machine vs coded)", f1, len(coded))]


def _machine_scores(pairs: pd.DataFrame) -> list[tuple[str, float, int]]:
    m, h = pairs["stance_machine"].tolist(), pairs["stance_human"].tolist()
    n = len(pairs)
    rows = [("accuracy (machine vs coded)", sum(x == y for x, y in zip(m, h)) / n if n else float("nan"), n),
            ("kappa (machine vs coded)", cohen_kappa(m, h), n)]
    for label in STANCES:
        hit = sum(x == y == label for x, y in zip(m, h))
        predicted, actual = m.count(label), h.count(label)
        rows += [(f"precision {label}", hit / predicted if predicted else float("nan"), predicted),
                 (f"recall {label}", hit / actual if actual else float("nan"), actual)]
    return rows


def _coder_scores(codes: pd.DataFrame) -> list[tuple[str, float, int]]:
    alpha, units = krippendorff_alpha(codes)
    rows = [("alpha (Krippendorff, nominal, between coders)", alpha, units)]
    labels = codes.set_index(["coder"] + KEY)["stance"]
    for a, b in itertools.combinations(sorted(codes["coder"].unique()), 2):
        shared = labels.loc[a].index.intersection(labels.loc[b].index)
        if len(shared):
            rows.append((f"kappa {a} vs {b}", cohen_kappa(labels.loc[a][shared], labels.loc[b][shared]), len(shared)))
    return rows


def agreement(by_article: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Agreement figures: AGREEMENT_COLUMNS (measure, value rounded to 3 decimals, n = rows behind it).

    Machine vs coded on the coded rows the machine also has, disputed rows left out: accuracy, Cohen's
    kappa, precision and recall per stance label (NaN when no row has the label), frames precision,
    recall and F1 over (article, actor, frame) on rows with coded frames. Between coders (article-level
    codes, rows coded by at least two): Krippendorff's alpha (nominal) and Cohen's kappa per pair.
    """
    article_level = latest(codes[codes["statement_id"].fillna("") == ""])
    cons = consensus(article_level)
    found = set(zip(by_article["article_id"], by_article["iso"]))
    pairs = _pairs(by_article, article_level)
    rows = [("coded rows", len(cons), len(article_level)),
            ("coders", article_level["coder"].nunique(), len(article_level)),
            ("disputed rows", int(cons["disputed"].sum()), len(cons)),
            ("coded actors the machine did not find", sum(k not in found for k in zip(cons["article_id"], cons["iso"])),
             len(cons))]
    rows += _machine_scores(pairs) + _frame_scores(pairs) + _coder_scores(article_level)
    out = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    out["value"] = out["value"].astype(float).round(3)
    return out


def confusion(by_article: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Machine × coded stance counts, every label pair: CONFUSION_COLUMNS (machine, human, n)."""
    pairs = _pairs(by_article, codes)
    counts = pairs.groupby(["stance_machine", "stance_human"]).size()
    grid = pd.MultiIndex.from_product([STANCES, STANCES], names=["machine", "human"])
    return counts.reindex(grid, fill_value=0).rename("n").reset_index()


def disagreements(by_article: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Rows where the coders overrule the machine or disagree among themselves: DISAGREEMENT_COLUMNS.

    kind: machine_vs_coded (the coders agree, the machine differs in stance), coders (disputed), or
    missed_actor (coded, not found by the machine); with the machine's cues and evidence, to read
    before editing the cue files.
    """
    applied = apply_codes(by_article, codes)
    cons = consensus(codes)[KEY + ["frames", "note"]].rename(columns={"frames": "coded_frames"})
    rows = applied.merge(cons, on=KEY, how="inner")
    kind = np.select([rows["source"] == "disputed", rows["machine_stance"].isna(),
                      rows["stance"].fillna("") != rows["machine_stance"].fillna("")], ["coders", "missed_actor", "machine_vs_coded"], "")
    rows = rows.assign(kind=kind)
    return rows[rows["kind"] != ""].reindex(columns=DISAGREEMENT_COLUMNS).reset_index(drop=True)
