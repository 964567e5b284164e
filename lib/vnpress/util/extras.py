"""Optional parts of vnpress, installed as extras (see pyproject.toml): `lab` (JupyterLab), `dask` (the dask
engine) and `html` (importing saved HTML pages). A scheduled report run needs none of them; code that does asks
for its extra by name when it is missing."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


class MissingExtra(ValueError):
    """A feature needs an extra that is not installed (a ValueError: the CLI prints it as one line)."""


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import `module`, or raise MissingExtra naming the extra that installs it for `feature`."""
    try:
        return import_module(module)
    except ImportError as e:
        raise MissingExtra(f"{feature} needs the '{extra}' extra ({e.name or module} is not installed): "
                           f"pip install 'vnpress[{extra}]'") from None
