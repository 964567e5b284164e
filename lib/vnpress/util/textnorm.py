"""Unicode and tone-mark normalization for Vietnamese text.

Direction: text is NFC, and the tone mark of the open syllables `oa`, `oe`, `uy`
sits on the first vowel, the placement most Vietnamese newsrooms use
(hoà → hòa, toạ → tọa, khoẻ → khỏe, Thuỵ → Thụy). `qu` + `y` (quý, quỳ) is left
alone, because there `u` belongs to the onset. The mapping keeps every string's
length, so character offsets survive normalization.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
# only syllables with o/u before a toned a/e/y can need a fix: match just those
_SYLLABLE = re.compile(r"\w*[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ]\w*")
# onset (optional), then o+a / o+e / u+y as the whole rhyme, nothing after it
_OPEN_RHYME = re.compile(r"^(?P<onset>[^\W\d_aăâeêioôơuưyAĂÂEÊIOÔƠUƯY]*)(?P<v1>[oOuU])(?P<v2>[aAeEyY])$")


def _strip_tone(ch: str) -> tuple[str, str | None]:
    parts = unicodedata.normalize("NFD", ch)
    tone = next((c for c in parts if c in _TONES), None)
    base = "".join(c for c in parts if c not in _TONES)
    return unicodedata.normalize("NFC", base), tone


def _fix_syllable(match: re.Match[str]) -> str:
    syl = match.group(0)
    if len(syl) > 5:
        return syl
    plain = []
    tone = None
    for ch in syl:
        base, t = _strip_tone(ch)
        plain.append(base)
        if t:
            tone = (len(plain) - 1, t)
    if tone is None:
        return syl
    rhyme = _OPEN_RHYME.match("".join(plain))
    if not rhyme or tone[0] != len(plain) - 1:
        return syl
    onset = rhyme.group("onset")
    if rhyme.group("v1") in "uU" and onset.lower().endswith("q"):
        return syl  # quý, quỳ: the u is part of the onset
    i = len(onset)  # index of the first vowel
    plain[i] = unicodedata.normalize("NFC", plain[i] + tone[1])
    return "".join(plain)


def normalize(text: str) -> str:
    """NFC-normalize `text` and move tone marks to one placement (hoà → hòa)."""
    text = unicodedata.normalize("NFC", text)
    return _SYLLABLE.sub(_fix_syllable, text)


def fold(term: str) -> str:
    """Case-fold a normalized term for counting (`Công ước` → `công ước`)."""
    return normalize(term).lower()


def plain(text: str) -> str:
    """`text` lower-cased with every diacritic removed, for matching that ignores them
    (`Đông Nam Á` → `dong nam a`, `chủ quyền` → `chu quyen`)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
