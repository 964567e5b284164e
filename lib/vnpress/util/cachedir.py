"""A cache folder that can be written to. A read-only cache (a shared copy, a read-only mount) is used through a
temporary overlay: a folder tree of the same shape whose files are links to the cache's, removed at exit. What the
cache holds is read from it; what is new is computed and written to the overlay only, never to the cache."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path


def usable(cache_dir: str | Path | None) -> Path | None:
    """`cache_dir` if it can be written to (or created), else a temporary overlay of it, with one warning line."""
    if not cache_dir:
        return None
    cache = Path(cache_dir)
    if _writable(cache):
        return cache
    print(f"warning: cache folder {cache} is read-only: its results are used, new ones are computed without being "
          "kept", file=sys.stderr)
    return _overlay(cache)


def _writable(cache: Path) -> bool:
    """Whether every folder of the cache accepts new files (or, if there is no cache yet, its nearest parent)."""
    if not cache.exists():
        parent = next((p for p in cache.absolute().parents if p.exists()), Path("/"))
        return os.access(parent, os.W_OK | os.X_OK)
    return all(os.access(folder, os.W_OK | os.X_OK) for folder, _, _ in os.walk(cache))


def _overlay(cache: Path) -> Path:
    """A temporary tree mirroring `cache`: its folders, and links to its files (new files replace links, never
    the files they point to); removed when the interpreter exits."""
    top = Path(tempfile.mkdtemp(prefix="vnpress-cache-"))
    atexit.register(shutil.rmtree, top, ignore_errors=True)
    for folder, _, files in os.walk(cache):
        here = top / Path(folder).relative_to(cache)
        here.mkdir(exist_ok=True)
        for name in files:
            (here / name).symlink_to(Path(folder, name).absolute())
    return top
