"""Who speaks or acts: the subject of a statement read as a `Speaker` (name, title, affiliations).

`mark_entities` finds the countries and organizations each sentence names, the candidate affiliations:
country mentions (`countries.find_mentions`), organizations (`data/organizations.csv`), short country names
and capitals (`data/speakers.yaml` `capitals`: the capital speaks for its country) licensed by a title or
the subject position, a country the segmenter glued to a name, and the head of an organization's name used
alone after it ("Ủy ban"); a name glued to a verb is split off. `subject_start` finds a subject back across
appositives and time or place adjuncts; `resolve` reads it with the ordered rules of `SPEAKER_RULES`: a named
person with titles (or a well-known person), an anaphor followed through the article's `State` ("nước này", "tổ
chức này"), an entity (not the country of a non-state institution: "Đại học Vienna, Áo"), a Vietnamese official
or ministry (Vietnam: the press is Vietnamese; `data/actor_cues.yaml`; not "Bộ Nội vụ Nga"), or a person
anaphor ("bà Waly", "vị Bộ trưởng").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from vnpress.analyses import orgnames
from vnpress.analyses.countries import after_citing, points_back
from vnpress.analyses.lexicon import (
    DASHES,
    HARD_BREAK,
    QUOTES,
    SOFT_BREAK,
    Lexicon,
    Sentence,
    at,
    ends_on,
    ends_with,
    starts_with,
)
from vnpress.util.phrases import match_phrases
from vnpress.util.textnorm import fold


@dataclass
class Speaker:
    """A subject as read: name (or the subject as written), title, affiliations (ISO codes, `org:<id>`), rule."""

    name: str
    title: str
    affiliations: list[str]
    rule: str


@dataclass
class State:
    """What an article has introduced so far: people by name, the last person and the last country."""

    people: dict[str, Speaker] = field(default_factory=dict)
    last_person: Speaker | None = None
    last_country: str = ""
    last_org: str = ""
    last_group: list[str] = field(default_factory=list)  # the last subject naming several actors
    interviewee: Speaker | None = None


def statement_row(s: Sentence, sp: Speaker, aff: str, kind: str, verb: str, content: str, polarity: str,
                  predicate: str, a: int, b: int, rule: str) -> dict:
    """One statement or act (STATEMENT_COLUMNS without article_id and iso) by `sp` for affiliation `aff`, with
    subject tokens from a and verb tokens ending at b."""
    start = s.tstart[a] if 0 <= a < len(s.tstart) else -1
    end = s.tend[b - 1] if 0 < b <= len(s.tend) else -1
    return {"sentence_id": s.sid, "speaker": sp.name, "title": sp.title, "affiliation": aff, "kind": kind,
            "verb": verb, "content": content, "polarity": polarity, "predicate": predicate, "sentence": s.text,
            "start": int(start), "end": int(end), "rule": f"{rule}/{sp.rule}"}


def _locates_place(s: Sentence, ea: int, eb: int, lex: Lexicon) -> bool:
    """"tại trụ sở LHQ ở New York (Mỹ)", "tại Geneva, Thụy Sĩ.": a country named after the place it locates."""
    if ea < 2 or s.tokens[ea - 1] not in {"(", ","}:
        return False
    if s.tokens[ea - 1] == "," and eb < len(s.tokens) and s.tokens[eb] not in HARD_BREAK | {")"} and not (
            s.tokens[eb] == "," and not any(x == eb + 1 for x, _, _ in s.entities)):
        return False  # "Tại Hà Nội, Việt Nam đã ký": the subject
    k = ea - 1
    while k > 0 and (s.tokens[k - 1][:1].isupper() or s.tokens[k - 1] in {"(", ")", ","}
                     or ends_with(s.folded, k, lex.place_nouns)):
        k -= ends_with(s.folded, k, lex.place_nouns) or 1
    return k < ea - 1 and bool(ends_with(s.folded, k, lex.locatives))


def _locates_institution(s: Sentence, ea: int, lex: Lexicon) -> bool:
    """"Đại học Vienna, Áo", "tờ The Star (Malaysia)": a country right after a non-state institution's name."""
    if ea < 2 or s.tokens[ea - 1] not in {",", "("}:
        return False
    k = ea - 1
    while k > 0 and s.tokens[k - 1] not in SOFT_BREAK | HARD_BREAK:
        k -= 1
    return bool(at(s.folded, k, lex.institutions))


