"""Analyses: the per-article layers (each declared with `processing.layers.layer` where it is written) and the
corpus-level reductions of their rows (coverage, terms, topics, overview, stories, stance by country, timeline).

Importing this package declares every layer: mentions (`countries`), statements, stance, dates (`timeline`),
entities, minhash (`stories`).
"""

from vnpress.analyses import countries, entities, stance, statements, stories, timeline  # noqa: F401
