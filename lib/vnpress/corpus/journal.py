"""`manifest.csv`, and imports that an interruption cannot leave half done.

An import stages its files in a `.import-*` folder inside the corpus, then writes `journal.json` there (whole or
not at all) naming every move and the manifest rows to add, and only then moves the files in and rewrites the
manifest; done, it renames the journal `finished.json` and removes the folder. A staging folder found later with
neither moved nothing: it is removed (rolled back). One with a journal is finished: the moves not yet done are
done, the manifest rows not yet there are added, the folder is removed. One with `finished.json` is removed. The corpus folder is locked (`flock`) while an import runs, so a reader never finishes a running import.

The manifest is read with `csvio` (a stray `"` is reported with file and line and spoils no other row) and
rewritten from the rows read, formula-safe, whole or not at all.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Iterator

import pandas as pd

from vnpress.util.atomic import replacing
from vnpress.util.csvio import Problem, read_file, unquote_cell, write_csv

MANIFEST_COLUMNS = ["file", "title", "outlet", "url", "published", "authors", "language"]
OPTIONAL_COLUMNS = ["outlet_type"]  # read when present; `vnpress add` writes them
JOURNAL = "journal.json"
FINISHED = "finished.json"  # the journal of an import carried out or undone, while its folder is removed
STAGING = ".import-"
Move = tuple[str, str]  # (name in the staging folder, path in the corpus folder)


def read_manifest_rows(folder: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[Problem]]:
    """(header, [(line number, row)], problems) of `folder/manifest.csv` (nothing if there is none); raises
    ValueError naming the file if it is not UTF-8 text."""
    path = folder / "manifest.csv"
    if not path.exists():
        return [], [], []
    try:
        header, rows, problems = read_file(path)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    return header, [(n, {k: unquote_cell(v) for k, v in row.items()}) for n, row in rows], problems


def write_manifest(folder: Path, rows: list[dict[str, str]]) -> None:
    """Write `folder/manifest.csv` whole or not at all: MANIFEST_COLUMNS, OPTIONAL_COLUMNS, then any other column
    the rows have."""
    fields = list(dict.fromkeys(MANIFEST_COLUMNS + OPTIONAL_COLUMNS + [k for row in rows for k in row]))
    write_csv(pd.DataFrame(rows, columns=fields, dtype=object).fillna(""), folder / "manifest.csv")


@contextmanager
def locked(folder: Path, wait: bool = True) -> Iterator[bool]:
    """Hold the corpus folder's import lock; yields False (without waiting) if another process holds it and
    not `wait`. The system releases it if the process dies."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def staging_folder(folder: Path) -> Path:
    """A new, empty staging folder inside the corpus folder."""
    return Path(tempfile.mkdtemp(prefix=STAGING, dir=folder))


def record(staging: Path, moves: list[Move], rows: list[dict[str, str]]) -> None:
    """Write the journal of a staged import: the moves and the manifest rows (whole or not at all)."""
    with replacing(staging / JOURNAL) as tmp:
        tmp.write_text(json.dumps({"moves": moves, "rows": rows}, ensure_ascii=False), encoding="utf-8")


def commit(staging: Path) -> None:
    """Carry out a recorded import; on failure, put back what was moved and remove the staging folder (the
    corpus is as it was), and raise."""
    try:
        _apply(staging)
    except BaseException:
        _undo(staging)
        raise
    _discard(staging)


def _moves(staging: Path) -> tuple[list[tuple[Path, Path]], list[dict[str, str]]]:
    """The journal's moves as (staged path, corpus path), and its manifest rows."""
    journal = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    return [(staging / name, staging.parent / dst) for name, dst in journal["moves"]], journal["rows"]


def _apply(staging: Path) -> int:
    """Do the journal's moves not done yet, add its manifest rows not there yet; the number of files moved."""
    moves, new_rows = _moves(staging)
    done = 0
    for src, dst in moves:
        if src.exists():
            if dst.exists():
                raise FileExistsError(f"{dst} already exists")
            dst.parent.mkdir(exist_ok=True)
            os.replace(src, dst)
            done += 1
    rows = [row for _, row in read_manifest_rows(staging.parent)[1]]
    listed = {row.get("file") for row in rows}
    write_manifest(staging.parent, rows + [row for row in new_rows if row["file"] not in listed])
    return done


def _undo(staging: Path) -> None:
    """Move back into the staging folder what the journal moved out of it, then remove the folder."""
    for src, dst in _moves(staging)[0]:
        if dst.exists() and not src.exists():
            os.replace(dst, src)
    _discard(staging)


def _discard(staging: Path) -> None:
    """Remove a staging folder whose journal was carried out or undone (renamed first: never done again)."""
    if (staging / JOURNAL).exists():
        os.replace(staging / JOURNAL, staging / FINISHED)
    shutil.rmtree(staging)


def finish_interrupted(folder: Path) -> list[Problem]:
    """Finish (journal) or roll back (no journal) every interrupted import in `folder`, one line each, and remove
    what an interrupted manifest write left; the caller holds the lock."""
    for stale in folder.glob(".manifest.csv.*.tmp"):  # (`atomic.replacing` of a process killed meanwhile)
        with suppress(OSError):  # a folder that cannot be written is reported below
            stale.unlink(missing_ok=True)
    problems: list[Problem] = []
    for staging in sorted(folder.glob(STAGING + "*")):
        try:
            if (staging / FINISHED).exists():
                shutil.rmtree(staging)
            elif (staging / JOURNAL).exists():
                moved = _apply(staging)
                _discard(staging)
                problems.append((str(staging), "warning", f"finished an interrupted import ({moved} file(s) moved "
                                 "in now, its manifest rows written)"))
            else:
                shutil.rmtree(staging)
                problems.append((str(staging), "warning", "an import interrupted before it moved any file was "
                                 "rolled back; import those files again"))
        except (OSError, ValueError) as e:
            problems.append((str(staging), "error", f"cannot finish an interrupted import ({e}); its articles "
                             "are not loaded until `vnpress add` can finish it"))
    return problems


def recover(folder: Path, wait: bool = False) -> list[Problem]:
    """`finish_interrupted` if an import was interrupted in `folder` and none is running (or, with `wait`, once
    the running one ends)."""
    if not folder.is_dir() or not any(folder.glob(STAGING + "*")):
        return []
    with locked(folder, wait) as mine:
        if not mine:
            return [(str(folder), "warning", "an import into this folder is under way; its articles are not "
                     "loaded yet")]
        return finish_interrupted(folder)
