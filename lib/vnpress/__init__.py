"""vnpress: a research workbook for Vietnamese press coverage."""

__version__ = "0.1.0"

from .params import check_params  # noqa: E402
from .pipeline import Workbook, from_texts, load  # noqa: E402

__all__ = ["Workbook", "check_params", "from_texts", "load", "__version__"]
