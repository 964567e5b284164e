"""One .xlsx workbook per run with every table the notebooks saved, one sheet each (openpyxl, write-only).

Sheet names are `<notebook number> <table>` (`03 stance_by_country`), at most 31 characters and unique; a first
sheet `contents` lists each sheet with its notebook, table, CSV and row count. Cells are formula-safe as in the CSV
files (`csvio.safe_cells`); numeric columns are numbers. Excel's limits are kept: rows past 1,048,576 and
characters past 32,767 in a cell are cut, and the contents sheet says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from vnpress.util.atomic import replacing
from vnpress.util.csvio import read_file, safe_cells, unquote_cell

MAX_ROWS = 1_048_575  # Excel's row limit, less the header
MAX_CHARS = 32_767  # Excel's limit of characters in a cell
MAX_NAME = 31  # Excel's limit of characters in a sheet name
CONTENTS_COLUMNS = ["sheet", "notebook", "table", "csv", "rows", "note"]


def saved_tables(run_dir: Path) -> list[Path]:
    """The CSV tables the notebooks of a run saved (`<notebook>/tables/*.csv`), in notebook then name order."""
    return sorted(Path(run_dir).glob("[0-9][0-9]-*/tables/*.csv"))


def sheet_names(tables: list[Path]) -> list[str]:
    """A unique sheet name of at most 31 characters per table: the notebook's number and the table's name."""
    names: list[str] = []
    taken = {"contents"}
    for path in tables:
        base = re.sub(r"[\[\]:*?/\\]", "_", f"{path.parent.parent.name[:2]} {path.stem}")[:MAX_NAME]
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base[:MAX_NAME - len(str(n)) - 1]}~{n}"
        taken.add(name.lower())
        names.append(name)
    return names


def _cell_text(value: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text[:MAX_CHARS]


def _numeric(values: pd.Series) -> list | None:
    """The column as numbers (None for empty cells) when every non-empty cell is one and none has a leading zero
    (an identifier such as 007); else None."""
    filled = values[values != ""]
    if filled.empty or filled.str.match(r"[+-]?0\d").any():
        return None
    numbers = pd.to_numeric(filled, errors="coerce")
    if numbers.isna().any():
        return None
    whole = bool((numbers % 1 == 0).all())
    return [None if v == "" else (int(float(v)) if whole else float(v)) for v in values]


def read_table(path: Path) -> pd.DataFrame:
    """A saved CSV with its original values (formula guard off); numeric columns (`_numeric`) as numbers."""
    header, rows, _ = read_file(path)
    df = pd.DataFrame([[unquote_cell(row[h]) for h in header] for _, row in rows],
                      columns=[unquote_cell(h) for h in header], dtype=object)
    for i, column in enumerate(df.columns):
        numbers = _numeric(df.iloc[:, i].astype(str))
        if numbers is not None:
            df.isetitem(i, pd.Series(numbers, index=df.index, dtype=object))
    return df


def _sheet_rows(df: pd.DataFrame) -> tuple[list[list], str]:
    """The rows of a sheet (header first, cells formula-safe and within Excel's limits) and a note on any cut."""
    safe = safe_cells(df)
    cut = [] if len(safe) <= MAX_ROWS else [f"first {MAX_ROWS:,} of {len(safe):,} rows (Excel's limit)"]
    long = 0
    rows = [[_cell_text(str(c)) for c in safe.columns]]
    for record in safe.head(MAX_ROWS).itertuples(index=False):
        cells = [_cell_text(v) if isinstance(v, str) else v for v in record]
        long += sum(isinstance(v, str) and len(v) > MAX_CHARS for v in record)
        rows.append(cells)
    cut += [f"{long} cell(s) cut at {MAX_CHARS:,} characters"] if long else []
    return rows, "; ".join(cut)


def write_workbook(run_dir: Path, target: Path) -> pd.DataFrame:
    """Write every saved table of the run into `target` (.xlsx, whole or not at all) and return its contents:
    columns sheet, notebook, table, csv (relative to the run folder), rows, note."""
    tables = saved_tables(run_dir)
    book = Workbook(write_only=True)
    contents_sheet = book.create_sheet("contents")
    contents = []
    for path, name in zip(tables, sheet_names(tables)):
        df = read_table(path)
        rows, note = _sheet_rows(df)
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        contents.append([name, path.parent.parent.name, path.stem, path.relative_to(run_dir).as_posix(), len(df),
                         note])
    table = pd.DataFrame(contents, columns=CONTENTS_COLUMNS)
    for row in [CONTENTS_COLUMNS, *table.values.tolist()]:
        contents_sheet.append(row)
    target = Path(target)
    with replacing(target) as tmp:
        book.save(tmp)
    return table
