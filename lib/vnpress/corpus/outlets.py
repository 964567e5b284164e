"""Outlet types: the kind of outlet an article comes from (state, party, commercial, provincial, foreign_service,
diaspora, independent, ngo, other), looked up in `data/outlets.csv` by the URL's web domain, else by the outlet's
name. '' when neither is known: nothing is guessed. The manifest's `outlet_type` column overrides the lookup."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from vnpress.data import labels
from vnpress.data import path as data_path
from vnpress.util.csvio import read_rows
from vnpress.util.textnorm import fold

OUTLET_TYPES = ("state", "party", "commercial", "provincial", "foreign_service", "diaspora", "independent", "ngo",
                "other")


@lru_cache(maxsize=4)
def table(file: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """({domain: type}, {folded outlet name: type}) of an outlets file (default: the shipped one). Raises
    ValueError naming the file and line of a type that is not one of OUTLET_TYPES."""
    path = Path(file) if file else data_path("outlets.csv")
    text = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.startswith("#"))
    domains: dict[str, str] = {}
    names: dict[str, str] = {}
    for line_no, row in read_rows(text, str(path))[1]:
        kind = row["outlet_type"].strip()
        if kind not in OUTLET_TYPES:
            raise ValueError(f"{path}: row {line_no}: unknown outlet_type '{kind}' (want {'|'.join(OUTLET_TYPES)})")
        if row["domain"].strip():
            domains[row["domain"].strip().lower()] = kind
        if row["outlet"].strip():
            names.setdefault(fold(row["outlet"].strip()), kind)
    return domains, names


def domain(url: str) -> str:
    """The host name of a URL, lower case, without 'www.' ('' if it has none)."""
    host = urlsplit(url.strip() if "//" in url else f"//{url.strip()}").hostname or ""
    return host.removeprefix("www.")


def outlet_type(outlet: str = "", url: str = "", file: str | None = None) -> str:
    """The type of the outlet at `url` (its domain or a parent domain: vov2.vov.vn → vov.vn), else of the outlet
    named `outlet` ("VnExpress", "Báo Nghệ An (baonghean.vn)" → its name before a bracket, or a domain written
    as the name); '' when the table knows neither."""
    domains, names = table(file)
    host = domain(url) if url else ""
    parts = host.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in domains:
            return domains[".".join(parts[i:])]
    name = outlet.split(" (")[0].strip()
    if "." in name and " " not in name:  # a domain written as the name
        return outlet_type(url=name, file=file)
    return names.get(fold(name), "") if name else ""


def type_names(kind: str) -> tuple[str, str]:
    """(English, Vietnamese) name of an outlet type ('' or 'unknown': of an unknown type; labels.yaml
    `outlet_types`), or the value as written twice when it is not a type (an outlet's name)."""
    names = labels()["outlet_types"].get(kind or "unknown")
    return (names["en"], names["vi"]) if names else (kind, kind)
