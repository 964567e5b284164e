"""Country mentions, with roles (actor or mentioned), on word-segmented text.

Gazetteer: `data/countries.csv` (iso, name, variant, source, ambiguous, status):
every sovereign state (UN members, observer states, Taiwan, Kosovo) plus the
EU and the Soviet Union (status `former`), with CLDR names in Vietnamese and
English (Babel) and the names the press uses (`press_variants.yaml`);
regenerate with `python -m vnpress.data.build_countries`.

Matching. A variant matches a run of whole segmented tokens, case-sensitively:
"Pháp" never matches inside the token "Pháp luật" (Vụ Điều ước và Pháp luật),
nor "Đức" inside "Minh Đức", nor "Mỹ" inside "Mỹ Đình" or "thẩm mỹ"; cities,
regions and organizations (Hà Nội, châu Âu, ASEAN, Liên minh châu Phi) are
not in the gazetteer. Before matching, each sentence's tokens are re-cut
(`_split_pairs`): a dash between two country names is a join, whatever the
spacing or the segmenter's glue ("Việt Nam-EU", "Xung đột Nga" "–" "Ukraine",
"Hàn-Mỹ-Nhật"), and names glued to plain words are cut off ("Venezuela đồng").
Pair-only forms (Việt, Trung, Triều, Thái, Ấn) count only in a join. An
ambiguous short name (Anh, Pháp, Mỹ, Đức, Nga, Ý, Áo, Úc, Lào, Nhật, Hàn...)
counts only with context, by the rules documented in `data/actor_cues.yaml`
(`_licensed`): a licensing word before it, brackets, a list or pair of
countries, a city apposition, a common noun before it, the subject position
before a verb, or an unambiguous name of the same country in the article;
person, pronoun and language contexts block it ("chị Anh", "Anh ấy",
"tiếng Anh"), and a list after "ngôn ngữ" names languages.

Roles. A mention is an `actor` when the country's government or representative
speaks or acts: the country opens its clause (after conjunctions such as
"trong khi", and with no verb or preposition before it) and a verb follows
within a few tokens; or a representative noun precedes it ("Đại diện Nhật
Bản", "Bộ Ngoại giao Trung Quốc") and a speech verb follows, also past an
appositive ("Bà Yang Yuya, ..., Bộ Ngoại giao Trung Quốc, khẳng định").
Otherwise it is `mentioned`. Two more rules add actor rows (column `via`):
`official`, a Vietnamese official (title + Vietnamese name: "Thứ trưởng
Ngoại giao Nguyễn Minh Vũ cho biết") or an unqualified ministry ("Bộ Công an
sẽ phối hợp"; not one a foreign leader's name qualifies: "Chính phủ TT Biden")
is Vietnam speaking, since the press is Vietnamese (switch:
`vietnam_default` in `data/actor_cues.yaml`); `continuation`, a sentence that
opens with an anaphor ("Quốc gia này", "Nước này", "Nhà ngoại giao", "Ông",
"Bà", or a body of the country: "Quốc hội nước này", never Vietnam's official)
continues the last actor of the same or previous paragraph.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import yaml

from vnpress.data import path as data_path
from vnpress.processing.layers import Batch, layer
from vnpress.processing.workbook import from_texts
from vnpress.util.phrases import match_phrases
from vnpress.util.textnorm import fold, normalize

MENTION_COLUMNS = ["article_id", "sentence_id", "iso", "name", "surface", "role", "sentence", "start", "end", "via"]
_CLAUSE_BREAK = {",", ";", ":", "(", ")", "–", "—", "-", "“", "”", '"', "…", "?", "!", "."}
_BLOCKING_POS = {"V", "E", "A"}
_DASHES = {"-", "–", "—"}
_DASH_SPLIT = re.compile(r"\s*([-–—])\s*")
_INNER_DASH = re.compile(r"\w\s*[-–—]|[-–—]\s*\w")
# Latin-script words that make a glued "<country> <Word>" a name of its own ("Vietnam Airlines", "China Daily").
_ORG_TAILS = {"Air", "Airlines", "Airways", "Bank", "Cup", "Daily", "Express", "Group", "News", "Online", "Open",
              "Post", "Radio", "Railways", "Telecom", "Television", "Times", "Today", "Tourism"}


@lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> dict:
    """The actor cue lists (folded), from data/actor_cues.yaml or `path`, and `anaphor_bodies` (the ministries,
    representatives and official titles together)."""
    raw = yaml.safe_load(Path(path or data_path("actor_cues.yaml")).read_text(encoding="utf-8"))
    cues = {k: ({fold(x) for x in v} if isinstance(v, list) else v) for k, v in raw.items()}
    # what «… nước này» may follow (`_anaphor_body`)
    cues["anaphor_bodies"] = cues["home_ministries"] | cues["representatives"] | cues["official_titles"]
    return cues


@lru_cache(maxsize=4)
def gazetteer(path: str | None = None) -> pd.DataFrame:
    """The gazetteer: iso, name, variant, source, ambiguous (bool), status, pair_only (bool)."""
    df = pd.read_csv(path or data_path("countries.csv"), dtype=str, keep_default_na=False)
    if "pair_only" not in df:
        df["pair_only"] = "0"
    df["variant"] = df["variant"].map(normalize)
    df["name"] = df["name"].map(normalize)
    df["ambiguous"] = df["ambiguous"] == "1"
    df["pair_only"] = df["pair_only"] == "1"
    return df


Index = dict[tuple[str, ...], tuple[str, str, bool, bool]]  # syllables -> iso, name, ambiguous, pair_only


def _index(gaz: pd.DataFrame) -> tuple[Index, int]:
    index = {tuple(v.split()): (iso, name, amb, pair) for iso, name, v, amb, pair in
             gaz[["iso", "name", "variant", "ambiguous", "pair_only"]].itertuples(index=False)}
    return index, max(len(k) for k in index)


def _raw_matches(tokens: list[str], index: Index, longest: int) -> list[tuple[int, int, str, str, bool, bool]]:
    """(first token, last token + 1, iso, name, ambiguous, pair_only) for whole-token matches, longest first."""
    return [(a, b, *value) for a, b, value in match_phrases(tokens, index, longest=longest)]


class Segmented(NamedTuple):
    """One sentence's tokens after pair splitting; `joins` are the dash tokens joining two countries."""

    tokens: list[str]
    pos: list[str]
    starts: list[int]
    ends: list[int]
    joins: frozenset[int]


