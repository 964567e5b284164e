"""Organizations not in `data/organizations.csv`, found from the form of their names (docs/codebook.md §2).

Each rule of `ORG_NAME_RULES` reads the tokens of one sentence from a position and returns the span of a name and
the id it gets, `org:<slug>`: the acronym the article gives in brackets after the name, else the name as written,
ASCII-folded, lower case, words joined by `_` (`slug`). The words are data (`data/speakers.yaml`: `org_name_heads`,
`org_brand_heads`, `org_brand_voices`, `org_legal_forms`, `org_name_breaks`, `org_name_state`, `org_name_places`,
`org_voices`, `press_heads`, `press_names`):

A news outlet (a brand right after a press head, «hãng tin Kyodo», or one of the press names) is the coverage's
source and no organization.

- `head_name`: a capitalized head noun and a name opening with a capital, up to a break word or a verb (an act
  verb the tagger read as a noun ends it before a lower-case word: «do Liên minh X chủ trì»):
  «Hiệp hội Ngân hàng Việt Nam cho biết» → `org:hiep_hoi_ngan_hang_viet_nam`; a state body's name is the state's
  («Ủy ban nhân dân tỉnh», «Ủy ban Đối ngoại của Quốc hội» are not organizations; «Hiệp hội Doanh nghiệp tỉnh
  Bình Dương» is); so is a Vietnamese home institution (`home_institutions`); a venue is a place («Trung tâm Hội
  nghị Quốc gia»).
- `brand`: a head before a Latin-script name (a proper noun or an acronym, not a state's acronym), with up to three
  lower-case words or legal forms between: «hãng bảo mật Zentrix cảnh báo», «Công ty TNHH Zentrix» →
  `org:zentrix`; after a voice, or after «của» ending a voice's title: «Đại diện Binance nhận định», «ông X, Giám
  đốc Đào tạo của Binance, cho biết» → `org:binance`.
- `given_acronym`: an acronym the article gave in brackets after a name, used alone: «NCA cho biết» after «Hiệp
  hội An ninh mạng quốc gia (NCA)» → `org:nca`.

`find` applies them to a sentence outside the tokens already taken by countries and gazetteer organizations
(a country inside a name is part of it: «Hiệp hội Ngân hàng Việt Nam»); a name whose acronym the article gave
keeps the acronym's id wherever it is written in full. `speaks_for` says whether such a name is the affiliation of
the subject it is in: when the subject opens with it, with its head or one of its voices (`org_voices`:
«Người phát ngôn Tập đoàn X»), lists it with other names, or gives it a voice's title («ông X, Giám đốc Công ty
Y», «Giám đốc Đào tạo của Binance») or makes the subject its staff («chuyên gia của Binance»); an expert with the
name in brackets speaks in their own name («TS X (Viện Y)»).
"""

from __future__ import annotations

import re
from typing import Callable

from vnpress.analyses.lexicon import Lexicon, Sentence, at, ends_with, verb_at
from vnpress.util.textnorm import plain

Span = tuple[int, int, str, str]  # first token, end token, slug of the name, acronym given in brackets ('' if none)
_LATIN = re.compile(r"^[A-Z][A-Za-z0-9&.\-]*$")
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&\-]{1,9}$")
_NAME_TAGS = {"N", "Np", "A", "Ny", "Nb", "M"}
_MAX_NAME = 10
_MAX_BETWEEN = 3  # lower-case words between a head and a brand: «hãng bảo mật nổi tiếng Zentrix»
_TITLE = 6  # words of a voice's title before «của» and a brand: «Giám đốc Đào tạo Thực thi Pháp luật Toàn cầu của»


def slug(name: str) -> str:
    """`Hiệp hội Ngân hàng Việt Nam` → `hiep_hoi_ngan_hang_viet_nam`."""
    return re.sub(r"[^a-z0-9]+", "_", plain(name)).strip("_")


def _capital(token: str) -> bool:
    return token[:1].isupper()


def _gazetteer(s: Sentence, k: int, lex: Lexicon) -> bool:
    """Token k is a country, capital or gazetteer name («Peru», «Anh», «Paris»)."""
    key = tuple(s.folded[k].split())
    return key in lex.short_names or key in lex.capitals or key in lex.long_names or key in lex.org_index


def _opens_body(s: Sentence, k: int, lex: Lexicon) -> bool:
    """Token k opens the name of another body («... và Cục An ninh mạng»), so a "và" before it lists two."""
    return bool(at(s.folded, k, lex.org_name_heads | lex.org_brand_heads | lex.ministries | lex.home_institutions
                   | lex.org_name_state) or _gazetteer(s, k, lex))