def entities_in(s: Sentence, a: int, b: int, lex: Lexicon) -> list[str]:
    """Affiliations named in tokens [a, b): the head entity and those listed with it, places and the countries of
    non-state institutions excluded."""
    found = [(ea, eb, e) for ea, eb, e in s.entities if ea >= a and eb <= b and not _locates_place(s, ea, eb, lex)
             and not (_locates_institution(s, ea, lex) and not e.startswith("org:"))
             and (not ends_with(s.folded, ea, lex.locatives) or ends_with(s.folded, ea, lex.behalf))
             and not (e.startswith("org:") and ea > 0 and s.folded[ea - 1] in lex.member_nouns)
             and not (e.startswith("org:") and ea > 0 and (s.folded[ea - 1] in lex.instrument_nouns or
                                                          ends_on(s.folded, ea, lex.instrument_of)))
             and not (ea > a and s.folded[ea - 1] in lex.genitive and ea - 1 > a and s.folded[ea - 2] in lex.locatives)
             and orgnames.speaks_for(s, a, ea, e, lex)]
    if not found:
        return []
    if len(found) > 1 and found[0][0] > 0 and s.folded[found[0][0] - 1] in lex.with_words and \
            not ends_with(s.folded, found[0][0], lex.behalf):
        found = found[1:]  # "hợp tác chặt chẽ với Việt Nam": an object, not the subject
    children = {lex.org_parents.get(e) for _, _, e in found}
    found = [f for f in found if f[2] not in children] or found  # "Phó Tổng Thư ký LHQ, Giám đốc UNODC" → UNODC
    out = [found[0][2]]
    places = {k for ea, eb, _ in s.entities for k in range(ea - 1, eb) if ends_with(s.folded, ea, lex.locatives)}
    for (pa, pb, _), (ea, eb, e) in zip(found, found[1:]):
        close = s.tokens.index(")", pb) if pb < ea and s.tokens[pb] == "(" and ")" in s.tokens[pb:ea] else pb - 1
        gap = " ".join(g for k, g in enumerate(s.folded[pb:ea], pb) if k not in places and k > close and not (
            s.tokens[k][:1].isupper() and ends_with(s.folded, k, lex.locatives))).split()  # "tại Geneva", "(EU)"
        if not _only_joiners(gap, lex):
            break
        out.append(e)
    return list(dict.fromkeys(out))


def _only_joiners(syllables: list[str], lex: Lexicon) -> bool:
    """The syllables between two listed entities are all joiners, adverbs or representative words, matched as
    phrases ("phối hợp với Phái đoàn")."""
    words = lex.joiners | lex.behalf | lex.adverbs | lex.locatives | lex.ministries | lex.representative_syllables
    words = words | {",", "(", ")"} | lex.and_words
    i = 0
    while i < len(syllables):
        n = at(syllables, i, words, 3)
        if not n:
            return False
        i += n
    return True


def _person(s: Sentence, a: int, b: int, lex: Lexicon, cues: dict) -> tuple[str, str, bool]:
    """(name, title, vietnamese) of the person named in tokens [a, b): the first proper name (outside
    countries and organizations) and every title phrase ("Bộ trưởng Bộ Công an"), '' if none."""
    in_entity = {k for ea, eb, _ in s.entities for k in range(ea, eb)}
    titles, name, vietnamese = [], "", False
    k = a
    while k < b:
        n = at(s.folded, k, lex.titles) if s.tokens[k][:1].isupper() or (k and s.folded[k - 1] in lex.copula) else 0
        if n:
            j = k + n
            while j < b and s.tokens[j][:1].isupper() and s.pos[j] != "Np" and j not in in_entity:
                j += 1  # the title's complement: "Bộ trưởng Bộ Công an", "Thứ trưởng Ngoại giao"
            titles.append(s.span_text(k, j))
            k = j
            continue
        if not name and k in s.prefixed:
            j = k + 1
            while j < b and s.pos[j] == "Np" and j not in in_entity:
                j += 1
            rest = " ".join(s.tokens[k].split()[s.prefixed[k]:])
            name = " ".join([rest] + s.tokens[k + 1:j])
            k = j
            continue
        particled = _particled_name(s, k, b, in_entity, lex) if not name and k > a and (
            s.folded[k - 1] in lex.honorifics or ends_with(s.folded, k, lex.titles) or titles) else k
        if particled > k:  # «Bộ trưởng von der Leyen»: a foreign name opening with a particle
            name, k = s.span_text(k, particled), particled
            continue
        if not name and s.pos[k] == "Np" and k not in in_entity and s.tokens[k][:1].isupper() \
                and not ends_with(s.folded, k, lex.locatives) \
                and not s.tokens[k].isupper() and (k == a or s.folded[k - 1] in lex.honorifics or
                                                   ends_with(s.folded, k, lex.titles) or titles):
            j = k
            while j < b and j not in in_entity and s.tokens[j][:1].isupper() and not at(s.folded, j, lex.titles) \
                    and (s.pos[j] == "Np" or j == k):
                j += 1
            name = s.span_text(k, j)
            syllables = " ".join(s.folded[k:j]).split()
            vietnamese = syllables[0] in cues["vietnamese_surnames"] and len(syllables) > 1
            k = j
            continue
        k += 1
    return name, ", ".join(titles), vietnamese


def _particled_name(s: Sentence, k: int, b: int, in_entity: set[int], lex: Lexicon) -> int:
    """The end of a name opening at token k with a lower-case particle (`name_particles`: «von der Leyen», «bin
    Salman»), its other words particles or capitalized; k when there is none."""
    if s.folded[k].split()[0] not in lex.name_particles:
        return k
    j = k
    while j < b and j not in in_entity and all(x in lex.name_particles or y[:1].isupper()
                                               for x, y in zip(s.folded[j].split(), s.tokens[j].split())):
        j += 1
    capitalized = any(y[:1].isupper() for t in s.tokens[k:j] for y in t.split())
    return j if capitalized else k