def _edge(text: str, index: Index, longest: int, at_end: bool, strong: bool = False) -> int:
    """Syllables of the longest gazetteer name (unambiguous if `strong`) at the end or start of a token, 0 if none.

    The rest of the token must be lowercase words next to the name ("Xung đột Nga", "Venezuela đồng"), so
    that a compound proper noun is never cut ("Minh Đức", "Mỹ Đình", "Thái Bình").
    """
    sylls = text.split()
    for n in range(min(longest, len(sylls)), 0, -1):
        hit = index.get(tuple(sylls[-n:] if at_end else sylls[:n]))
        if hit and not (strong and hit[2]):
            rest = sylls[:-n] if at_end else sylls[n:]
            return n if not rest or not rest[-1 if at_end else 0][:1].isupper() else 0
    return 0


def _pieces(tokens: list[str], pos: list[str], starts: list[int], ends: list[int], index: Index) -> list[list]:
    """[text, pos, start, end, token] pieces: a token with an inner dash is cut at it ("Việt Nam-EU")."""
    out = []
    for t, (tok, p, a, e) in enumerate(zip(tokens, pos, starts, ends)):
        if tuple(tok.split()) in index or not _INNER_DASH.search(tok):
            out.append([tok, p, a, e, t])
            continue
        at = 0
        for part in filter(None, (x.strip() for x in _DASH_SPLIT.split(tok))):
            off = tok.find(part, at)
            at = off + len(part)
            out.append([part, "CH" if part in _DASHES else p, a + off, a + at, t])
    return out


def _language_pair(items: list[list], k: int, index: Index, longest: int, cues: dict) -> bool:
    """True when the dash chain ending at items[k] follows a language word ("từ điển Anh - Việt")."""
    m = k - 1
    while m >= 2 and items[m - 1][0] in _DASHES:
        m -= 2
    left = items[m][0].split()
    rest = left[:len(left) - _edge(items[m][0], index, longest, at_end=True)]
    before = fold(" ".join(([items[m - 1][0]] if m else []) + rest))
    return any(before == w or before.endswith(" " + w) for w in cues["pair_block_before"])


