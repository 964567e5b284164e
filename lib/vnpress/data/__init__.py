"""Editable data files of vnpress (gazetteer, cue lists, lexicons, stopword overrides), the report labels, and the
English names readers are given for countries (CLDR, through Babel)."""

from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale


def path(name: str) -> Path:
    """Path of a data file shipped with the package."""
    return Path(__file__).with_name(name)


@lru_cache(maxsize=1)
def labels() -> dict:
    """The report labels of labels.yaml (English and Vietnamese names, column explanations, headline templates)."""
    return yaml.safe_load(path("labels.yaml").read_text(encoding="utf-8"))


def english_country(iso: str) -> str:
    """The CLDR English name of a country code (Babel); '' when unknown."""
    return Locale("en").territories.get(str(iso), "")


def country_label(iso: str, name: str) -> str:
    """A country for people who may not read Vietnamese: its English name, the Vietnamese in brackets
    ('Russia (Nga)'); the name alone when CLDR has no English one or it is the same ('Israel')."""
    english = english_country(iso)
    return f"{english} ({name})" if english and english != name else name


@lru_cache(maxsize=1)
def known_pos_tags() -> dict[str, str]:
    """POS tag → what it is: the tags of underthesea's tagger (data/pos_tags.yaml)."""
    return yaml.safe_load(path("pos_tags.yaml").read_text(encoding="utf-8"))


def pos_tags(pos: str | list[str] | None) -> frozenset[str]:
    """The tags of a comma-separated list (or a list; none: every tag); raises ValueError naming each unknown tag
    and listing the known ones."""
    wanted = frozenset(p.strip() for p in (pos.split(",") if isinstance(pos, str) else pos or []) if p.strip())
    unknown = sorted(wanted - set(known_pos_tags()))
    if unknown:
        hints = [k for u in unknown for k in known_pos_tags() if k.lower() == u.lower()]
        hint = f"; did you mean {', '.join(hints)}?" if hints else ""
        raise ValueError(f"unknown POS tag {', '.join(map(repr, unknown))}{hint} (known, case-sensitive: "
                         f"{', '.join(sorted(known_pos_tags()))})")
    return wanted
