"""Evidence cards: each actor's stance and frames with the sentences that carry them, cues marked, as HTML."""

from __future__ import annotations

import re

import pandas as pd

from vnpress.reports.report import escape
from vnpress.util.textnorm import fold


def highlight(sentence: str, cues: str) -> str:
    """The sentence as escaped HTML with each cue's words (`class:cue` list) marked."""
    words = {c.split(":")[-1] for c in cues.split(";") if c}
    folded = fold(sentence)
    spans = sorted({m.span() for w in words if w for m in re.finditer(rf"(?<!\w){re.escape(w)}(?!\w)", folded)})
    out, at = [], 0
    for a, b in spans:
        if a < at:
            continue
        out.append(escape(sentence[at:a]) + f"<mark>{escape(sentence[a:b])}</mark>")
        at = b
    return "".join(out) + escape(sentence[at:])


def cards_html(by_country: pd.DataFrame, cards: pd.DataFrame, per_country: int = 4) -> str:
    """Evidence cards as escaped HTML: per actor its stance, frames and evidence sentences, cues marked."""
    parts = []
    for row in by_country.itertuples(index=False):
        sents = cards[cards["iso"] == row.iso]
        sents = pd.concat([sents[sents["polarity"] != ""], sents[sents["polarity"] == ""]]).head(per_country)
        items = "".join(f"<li>{highlight(s.sentence, s.cues)} <small>[{escape(s.article_id)}:{s.sentence_id}; "
                        f"{escape(s.kind)} {escape(s.polarity)}; {escape(s.cues)}]</small></li>"
                        for s in sents.itertuples(index=False))
        parts.append(f"<div style='border:1px solid #ccc;padding:.5em;margin:.5em 0'><b>{escape(row.name)}</b> "
                     f"({escape(row.iso)}) · stance <b>{escape(row.stance)}</b> · frames {escape(row.frames)} · "
                     f"{row.articles} article(s)<ul>{items}</ul></div>")
    return "".join(parts)