def _split_pairs(tokens: list[str], pos: list[str], starts: list[int], ends: list[int], index: Index,
                 longest: int, cues: dict) -> Segmented:
    """Tokens with country pairs made explicit: "Mỹ-Trung", "Việt Nam – EU", "Xung đột Nga" "–" "Ukraine".

    A dash between two country names (full, short or pair-only forms) becomes a join; a token glued to a
    name on the pair's side is cut ("Quan hệ Việt-Mỹ" → "Quan hệ", "Việt", "-", "Mỹ"). Dashes elsewhere
    keep their tokens whole ("VN-Index", "Timor-Leste", "châu Á-Thái Bình Dương"). An unambiguous name glued to
    lowercase words is cut off too ("Venezuela đồng" → "Venezuela", "đồng").
    """
    items = _pieces(tokens, pos, starts, ends, index)
    joins, cut = set(), {}
    for k in range(1, len(items) - 1):
        if items[k][0] not in _DASHES or items[k - 1][0] in _DASHES or items[k + 1][0] in _DASHES:
            continue
        left = _edge(items[k - 1][0], index, longest, at_end=True)
        right = _edge(items[k + 1][0], index, longest, at_end=False)
        across = 0 if left or not right else _left_across(items, k, index, longest)
        if (left or across) and right and not _language_pair(items, k, index, longest, cues):
            joins.add(k)
            if across:  # "Việt" "Nam-EU": the name starts in the token before
                cut.setdefault(k - 2, (True, across))
                left = len(items[k - 1][0].split())
            cut.setdefault(k - 1, (True, left))
            cut[k + 1] = (False, right)
    for k, item in enumerate(items):  # a name glued to plain words: "Venezuela đồng", "Nga cử", "Đại sứ Anh"
        if k not in cut and tuple(item[0].split()) not in index:
            how = _glued(item[0], item[1], index, longest, cues)
            if how:
                cut[k] = how
    split_tokens = {items[k][4] for k in joins}
    out = Segmented([], [], [], [], frozenset())
    new_joins = set()
    k = 0
    while k < len(items):
        t, group = items[k][4], [k]
        while group[-1] + 1 < len(items) and items[group[-1] + 1][4] == t:
            group.append(group[-1] + 1)
        if len(group) > 1 and t not in split_tokens:  # cut provisionally, no pair inside: restore the token
            parts = [(None, [tokens[t], pos[t], starts[t], ends[t]])]
        else:
            parts = [(g, part) for g in group for part in _cut(items[g], cut.get(g))]
        for g, (text, p, a, e) in parts:
            if g in joins:
                new_joins.add(len(out.tokens))
            out.tokens.append(text)
            out.pos.append(p)
            out.starts.append(a)
            out.ends.append(e)
        k = group[-1] + 1
    return out._replace(joins=frozenset(new_joins))


def _left_across(items: list[list], k: int, index: Index, longest: int) -> int:
    """Syllables of items[k-2] that start a name ending in items[k-1] before the dash at k ("Việt" "Nam-EU"),
    0 if none (the segmenter cut the name in two)."""
    if k < 2 or items[k - 2][0] in _DASHES:
        return 0
    last = items[k - 1][0].split()
    n = _edge(f"{items[k - 2][0]} {items[k - 1][0]}", index, longest, at_end=True)
    return n - len(last) if n > len(last) else 0


def _before_latin_name(text: str, index: Index, longest: int) -> int:
    """Syllables of an unambiguous name glued before a Latin-script personal name ("Australia Matt"), else 0."""
    sylls = text.split()
    for n in range(min(longest, len(sylls) - 1), 0, -1):
        hit, rest = index.get(tuple(sylls[:n])), sylls[n:]
        if hit and not (hit[2] or hit[3]) and not set(rest) & _ORG_TAILS \
                and all(w.isascii() and w.isalpha() and w[:1].isupper() for w in rest):
            return n
    return 0


def _glued(text: str, pos: str, index: Index, longest: int, cues: dict) -> tuple[bool, int] | None:
    """How to cut a country name off a token the segmenter glued to other words, or None.

    An unambiguous name before or after lowercase words ("Venezuela đồng") or before a Latin-script personal
    name ("Australia Matt"); any name before a verb it was glued to ("Nga cử" tagged V); any name after a
    licensing phrase ("Đại sứ Anh", "nước Anh").
    """
    n = _edge(text, index, longest, at_end=False, strong=pos != "V") or _before_latin_name(text, index, longest)
    if n:
        return False, n
    n = _edge(text, index, longest, at_end=True)
    sylls = text.split()
    if n and (not index[tuple(sylls[-n:])][2] or fold(" ".join(sylls[:-n])) in cues["ambiguous_before"]):
        return True, n
    return None


def _cut(item: list, how: tuple[bool, int] | None) -> list[list]:
    """Split a piece into its non-country rest and the country name at its end (or start)."""
    text, p, a, e, _ = item
    sylls = text.split()
    if how is None or how[1] >= len(sylls):
        return [[text, "Np" if how else p, a, e]]
    at_end, n = how
    name = " ".join(sylls[-n:] if at_end else sylls[:n])
    rest = " ".join(sylls[:-n] if at_end else sylls[n:])
    if at_end:
        off = text.rfind(name)
        return [[rest, p, a, a + len(rest)], [name, "Np", a + off, e]]
    off = text.find(rest, len(name))
    return [[name, "Np", a, a + len(name)], [rest, p, a + off, e]]