def _known_person(name: str, lex: Lexicon) -> list[str]:
    """The affiliation of a well-known person named without it ("António Guterres"), from speakers.yaml."""
    words = fold(name).split()
    hit = next((lex.known_people[" ".join(words[i:])] for i in range(len(words))
                if " ".join(words[i:]) in lex.known_people), None)
    return [hit] if hit else []


def _lookup(state: State, name: str) -> Speaker | None:
    """A person introduced earlier, by full name, by the last syllable (Vietnamese given names, Western surnames:
    "ông Giang", "bà Waly"), else by another part of the name (Thai given names, Japanese family names written
    first: "ông Chaichanok" for Chaichanok Chidchob)."""
    key = fold(name)
    if key in state.people:
        return state.people[key]
    last = key.split()[-1] if key else ""
    hits = [p for k, p in state.people.items() if k.split()[-1] == last] or \
        [p for k, p in state.people.items() if " " not in key and key in k.split()]
    return hits[-1] if hits else None


def _span(s: Sentence, a: int, b: int, lex: Lexicon) -> tuple[int, int] | Speaker | None:
    """The subject tokens [a, b) past connectives, an agent marker and verbs before the subject; or the object of
    a thanks as speaker; None when there is no subject."""
    while a < b and (s.tokens[a] in SOFT_BREAK or s.folded[a] in lex.subject_openers):
        a += 1
    if a >= b:
        return None
    agent = next((t for t in range(b - 1, a - 1, -1) if s.folded[t] in lex.agent_markers
                  and (any(ea == t + 1 for ea, _, _ in s.entities) or  # "được Thủ tướng X tiếp đón"
                       at(s.folded, t + 1, lex.home_titles) and t + 1 < b and s.tokens[t + 1][:1].isupper())),
                 None)
    if agent is not None:  # "Lễ mở ký do Việt Nam đăng cai", "Công ước được Đại hội đồng LHQ thông qua"
        a = agent + 1
    elif ends_on(s.folded, b, lex.thanks_reasons):  # "cảm ơn Việt Nam vì đã đăng cai"
        last = [e for ea, eb, e in s.entities if a <= ea and eb <= b]
        if last:
            return Speaker(s.span_text(a, b), "", last[-1:], "object_of_thanks")
    verbs = [t for t in range(a, b) if is_verb(s, t, lex)]
    if s.folded[b - 1] in lex.purpose_markers:
        return None  # a purpose clause: the subject is the main clause's
    if s.folded[b - 1] in lex.and_words and verbs:  # "đón ông X thăm Việt Nam và tham dự": the first verb's subject
        b = verbs[-1]
        verbs = [t for t in range(a, b) if is_verb(s, t, lex)]
        if a >= b:
            return None
    if verbs and any(ea > verbs[-1] and not ends_with(s.folded, ea, lex.locatives) for ea, _, _ in s.entities
                     if ea < b):  # "Đây là lần đầu Việt Nam đăng cai"
        a = verbs[-1] + 1
    return a, b


def _affiliations(s: Sentence, a: int, b: int, lex: Lexicon, cues: dict) -> list[str]:
    """The affiliations the subject tokens [a, b) name, with Vietnam for a home ministry or official listed with
    them, else those of an opening "Thay mặt X," or "Đại diện X ..."."""
    affiliations = entities_in(s, a, b, lex)
    first = min((ea for ea, _, e in s.entities if a <= ea < b and e in affiliations), default=b)
    if affiliations and first > a and s.folded[first - 1] in lex.joiners | lex.together and (
            at(s.folded, a, cues["home_ministries"] | cues["official_titles"])):
        affiliations = [cues["home_country"]] + affiliations
    elif affiliations and cues["home_country"] not in affiliations and any(
            (m := at(s.folded, i, cues["home_ministries"])) and s.folded[i - 1] in lex.joiners | lex.together
            and not any(ea == i + m for ea, _, _ in s.entities) for i in range(first + 1, b)):
        affiliations = affiliations + [cues["home_country"]]  # "UNODC phối hợp với Bộ Công an" (not "Bộ Công an Nga")
    if not affiliations and a > 0:  # "Thay mặt Chính phủ Mông Cổ, Phó Thủ tướng X đã ký"
        lead = next((i for i in range(a) if at(s.folded, i, lex.behalf) and (i == 0 or s.tokens[i - 1] in
                                                                                SOFT_BREAK)), None)
        # not "thuộc Y, lưu ý X, các nước"
        if lead is not None and not match_phrases(s.folded[lead + 1:a], lex.verbs):
            affiliations = entities_in(s, lead, a, lex)
        elif s.folded[0] in lex.representative and not any(  # "Đại diện Thái Lan tham dự hội nghị, Bộ trưởng X nói"
                p[0] == "speech" for _, _, p in match_phrases(s.folded[1:a], lex.verbs)):
            affiliations = entities_in(s, 0, next((k for k in range(a) if s.tokens[k] in SOFT_BREAK), a), lex)
    return affiliations