def _resumes(s: Sentence, k: int, lex: Lexicon) -> int:
    """A lower-case verb at token k inside a name that goes on with a capital within three words («Liên minh
    Chống lừa đảo Toàn cầu»): the capital's token; 0 when a clause starts there («Hiệp hội X triển khai ...»,
    «Hiệp hội X giúp Lào»)."""
    for j in range(k, min(len(s.tokens), k + 3)):
        if _capital(s.tokens[j]):
            return 0 if _gazetteer(s, j, lex) else j
        if not s.tokens[j][:1].isalnum() or s.folded[j] in lex.and_words or at(s.folded, j, lex.org_name_breaks) \
                or verb_at(s, j, lex):
            return 0
    return 0


def _capital_next(s: Sentence, k: int) -> bool:
    """The token after k is capitalized."""
    return k + 1 < len(s.tokens) and _capital(s.tokens[k + 1])


def _joins(s: Sentence, k: int, lex: Lexicon) -> bool:
    """A "và" at token k inside a name: a capital follows that opens no other body («Hiệp hội Phần mềm và Dịch vụ
    CNTT»; not «Liên minh X và Cục Y», «Hiệp hội X và Công ty Y»)."""
    return k + 1 < len(s.tokens) and _capital(s.tokens[k + 1]) and not _opens_body(s, k + 1, lex)


def _name_end(s: Sentence, j: int, lex: Lexicon) -> int:
    """The end of a name whose words start at token j: capitalized words, and lower-case nouns and adjectives
    before a break word («Hiệp hội An ninh mạng quốc gia | cho biết»)."""
    k = j
    while k < len(s.tokens) and k - j < _MAX_NAME:
        tok, tag = s.tokens[k], s.pos[k]
        if s.folded[k] in lex.and_words:
            if not _joins(s, k, lex):
                break
        elif not tok[:1].isalnum() or at(s.folded, k, lex.org_name_breaks) or (
                not _capital(tok) and verb_at(s, k, lex, acts_only=True) and not _capital_next(s, k)):
            break  # an act verb the tagger took for a noun ends it too: «do Liên minh X chủ trì», «… chủ trì hội
            # thảo» (not «An toàn thông tin Việt Nam»: a speech verb, or a capital going on)
        elif not _capital(tok) and tag not in _NAME_TAGS:
            resumes = _resumes(s, k, lex)
            if not resumes:
                break
            k = resumes
        k += 1
    return k


def _acronym_after(s: Sentence, k: int) -> str:
    """The acronym in brackets at token k: «(NCA)» → `NCA`."""
    if k + 2 < len(s.tokens) and s.tokens[k] == "(" and s.tokens[k + 2] == ")" and ACRONYM.match(s.tokens[k + 1]):
        return s.tokens[k + 1]
    return ""


def _of_state(s: Sentence, k: int, end: int, lex: Lexicon) -> bool:
    """The name [k, end) after a head at k is a state body's: a state word right after the head («Ủy ban nhân
    dân», «Ủy ban Quốc phòng và An ninh») or a state after «của» («Ủy ban Đối ngoại của Quốc hội»)."""
    n = at(s.folded, k, lex.org_name_heads)
    return bool(at(s.folded, k + n, lex.org_name_state)) or (
        end + 1 < len(s.tokens) and s.folded[end] in lex.genitive and bool(at(s.folded, end + 1, lex.org_name_state)))


def head_name(s: Sentence, k: int, lex: Lexicon) -> Span | None:
    """«Hiệp hội Ngân hàng Việt Nam (VNBA) cho biết» → tokens of the name, `hiep_hoi_ngan_hang_viet_nam`, `VNBA`
    (`find` gives it the acronym's id, `vnba`)."""
    n = at(s.folded, k, lex.org_name_heads)
    if not n or not _capital(s.tokens[k]) or k + n >= len(s.tokens) or not _capital(s.tokens[k + n]) \
            or at(s.folded, k, lex.home_institutions) or at(s.folded, k, lex.org_name_places):
        return None
    end = _name_end(s, k + n, lex)
    if end == k + n or _of_state(s, k, end, lex) or " ".join(s.folded[k + n:end]) in lex.press_names:
        return None
    return k, end, slug(s.span_text(k, end)), _acronym_after(s, end)


def _brand_at(s: Sentence, j: int, lex: Lexicon) -> int:
    """The end of a Latin-script brand starting at token j (0 if none): a proper noun or an acronym, not a state's
    acronym («UBND») nor a gazetteer name, not a Vietnamese word written without marks («Ban tổ chức»)."""
    end = j
    while end < len(s.tokens) and end - j < 3 and _LATIN.match(s.tokens[end]) and not _gazetteer(s, end, lex) \
            and (s.pos[end] == "Np" or ACRONYM.match(s.tokens[end])) and not at(s.folded, end, lex.org_name_state):
        end += 1
    return end if end > j else 0