def _phrase_before(folded: list[str], i: int, phrases: set[str]) -> bool:
    return any(i - n >= 0 and " ".join(folded[i - n:i]) in phrases for n in (1, 2, 3))


def _licensed(sent: Segmented, i: int, j: int, spans: list[tuple[int, int]], licensed_isos: set[str],
              iso: str, pair_only: bool, cues: dict) -> bool:
    """Whether the ambiguous name at tokens[i:j] is a country here (rules in data/actor_cues.yaml)."""
    tokens, pos = sent.tokens, sent.pos
    folded = [fold(t) for t in tokens]
    in_pair = i - 1 in sent.joins or j in sent.joins
    if pair_only or in_pair:
        return in_pair
    prev = folded[i - 1] if i > 0 else ""
    nxt = folded[j] if j < len(tokens) else ""
    after_not = {nxt, nxt.split(" ")[0]} & cues["ambiguous_after_not"]
    if after_not or _phrase_before(folded, i, cues["ambiguous_before_not"]):
        return False  # "Anh ấy", "chị Anh", "tiếng Anh"
    if _phrase_before(folded, i, cues["ambiguous_before"]) or (prev == "(" and nxt == ")"):  # "Vienna (Áo)"
        return True  # also where the tagger took the body for a name: "Bộ | Ngoại giao (Np) | Pháp nói"
    if i > 0 and pos[i - 1] == "Np" and tokens[i - 1][:1].isupper():
        return False  # part of a person's name: "Tuấn Anh"
    others = [(a, b) for a, b in spans if (a, b) != (i, j)]
    if any(b == i - 1 or a == j + 1 for a, b in others) and (prev in cues["coordinators"] | {","} or nxt in cues["coordinators"] | {","}):
        return True  # a list or coordination of countries
    if _apposition(sent, folded, i, j, cues):
        return True
    if j < len(tokens) and pos[j] == "Np" and tokens[j][:1].isupper() and all(a != j for a, _ in others):
        return False  # a proper noun follows: "Anh Thư", "Đức Phật"
    if i > 0 and pos[i - 1] == "N" and not _phrase_before(folded, i, cues["person_titles"]):
        return True  # attributive: "doanh nghiệp Nga", "Tổng Công tố Nga"
    return _subject_of_verb(sent, folded, i, j, {k for a, b in spans for k in range(a, b)}, cues) \
        or iso in licensed_isos


def _apposition(sent: Segmented, folded: list[str], i: int, j: int, cues: dict) -> bool:
    """A foreign city, then the country, after a place cue: "tại Đại học Vienna, Áo.", "ở New York - Mỹ."."""
    tokens, pos = sent.tokens, sent.pos
    if i < 2 or tokens[i - 1] not in _DASHES | {","} or pos[i - 2] != "Np" or not tokens[i - 2].isascii():
        return False
    if j < len(tokens) and tokens[j] not in {".", ",", ";", ")", "…"}:
        return False
    return any(_phrase_at(folded, m, cues["place_cues"]) for m in range(max(0, i - 6), i - 2))


def _subject_of_verb(sent: Segmented, folded: list[str], i: int, j: int, covered: set[int], cues: dict) -> bool:
    """The name opens its clause and a verb follows past adverbs: "Nga đề xuất", "Mỹ không ký"."""
    tokens, pos = sent.tokens, sent.pos
    start, end = _clause_bounds(tokens, i, sent.joins)
    if _after_openers(folded, [k for k in range(start, i) if k not in covered
                               and folded[k] not in cues["coordinators"] | {","}], cues["clause_openers"]):
        return False
    if start > 1 and tokens[start - 1] == "," and pos[start - 2] == "Np" and start - 2 not in covered:
        return False  # a list of people: "Minh, Tuấn, Đức đều đồng ý"
    strict = folded[i] in cues["strict_subjects"]
    k = j
    while k < end and k - j <= 4:
        if k in covered or pos[k] in {"R", "C", "CC"} or folded[k] in cues["subject_adverbs"]:
            k += 1
            continue
        return pos[k] == "V" and (not strict or folded[k] in cues["state_verbs"])
    return False


