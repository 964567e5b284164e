"""Editable data files of vnpress: gazetteer, cue lists, lexicons, stopword overrides."""

from functools import lru_cache
from pathlib import Path

import yaml


def path(name: str) -> Path:
    """Path of a data file shipped with the package."""
    return Path(__file__).with_name(name)


@lru_cache(maxsize=1)
def labels() -> dict:
    """The report labels of labels.yaml (English and Vietnamese names, column explanations, headline templates)."""
    return yaml.safe_load(path("labels.yaml").read_text(encoding="utf-8"))