@dataclass
class Subject:
    """A subject being read: its tokens [a, b) of a sentence, the article's state, what it names."""

    s: Sentence
    a: int
    b: int
    state: State
    lex: Lexicon
    cues: dict
    affiliations: list[str]
    name: str  # the person named, '' if none
    title: str
    vietnamese: bool  # the name is Vietnamese

    @property
    def subj(self) -> str:
        """The subject's folded tokens, joined."""
        return " ".join(self.s.folded[self.a:self.b])

    @property
    def text(self) -> str:
        """The subject as written."""
        return self.s.span_text(self.a, self.b)

    def home(self, rule: str = "home_official") -> Speaker:
        """The subject as a Vietnamese speaker."""
        return Speaker(self.text, self.title, [self.cues["home_country"]], rule)


def _named_person(c: Subject) -> Speaker | None:
    """«Bộ trưởng Ngoại giao Nhật Bản Yoko Kamikawa cho biết», «ông Giang nói» → the person, by name."""
    if not c.name:
        return None
    known = _lookup(c.state, c.name)
    if known and not c.affiliations:
        return Speaker(known.name, c.title or known.title, known.affiliations, "name_followed")
    affiliations = c.affiliations
    if not affiliations and (c.vietnamese and (c.title or any(w in c.subj for w in c.lex.mr_mrs))) and not any(
            e.startswith("org:") and e not in c.lex.names  # not «TS X (Viện Y)»: an expert speaks for themself
            for ea, _, e in c.s.entities if c.a <= ea < c.b):
        affiliations = [c.cues["home_country"]]
    affiliations = affiliations or _known_person(c.name, c.lex)
    introduced = bool(c.title) or any(w in c.lex.honorifics for w in c.s.folded[c.a:c.b])
    return Speaker(c.name, c.title, affiliations, "named" if introduced else "bare_name")


def _country_anaphor(c: Subject) -> Speaker | None:
    """«Nước này đang xem xét», «Quốc gia Trung Mỹ này», «Chính phủ của quốc gia Trung Mỹ này» → the last country
    named."""
    subj, words, anaphors = c.subj, c.subj.split(), c.lex.country_anaphors
    # «quốc gia … này» opening the subject or after «của»
    pointed = any((j == 0 or words[j - 1] in c.lex.genitive) and points_back(words, j, c.cues)
                  for j in range(len(words)))
    if subj in anaphors or any(subj.endswith(" " + w) or subj == w for w in anaphors) or (
            pointed and not c.affiliations):
        return Speaker(c.text, "", [c.state.last_country] if c.state.last_country else [], "country_anaphor")
    return None


def _group_anaphor(c: Subject) -> Speaker | None:
    """«Các nước này đã ký» → the last subject naming several actors."""
    if c.subj in c.lex.group_anaphors and c.state.last_group:
        return Speaker(c.text, "", list(c.state.last_group), "group_anaphor")
    return None


def _org_anaphor(c: Subject) -> Speaker | None:
    """«Tổ chức này kêu gọi» → the last organization named."""
    if (c.subj in c.lex.org_anaphors or any(c.subj.endswith(" " + w) for w in c.lex.org_anaphors)) \
            and c.state.last_org:
        return Speaker(c.text, "", [c.state.last_org], "org_anaphor")
    return None


def _entity(c: Subject) -> Speaker | None:
    """«Đại diện Nhật Bản cho biết», «UNODC kêu gọi» → the countries and organizations named."""
    return Speaker(c.text, c.title, c.affiliations, "entity") if c.affiliations else None


def _home_institution(c: Subject) -> Speaker | None:
    """«Viện Kiểm sát nhân dân tối cao cho biết», «Bộ Công an đã ký» → Vietnam (the press is Vietnamese)."""
    home = c.lex.home_institutions | c.cues["home_ministries"]
    if at(c.s.folded, c.a, c.lex.home_titles | home) or any(at(c.s.folded, i, home) for i in range(c.a, c.b)):
        return c.home()
    return None


def _home_official(c: Subject) -> Speaker | None:
    """«Bộ Ngoại giao khẳng định», «Thứ trưởng cho biết» (no one introduced yet) → Vietnam."""
    if at(c.s.folded, c.a, c.cues["home_ministries"]) == c.b - c.a or (
            c.title and at(c.s.folded, c.a, c.cues["official_titles"]) and c.b - c.a <= 3
            and c.state.last_person is None):
        return c.home()
    return None


def _person_anaphor(c: Subject) -> Speaker | None:
    """«Ông cho biết», «vị Bộ trưởng nhấn mạnh» → the last person (with that title); a bare Vietnamese title
    («Thứ trưởng nói») with no one to refer to → Vietnam."""
    if not (c.subj in c.lex.person_anaphors or (c.title and c.b - c.a <= 3)):
        return None
    ref = c.state.last_person
    if c.title and c.state.people:  # "vị Bộ trưởng", "Đại sứ": the last person with that title
        same = [p for p in c.state.people.values() if fold(c.title).split()[-1] in fold(p.title)]
        ref = same[-1] if same else ref
    if ref:
        return Speaker(ref.name, ref.title, ref.affiliations, "person_anaphor")
    if c.title and at(c.s.folded, c.a, c.cues["official_titles"]):
        return c.home()
    return None