def _clause_bounds(tokens: list[str], i: int, joins: frozenset[int] = frozenset()) -> tuple[int, int]:
    start = i
    while start > 0 and (tokens[start - 1] not in _CLAUSE_BREAK or start - 1 in joins):
        start -= 1
    end = i
    while end < len(tokens) and (tokens[end] not in _CLAUSE_BREAK or end in joins):
        end += 1
    return start, end


def _after_openers(folded: list[str], idx: list[int], openers: set[str]) -> list[int]:
    """Drop leading clause openers ("trong khi", "việc", ...) from the token indices `idx`."""
    changed = True
    while changed and idx:
        changed = False
        for n in range(min(3, len(idx)), 0, -1):
            if " ".join(folded[k] for k in idx[:n]) in openers:
                idx, changed = idx[n:], True
                break
    return idx


def _skip_parenthesis(tokens: list[str], k: int) -> int:
    if k < len(tokens) and tokens[k] == "(":
        while k < len(tokens) and tokens[k] != ")":
            k += 1
        return k + 1
    return k


def _is_actor(tokens: list[str], pos: list[str], i: int, j: int, cues: dict, country_spans: set[int],
              joins: frozenset[int] = frozenset()) -> bool:
    folded = [fold(t) for t in tokens]
    start = after_citing(folded, _clause_bounds(tokens, i, joins)[0], i, cues)
    j = _skip_parenthesis(tokens, j)  # "Liên minh châu Âu (EU) đã thống nhất"
    _, end = _clause_bounds(tokens, j, joins) if j < len(tokens) and (tokens[j] not in _CLAUSE_BREAK or j in joins) \
        else (None, j)
    before = _after_openers(folded, [k for k in range(start, i) if k not in country_spans
                                     and folded[k] not in cues["coordinators"] | {","}], cues["clause_openers"])
    reps = cues["representatives"]
    rep_before = i > 0 and (folded[i - 1] in reps or " ".join(folded[max(0, i - 2):i]) in reps)
    agent = i > 0 and folded[i - 1] in cues["agent_markers"]  # "dự thảo do Nga đề xuất"
    # subject: nothing but representative nouns before the country in its clause (openers dropped)
    led_by_rep = rep_before and not any(pos[k] in _BLOCKING_POS and folded[k] not in reps for k in before)
    if before and not agent and not led_by_rep:
        return False
    # predicate: a verb within a few tokens after the country (adverbs and coordinated countries skipped;
    # a list of countries does not count toward the distance: "Cam Bốt, Miến Điện, ... và Venezuela đồng bảo trợ")
    k, listed = j, 0
    while k < end and k - j - listed <= 5:
        if k in country_spans or k in joins:
            k, listed = k + 1, listed + 1
            continue
        if pos[k] in {"R", "C", "CC"} or folded[k] in cues["predicate_adverbs"]:
            k += 1
            continue
        if rep_before and folded[k] in cues["posted_at"] and k + 1 < end and pos[k + 1] == "Np":
            k += 2  # "Đại sứ Anh tại Việt Nam ký"
            continue
        if pos[k] == "V" or folded[k] in cues["speech_verbs"]:
            return True
        if pos[k] == "E":
            return False
        k += 1
    # appositive: "..., Bộ Ngoại giao Trung Quốc, khẳng định ..." (no speech verb before the country)
    if end < len(tokens) and tokens[end] == ",":
        head = [folded[k] for k in range(end + 1, min(len(tokens), end + 4)) if pos[k] not in {"R"}]
        no_speech_before = not any(folded[k] in cues["speech_verbs"] for k in range(0, i))
        return bool(head) and head[0] in cues["speech_verbs"] and no_speech_before
    return False


def _phrase_at(folded: list[str], i: int, phrases: set[str]) -> int:
    """Length in tokens of the longest phrase from `phrases` starting at token i (0 if none)."""
    for n in (3, 2, 1):
        if i + n <= len(folded) and " ".join(folded[i:i + n]) in phrases:
            return n
    return 0


def _foreign_leader(folded: list[str], pos: list[str], k: int, cues: dict) -> bool:
    """Token k names a leader by title with a name that is not Vietnamese: «Tổng thống | Trump», «TT Biden» (the
    segmenter may glue the title to the name); not «Thủ tướng | Phạm Minh Chính»."""
    if pos[k] != "Np":
        return False
    name = folded[k]
    title = next((t for t in cues["leader_titles"] if name.startswith(t + " ")), None)
    if title:
        name = name[len(title) + 1:]
    elif not (k and folded[k - 1] in cues["leader_titles"]):
        return False
    return name.split()[0] not in cues["vietnamese_surnames"]


