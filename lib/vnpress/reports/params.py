"""Notebook parameters: one registry of names and types, a validator, and path resolution.

Each notebook's tagged `parameters` cell defines typed values; its next cell
passes them to `check_params`, which rejects unknown names and wrong types
and wrong values (CHOICES, MINIMUM, POS tags) with a message naming the
parameter, and resolves the path parameters: a
relative path is relative to the project root (`project_root`), so a notebook
finds the corpus, cache and outputs wherever it is executed from (papermill
from the project root or from `notebooks/`, cron, JupyterLab). Absolute paths
are used as given. Register new parameters in PARAMS (and in PATHS if a path).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vnpress.data import pos_tags

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # lib/vnpress (this module is in lib/vnpress/reports)

# name: (type, what it is)
PARAMS: dict[str, tuple[type, str]] = {
    "corpus_dir": (str, "folder of articles (.txt/.md) with an optional manifest.csv"),
    "cache_dir": (str, "folder of the processed-text cache (Parquet); empty string for no cache"),
    "out_dir": (str, "folder where the notebook saves its tables and figures"),
    "workers": (int, "worker processes for processing; 0 means all cores"),
    "engine": (str, "processing engine: 'local' (worker processes) or 'dask'"),
    "scheduler": (str, "Dask scheduler address (tcp://host:8786); '' starts a local cluster"),
    "top_n": (int, "how many rows to show in top-N tables and figures"),
    "examples": (int, "how many example rows to show"),
    "gold_path": (str, "gold annotation file of the seed corpus ('' to skip the evaluation)"),
    "gold_countries_path": (str, "gold country/role annotation of the seed corpus"),
    "pos": (str, "POS tags to keep, comma-separated (e.g. 'N,Np,V'); '' keeps all"),
    "level": (str, "'word' (segmented words) or 'syllable'"),
    "keep_numbers": (bool, "count numbers as terms"),
    "min_freq": (int, "minimum frequency of an n-gram or keyness term"),
    "group_by": (str, "group frequencies by 'article', 'outlet', 'outlet_type' or 'month'"),
    "keyness_target": (str, "target articles for keyness: '', 'outlet=NAME', 'outlet_type=TYPE[,TYPE]', "
                            "'before=YYYY-MM-DD', 'after=...', 'articles=ID,ID'"),
    "kwic_terms": (str, "query terms for the concordance and dispersion plot, comma-separated"),
    "window": (int, "tokens of context on each side in the concordance"),
    "timeline_gold_path": (str, "gold date annotation of the seed corpus ('' to skip the evaluation)"),
    "count_stories_once": (bool, "count each syndicated story once (its earliest article) in the corpus-level tables"),
    "coverage_by": (str, "coverage period: 'week' (ISO weeks from Monday) or 'month'"),
    "topics_k": (int, "number of topics of the topic model (2 or more; at most one per article)"),
    "topics_seed": (int, "random seed of the topic model (the same seed gives the same topics)"),
    "trend_terms": (str, "terms whose use over time is drawn, comma-separated (at least one)"),
    "trend_by": (str, "period of the term trends: 'month' or 'week'"),
}
# parameters holding a file or folder path, resolved by check_params
PATHS = {"corpus_dir", "cache_dir", "out_dir", "gold_path", "gold_countries_path", "timeline_gold_path"}
# parameters with a fixed set of values, and integer parameters with their least value
CHOICES = {"level": ("word", "syllable"), "group_by": ("article", "outlet", "outlet_type", "month"),
           "trend_by": ("month", "week"), "coverage_by": ("week", "month")}
NONEMPTY_LISTS = {"trend_terms"}  # comma-separated parameters that must name at least one item
MINIMUM = {"workers": 0, "top_n": 1, "examples": 0, "min_freq": 1, "window": 0, "topics_k": 2, "topics_seed": 0}


def _value_problem(name: str, value: Any) -> str:
    """What is wrong with a well-typed value of parameter `name` ('' if nothing)."""
    if name in CHOICES and value not in CHOICES[name]:
        return f"parameter '{name}' must be one of {', '.join(CHOICES[name])}, got {value!r}"
    if name in MINIMUM and value < MINIMUM[name]:
        least = "positive" if MINIMUM[name] == 1 else f"{MINIMUM[name]} or more"
        return f"parameter '{name}' must be {least} ({PARAMS[name][1]}), got {value!r}"
    if name in NONEMPTY_LISTS and not value.replace(",", " ").split():
        return f"parameter '{name}' must name at least one item, comma-separated ({PARAMS[name][1]}), got {value!r}"
    if name == "pos":
        try:
            pos_tags(value)
        except ValueError as e:
            return f"parameter 'pos': {e}"
    return ""


def _is_project(folder: Path) -> bool:
    """A vnpress checkout: pyproject.toml naming the project, and a notebooks folder."""
    pyproject = folder / "pyproject.toml"
    return (folder / "notebooks").is_dir() and pyproject.is_file() and 'name = "vnpress"' in pyproject.read_text(
        encoding="utf-8", errors="replace")


def project_root() -> Path:
    """The project folder: $VNPRESS_ROOT, else the checkout containing the working directory, else the one
    containing the installed package (an editable install), else the working directory."""
    if os.environ.get("VNPRESS_ROOT"):
        return Path(os.environ["VNPRESS_ROOT"]).expanduser().resolve()
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents, PACKAGE_DIR.parents[1]):
        if _is_project(folder):
            return folder
    return cwd


def resolve_path(value: str) -> str:
    """An absolute path for a path parameter: relative paths are taken from the project root; '' stays ''."""
    if not value:
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else project_root() / path)


def check_params(**values: Any) -> dict[str, Any]:
    """Validate notebook parameters against PARAMS (names, types, values) and return them, path parameters
    resolved (`resolve_path`); raises ValueError naming every problem."""
    problems = []
    for name, value in values.items():
        if name not in PARAMS:
            problems.append(f"unknown parameter '{name}' (known: {', '.join(sorted(PARAMS))})")
            continue
        kind, doc = PARAMS[name]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            problems.append(f"parameter '{name}' must be {kind.__name__} ({doc}), got {type(value).__name__} {value!r}")
        elif problem := _value_problem(name, value):
            problems.append(problem)
    if problems:
        raise ValueError("invalid notebook parameters:\n- " + "\n- ".join(problems))
    return {name: resolve_path(value) if name in PATHS else value for name, value in values.items()}


def coerce(name: str, text: str) -> Any:
    """Convert a command-line string to the registered type of `name`."""
    if name not in PARAMS:
        raise ValueError(f"unknown parameter '{name}' (known: {', '.join(sorted(PARAMS))})")
    kind = PARAMS[name][0]
    if kind is bool:
        if text.lower() in ("1", "true", "yes"):
            return True
        if text.lower() in ("0", "false", "no"):
            return False
        raise ValueError(f"parameter '{name}' must be true or false, got {text!r}")
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"parameter '{name}' must be {kind.__name__}, got {text!r}") from None