# How a subject is read, in order: the first rule that names a speaker wins.
SPEAKER_RULES: tuple[Callable[[Subject], Speaker | None], ...] = (
    _named_person, _country_anaphor, _group_anaphor, _org_anaphor, _entity, _home_institution, _home_official,
    _person_anaphor)


def resolve(s: Sentence, a: int, b: int, state: State, lex: Lexicon, cues: dict) -> Speaker | None:
    """The speaker named by the subject tokens [a, b), or None: the first of SPEAKER_RULES that names one."""
    span = _span(s, a, b, lex)
    if not isinstance(span, tuple):
        return span
    a, b = span
    affiliations = _affiliations(s, a, b, lex, cues)
    name, title, vietnamese = _person(s, a, b, lex, cues)
    c = Subject(s, a, b, state, lex, cues, affiliations, name, title, vietnamese)
    return next((sp for rule in SPEAKER_RULES if (sp := rule(c)) is not None), None)


def remember(state: State, sp: Speaker) -> None:
    """Keep an explicit speaker in the article's state: by name, as the last person, country, organization or group."""
    if sp.rule in {"named", "name_followed"} and sp.name:
        state.people[fold(sp.name)] = sp
    if sp.rule in {"named", "name_followed", "person_anaphor", "bare_name"} and sp.name and sp.affiliations:
        state.last_person = sp
    if len(sp.affiliations) > 1:
        state.last_group = list(sp.affiliations)
    countries = [x for x in sp.affiliations if x and not x.startswith("org:")]
    if countries:
        state.last_country = countries[-1]
    orgs = [x for x in sp.affiliations if x.startswith("org:")]
    if orgs:
        state.last_org = orgs[-1]


def introduce(s: Sentence, state: State, lex: Lexicon, cues: dict) -> None:
    """Remember people a sentence introduces with a title and an affiliation, even when they do not speak in it
    ("Bà Yuki Sato là trưởng đoàn Nhật Bản", "Đồng Bộ trưởng Ngoại giao Australia đã dự lễ")."""
    for k in range(len(s.tokens)):
        n = at(s.folded, k, lex.titles) if s.tokens[k][:1].isupper() or (k and s.folded[k - 1] in lex.copula) else 0
        if not n and not (s.folded[k] in lex.introducers and k + 1 < len(s.tokens) and s.pos[k + 1] == "Np"):
            continue
        a = k
        while a > 0 and s.tokens[a - 1] not in HARD_BREAK | SOFT_BREAK and s.pos[a - 1] != "V":
            a -= 1
        end = next((j for j in range(k, len(s.tokens)) if s.tokens[j] in HARD_BREAK | {";"}), len(s.tokens))
        end = min(end, k + 14, next((j for j in range(k + max(n, 1), end) if is_verb(s, j, lex)), end))
        end = max([end] + [eb for ea, eb, _ in s.entities if ea < end < eb])  # an entity is not cut
        affs = entities_in(s, k, end, lex)
        name, title, _ = _person(s, a, end, lex, cues)
        title = title or s.span_text(k, k + n)
        if not affs or not n and not title or (name and fold(name) in state.people):
            continue
        sp = Speaker(name or s.span_text(k, k + n), title, affs[:1], "named" if name else "introduced")
        if name:
            state.people[fold(name)] = sp
        state.last_person = sp
        break