def _official_span(tokens: list[str], pos: list[str], cues: dict, country_spans: set[int],
                   known: set[str]) -> tuple[int, int] | None:
    """A Vietnamese official or ministry speaking in this sentence: its (first, last + 1) tokens.

    Title first ("Thứ trưởng Ngoại giao Nguyễn Minh Vũ cho biết"), person first ("Ông Nguyễn Hữu Phú,
    Phó Vụ trưởng ... (Bộ Ngoại giao), chia sẻ"), a ministry as subject ("Bộ Công an sẽ phối hợp"), or an
    official already introduced in the article ("..., ông Nguyễn Minh Vũ nói"). Adds found names to `known`.
    """
    folded = [fold(t) for t in tokens]
    speaks_after = lambda k: any(w in cues["speech_verbs"] for w in folded[k:])  # noqa: E731
    titles, ministries = cues["official_titles"], cues["home_ministries"]
    officials = titles | ministries

    def vn_person(k: int) -> bool:
        return _vn_person(folded, pos, k, cues)

    for i in range(len(tokens)):
        n = _phrase_at(folded, i, officials)
        if n and _anaphor_body(folded, pos, i, cues):
            continue  # «Quốc hội nước này»: the previous country's, not the home country's
        if n and not (i > 0 and folded[i - 1] in cues["title_not_after"]):
            is_ministry = _phrase_at(folded, i, ministries) == n
            for k in range(i + n, min(len(tokens), i + 9)):
                if k in country_spans or tokens[k] in _CLAUSE_BREAK - {","}:
                    break  # a foreign title: "Bộ Ngoại giao Trung Quốc"
                if _foreign_leader(folded, pos, k, cues):
                    break  # a foreign leader's body: "Chính phủ TT Biden", "Chính quyền Tổng thống Trump"
                if vn_person(k) and (speaks_after(k + 1) or (i > 0 and folded[i - 1] == "theo")):
                    known.add(folded[k])
                    return i, k + 1
                if is_ministry and (i == 0 or folded[i - 1] in {",", "theo"}) and pos[k] in {"V", "R"}:
                    return i, k
        if vn_person(i) and (i == 0 or folded[i - 1] in cues["person_after"]):
            window = folded[i + 1:i + 16]
            has_title = any(_phrase_at(window, w, officials) for w in range(len(window)))
            if (has_title or folded[i] in known) and speaks_after(i + 1):
                known.add(folded[i])
                return (i - 1 if i > 0 else i), i + 1
    return None


def _drop_language_list(sent: Segmented, kept: list[tuple[int, int, str, str]], cues: dict) -> list:
    """Drop a list of names that enumerates languages: "6 ngôn ngữ chính thức (Anh, Pháp, Nga và Trung Quốc)".

    A list of two or more names, after a `language_nouns` word with no verb in between, and no verb right
    after the list ("Về ngôn ngữ, Việt Nam và Lào đề xuất" keeps its countries).
    """
    folded = [fold(t) for t in sent.tokens]
    cue = max((k for k in range(len(folded)) if _phrase_at(folded, k, cues["language_nouns"])), default=None)
    if cue is None or len(kept) < 2:
        return kept
    listed = [m for m in kept if m[0] > cue]
    filler = {",", "(", ")", ":"} | cues["coordinators"]
    if len(listed) < 2 or any(sent.pos[k] == "V" for k in range(cue, listed[0][0])) \
            or any(folded[k] not in filler and sent.pos[k] != "Np"  # "Ả Rập" is a language, not a state
                   for m, n in zip(listed, listed[1:]) for k in range(m[1], n[0])):
        return kept
    after = next((k for k in range(listed[-1][1], len(folded)) if folded[k] not in filler), None)
    if after is not None and sent.pos[after] == "V":
        return kept
    return [m for m in kept if m not in listed]