def _voice_of(s: Sentence, k: int, lex: Lexicon) -> bool:
    """Token k is the «của» ending a voice's title: «Giám đốc Đào tạo Thực thi Pháp luật Toàn cầu của», «chuyên
    gia của» (a voice or one of its staff, then up to _TITLE capitalized title words; not «phát ngôn … bác bỏ
    phát biểu của»)."""
    if s.folded[k] not in lex.genitive:
        return False
    voices = lex.org_voices | lex.org_staff
    for j in range(k, max(-1, k - _TITLE - 1), -1):
        if ends_with(s.folded, j, voices):
            return True
        if j < k and not s.tokens[j][:1].isupper():
            return False
    return False


def brand(s: Sentence, k: int, lex: Lexicon) -> Span | None:
    """«Công ty an ninh mạng Zentrix cảnh báo», «Đại diện Binance nhận định», «Giám đốc Đào tạo của Binance» → the
    head (not a voice nor «của») and the brand, `zentrix`, `binance`."""
    n = at(s.folded, k, lex.org_brand_heads)
    voice = 0 if n else at(s.folded, k, lex.org_brand_voices) or int(_voice_of(s, k, lex))
    j = k + (n or voice)
    if not j > k:
        return None
    while n and j < min(len(s.tokens), k + n + _MAX_BETWEEN) and s.folded[j] not in lex.honorifics | lex.titles and (
            at(s.folded, j, lex.org_legal_forms) or (not _capital(s.tokens[j]) and s.pos[j] in {"N", "A"})):
        j += at(s.folded, j, lex.org_legal_forms) or 1
    end = _brand_at(s, j, lex)
    if not end or _press(s, j, end, lex):
        return None
    return (k if n else j), end, slug(s.span_text(j, end)), _acronym_after(s, end)


def _press(s: Sentence, j: int, end: int, lex: Lexicon) -> bool:
    """The brand [j, end) is a news outlet: one of `press_names`, or right after a press head («hãng tin
    Kyodo»; not «được báo, hãng Zentrix»): the coverage's source, no organization."""
    return " ".join(s.folded[j:end]) in lex.press_names or bool(ends_with(s.folded, j, lex.press_heads))


def given_acronym(s: Sentence, k: int, lex: Lexicon) -> Span | None:
    """«NCA cho biết» after «... (NCA)» earlier in the article: the acronym alone (`find` gives it its id)."""
    tok = s.tokens[k]
    if ACRONYM.match(tok) and not (k > 0 and s.tokens[k - 1] == "("):
        return k, k + 1, tok, ""
    return None


ORG_NAME_RULES: list[Callable[[Sentence, int, Lexicon], Span | None]] = [brand, head_name, given_acronym]


def find(s: Sentence, orgs: set[int], countries: set[int], lex: Lexicon,
         acronyms: dict[str, str]) -> list[tuple[int, int, str]]:
    """The organizations named by the form of their names in a sentence: (first, end, `org:<slug>`), none
    overlapping the tokens of gazetteer organizations (`orgs`), nor those of countries (`countries`) unless the
    name opens with a head noun. `acronyms` is the article's: an acronym given in brackets after a name, and the
    name's slug, map to the acronym's slug, for later sentences; an acronym alone is an organization only there."""
    out: list[tuple[int, int, str]] = []
    k = 0
    while k < len(s.tokens):
        found = next(((rule, sp) for rule in ORG_NAME_RULES if (sp := rule(s, k, lex))), None)
        if found is None or any(j in orgs or (j in countries and found[0] is not head_name)
                                for j in range(found[1][0], found[1][1])):
            k += 1
            continue
        rule, (a, b, name, acronym) = found
        if acronym:
            acronyms[acronym] = acronyms[name] = slug(acronym)
        if rule is given_acronym and name not in acronyms:
            k += 1
            continue
        out.append((a, b, f"org:{acronyms.get(name, name)}"))
        k = max(b, k + 1)
    return out


def speaks_for(s: Sentence, a: int, ea: int, e: str, lex: Lexicon) -> bool:
    """An entity at token ea of the subject [a, …) is its affiliation: any entity but an organization found by the
    form of its name, which only when the subject opens with it, its head or a voice («Người phát ngôn Tập đoàn
    Zentrix»), lists it after other names («Microsoft và Công ty Zentrix»), or gives it a voice's title («ông X,
    Giám đốc Công ty Zentrix»); not «TS X (Viện Y)»."""
    if not e.startswith("org:") or e in lex.names or ea == a:
        return True
    listed = all(any(x <= k < y for x, y, _ in s.entities) or s.folded[k] in lex.joiners for k in range(a, ea))
    return listed or at(s.folded, a, lex.org_voices | lex.org_brand_heads) == ea - a or \
        bool(ends_with(s.folded, ea, lex.org_voices)) or (ea > 0 and _voice_of(s, ea - 1, lex))
