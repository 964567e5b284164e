"""Organizations not in `data/organizations.csv`, found from the form of their names (docs/codebook.md §2).

Each rule of `ORG_NAME_RULES` reads the tokens of one sentence from a position and returns the span of a name and
the id it gets, `org:<slug>`: the acronym the article gives in brackets after the name, else the name as written,
ASCII-folded, lower case, words joined by `_` (`slug`). The words are data (`data/speakers.yaml`: `org_name_heads`,
`org_brand_heads`, `org_name_breaks`, `org_name_state`, `org_name_places`):

- `head_name`: a capitalized head noun and a name opening with a capital, up to a break word or a verb:
  «Hiệp hội Ngân hàng Việt Nam cho biết» → `org:hiep_hoi_ngan_hang_viet_nam`; a state body's name is the state's
  («Ủy ban nhân dân tỉnh» is not an organization); so is a Vietnamese home institution (`home_institutions`); a
  venue is a place («Trung tâm Hội nghị Quốc gia»).
- `brand`: a head before a Latin-script name, with up to three lower-case words between: «hãng bảo mật Kaspersky
  cảnh báo» → `org:kaspersky`; «Đại diện Binance nhận định» → `org:binance`.
- `given_acronym`: an acronym the article gave in brackets after a name, used alone: «NCA cho biết» after «Hiệp
  hội An ninh mạng quốc gia (NCA)» → `org:nca`.

`find` applies them to a sentence outside the tokens already taken by countries and gazetteer organizations
(a country inside a name is part of it: «Hiệp hội Ngân hàng Việt Nam»). `speaks_for` says whether such a name
is the affiliation of the subject it is in: only when the subject opens with it or with one of its voices
(`org_voices`: «Người phát ngôn Tập đoàn X»); an expert with the name in brackets speaks in their own name.
"""

from __future__ import annotations

import re
from typing import Callable

from vnpress.analyses.lexicon import Lexicon, Sentence, at
from vnpress.util.phrases import match_phrases
from vnpress.util.textnorm import plain

Span = tuple[int, int, str, str]  # first token, end token, slug, acronym given in brackets ('' if none)
_LATIN = re.compile(r"^[A-Z][A-Za-z0-9&.\-]*$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&\-]{1,9}$")
_NAME_TAGS = {"N", "Np", "A", "Ny", "Nb", "M"}
_MAX_NAME = 10


def slug(name: str) -> str:
    """`Hiệp hội Ngân hàng Việt Nam` → `hiep_hoi_ngan_hang_viet_nam`."""
    return re.sub(r"[^a-z0-9]+", "_", plain(name)).strip("_")


def _capital(token: str) -> bool:
    return token[:1].isupper()


def _opens_body(s: Sentence, k: int, lex: Lexicon) -> bool:
    """Token k opens the name of another body («... và Cục An ninh mạng»), so a "và" before it lists two."""
    return bool(at(s.folded, k, lex.org_name_heads | lex.ministries | lex.home_institutions | lex.org_name_state)
                or _gazetteer(s, k, lex))


def _verb_at(s: Sentence, j: int, lex: Lexicon) -> bool:
    """A speech or act verb of the lexicon starts at token j."""
    return any(x == 0 for x, _, _ in match_phrases(s.folded[j:j + 4], lex.verbs))


def _resumes(s: Sentence, k: int, lex: Lexicon) -> int:
    """A lower-case verb at token k inside a name that goes on with a capital within three words («Liên minh
    Chống lừa đảo Toàn cầu»): the capital's token; 0 when a clause starts there («Hiệp hội X triển khai ...»)."""
    for j in range(k, min(len(s.tokens), k + 3)):
        if _capital(s.tokens[j]):
            return j
        if not s.tokens[j][:1].isalnum() or at(s.folded, j, lex.org_name_breaks) or _verb_at(s, j, lex):
            return 0
    return 0


def _name_end(s: Sentence, j: int, lex: Lexicon) -> int:
    """The end of a name whose words start at token j: capitalized words, and lower-case nouns and adjectives
    before a break word («Hiệp hội An ninh mạng quốc gia | cho biết»); "và" joins when a capital follows that opens
    no other body («Hiệp hội Phần mềm và Dịch vụ CNTT», not «Liên minh X và Cục Y»)."""
    k = j
    while k < len(s.tokens) and k - j < _MAX_NAME:
        tok, tag = s.tokens[k], s.pos[k]
        if s.folded[k] in lex.and_words and k + 1 < len(s.tokens) and _capital(s.tokens[k + 1]) and not _opens_body(s, k + 1, lex):
            k += 1
            continue
        if not tok[:1].isalnum() or at(s.folded, k, lex.org_name_breaks):
            break
        if not _capital(tok) and tag not in _NAME_TAGS:
            resumes = _resumes(s, k, lex)
            if not resumes:
                break
            k = resumes
        k += 1
    while k > j and s.folded[k - 1] in lex.and_words:
        k -= 1
    return k