def subject_start(s: Sentence, pre: int, floor: int, lex: Lexicon) -> int:
    """First token of the subject of a verb whose adverbs start at token `pre`, not before `floor`: back to a
    clause break, across appositives ("Bà X, Giám đốc UNODC, cho biết", "Ông X (Bộ Ngoại giao) nói")."""
    breaks = HARD_BREAK | SOFT_BREAK | set(QUOTES)

    def seg_start(k: int) -> int:
        while k > floor and (s.tokens[k - 1] not in breaks or s.tokens[k - 1] == ")"):
            if s.tokens[k - 1] == ")":  # a bracket group belongs to its segment: "Văn phòng ... (UNODC)"
                while k > floor and s.tokens[k - 1] != "(":
                    k -= 1
            k -= 1
        return k

    k = seg_start(pre)
    while k > floor + 1 and s.tokens[k - 1] == "," and any(eb == k - 1 for _, eb, _ in s.entities) and \
            any(ea == k + at(s.folded, k, lex.joiners) for ea, _, _ in s.entities):
        k = seg_start(k - 1)  # a list: "được Belarus, Cam Bốt ... đồng bảo trợ", "Meta và Microsoft, cùng OHCHR"
    if k == pre and k > floor + 1 and s.tokens[k - 1] in DASHES:  # "X – một tổ chức “…” – đã gọi"
        d = next((t for t in range(k - 2, floor - 1, -1) if s.tokens[t] in DASHES | HARD_BREAK), None)
        if d is not None and s.tokens[d] in DASHES and d > floor:
            k = seg_start(d)
    if k == pre and k > floor and s.tokens[k - 1] in {",", ")", "—", "–"}:  # the verb right after an appositive
        j = seg_start(k - 1)
        titled = at(s.folded, j, lex.titles) or any(ea == j for ea, _, _ in s.entities)
        # "…, đặc biệt là HRW và một số cơ quan truyền thông, cho rằng": an entity and no verb of the lexicons
        named = any(j <= ea < k - 1 for ea, _, _ in s.entities) and not match_phrases(s.folded[j:k - 1], lex.verbs)
        if titled or named or not any(is_verb(s, t, lex) for t in range(j, k - 1)):
            k = j
    if k > floor + 1 and s.tokens[k - 1] == "," and k < pre and (
            s.folded[k] in lex.adjunct_openers or s.folded[k].split()[0] in lex.adjunct_openers) and \
            not any(k <= ea < pre for ea, _, _ in s.entities) and \
            not any(is_verb(s, t, lex) for t in range(k, pre)) and seg_start(k - 1) < k - 1:
        k = seg_start(k - 1)  # "Đại hội đồng LHQ, ngày 27-12, đã thông qua": the subject before the adjunct
    # "Bà Yang Yuya, Trưởng phòng, Vụ Điều ước, Bộ Ngoại giao Trung Quốc, khẳng định": back to the person
    # across up to five appositive segments (titles, units, entities, brackets)
    cand, j, bracketed = k, k, False
    for _ in range(6):
        if j <= floor or s.tokens[j - 1] not in {",", "("} | DASHES:
            break
        if s.tokens[j - 1] in {"("} | DASHES and j == cand:  # an alias or appositive in brackets or dashes
            j = cand = seg_start(j - 1)
            bracketed = True
            continue
        i = seg_start(j - 1)
        if i >= j - 1:
            break
        head = i
        while head < j - 1 and s.folded[head] in {"+", "-"}:
            head += 1
        if starts_with(s.folded, head, lex.settings):
            break  # "New York, Hoa Kỳ, trong khuôn khổ ..., UNODC đã": a setting, not an appositive
        if s.folded[head] in lex.honorifics or at(s.folded, head, lex.titles) or s.pos[head] == "Np":
            cand = i
        j = i
    start = cand if cand < k and (at(s.folded, k, lex.titles) or s.tokens[k][:1].isupper()
                                  or s.folded[k] in lex.honorifics
                                  or at(s.folded, k, lex.behalf) or bracketed) else k
    return after_citing(s.folded, start, pre, lex.actor_cues)  # «Hãng tin Reuters dẫn lời | Tổ chức X nói rằng»


def is_verb(s: Sentence, t: int, lex: Lexicon) -> bool:
    """A verb that is not part of a title, an entity or a capitalized name ("Vụ Điều ước")."""
    return s.pos[t] == "V" and not s.tokens[t][:1].isupper() and not _in_title(s, t, lex) and not any(
        at(s.folded, i, lex.behalf) > t - i for i in range(max(0, t - 2), t + 1))


def _in_title(s: Sentence, t: int, lex: Lexicon) -> bool:
    """Token t belongs to a title or an entity ("Giám đốc điều hành", "Bộ Công an")."""
    return any(ea <= t < eb for ea, eb, _ in s.entities) or any(
        at(s.folded, i, lex.titles) > t - i for i in range(max(0, t - 3), t + 1))


def _known_name(syllables: list[str], lex: Lexicon) -> bool:
    """The syllables are a country, capital or organization name of the gazetteers."""
    key = tuple(fold(" ".join(syllables)).split())
    return key in lex.long_names or key in lex.short_names or key in lex.capitals


def _cut(tok: str, p: str, a: int, b: int, n: int, tags: tuple[str, str]) -> list[tuple[str, str, int, int]]:
    """Token `tok` (tag p, offsets a, b) cut before its syllable n, the pieces tagged `tags` ('' keeps p)."""
    sy = tok.split()
    head, tail = " ".join(sy[:n]), " ".join(sy[n:])
    cut = a + len(head) if a >= 0 and b - a == len(tok) else -1
    return [(head, tags[0] or p, a, cut), (tail, tags[1] or p, cut + 1 if cut >= 0 else -1, b)]


def _glued_pieces(tok: str, p: str, a: int, b: int, lex: Lexicon) -> list[tuple[str, str, int, int]]:
    """A token the segmenter glued across a word boundary, in pieces: a known name glued to a speech or act verb
    ("Liên Hợp Quốc thông qua" → "Liên Hợp Quốc" | "thông qua"), or the head noun of an organization's name glued
    to the capitalized word opening the name ("Liên minh Niềm" | "Tin Số" → "Liên minh" | "Niềm"); a head written
    with a capital ends no lower-case syllable there, and a token such as "Viện Kiểm sát nhân dân" stays whole. These
    splits need the lexicon; the one that does not, an acronym glued to a lower-case word, is made at processing
    (`processing.nlp.unglue`), for every layer."""
    sy = tok.split()
    n = next((i for i in range(1, len(sy)) if all(x[:1].isupper() for x in sy[:i]) and sy[i][:1].islower()
              and tuple(fold(" ".join(sy[i:])).split()) in lex.verbs and _known_name(sy[:i], lex)), None)
    if n is not None:
        return _cut(tok, p, a, b, n, ("Np", "V"))
    n = next((i for i in range(1, len(sy)) if sy[i - 1][:1].islower() and sy[i][:1].isupper()
              and fold(" ".join(sy[:i])) in lex.org_name_heads | lex.org_brand_heads), None)
    return _cut(tok, p, a, b, n, ("", "Np")) if n is not None else [(tok, p, a, b)]


