"""Saving a notebook's tables and figures into its output folder, and safe HTML."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure


def save_table(df: pd.DataFrame, name: str, out_dir: str | Path) -> pd.DataFrame:
    """Write `df` as out_dir/tables/<name>.csv and return it for display."""
    folder = Path(out_dir) / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    df.to_csv(folder / f"{name}.csv", index=False)
    return df


def save_figure(fig: Figure, name: str, out_dir: str | Path) -> Figure:
    """Write `fig` as out_dir/figures/<name>.png and return it for display."""
    folder = Path(out_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{name}.png", dpi=120, bbox_inches="tight")
    return fig


def escape(text: object) -> str:
    """HTML-escape article text or metadata before it goes into a report."""
    return html.escape("" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text))
