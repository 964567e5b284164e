"""Editable data files of vnpress: gazetteer, cue lists, lexicons, stopword overrides."""

from pathlib import Path


def path(name: str) -> Path:
    """Path of a data file shipped with the package."""
    return Path(__file__).with_name(name)