def _split_glued(tokens: list[str], pos: list[str], starts: list[int], ends: list[int],
                 lex: Lexicon) -> tuple[list[str], list[str], list[int], list[int]]:
    """Tokens, POS tags and offsets with the tokens the segmenter glued across a word boundary in pieces
    (`_glued_pieces`)."""
    out: tuple[list, list, list, list] = ([], [], [], [])
    for tok, p, a, b in zip(tokens, pos, starts, ends):
        for column, values in zip(out, zip(*_glued_pieces(tok, p, a, b, lex))):
            column.extend(values)
    return out


def _short_org_names(sents: list[Sentence], lex: Lexicon) -> None:
    """The head of an organization's name used alone after it ("Ủy ban đặc biệt ... Tại kỳ họp này, Ủy ban tập
    trung thảo luận"): capitalized, not followed by a noun that would make another name, it names the same body."""
    last: dict[str, str] = {}
    for s in sents:
        taken = {k for a, b, _ in s.entities for k in range(a, b)}
        for k in range(len(s.tokens)):
            n = at(s.folded, k, lex.org_heads)
            if not n or k in taken or " ".join(s.folded[k:k + n]) not in last or not s.tokens[k][:1].isupper() \
                    or (k + n < len(s.tokens) and s.pos[k + n] in {"N", "Np", "Nc", "Ny"}):
                continue
            s.entities.append((k, k + n, last[" ".join(s.folded[k:k + n])]))
        for a, b, e in s.entities:
            n = at(s.folded, a, lex.org_heads)
            if e.startswith("org:") and n and b - a > n:
                last[" ".join(s.folded[a:a + n])] = e


def _named(s: Sentence, mentions: list) -> list[tuple[int, int, str]]:
    """The tokens (first, end, iso) of the country names found by `countries.find_mentions` in the sentence."""
    ents = []
    for m in mentions:
        first = next((k for k, v in enumerate(s.tstart) if v == m.start), None)
        if first is None:  # the segmenter glued a title on: "Đại sứ Australia"
            first = next((k for k, (a0, b0) in enumerate(zip(s.tstart, s.tend)) if a0 < m.start < b0), None)
        last = next((k for k, v in enumerate(s.tend) if v == m.end), None)
        if last is None:  # the segmenter glued the next word on: "Venezuela đồng | bảo trợ"
            last = next((k for k, (a0, b0) in enumerate(zip(s.tstart, s.tend)) if a0 < m.end < b0), None)
        if first is not None and last is not None:
            ents.append((first, last + 1, m.iso))
    return ents


def _uncased_acronym(s: Sentence, a: int, b: int, lex: Lexicon) -> bool:
    """The variant tokens [a, b) matched (its longest key of `org_index`: the match may end inside a glued token) is
    written only in capitals (an acronym) but the text is not: «phía nam», «ông Nam» are no Non-Aligned Movement."""
    folded, cased = " ".join(s.folded[a:b]).split(), " ".join(s.tokens[a:b]).split()
    n = next(n for n in range(len(folded), 0, -1) if tuple(folded[:n]) in lex.org_index)
    return tuple(folded[:n]) in lex.org_acronyms and not "".join(cased[:n]).isupper()


def _bracketed_acronym(s: Sentence, a: int, b: int, oid: str, ents: list[tuple[int, int, str]], lex: Lexicon) -> bool:
    """Token a, an acronym alone in brackets right after an organization already found, is that organization's
    acronym («Phòng Thương mại Quốc tế (ICC)» is one body even where a profile gives ICC to another), not a
    second organization; unless it names a body of that organization, whose full name ended with its parent's
    («Văn phòng … của Liên hợp quốc (UNODC)»). A limit: «Đại diện UNODC (INTERPOL)» would lose INTERPOL."""
    if not (b == a + 1 and 0 < a and b < len(s.tokens) and s.tokens[a - 1] == "(" and s.tokens[b] == ")"
            and orgnames.ACRONYM.match(s.tokens[a])):
        return False
    before = next((e for _, eb, e in ents if eb == a - 1 and e.startswith("org:")), None)
    return before is not None and lex.org_parents.get(f"org:{oid}") != before