def _sentence_mentions(sent: Segmented, index: Index, longest: int, cues: dict, licensed_isos: set[str],
                       known: set[str]) -> list[tuple[int, int, str, str, str, str]]:
    """(first token, end token, iso, name, role, via) for one sentence; `known` collects officials' names."""
    tokens, pos = sent.tokens, sent.pos
    raw = _raw_matches(tokens, index, longest)
    # an alias in brackets right after the same country is one mention: "Liên minh châu Âu (EU)"
    raw = [m for n, m in enumerate(raw) if not (n and raw[n - 1][2] == m[2] and m[0] == raw[n - 1][1] + 1
                                                   and tokens[raw[n - 1][1]] == "(")]
    spans = [(a, b) for a, b, *_ in raw]
    kept = [(a, b, iso, name) for a, b, iso, name, amb, pair in raw
            if not amb or _licensed(sent, a, b, spans, licensed_isos, iso, pair, cues)]
    kept = _drop_language_list(sent, kept, cues)
    covered = {k for a, b, *_ in kept for k in range(a, b)} | sent.joins
    glue = sent.joins | {c for c in range(1, len(tokens) - 1)  # "Hàn Quốc, Mỹ và Nhật Bản tổ chức"
                         if tokens[c] == "," and c - 1 in covered and c + 1 in covered}
    out = [(a, b, iso, name, "actor" if _is_actor(tokens, pos, a, b, cues, covered, glue) else "mentioned",
            "name") for a, b, iso, name in kept]
    if cues.get("vietnam_default") and not any(r[4] == "actor" for r in out if r[2] != cues["home_country"]):
        span = _official_span(tokens, pos, cues, covered, known)
        if span:
            home = cues["home_country"]
            out.append((span[0], span[1], home, _canonical(home), "actor", "official"))
    return out


