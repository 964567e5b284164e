"""Gazetteer phrases matched on word-segmented tokens, whole tokens only (shared by countries and the statement
rules)."""

from __future__ import annotations

from typing import TypeVar

V = TypeVar("V")


def match_phrases(tokens: list[str], index: dict[tuple[str, ...], V], cased: list[str] | None = None,
                  longest: int | None = None) -> list[tuple[int, int, V]]:
    """Non-overlapping (first token, end token, value) of the phrases of `index` (syllable tuples) in `tokens`,
    longest first, each starting and ending on a token boundary: "Pháp" never matches inside "Pháp luật".

    With `cased` (the tokens in their original case), a phrase may also end inside a token whose rest is
    capitalized, where the segmenter glued a name to the next word ("đăng | cai Lễ", "Việt Nam Matt").
    """
    sylls, owner, starts, ends = [], [], set(), set()
    for t, tok in enumerate(tokens):
        starts.add(len(sylls))
        parts = tok.split()
        for k, s in enumerate(parts):
            sylls.append(s)
            owner.append(t)
            if cased is not None and k + 1 < len(parts) and cased[t].split()[k + 1][:1].isupper():
                ends.add(len(sylls))
        ends.add(len(sylls))
    longest = longest or max((len(k) for k in index), default=1)
    out, s = [], 0
    while s < len(sylls):
        hit = None
        if s in starts:
            for n in range(min(longest, len(sylls) - s), 0, -1):
                key = tuple(sylls[s:s + n])
                if key in index and s + n in ends:
                    hit = (owner[s], owner[s + n - 1] + 1, index[key])
                    s += n
                    break
        if hit:
            out.append(hit)
        else:
            s += 1
    return out
