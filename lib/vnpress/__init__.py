"""vnpress: a research workbook for Vietnamese press coverage.

The stages, each importing only from itself or those before it: `util` and `data` → `corpus` → `processing` →
`analyses` → `validation` → `reports` → `cli`.
"""

from vnpress import analyses  # noqa: F401  (declares the per-article layers)
from vnpress.processing.workbook import Workbook, from_texts, load, open_workbook
from vnpress.reports.params import check_params
from vnpress.util.version import __version__

__all__ = ["Workbook", "check_params", "from_texts", "load", "open_workbook", "__version__"]