def _canonical(iso: str) -> str:
    return country_names()[iso]


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO code → canonical Vietnamese name, from the packaged gazetteer."""
    gaz = gazetteer()
    return dict(zip(gaz["iso"], gaz["name"]))


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """Canonical Vietnamese name → ISO code (`country_names` reversed)."""
    return {name: iso for iso, name in country_names().items()}


def _vn_person(folded: list[str], pos: list[str], k: int, cues: dict) -> bool:
    """Token k is a Vietnamese personal name: a proper noun of two syllables or more opening with a family name."""
    return pos[k] == "Np" and folded[k].split()[0] in cues["vietnamese_surnames"] and len(folded[k].split()) > 1


def after_citing(words: list[str], start: int, end: int, cues: dict) -> int:
    """Where a cited speaker's clause starts among words [start, end): after the last citing phrase (`citing` of
    actor_cues.yaml: «Hãng tin Reuters dẫn lời | Bộ Ngoại giao Pháp nói»), else `start`. `words`: folded tokens."""
    for k in range(end - 1, start - 1, -1):
        if n := _phrase_at(words, k, cues["citing"]):
            return k + n
    return start


def points_back(words: list[str], k: int, cues: dict, between: int = 3) -> int:
    """The end of «<country head> [up to `between` words] <demonstrative>» opening at word k («quốc gia này»,
    «quốc gia Trung Mỹ này»; `country_heads`, `demonstratives` of actor_cues.yaml), 0 if none. `words`: folded
    tokens or syllables."""
    n = _phrase_at(words, k, cues["country_heads"])
    if not n:
        return 0
    for j in range(k + n, min(len(words), k + n + between + 1)):
        if words[j] in cues["demonstratives"]:
            return j + 1
        if not words[j][:1].isalnum():
            return 0
    return 0


def _anaphor_body(folded: list[str], pos: list[str], i: int, cues: dict) -> int:
    """The end token of «<body or official> … [của] nước này» opening at token i, 0 if none: up to four words
    between the two, none a verb (tagged or a speech verb), punctuation or a Vietnamese personal name («Quốc hội
    nước này», «Bộ trưởng Quốc phòng của nước này», «Chính phủ của quốc gia Trung Mỹ này»: `points_back`; not «Thứ
    trưởng Đỗ Hùng Việt muốn nước này», «Bộ Ngoại giao lên án nước này»)."""
    n = _phrase_at(folded, i, cues["anaphor_bodies"])
    if not n:
        return 0
    for k in range(i + n, min(len(folded), i + n + 5)):
        m = _phrase_at(folded, k, cues["country_anaphors"])
        if m or (end := points_back(folded, k, cues)):
            return k + m if m else end
        if pos[k] in {"V", "CH"} or folded[k] in cues["speech_verbs"] or not folded[k][:1].isalnum() \
                or _vn_person(folded, pos, k, cues):
            return 0
    return 0


def _continues(folded_sentence: str, cues: dict) -> str | None:
    for cue in sorted(cues["continuation"], key=len, reverse=True):
        if folded_sentence.startswith(cue) and not folded_sentence[len(cue):len(cue) + 1].isalnum():
            return cue
    return None


def find_mentions(wb, cues_path: str | None = None, gazetteer_path: str | None = None) -> pd.DataFrame:
    """One row per country mention (MENTION_COLUMNS).

    Columns: article_id, sentence_id, iso (ISO 3166-1 alpha-2, EU for the
    Union), name (canonical Vietnamese), surface (as written, or the anaphor or
    official's title), role (actor|mentioned), sentence (evidence), start, end
    (character offsets in the article text, -1 if unknown), via
    (name|official|continuation; `statements.mark_actors` adds `speaker`).
    """
    cues = load_cues(cues_path)
    gaz = gazetteer(gazetteer_path)
    index, longest = _index(gaz)
    unambiguous = gaz[~gaz["ambiguous"]]
    strong = _index(unambiguous)
    rows = []
    sentences = wb.sentences.set_index(["article_id", "sentence_id"])
    for article_id, toks in wb.tokens.groupby("article_id", sort=False):
        segmented = [(sid, _split_pairs(t["token"].tolist(), t["pos"].tolist(), t["start"].tolist(),
                                        t["end"].tolist(), index, longest, cues))
                     for sid, t in toks.groupby("sentence_id", sort=True)]
        licensed = {m[2] for _, sent in segmented for m in _raw_matches(sent.tokens, *strong)}
        last_actor: tuple[str, str, int] | None = None  # iso, name, paragraph
        known: set[str] = set()  # names of officials introduced so far
        for sid, seg in segmented:
            sent = sentences.loc[(article_id, sid)]
            found = _sentence_mentions(seg, index, longest, cues, licensed, known)
            for a, b, iso, name, role, via in found:
                surface = " ".join(seg.tokens[a:b])
                rows.append((article_id, sid, iso, name, surface, role, sent["text"], seg.starts[a], seg.ends[b - 1],
                             via))
            actors = [(iso, name) for _, _, iso, name, role, _ in found if role == "actor"]
            paragraph = int(sent["paragraph_id"])
            if actors:
                last_actor = (*actors[-1], paragraph)
            elif last_actor and paragraph - last_actor[2] <= 1:
                cue = _continues(fold(sent["text"]), cues)
                body = 0 if cue else _anaphor_body([fold(t) for t in seg.tokens], seg.pos, 0, cues)
                end = len(cue) if cue else (seg.ends[body - 1] - int(sent["start"]) if body else 0)
                if end:
                    rows.append((article_id, sid, last_actor[0], last_actor[1], sent["text"][:end], "actor",
                                 sent["text"], int(sent["start"]), int(sent["start"]) + end, "continuation"))
                    last_actor = (last_actor[0], last_actor[1], paragraph)
    df = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return df.astype({"sentence_id": "int64", "start": "int64", "end": "int64"})


@layer("mentions", MENTION_COLUMNS, data_files=("actor_cues.yaml", "countries.csv"))
def mentions_layer(batch: Batch) -> pd.DataFrame:
    """The `mentions` layer: `find_mentions` on one batch, with the batch's copies of the cues and the gazetteer."""
    return find_mentions(batch.wb, batch.files["actor_cues.yaml"], batch.files["countries.csv"])


def mentions_in_text(text: str, article_id: str = "text") -> pd.DataFrame:
    """Country mentions in one raw text (cleaned and processed like a corpus article)."""
    return find_mentions(from_texts({article_id: text}))


def country_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """Per country: iso, name, mentions, articles, actor (mentions), mentioned (mentions)."""
    if mentions.empty:
        return pd.DataFrame(columns=["iso", "name", "mentions", "articles", "actor", "mentioned"])
    out = mentions.groupby(["iso", "name"]).agg(
        mentions=("role", "size"), articles=("article_id", "nunique"),
        actor=("role", lambda r: int((r == "actor").sum())), mentioned=("role", lambda r: int((r == "mentioned").sum())))
    return out.reset_index().sort_values(["mentions", "articles"], ascending=False, ignore_index=True)


def evaluate(found: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Precision/recall of (article_id, iso) pairs and of (article_id, iso, role=actor) against a gold table.

    Gold columns: article_id, iso, role (actor|mentioned); a country that is an actor anywhere in an
    article is an actor of that article. Returns metric, value, tp, found, gold.
    """
    rows = []
    f_any = set(zip(found["article_id"], found["iso"]))
    g_any = set(zip(gold["article_id"], gold["iso"]))
    f_act = set(zip(*(found.loc[found["role"] == "actor", c] for c in ("article_id", "iso"))))
    g_act = set(zip(*(gold.loc[gold["role"] == "actor", c] for c in ("article_id", "iso"))))
    for label, f, g in (("countries", f_any, g_any), ("actors", f_act, g_act)):
        tp = len(f & g)
        rows.append((f"{label} precision", tp / len(f) if f else 1.0, tp, len(f), len(g)))
        rows.append((f"{label} recall", tp / len(g) if g else 1.0, tp, len(f), len(g)))
    return pd.DataFrame(rows, columns=["metric", "value", "tp", "found", "gold"])


