"""CSV in and out, one way for the whole workbook.

Reading (`read_rows`): one record at a time, so that a stray `"` cannot swallow the rest of a file. A record whose
quotes do not balance (strict quoting fails, or it runs over several lines into the wrong number of fields) is
reported with the file and line, and read again as that line alone with its quotes as plain characters; the next
line starts the next record. Fields are capped only by memory (no 128 KB limit).

Writing (`write_csv`, `safe_cells`): every text cell that a spreadsheet program would read as a formula (it starts
with `=`, `+`, `-`, `@`, a tab or a carriage return; OWASP "CSV injection") gets a leading `'`, which spreadsheets
show as text; `unquote_cell` takes it off again when the workbook reads its own files back. Files are UTF-8 with a
BOM (Excel on Windows then reads Vietnamese correctly) and written whole or not at all (`atomic.replacing`).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import IO

import pandas as pd

from vnpress.util.atomic import replacing

csv.field_size_limit(sys.maxsize if sys.maxsize < 2**63 else 2**62)

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
Problem = tuple[str, str, str]  # (where, level, problem)


def _one(lines: list[str], start: int, delimiter: str, quoting: int = csv.QUOTE_MINIMAL) -> tuple[list[str], int]:
    """The record starting at lines[start] and the number of physical lines it spans (strict quoting)."""
    reader = csv.reader(iter(lines[start:]), delimiter=delimiter, strict=quoting != csv.QUOTE_NONE, quoting=quoting)
    return next(reader), reader.line_num


def read_rows(text: str, name: str, delimiter: str = ",") -> tuple[list[str], list[tuple[int, dict[str, str]]],
                                                                    list[Problem]]:
    """(header, [(line number, row)], problems) of CSV text; `name` names the file in problems.

    A row with more fields than the header keeps the first ones and is reported; a missing field is ''.
    """
    lines = text.splitlines(keepends=True)
    if not lines:
        return [], [], []
    header, at = _one(lines, 0, delimiter)
    header = [h.strip() for h in header]
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    while at < len(lines):
        line_no = at + 1
        if not lines[at].strip():
            at += 1
            continue
        try:
            fields, spans = _one(lines, at, delimiter)
            broken = spans > 1 and len(fields) != len(header)  # a quoted field with line breaks is fine
        except csv.Error:
            broken, spans = True, 1
        if broken:
            fields, spans = _one(lines, at, delimiter, csv.QUOTE_NONE)
            problems.append((f"{name}:{line_no}", "warning", "unbalanced quote (a stray \"?): the line is read on "
                             "its own with its quotes as plain characters; check it"))
        if len(fields) > len(header):
            problems.append((f"{name}:{line_no}", "warning", f"{len(fields)} fields for {len(header)} columns; "
                             "the extra ones are ignored"))
        rows.append((line_no, {h: (fields[i] if i < len(fields) else "") for i, h in enumerate(header)}))
        at += spans
    return header, rows, problems


def read_file(path: Path, delimiter: str = ",") -> tuple[list[str], list[tuple[int, dict[str, str]]], list[Problem]]:
    """`read_rows` of a UTF-8 file (with or without BOM); raises ValueError naming the problem if it is not text."""
    data = Path(path).read_bytes()
    if b"\x00" in data:
        raise ValueError("not a CSV text file (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 (invalid byte 0x{data[e.start]:02x} at offset {e.start})") from None
    return read_rows(text, str(path), delimiter)


def unquote_cell(cell: str) -> str:
    """A cell as the workbook wrote it before `safe_cells` protected it ("'=x" → "=x")."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_LEADS else cell


def _safe(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_LEADS) else value


def safe_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells (and column names) cannot be read as spreadsheet formulas."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_safe)
    out.columns = [_safe(str(c)) for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, target: str | Path | IO[str], bom: bool = True) -> None:
    """Write `df` without its index, formula-safe; to a path whole or not at all (UTF-8, BOM unless `bom=False`),
    or to an open text stream (no BOM)."""
    safe = safe_cells(df)
    if isinstance(target, (str, Path)):
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as tmp:
            safe.to_csv(tmp, index=False, encoding="utf-8-sig" if bom else "utf-8")
    else:
        safe.to_csv(target, index=False)


def to_text(df: pd.DataFrame) -> str:
    """`df` as formula-safe CSV text (no BOM)."""
    buffer = io.StringIO()
    write_csv(df, buffer)
    return buffer.getvalue()