def _short_names(s: Sentence, taken: set[int], lex: Lexicon, cues: dict) -> list[tuple[int, int, str, bool]]:
    """Short country names and capitals outside the tokens `taken` (which they join): (first, end, iso, licensed
    here: after a title, "Bộ Ngoại giao Mỹ", "Đại sứ Pháp", or as a clause's subject, "Mỹ không ký", "Tokyo cân
    nhắc"); one not licensed here counts when the article licenses it elsewhere."""
    out = []
    for a, b, iso in match_phrases(s.folded, {**lex.short_names, **lex.capitals}):
        if any(k in taken for k in range(a, b)) or not s.tokens[a][:1].isupper() or \
                ends_with(s.folded, a, lex.locatives | lex.convention) or (a and s.pos[a - 1] == "Np"):
            continue
        subject = (a == 0 or s.tokens[a - 1] in HARD_BREAK | SOFT_BREAK or s.folded[a - 1] in lex.clause_openers) and \
            b < len(s.tokens) and (s.pos[b] in {"V", "R"} or
                                   any(x == 0 for x, _, _ in match_phrases(s.folded[b:b + 4], lex.verbs)))
        titled = ends_with(s.folded, a, cues["representatives"] | lex.titles) or (
            a > 0 and s.tokens[a - 1][:1].isupper() and s.pos[a - 1] in {"N", "V"})  # "Bộ Nội vụ Đức"
        out.append((a, b, iso, subject or titled))
        taken.update(range(a, b))
    return out


def _glued_countries(s: Sentence, taken: set[int], lex: Lexicon) -> list[tuple[int, int, str]]:
    """The segmenter's "Kenya Grace Wanjiru": a country glued before a name (outside `taken`), noted in
    `s.prefixed`."""
    ents = []
    for k, tok in enumerate(s.tokens):
        sy = s.folded[k].split()
        if s.pos[k] != "Np" or len(sy) < 2 or k in taken:
            continue
        for n in range(len(sy) - 1, 0, -1):
            iso = lex.long_names.get(tuple(sy[:n]))
            if iso and tok.split()[n][:1].isupper():
                ents.append((k, k + 1, iso))
                s.prefixed[k] = n
                break
    return ents


def _name_form_orgs(s: Sentence, ents: list[tuple[int, int, str]], lex: Lexicon,
                    acronyms: dict[str, str]) -> list[tuple[int, int, str]]:
    """The entities with the organizations `orgnames.find` reads from the form of their names added; a country
    inside such a name or right after it is part of it («Hiệp hội Ngân hàng Việt Nam», «Công ty Zentrix Việt
    Nam»), not an entity of its own."""
    orgs = {k for a, b, e in ents if e.startswith("org:") for k in range(a, b)}
    countries = {k for a, b, e in ents if not e.startswith("org:") for k in range(a, b)}
    found = orgnames.find(s, orgs, countries, lex, acronyms)
    inside = {k for a, b, _ in found for k in range(a, b)}
    after = {b for _, b, _ in found}  # a country right after a brand is part of its name: «Công ty Zentrix Việt Nam»
    return [e for e in ents if not any(k in inside for k in range(e[0], e[1]))
            and not (e[0] in after and not e[2].startswith("org:"))] + found


def mark_entities(sentences: pd.DataFrame, tokens: pd.DataFrame, mentions: pd.DataFrame, lex: Lexicon,
                  cues: dict) -> list[Sentence]:
    """The article's sentences in order, each with the countries and organizations it names (`entities`)."""
    by_sid: dict[int, tuple[list, list, list, list]] = {}  # sentence → its tokens, tags, starts, ends, in order
    for sid, tok, tag, start, end in zip(tokens["sentence_id"].tolist(), tokens["token"].tolist(),
                                         tokens["pos"].tolist(), tokens["start"].tolist(), tokens["end"].tolist()):
        for column, value in zip(by_sid.setdefault(sid, ([], [], [], [])), (tok, tag, int(start), int(end))):
            column.append(value)
    names = mentions[mentions["via"] == "name"] if len(mentions) else mentions
    names_in: dict[int, list] = {}
    for m in names.itertuples(index=False):
        names_in.setdefault(m.sentence_id, []).append(m)
    sents: list[Sentence] = []
    acronyms: dict[str, str] = {}  # acronyms the article gave in brackets after a name → the organization's slug
    candidates: list[tuple[int, int, int, str, bool]] = []  # short names: sentence, first, end, iso, licensed here
    for r in sentences.sort_values("sentence_id").itertuples(index=False):
        t = by_sid.get(r.sentence_id)
        if t is None:
            continue
        s = Sentence(int(r.sentence_id), int(r.paragraph_id), r.text, int(r.start), *_split_glued(*t, lex))
        ents = _named(s, names_in.get(r.sentence_id, []))
        taken = {k for a, b, _ in ents for k in range(a, b)}
        for a, b, oid in match_phrases(s.folded, lex.org_index, s.tokens):
            if not any(k in taken for k in range(a, b)) and not _bracketed_acronym(s, a, b, oid, ents, lex) \
                    and not _uncased_acronym(s, a, b, lex):
                ents.append((a, b, f"org:{oid}"))
                taken.update(range(a, b))
        ents = _name_form_orgs(s, ents, lex, acronyms)
        taken = {k for a, b, _ in ents for k in range(a, b)}
        candidates += [(len(sents), a, b, iso, ok) for a, b, iso, ok in _short_names(s, taken, lex, cues)]
        ents += _glued_countries(s, taken, lex)
        s.entities = ents
        sents.append(s)
    _short_org_names(sents, lex)
    licensed = set(names["iso"]) | {iso for *_, iso, ok in candidates if ok}
    for n, a, b, iso, ok in candidates:
        if ok or iso in licensed:
            sents[n].entities.append((a, b, iso))
    for s in sents:
        s.entities.sort()
    return sents