def _gazetteer(s: Sentence, k: int, lex: Lexicon) -> bool:
    """Token k is a country, capital or gazetteer name («Peru», «Anh», «Paris»)."""
    key = tuple(s.folded[k].split())
    return key in lex.short_names or key in lex.capitals or key in lex.long_names or key in lex.org_index


def _acronym_after(s: Sentence, k: int) -> str:
    """The acronym in brackets at token k: «(NCA)» → `NCA`."""
    if k + 2 < len(s.tokens) and s.tokens[k] == "(" and s.tokens[k + 2] == ")" and _ACRONYM.match(s.tokens[k + 1]):
        return s.tokens[k + 1]
    return ""


def head_name(s: Sentence, k: int, lex: Lexicon, acronyms: dict[str, str]) -> Span | None:
    """«Hiệp hội Ngân hàng Việt Nam (VNBA) cho biết» → tokens of the name, `vnba`."""
    n = at(s.folded, k, lex.org_name_heads)
    if not n or not _capital(s.tokens[k]) or k + n >= len(s.tokens) or not _capital(s.tokens[k + n]) \
            or at(s.folded, k, lex.home_institutions) or at(s.folded, k, lex.org_name_places):
        return None
    end = _name_end(s, k + n, lex)
    if end == k + n or any(at(s.folded, j, lex.org_name_state) for j in range(k, end)):
        return None
    acronym = _acronym_after(s, end)
    return k, end, slug(acronym or s.span_text(k, end)), acronym


def brand(s: Sentence, k: int, lex: Lexicon, acronyms: dict[str, str]) -> Span | None:
    """«hãng bảo mật Kaspersky cảnh báo», «Đại diện Binance nhận định» → the Latin-script name, `kaspersky`."""
    n = at(s.folded, k, lex.org_brand_heads)
    if not n:
        return None
    j = k + n
    while j < min(len(s.tokens), k + n + 3) and not _capital(s.tokens[j]) and s.pos[j] in {"N", "A"} \
            and s.folded[j] not in lex.honorifics | lex.titles:
        j += 1
    end = j
    while end < len(s.tokens) and _LATIN.match(s.tokens[end]) and end - j < 3 and not _gazetteer(s, end, lex):
        end += 1
    if end == j:
        return None
    acronym = _acronym_after(s, end)
    return j, end, slug(acronym or s.span_text(j, end)), acronym


def given_acronym(s: Sentence, k: int, lex: Lexicon, acronyms: dict[str, str]) -> Span | None:
    """«NCA cho biết» after «... (NCA)» earlier in the article → `nca`."""
    tok = s.tokens[k]
    if tok in acronyms and not (k > 0 and s.tokens[k - 1] == "("):
        return k, k + 1, acronyms[tok], ""
    return None


ORG_NAME_RULES: list[Callable[[Sentence, int, Lexicon, dict[str, str]], Span | None]] = [
    brand, head_name, given_acronym]


def find(s: Sentence, orgs: set[int], countries: set[int], lex: Lexicon,
         acronyms: dict[str, str]) -> list[tuple[int, int, str]]:
    """The organizations named by the form of their names in a sentence: (first, end, `org:<slug>`), none
    overlapping the tokens of gazetteer organizations (`orgs`), nor those of countries (`countries`) unless the
    name opens with a head noun; the acronyms given in brackets are added to `acronyms` (the article's, acronym →
    slug), for later sentences."""
    out: list[tuple[int, int, str]] = []
    k = 0
    while k < len(s.tokens):
        span = next(((rule, sp) for rule in ORG_NAME_RULES if (sp := rule(s, k, lex, acronyms))), None)
        if span is None or any(j in orgs or (j in countries and span[0] is not head_name)
                               for j in range(span[1][0], span[1][1])):
            k += 1
            continue
        span = span[1]
        a, b, name, acronym = span
        if acronym:
            acronyms[acronym] = name
        out.append((a, b, f"org:{name}"))
        k = b
    return out


def speaks_for(s: Sentence, a: int, ea: int, e: str, lex: Lexicon) -> bool:
    """An entity at token ea of the subject [a, …) is its affiliation: any entity but an organization found by the
    form of its name, which only when the subject opens with it, its head («Hãng bảo mật Zentrix») or one of its
    voices («Đại diện Binance»), not «TS X (Đại học Vienna, Áo)»."""
    return not e.startswith("org:") or e in lex.names or ea == a or \
        at(s.folded, a, lex.org_voices | lex.org_brand_heads) == ea - a
