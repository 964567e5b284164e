"""Statements and acts: who speaks or acts, for whom, and what they say or do.

One row per statement or act (STATEMENT_COLUMNS), found on word-segmented sentences:

- `quote`: words in quotation marks (“…”, "…", «…») with a speech verb and its subject before them
  ("Ông X nói: “…”") or after them ("“…”, ông X nói.", "“…” - bà X cho biết"), also when the quote spans
  several sentences; and interview answers labelled with the speaker ("+ Thứ trưởng X: …").
- `reported`: a subject, a speech verb (`data/speech_verbs.yaml`) and the content that follows it
  ("Đại diện Nhật Bản cho biết nước này đang xem xét ..."); or "Theo ông X, ...".
- `act`: a subject and an act toward the Convention (`data/acts.yaml`: sign, host, ratify, adopt, call on
  others to sign, refuse, abstain, stay undecided), with a polarity. A list of countries as subject gives one
  row per country ("Đại diện Việt Nam, Lào và Campuchia đã ký").

The speaker's affiliation comes from the subject: a country named in it (from `countries.find_mentions`), an
organization from `data/organizations.csv`, a Vietnamese official or ministry (Vietnam: the press is
Vietnamese; `data/actor_cues.yaml`), or a person introduced earlier in the article, followed through
surnames ("bà Waly"), titles ("vị Bộ trưởng") and anaphors ("Ông", "nhà ngoại giao này", "nước này";
`data/speakers.yaml`). `iso` is the country code, or `org:<id>`, or empty when unknown.

`extract_article` is a pure function of one article's sentences, tokens and country mentions, so an engine
can map it over batches and cache it; `extract` maps it over a workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .countries import find_mentions, load_cues
from .data import path as data_path
from .phrases import match_phrases
from .textnorm import fold, normalize

STATEMENT_COLUMNS = ["article_id", "sentence_id", "speaker", "title", "affiliation", "iso", "kind", "verb",
                     "content", "polarity", "predicate", "sentence", "start", "end", "rule"]
_HARD_BREAK = {";", ".", "!", "?", "…"}
_SOFT_BREAK = {",", ":", "(", ")", "–", "—", "-"}
_TIME_WORDS = {"tại", "vào", "ngay", "trong", "hôm", "chiều", "sáng", "trưa", "tối", "ngày", "lúc", "sau", "trước",
               "ở", "cùng", "với", "đầu tiên", "hôm nay", "năm", "tháng", "tuần"}
_REPRESENTATIVES = {"bộ", "ngoại", "giao", "đại", "diện", "phái", "đoàn", "chính", "phủ", "đại", "sứ", "quán", "trưởng",
                    "các", "nước", "quốc", "gia"}
_OPENERS = {"trong khi", "trong khi đó", "khi", "đó", "còn", "nhưng", "song", "và", "đồng thời", "riêng"}
# words a wrapped line may end on (the sentence goes on in the next line)
_WRAP_BEFORE = {"và", "của", "được", "với", "là", "các", "những", "do", "bởi", "ông", "bà", "ngài", "đại", "tại", "cùng"}
_DASHES = {"—", "–", "-"}  # "ông X - Bộ trưởng Y": an appositive
_QUOTES = {"“": "open", "«": "open", "”": "close", "»": "close", '"': "toggle"}


@lru_cache(maxsize=8)
def _yaml(name: str) -> dict:
    return yaml.safe_load(Path(data_path(name)).read_text(encoding="utf-8"))


def _folded(items: list[str]) -> set[str]:
    return {fold(x) for x in items}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """Speech verbs, acts, speaker words and organizations, folded, from the data files."""
    speech, acts, spk = _yaml("speech_verbs.yaml"), _yaml("acts.yaml"), _yaml("speakers.yaml")
    verbs: dict[tuple[str, ...], tuple[str, str, str]] = {}  # syllables -> (type, kind, polarity)
    objects: dict[str, set[str]] = {}  # act kind -> its own object terms
    for v in speech["speech"]:
        verbs[tuple(fold(v).split())] = ("speech", "speech", "")
    for group in acts["acts"]:
        for v in group["verbs"]:
            verbs[tuple(fold(v).split())] = ("act" if not group.get("needs_object") else "act_obj", group["kind"],
                                             group["polarity"])
        if group.get("objects"):
            objects[group["kind"]] = _folded(group["objects"])
    for v in acts["call_verbs"]:
        verbs[tuple(fold(v).split())] = ("speech", "call", "")
    return {
        "verbs": verbs, "objects": objects, "org_anaphors": _folded(spk["org_anaphors"]), "group_anaphors": _folded(spk["group_anaphors"]), "adverbs": _folded(speech["adverbs"]), "complementizers": _folded(speech["complementizers"]),
        "according_to": _folded(speech["according_to"]), "reporter": _folded(speech["reporter_labels"]),
        "negation": {fold(k): v for k, v in acts["negation"].items()},
        "conditional_markers": _folded(acts["conditional_markers"]), "object_terms": _folded(acts["object_terms"]),
        "foreign_objects": _folded(acts["foreign_objects"]), "nominalizers": _folded(acts["nominalizers"]),
        "speech_nominalizers": _folded(speech["speech_nominalizers"]),
        "willing": _folded(speech.get("willing", [])),
        "sign_kinds": {"sign", "ratify", "adopt"},
        "titles": _folded(spk["titles"]), "honorifics": _folded(spk["honorifics"]),
        "person_anaphors": _folded(spk["person_anaphors"]), "country_anaphors": _folded(spk["country_anaphors"]),
        "locatives": _folded(spk["locatives"]), "joiners": _folded(spk["list_joiners"]),
        "behalf": _folded(spk["behalf"]), "home_institutions": _folded(spk["home_institutions"]),
        "home_titles": _folded(spk["home_titles"]), "known_people": {fold(k): v for k, v in spk["known_people"].items()}, "capitals": {tuple(fold(k).split()): v for k, v in spk["capitals"].items()},
        "question": _folded(acts["question_markers"]), "that_was": _folded(speech["that_was"]),
        "speech_nouns": _folded(speech["speech_nouns"]), "nominal_acts": _folded(acts["nominal_acts"]),
        "praise_heads": _folded(acts["praise_heads"]), "author_heads": _folded(acts["author_heads"]),
        "visit_heads": _folded(acts["visit_heads"]), "side_openers": _folded(acts["side_openers"]), "joint_events": _folded(acts["joint_events"]), "list_markers": {"gồm", "bao gồm", "trong đó có", "là",
                                                                         "có", "như", "lần lượt là", "gồm có"},
    }


@lru_cache(maxsize=2)
def organizations(path: str | None = None) -> pd.DataFrame:
    """The organization gazetteer: id, name, variants (list), kind, parent."""
    lines = [ln for ln in Path(path or data_path("organizations.csv")).read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    df = pd.read_csv(pd.io.common.StringIO("\n".join(lines)), dtype=str, keep_default_na=False)
    df["variants"] = df["variants"].map(lambda v: [normalize(x.strip()) for x in v.split(";") if x.strip()])
    return df


@lru_cache(maxsize=2)
def _org_index(path: str | None = None) -> dict[tuple[str, ...], str]:
    return {tuple(fold(v).split()): oid for oid, vs in zip(organizations(path)["id"], organizations(path)["variants"])
            for v in vs}


def org_name(org_id: str) -> str:
    """Canonical name of an organization id (with or without the `org:` prefix)."""
    df = organizations()
    hit = df.loc[df["id"] == org_id.removeprefix("org:"), "name"]
    return hit.iloc[0] if len(hit) else org_id


# --- token-level helpers -----------------------------------------------------------------------------

def _at(folded: list[str], i: int, words: set[str], max_len: int = 4) -> int:
    """Length in tokens of the longest phrase of `words` starting at token i (0 if none)."""
    for n in range(max_len, 0, -1):
        if i + n <= len(folded) and " ".join(folded[i:i + n]) in words:
            return n
    return 0


def _ends_with(folded: list[str], j: int, words: set[str], max_len: int = 4) -> int:
    """Length of the longest phrase of `words` ending just before token j (0 if none)."""
    for n in range(max_len, 0, -1):
        if j - n >= 0 and " ".join(folded[j - n:j]) in words:
            return n
    return 0


@dataclass
class Sentence:
    sid: int
    paragraph: int
    text: str
    start: int
    tokens: list[str]
    pos: list[str]
    tstart: list[int]
    tend: list[int]
    folded: list[str] = field(init=False)
    entities: list[tuple[int, int, str]] = field(default_factory=list)  # (first, end, iso or org:<id>)
    prefixed: dict[int, int] = field(default_factory=dict)  # token -> syllables of a country glued to a name

    def __post_init__(self) -> None:
        self.folded = [fold(t) for t in self.tokens]

    def span_text(self, a: int, b: int) -> str:
        """Original text of tokens [a, b)."""
        if a >= b:
            return ""
        s, e = self.tstart[a], self.tend[b - 1]
        if s >= 0 and e >= 0 and self.start >= 0:
            return self.text[s - self.start:e - self.start].strip()
        return " ".join(self.tokens[a:b])


@dataclass
class Speaker:
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


# --- speakers -----------------------------------------------------------------------------------------

def _is_name_token(s: Sentence, k: int, lex: dict) -> bool:
    tok = s.tokens[k]
    return (tok[:1].isupper() and s.folded[k] not in lex["titles"] and s.folded[k] not in lex["honorifics"]
            and s.pos[k] in {"Np", "N", "Nb", "Ny", "NNP", "FW", "V", "A", "X"} and not tok.isupper()
            or s.pos[k] == "Np" and not tok.isupper())


_PLACE_NOUNS = {"trụ sở", "thành phố", "thủ đô", "tp", "tp.", "thủ phủ", "bang"}


def _locates_place(s: Sentence, ea: int, eb: int, lex: dict) -> bool:
    """"tại trụ sở LHQ ở New York (Mỹ)", "tại Geneva, Thụy Sĩ.": a country named after the place it locates."""
    if ea < 2 or s.tokens[ea - 1] not in {"(", ","}:
        return False
    if s.tokens[ea - 1] == "," and eb < len(s.tokens) and s.tokens[eb] not in _HARD_BREAK | {")"} and not (
            s.tokens[eb] == "," and not any(x == eb + 1 for x, _, _ in s.entities)):
        return False  # "Tại Hà Nội, Việt Nam đã ký": the subject
    k = ea - 1
    while k > 0 and (s.tokens[k - 1][:1].isupper() or s.tokens[k - 1] in {"(", ")", ","}
                     or _ends_with(s.folded, k, _PLACE_NOUNS)):
        k -= _ends_with(s.folded, k, _PLACE_NOUNS) or 1
    return k < ea - 1 and bool(_ends_with(s.folded, k, lex["locatives"]))


def _entities_in(s: Sentence, a: int, b: int, lex: dict) -> list[str]:
    """Affiliations named in tokens [a, b): the head entity and those listed with it, places excluded."""
    found = [(ea, eb, e) for ea, eb, e in s.entities if ea >= a and eb <= b and not _locates_place(s, ea, eb, lex)
             and (not _ends_with(s.folded, ea, lex["locatives"]) or _ends_with(s.folded, ea, lex["behalf"]))
             and not (e.startswith("org:") and ea > 0 and s.folded[ea - 1] in {"nước", "quốc gia", "các nước"})
             and not (e.startswith("org:") and ea > 0 and (s.folded[ea - 1] in {"công ước", "văn kiện"} or
                                                          s.folded[max(0, ea - 2):ea] == ["công ước", "của"]))
             and not (ea > a and s.folded[ea - 1] in {"của"} and ea - 1 > a and s.folded[ea - 2] in lex["locatives"])]
    if not found:
        return []
    if len(found) > 1 and found[0][0] > 0 and s.folded[found[0][0] - 1] == "với" and \
            not _ends_with(s.folded, found[0][0], lex["behalf"]):
        found = found[1:]  # "hợp tác chặt chẽ với Việt Nam": an object, not the subject
    parents = dict(zip("org:" + organizations()["id"], "org:" + organizations()["parent"]))
    children = {parents.get(e) for _, _, e in found}
    found = [f for f in found if f[2] not in children] or found  # "Phó Tổng Thư ký LHQ, Giám đốc UNODC" → UNODC
    out = [found[0][2]]
    places = {k for ea, eb, _ in s.entities for k in range(ea - 1, eb) if _ends_with(s.folded, ea, lex["locatives"])}
    for (pa, pb, _), (ea, eb, e) in zip(found, found[1:]):
        gap = " ".join(g for k, g in enumerate(s.folded[pb:ea], pb) if k not in places and not (
            s.tokens[k][:1].isupper() and _ends_with(s.folded, k, lex["locatives"]))).split()  # "tại Geneva"
        if not _only_joiners(gap, lex):
            break
        out.append(e)
    return list(dict.fromkeys(out))


def _only_joiners(syllables: list[str], lex: dict) -> bool:
    """The syllables between two listed entities are all joiners, adverbs or representative words, matched as
    phrases ("phối hợp với Phái đoàn")."""
    words = lex["joiners"] | lex["behalf"] | lex["adverbs"] | lex["locatives"] | _REPRESENTATIVES | {",", "và", "(", ")"}
    i = 0
    while i < len(syllables):
        n = _at(syllables, i, words, 3)
        if not n:
            return False
        i += n
    return True


def _person(s: Sentence, a: int, b: int, lex: dict, cues: dict) -> tuple[str, str, bool]:
    """(name, title, vietnamese) of the person named in tokens [a, b): the first proper name (outside
    countries and organizations) and every title phrase ("Bộ trưởng Bộ Công an"), '' if none."""
    in_entity = {k for ea, eb, _ in s.entities for k in range(ea, eb)}
    titles, name, vietnamese = [], "", False
    k = a
    while k < b:
        n = _at(s.folded, k, lex["titles"]) if s.tokens[k][:1].isupper() or (k and s.folded[k - 1] == "là") else 0
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
        if not name and s.pos[k] == "Np" and k not in in_entity and s.tokens[k][:1].isupper() \
                and not s.tokens[k].isupper() and (k == a or s.folded[k - 1] in lex["honorifics"] or
                                                   _ends_with(s.folded, k, lex["titles"]) or titles):
            j = k
            while j < b and j not in in_entity and s.tokens[j][:1].isupper() and not _at(s.folded, j, lex["titles"]) \
                    and (s.pos[j] == "Np" or j == k):
                j += 1
            name = s.span_text(k, j)
            syllables = " ".join(s.folded[k:j]).split()
            vietnamese = syllables[0] in cues["vietnamese_surnames"] and len(syllables) > 1
            k = j
            continue
        k += 1
    return name, ", ".join(titles), vietnamese


def _known_person(name: str, lex: dict) -> list[str]:
    """The affiliation of a well-known person named without it ("António Guterres"), from speakers.yaml."""
    words = fold(name).split()
    hit = next((lex["known_people"][" ".join(words[i:])] for i in range(len(words))
                if " ".join(words[i:]) in lex["known_people"]), None)
    return [hit] if hit else []


def _lookup(state: State, name: str) -> Speaker | None:
    key = fold(name)
    if key in state.people:
        return state.people[key]
    last = key.split()[-1] if key else ""
    hits = [p for k, p in state.people.items() if k.split()[-1] == last]
    return hits[-1] if hits else None


def _resolve(s: Sentence, a: int, b: int, state: State, lex: dict, cues: dict) -> Speaker | None:
    """The speaker named by the subject tokens [a, b), or None."""
    while a < b and (s.tokens[a] in _SOFT_BREAK or s.folded[a] in {"và", "còn", "trong khi", "trong khi đó",
                                                                       "đồng thời", "ngoài ra", "bên cạnh đó",
                                                                       "theo đó", "do đó", "vì vậy", "tuy nhiên",
                                                                       "mặt khác", "về phần mình", "riêng", "do"}):
        a += 1
    if a >= b:
        return None
    agent = next((t for t in range(b - 1, a - 1, -1) if s.folded[t] in {"do", "được", "bởi"}
                  and (any(ea == t + 1 for ea, _, _ in s.entities) or  # "được Thủ tướng X tiếp đón"
                       _at(s.folded, t + 1, lex["home_titles"]) and t + 1 < b and s.tokens[t + 1][:1].isupper())),
                 None)
    if agent is not None:  # "Lễ mở ký do Việt Nam đăng cai", "Công ước được Đại hội đồng LHQ thông qua"
        a = agent + 1
    elif s.folded[b - 1] == "vì" or s.folded[b - 2:b] == ["vì", "đã"]:  # "cảm ơn Việt Nam vì đã đăng cai"
        last = [e for ea, eb, e in s.entities if a <= ea and eb <= b]
        if last:
            return Speaker(s.span_text(a, b), "", last[-1:], "object_of_thanks")
    verbs = [t for t in range(a, b) if _is_verb(s, t, lex)]
    if s.folded[b - 1] in {"để", "nhằm"}:
        return None  # a purpose clause: the subject is the main clause's
    if s.folded[b - 1] == "và" and verbs:  # "đón ông X thăm Việt Nam và tham dự": the subject of the first verb
        b = verbs[-1]
        verbs = [t for t in range(a, b) if _is_verb(s, t, lex)]
    if verbs and any(ea > verbs[-1] and not _ends_with(s.folded, ea, lex["locatives"]) for ea, _, _ in s.entities
                     if ea < b):  # "Đây là lần đầu Việt Nam đăng cai"
        a = verbs[-1] + 1
    subj = " ".join(s.folded[a:b])
    text = s.span_text(a, b)
    affiliations = _entities_in(s, a, b, lex)
    first = min((ea for ea, _, e in s.entities if a <= ea < b and e in affiliations), default=b)
    if affiliations and first > a and s.folded[first - 1] in lex["joiners"] | {"cùng"} and (
            _at(s.folded, a, cues["home_ministries"] | cues["official_titles"])):
        affiliations = [cues["home_country"]] + affiliations
    name, title, vietnamese = _person(s, a, b, lex, cues)
    if not affiliations and a > 0:  # "Thay mặt Chính phủ Mông Cổ, Phó Thủ tướng X đã ký"
        lead = next((i for i in range(a) if _at(s.folded, i, lex["behalf"]) and (i == 0 or s.tokens[i - 1] in
                                                                                 _SOFT_BREAK)), None)
        if lead is not None and not match_phrases(s.folded[lead + 1:a], lex["verbs"]):  # not "thuộc Y, lưu ý X, các nước"
            affiliations = _entities_in(s, lead, a, lex)
    if name:
        known = _lookup(state, name)
        if known and not affiliations:
            return Speaker(known.name, title or known.title, known.affiliations, "name_followed")
        if not affiliations and (vietnamese and (title or any(w in subj for w in ("ông", "bà")))):
            affiliations = [cues["home_country"]]
        affiliations = affiliations or _known_person(name, lex)
        introduced = bool(title) or any(w in lex["honorifics"] for w in s.folded[a:b])
        return Speaker(name, title, affiliations, "named" if introduced else "bare_name")
    words = subj.split()
    if subj in lex["country_anaphors"] or any(subj.endswith(" " + w) or subj == w for w in lex["country_anaphors"]) \
            or (words[:2] in (["quốc", "gia"], ["nước"]) and words[-1] == "này" and not affiliations):
        return Speaker(text, "", [state.last_country] if state.last_country else [], "country_anaphor")
    if subj in lex["group_anaphors"] and state.last_group:
        return Speaker(text, "", list(state.last_group), "group_anaphor")
    if (subj in lex["org_anaphors"] or any(subj.endswith(" " + w) for w in lex["org_anaphors"])) and state.last_org:
        return Speaker(text, "", [state.last_org], "org_anaphor")
    if affiliations:
        return Speaker(text, title, affiliations, "entity")
    home = lex["home_institutions"] | cues["home_ministries"]
    if _at(s.folded, a, lex["home_titles"] | home) or any(_at(s.folded, i, home) for i in range(a, b)):
        return Speaker(text, title, [cues["home_country"]], "home_official")
    if _at(s.folded, a, cues["home_ministries"]) == b - a or (
            title and _at(s.folded, a, cues["official_titles"]) and b - a <= 3 and state.last_person is None):
        return Speaker(text, title, [cues["home_country"]], "home_official")
    if subj in lex["person_anaphors"] or (title and b - a <= 3):
        ref = state.last_person
        if title and state.people:  # "vị Bộ trưởng", "Đại sứ": the last person with that title
            same = [p for p in state.people.values() if fold(title).split()[-1] in fold(p.title)]
            ref = same[-1] if same else ref
        if ref:
            return Speaker(ref.name, ref.title, ref.affiliations, "person_anaphor")
        if title and _at(s.folded, a, cues["official_titles"]):
            return Speaker(text, title, [cues["home_country"]], "home_official")
    return None


def _remember(state: State, sp: Speaker) -> None:
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


# --- events in a sentence -----------------------------------------------------------------------------

@dataclass
class Event:
    a: int  # first verb token
    b: int  # end of the verb
    verb: str
    type: str  # speech | act | act_obj
    kind: str
    polarity: str
    pre: int  # first token of the adverbs before the verb


def _events(s: Sentence, lex: dict, quotes: list[tuple[int, int]] = ()) -> list[Event]:
    """Speech and act verbs of a sentence, outside entities and quotations (a quote is its speaker's words)."""
    out = []
    entity_tokens = {k for ea, eb, _ in s.entities for k in range(ea, eb)}
    for a, b, (typ, kind, pol) in match_phrases(s.folded, lex["verbs"], s.tokens):
        if any(k in entity_tokens for k in range(a, b)) or any(qa <= s.tstart[a] < qb for qa, qb in quotes):
            continue
        if _ends_with(s.folded, a, lex["nominalizers"] if typ != "speech" else lex["speech_nominalizers"]):
            continue
        if typ == "speech" and _ends_with(s.folded, a, lex["willing"]):
            continue  # "sẵn sàng chia sẻ kinh nghiệm": an offer, not a statement
        pre = a
        while pre > 0 and (n := _ends_with(s.folded, pre, lex["adverbs"])):
            pre -= n
        out.append(Event(a, b, s.span_text(a, b), typ, kind, pol, pre))
    return out


def _subject_start(s: Sentence, e: Event, floor: int, lex: dict) -> int:
    """First token of the subject of `e`: back to a clause break, across appositives ("Bà X, Giám đốc UNODC,
    cho biết", "Ông X (Bộ Ngoại giao) nói")."""
    breaks = _HARD_BREAK | _SOFT_BREAK | set(_QUOTES)

    def seg_start(k: int) -> int:
        while k > floor and (s.tokens[k - 1] not in breaks or s.tokens[k - 1] == ")"):
            if s.tokens[k - 1] == ")":  # a bracket group belongs to its segment: "Văn phòng ... (UNODC)"
                while k > floor and s.tokens[k - 1] != "(":
                    k -= 1
            k -= 1
        return k

    k = seg_start(e.pre)
    while k > floor + 1 and s.tokens[k - 1] == "," and any(eb == k - 1 for _, eb, _ in s.entities) and \
            any(ea == k + _at(s.folded, k, lex["joiners"]) for ea, _, _ in s.entities):
        k = seg_start(k - 1)  # a list: "được Belarus, Cam Bốt ... đồng bảo trợ", "Meta và Microsoft, cùng OHCHR"
    if k == e.pre and k > floor + 1 and s.tokens[k - 1] in _DASHES:  # "X – một tổ chức “…” – đã gọi"
        d = next((t for t in range(k - 2, floor - 1, -1) if s.tokens[t] in _DASHES | _HARD_BREAK), None)
        if d is not None and s.tokens[d] in _DASHES and d > floor:
            k = seg_start(d)
    if k == e.pre and k > floor and s.tokens[k - 1] in {",", ")", "—", "–"}:  # the verb right after an appositive
        j = seg_start(k - 1)
        titled = _at(s.folded, j, lex["titles"]) or any(ea == j for ea, _, _ in s.entities)
        if titled or not any(_is_verb(s, t, lex) for t in range(j, k - 1)):
            k = j
    # "Bà Yang Yuya, Trưởng phòng, Vụ Điều ước, Bộ Ngoại giao Trung Quốc, khẳng định": back to the person
    # across up to five appositive segments (titles, units, entities, brackets)
    cand, j, bracketed = k, k, False
    for _ in range(6):
        if j <= floor or s.tokens[j - 1] not in {",", "("} | _DASHES:
            break
        if s.tokens[j - 1] in {"("} | _DASHES and j == cand:  # an alias or appositive in brackets or dashes
            j = cand = seg_start(j - 1)
            bracketed = True
            continue
        i = seg_start(j - 1)
        if i >= j - 1:
            break
        head = i
        while head < j - 1 and s.folded[head] in {"+", "-"}:
            head += 1
        if s.folded[head] in {"trong khuôn khổ", "bên lề", "nhân dịp"} or s.folded[head:head + 2] == ["trong", "khuôn khổ"]:
            break  # "New York, Hoa Kỳ, trong khuôn khổ ..., UNODC đã": a setting, not an appositive
        if s.folded[head] in lex["honorifics"] or _at(s.folded, head, lex["titles"]) or s.pos[head] == "Np":
            cand = i
        j = i
    return cand if cand < k and (_at(s.folded, k, lex["titles"]) or s.tokens[k][:1].isupper()
                                 or s.folded[k] in lex["honorifics"]
                                 or _at(s.folded, k, lex["behalf"]) or bracketed) else k


def _is_verb(s: Sentence, t: int, lex: dict) -> bool:
    """A verb that is not part of a title, an entity or a capitalized name ("Vụ Điều ước")."""
    return s.pos[t] == "V" and not s.tokens[t][:1].isupper() and not _in_title(s, t, lex) and not any(
        _at(s.folded, i, lex["behalf"]) > t - i for i in range(max(0, t - 2), t + 1))


def _in_title(s: Sentence, t: int, lex: dict) -> bool:
    """Token t belongs to a title or an entity ("Giám đốc điều hành", "Bộ Công an")."""
    return any(ea <= t < eb for ea, eb, _ in s.entities) or any(
        _at(s.folded, i, lex["titles"]) > t - i for i in range(max(0, t - 3), t + 1))


def _quote_spans(sents: list[Sentence]) -> list[tuple[int, int]]:
    """(start, end) article offsets of quoted passages (inside the marks), also across sentences."""
    spans, open_at = [], None
    for s in sents:
        if s.start < 0:
            continue
        for m in re.finditer(r"[“”«»\"]", s.text):
            role = _QUOTES[m.group()]
            at = s.start + m.start()
            if role == "open" or (role == "toggle" and open_at is None):
                open_at = at + 1
            elif open_at is not None:
                spans.append((open_at, at))
                open_at = None
    return spans


def _article_text(sents: list[Sentence], a: int, b: int) -> str:
    parts = []
    for s in sents:
        if s.start < 0 or s.start + len(s.text) <= a or s.start >= b:
            continue
        parts.append(s.text[max(0, a - s.start):max(0, b - s.start)])
    return " ".join(p.strip() for p in parts).strip()


def _act_ok(s: Sentence, e: Event, end: int, lex: dict) -> bool:
    """An act with an object the Convention (or its ceremony), or a sign/ratify with no other object."""
    end = next((k for k in range(e.b, end) if s.tokens[k] in _SOFT_BREAK), end)
    clause = s.folded[e.b:end]
    terms = lex["objects"].get(e.kind, lex["object_terms"])
    if any(_at(clause, i, terms) for i in range(len(clause))):
        first = next((i for i, t in enumerate(clause) if s.pos[e.b + i] in {"N", "Np"}), None)
        return first is None or not _at(clause, first, lex["foreign_objects"])
    clause_start = max((k + 1 for k in range(e.pre) if s.tokens[k] in _SOFT_BREAK | _HARD_BREAK), default=0)
    before = s.folded[clause_start:e.pre]
    if ("được" in before or "do" in before) and any(_at(before, i, lex["object_terms"] | terms)
                                                    for i in range(len(before))):
        return True  # "Công ước đã được Kazakhstan ký", "Sự kiện do Việt Nam đăng cai"
    if e.type == "act_obj":
        return False
    if e.polarity != "support":
        return True
    nouns = [i for i, t in enumerate(clause[:3]) if s.pos[e.b + i] in {"N", "Np", "Nc"}
             and t not in _TIME_WORDS]
    return not nouns


def _act_polarity(s: Sentence, e: Event, end: int, lex: dict) -> str:
    pol = e.polarity
    before = s.folded[e.pre:e.a]
    for w in before:
        if w in lex["negation"] and pol == "support":
            pol = lex["negation"][w]
    clause = " ".join(s.folded[e.b:end])
    if pol in {"support", "oppose"} and any(re.search(rf"(?<!\w)(?<!sau khi )(?<!sau khi các )(?<!sau khi những )"
                                                      rf"{re.escape(m)}(?!\w)", clause)
                                            for m in lex["conditional_markers"]):  # "sau khi": settled
        pol = "conditional"
    return pol


def _call_polarity(content_folded: str, lex: dict) -> str:
    """Polarity of a call on others: to sign, ratify or use the Convention (support), not to sign (oppose), to
    weigh it carefully (conditional); '' if the call is not about that. "các nước chưa ký" describes whom it calls on."""
    signs = [v for v, (t, kind, _) in lex["verbs"].items() if kind in lex["sign_kinds"]]
    pat = "|".join(sorted((re.escape(" ".join(v)) for v in signs), key=len, reverse=True))
    nominal = "|".join(re.escape(w) for w in sorted(lex["nominalizers"], key=len, reverse=True))
    uses = r"(?:tận dụng|thực thi|áp dụng|triển khai) (?:công ước|văn kiện)"
    found = [m for m in re.finditer(rf"(?<!\w)(?:(không|đừng|từ chối|chưa) )?({pat}|tham gia công ước|tham gia văn kiện|{uses})"
                                    rf"(?!\w)", content_folded)
             if not re.search(rf"(?<!\w)({nominal})\s*$", content_folded[:m.start()])]
    if any(m.group(1) in {"không", "đừng", "từ chối"} for m in found):
        return "oppose"
    active = [m for m in found if not m.group(1)]
    if not active:
        return ""
    if re.search(r"(?<!\w)(cân nhắc kỹ|thận trọng|xem xét kỹ|cân nhắc thận trọng)(?!\w)", content_folded):
        return "conditional"
    return "support"


def _row(s: Sentence, sp: Speaker, aff: str, kind: str, verb: str, content: str, polarity: str, predicate: str,
         a: int, b: int, rule: str) -> dict:
    start = s.tstart[a] if 0 <= a < len(s.tstart) else -1
    end = s.tend[b - 1] if 0 < b <= len(s.tend) else -1
    return {"sentence_id": s.sid, "speaker": sp.name, "title": sp.title, "affiliation": aff, "kind": kind,
            "verb": verb, "content": content, "polarity": polarity, "predicate": predicate, "sentence": s.text,
            "start": int(start), "end": int(end), "rule": f"{rule}/{sp.rule}"}


def _sentence_rows(s: Sentence, sents: list[Sentence], idx: int, quotes: list[tuple[int, int]], state: State,
                   lex: dict, cues: dict) -> list[dict]:
    rows: list[dict] = []
    events = _events(s, lex, quotes)
    floor = 0
    prev_speaker: Speaker | None = None
    prev_end, prev_kind = -1, ""
    for n, e in enumerate(events):
        start = _subject_start(s, e, floor, lex)
        sp = _resolve(s, start, e.pre, state, lex, cues)
        explicit = sp is not None
        # "X chúc mừng Việt Nam và nói ...": a verb after "và" shares the previous subject
        conjoined = prev_speaker is not None and e.pre > 0 and e.type == "speech" and (
            s.folded[e.pre - 1] in {"và", "nhưng", "song", "đồng thời", "nhưng vẫn", "song vẫn"})
        if conjoined and sp is not None and sp.rule == "entity":
            sp, explicit = None, False
        # "X lưu ý AFP, các nước bảo trợ ...": a new clause inside X's words, not X's act
        after_speech = prev_kind == "speech" and "," in s.tokens[prev_end:e.pre] and \
            s.folded[e.pre - 1] not in {"và", ",", "đồng thời", "rồi"}
        if sp is None and prev_speaker is not None and prev_kind != "call" and not after_speech and \
                not any(t in _HARD_BREAK for t in s.tokens[prev_end:e.pre]) and \
                not re.search(r"(?<!\w)(trong khi|còn)(?!\w)", " ".join(s.folded[prev_end:e.pre])):
            sp = Speaker(prev_speaker.name, prev_speaker.title, prev_speaker.affiliations, "coordinated")
        nxt = next((x for x in events[n + 1:]), None)
        clause_end = next((k for k in range(e.b, len(s.tokens)) if s.tokens[k] in _HARD_BREAK - {"…"}),
                          len(s.tokens))
        if sp is None or (not explicit and e.type == "speech" and not conjoined):  # a verb inside someone's content
            continue
        if e.type != "speech" and (not _act_ok(s, e, clause_end, lex) or _in_question(s, e, clause_end, lex)):
            continue
        if explicit:
            _remember(state, sp)
            # a nested subject ends the previous statement's content
            for last in rows:
                if last["rule"].startswith("speech") and last["_cut"] is None and last["_content_start"] <= start:
                    last["_cut"] = start
        predicate = s.span_text(e.pre, e.b)
        content_start = e.b
        while content_start < len(s.tokens) and (s.tokens[content_start] in {",", ":"} or
                                                 _at(s.folded, content_start, lex["complementizers"])):
            content_start += _at(s.folded, content_start, lex["complementizers"]) or 1
        if e.type == "speech":
            kind, rule = "reported", "speech"
            that = next((t for t in range(content_start, min(content_start + 4, len(s.tokens)))
                         if s.folded[t] == "rằng" or s.tokens[t] in _SOFT_BREAK | _HARD_BREAK), None)
            if that is not None and s.folded[that] == "rằng":  # "cáo buộc vô căn cứ rằng X": the press's qualifier
                content_start = that + 1
            content = s.span_text(content_start, _content_end(s, content_start)).rstrip(".").strip()
            lead = _concessive_lead(s, start)
            if lead:
                content = f"[{lead}] {content}"
            q = _quote_before(s, start, quotes) or _quote_after(s, content_start, quotes)
            if q and _is_name(_article_text(sents, *q)):  # “The Record Media”: a name in quotes, not words
                q = None
            if q:
                kind, rule, content = "quote", "quote", _article_text(sents, *q)
            elif not content and e.b < len(s.tokens) and s.tokens[-1] == ":" and idx + 1 < len(sents):
                content, kind, rule = sents[idx + 1].text, "quote", "quote_next"
            call = _call_polarity(fold(content), lex) if e.kind == "call" else ""
            for aff in sp.affiliations or [""]:
                row = _row(s, sp, aff, kind, e.verb, content, "", predicate, start, e.b, rule)
                row["_cut"], row["_content_start"] = None, content_start
                rows.append(row)
                if call:  # "kêu gọi các nước sớm phê chuẩn": also an act, with its own polarity
                    rows.append({**row, "kind": "act", "polarity": call, "rule": f"call/{sp.rule}", "_cut": None})
        else:
            end = min(nxt.pre if nxt and nxt.pre > e.b else clause_end, _content_end(s, e.b))
            if not _act_ok(s, e, clause_end, lex) or _in_question(s, e, clause_end, lex):
                continue
            polarity = _act_polarity(s, e, clause_end, lex)
            content = s.span_text(e.b, end).strip(" ,.")
            lead = _concessive_lead(s, start)
            if lead:
                content = f"[{lead}] {content}"
            co = next((t for t in range(e.b, end) if s.folded[t] in {"cùng", "cùng với"}), None)
            extra = _entities_in(s, co + 1, end, lex) if co is not None and e.kind == "host" else []
            extra += _side_actors(s, e, lex)
            for aff in list(dict.fromkeys((sp.affiliations or [""]) + extra)):
                row = _row(s, sp, aff, "act", e.verb, content, polarity, predicate, start, e.b, f"act:{e.kind}")
                row["_cut"], row["_content_start"] = None, e.b
                rows.append(row)
        prev_speaker, prev_end, prev_kind = sp, e.b, e.kind
        floor = e.b
    rows += _according_to(s, state, lex, cues)
    rows += _joint_event(s, rows, state, lex, cues)
    for r in rows:
        cut, begin = r.pop("_cut", None), r.pop("_content_start", None)
        if cut is not None and r["kind"] == "reported":
            r["content"] = s.span_text(begin, cut).strip(" ,.")
    return rows


def _is_name(text: str) -> bool:
    """A short quoted span whose words are all capitalized: a name or title, not a quotation."""
    words = text.split()
    return 0 < len(words) <= 5 and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def _side_actors(s: Sentence, e: Event, lex: dict) -> list[str]:
    """"Ngoài Trung Quốc, nghị quyết còn được X đồng bảo trợ": the entities of an opening "besides" phrase share
    the act when "còn" or "cũng" marks it as additional."""
    n = _at(s.folded, 0, lex["side_openers"])
    comma = next((t for t in range(n, e.pre) if s.tokens[t] == ","), None)
    if not n or comma is None or not any(w in {"còn", "cũng"} for w in s.folded[comma:e.a]):
        return []
    return _entities_in(s, n, comma, lex)


def _joint_event(s: Sentence, found: list[dict], state: State, lex: dict, cues: dict) -> list[dict]:
    """"Tại cuộc họp báo với Thủ tướng X, ...": X holds the event with the subject (an act of support), when the
    sentence is about the Convention or its ceremony."""
    have = {r["affiliation"] for r in found}
    for k in range(len(s.tokens)):
        n = _at(s.folded, k, lex["joint_events"])
        if not n or k + n >= len(s.tokens) or s.folded[k + n] not in {"với", "cùng", "cùng với"} \
                or not _about_convention(s, lex):
            continue
        a = k + n + 1
        end = next((t for t in range(a, len(s.tokens)) if s.tokens[t] in _SOFT_BREAK | _HARD_BREAK
                    or s.folded[t] in {"và"} or _is_verb(s, t, lex)), len(s.tokens))
        sp = _resolve(s, a, end, state, lex, cues)
        if sp is None:
            return []
        return [_row(s, sp, aff, "act", s.span_text(k, k + n), s.span_text(k, end), "support", "", a, end,
                     "act:joint") for aff in sp.affiliations if aff not in have]
    return []


def _concessive_lead(s: Sentence, start: int) -> str:
    """A concessive clause opening the sentence before the subject ("Dù còn lo ngại ..., Đức đã ký")."""
    if start and (s.folded[0] in {"dù", "mặc dù", "tuy", "tuy rằng", "bất chấp", "dẫu"} or
                  " ".join(s.folded[:2]) in {"bên cạnh", "ngoài việc", "bên cạnh việc"}):
        comma = next((k for k in range(start) if s.tokens[k] == ","), None)
        if comma is not None:
            return s.span_text(0, comma)
    return ""


def _content_end(s: Sentence, k: int) -> int:
    """End of a reported clause: the sentence end, or a comma before "trong khi", "còn" (another topic)."""
    for j in range(k, len(s.tokens)):
        if s.tokens[j] in _HARD_BREAK - {"…"}:
            return j
        if s.tokens[j] == "," and j + 1 < len(s.tokens) and s.folded[j + 1] in {"trong khi", "trong khi đó", "còn"}:
            return j
    return len(s.tokens)


def _quote_after(s: Sentence, k: int, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The quote opening at token k (after the verb) or after a short "với phóng viên:", if any."""
    for j in range(k, min(len(s.tokens), k + 8)):
        if s.tokens[j] in {"“", "«", '"'} and s.tstart[j] >= 0 and (j == k or s.tokens[j - 1] in {":", ","}):
            return next((q for q in quotes if q[0] == s.tend[j]), None)
        if s.tokens[j] in _HARD_BREAK:
            break
    return None


def _in_question(s: Sentence, e: Event, end: int, lex: dict) -> bool:
    """An act inside an indirect question ("liệu Washington có ký hay không")."""
    if e.polarity != "support":
        return False
    before = s.folded[max(0, e.pre - 6):e.pre]
    after = " ".join(s.folded[e.b:end])
    return any(m in before for m in lex["question"]) or any(m in after for m in lex["question"] if " " in m)


def _quote_before(s: Sentence, k: int, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The quote closing just before the subject at token k ("“…”, ông X nói"), if any."""
    j = k - 1
    while j >= 0 and s.tokens[j] in {",", "-", "–", "—"}:
        j -= 1
    if j >= 0 and s.tokens[j] in {"”", "»", '"'} and s.tstart[j] >= 0:
        return next((q for q in quotes if q[1] == s.tstart[j]), None)
    return None


def _according_to(s: Sentence, state: State, lex: dict, cues: dict) -> list[dict]:
    """"Theo ông X, Phó Vụ trưởng ..., <content>": a reported statement."""
    rows = []
    for i in range(len(s.tokens)):
        n = _at(s.folded, i, lex["according_to"], 2)
        if not n or not (i == 0 or s.tokens[i - 1] in _SOFT_BREAK | {"“"}):
            continue
        k = i + n
        end = k
        while end < len(s.tokens) and s.tokens[end] not in {",", ":"} | _HARD_BREAK:
            end += 1
        # appositives after the name: ", Phó Vụ trưởng Vụ ... (Bộ Ngoại giao),"
        while end < len(s.tokens) and s.tokens[end] == ",":
            j = end + 1
            if j < len(s.tokens) and (_at(s.folded, j, lex["titles"]) or s.tokens[j] == "("):
                end = j
                while end < len(s.tokens) and s.tokens[end] not in {","} | _HARD_BREAK:
                    end += 1
                continue
            break
        sp = _resolve(s, k, end, state, lex, cues)
        titled = _at(" ".join(s.folded[k:end]).split(), 0, lex["titles"])  # also glued: "Đại sứ Australia"
        if sp is None or (sp.rule == "entity" and not sp.title and not titled and not any(
                fold(w) in s.folded[k:end] for w in ("đại diện", "bộ", "chính phủ", "phái đoàn", "người phát ngôn"))
                and sp.affiliations and not sp.affiliations[0].startswith("org:")):
            continue  # "Theo Việt Nam, ..." is rare; "Theo quy định" has no speaker
        _remember(state, sp)
        content = s.span_text(end + 1, len(s.tokens)).rstrip(".").strip()
        for aff in sp.affiliations or [""]:
            rows.append(_row(s, sp, aff, "reported", s.span_text(i, k), content, "", s.span_text(i, k), i, end,
                             "according_to"))
    return rows


def _listed(s: Sentence, found: list[dict], lex: dict) -> list[dict]:
    """"Những nước ký đầu tiên gồm Việt Nam, Nga và Brazil": one act per listed country."""
    cues_reps = {"đại diện", "trưởng đoàn", "phái đoàn", "các nước", "các quốc gia", "nước", "quốc gia"}
    acts = [e for e in _events(s, lex) if e.type != "speech" and e.kind != "receive"]  # those received are guests
    if not acts:
        return []
    e = acts[0]
    a, b, kind = e.a, e.b, e.kind
    pol = _act_polarity(s, e, len(s.tokens), lex)
    have = {r["affiliation"] for r in found}
    rows = []
    for k in range(len(s.tokens)):
        n = _at(s.folded, k, lex["list_markers"]) or (
            1 if s.tokens[k] == "(" and not any(eb == k for _, eb, _ in s.entities) else 0)  # not "LHQ (UN)"
        while n and k + n < len(s.tokens) and (s.folded[k + n] in cues_reps or _at(s.folded, k + n, lex["titles"])):
            n += _at(s.folded, k + n, lex["titles"]) or 1  # "có đại diện Cuba", "là trưởng đoàn Chile"
        if not n or not any(ea == k + n for ea, _, _ in s.entities):
            continue
        listed = _entities_in(s, k + n, len(s.tokens), lex)
        if s.folded[0] == "cùng":  # "Cùng ký Công ước với Việt Nam ... có X, Y": Việt Nam signs too
            listed += _entities_in(s, 0, k, lex)
        for iso in listed:
            if iso not in have:
                sp = Speaker(s.span_text(k + n, len(s.tokens)).rstrip(" .)"), "", [iso], "list")
                rows.append(_row(s, sp, iso, "act", s.span_text(a, b), s.span_text(b, k).strip(" ,"), pol,
                                 s.span_text(a, b), k + n, len(s.tokens), f"act:{kind}_list"))
                have.add(iso)
        break
    return rows


def _nominal_and_praise(s: Sentence, found: list[dict], lex: dict) -> list[dict]:
    """"dưới sự chủ trì của X", "có sự tham dự của X" (acts), "vai trò tiên phong của Việt Nam" (the press's
    praise of an actor's role, when a support cue is near): one support row per entity."""
    from .stance import sentence_cues

    have = {(r["affiliation"], r["rule"].split("/")[0]) for r in found}
    rows = []
    for k in range(len(s.tokens) - 2):
        n = _at(s.folded, k + 1, lex["nominal_acts"]) if s.folded[k] == "sự" else 0
        rule, head = ("act:nominal", k + 1) if n else ("press_praise", k)
        if not n and (n := _at(s.folded, k, lex["author_heads"])) and _about_convention(s, lex):
            rule = "act:author"
        elif not n and (n := _at(s.folded, k, lex["visit_heads"])) and _about_convention(s, lex):
            rule = "act:visit"
        if not n:
            n = _at(s.folded, k, lex["praise_heads"])
            if not n:
                continue
        j = next((t for t in range(head + n, min(len(s.tokens), head + n + 8))
                  if s.folded[t] in {"của", "đối với"} or s.tokens[t] in _HARD_BREAK | {";"}), None)
        if j is None or s.folded[j] not in {"của", "đối với"} or not any(ea == j + 1 for ea, _, _ in s.entities):
            continue
        span = s.span_text(k, j)
        if rule == "press_praise" and not sentence_cues(span)["support"]:
            continue
        end = next((t for t in range(j + 1, len(s.tokens)) if s.tokens[t] in _HARD_BREAK | {";"}), len(s.tokens))
        for iso in _entities_in(s, j + 1, end, lex):
            if (iso, rule) not in have and not (rule == "press_praise" and iso.startswith("org:")):
                sp = Speaker(s.span_text(j + 1, end).strip(" ,."), "", [iso], rule)
                rows.append(_row(s, sp, iso, "act", s.span_text(head, head + n), span, "support", "", k, end, rule))
                have.add((iso, rule))
    return rows


def _about_convention(s: Sentence, lex: dict) -> bool:
    """The sentence names the Convention (or a resolution), or refers back to it ("Đây là sáng kiến của Nga")."""
    return _at(s.folded, 0, lex["that_was"]) > 0 or any(
        _at(s.folded, i, lex["object_terms"] - {"lễ", "sự kiện", "phiên", "buổi lễ", "tiếp tân"})
        for i in range(len(s.folded)))


def _that_was(s: Sentence, sents: list[Sentence], quotes: list[tuple[int, int]], state: State, lex: dict,
              cues: dict) -> list[dict]:
    """"“...” Đó là chia sẻ của ông X, trưởng đoàn Y": the quote before this sentence is X's (its closing mark may
    open this sentence)."""
    lead = next((i for i, t in enumerate(s.tokens) if t not in _QUOTES), len(s.tokens))
    n = _at(s.folded, lead, lex["that_was"])
    m = _at(s.folded, lead + n, lex["speech_nouns"]) if n else 0
    n += lead
    if not m or n + m >= len(s.tokens) or s.folded[n + m] != "của":
        return []
    k = n + m + 1
    end = next((j for j in range(k, len(s.tokens)) if s.tokens[j] in _HARD_BREAK
                or s.folded[j] in {"ngay", "khi", "sau khi", "sau", "trong", "bên lề"}), len(s.tokens))
    sp = _resolve(s, k, end, state, lex, cues)
    before = [q for q in quotes if q[1] <= s.tstart[lead]]
    if sp is None or not before:
        return []
    _remember(state, sp)
    text = _article_text(sents, *before[-1])
    return [_row(s, sp, aff, "quote", s.span_text(n, n + m), text, "", "", k, end, "quote_that_was")
            for aff in sp.affiliations or [""]]


def _introduce(s: Sentence, state: State, lex: dict, cues: dict) -> None:
    """Remember people a sentence introduces with a title and an affiliation, even when they do not speak in it
    ("Bà Yuki Sato là trưởng đoàn Nhật Bản", "Đồng Bộ trưởng Ngoại giao Australia đã dự lễ")."""
    for k in range(len(s.tokens)):
        n = _at(s.folded, k, lex["titles"]) if s.tokens[k][:1].isupper() or (k and s.folded[k - 1] == "là") else 0
        if not n and not (s.folded[k] in {"ông", "bà", "ngài"} and k + 1 < len(s.tokens) and s.pos[k + 1] == "Np"):
            continue
        a = k
        while a > 0 and s.tokens[a - 1] not in _HARD_BREAK | _SOFT_BREAK and s.pos[a - 1] != "V":
            a -= 1
        end = next((j for j in range(k, len(s.tokens)) if s.tokens[j] in _HARD_BREAK | {";"}), len(s.tokens))
        end = min(end, k + 14)
        affs = _entities_in(s, k, end, lex)
        name, title, _ = _person(s, a, end, lex, cues)
        title = title or s.span_text(k, k + n)
        if not affs or not n and not title or (name and fold(name) in state.people):
            continue
        sp = Speaker(name or s.span_text(k, k + n), title, affs[:1], "named" if name else "introduced")
        if name:
            state.people[fold(name)] = sp
        state.last_person = sp
        break


def _actor_act(s: Sentence, iso: str, start: int, end: int) -> dict:
    """A row for a country that countries.find_mentions saw act in this sentence with no speech or act verb
    from the lexicons ("Singapore ban hành luật mới"): verb = the first verb after it, no polarity."""
    b = next((k for k, v in enumerate(s.tend) if v >= end), len(s.tokens) - 1) + 1
    v = next((k for k in range(b, len(s.tokens)) if s.pos[k] == "V"), None)
    a = next((k for k, v0 in enumerate(s.tstart) if v0 >= start), 0)
    sp = Speaker(s.span_text(a, b), "", [iso], "actor_mention")
    verb = s.tokens[v] if v is not None else ""
    content = s.span_text(v + 1, _content_end(s, v + 1)).strip(" ,.") if v is not None else ""
    return _row(s, sp, iso, "act", verb, content, "", s.span_text(b, v + 1) if v is not None else "", a, b, "act:other")


@lru_cache(maxsize=1)
def _long_names() -> dict[tuple[str, ...], str]:
    """Unambiguous country names (and organizations), to split them off a name the segmenter glued on."""
    from .countries import gazetteer

    gaz = gazetteer()
    names = {tuple(fold(v).split()): iso for iso, v in zip(gaz.loc[~gaz["ambiguous"], "iso"],
                                                         gaz.loc[~gaz["ambiguous"], "variant"])}
    return {**{k: f"org:{v}" for k, v in _org_index().items()}, **names}


@lru_cache(maxsize=1)
def _short_names() -> dict[tuple[str, ...], str]:
    """Ambiguous short country names (Mỹ, Anh, Pháp...), licensed here only after a title or representative."""
    from .countries import gazetteer

    gaz = gazetteer()
    amb = gaz[gaz["ambiguous"]]
    return {tuple(fold(v).split()): iso for iso, v in zip(amb["iso"], amb["variant"])}


def _label_line(s: Sentence, state: State, lex: dict, cues: dict) -> list[dict]:
    """Interview lines: "+ Thứ trưởng X: ..." (an answer) and "PV: ..." (a question, skipped)."""
    if ":" not in s.tokens[:14]:
        return []
    colon = s.tokens.index(":")
    a = 0
    while a < colon and s.tokens[a] in {"+", "-", "–", "•", "*"}:
        a += 1
    head = " ".join(s.folded[a:colon])
    if head in lex["reporter"] or any(v in head.split() for v in ("nói", "cho", "biết")):
        return []
    if any(p[0] in {"speech"} for _, _, p in match_phrases(s.folded[a:colon], lex["verbs"])):
        return []
    sp = _resolve(s, a, colon, state, lex, cues)
    if sp is None or not (sp.title or _at(s.folded, a, lex["honorifics"])):
        return []
    _remember(state, sp)
    state.interviewee = sp
    content = s.span_text(colon + 1, len(s.tokens))
    return [_row(s, sp, aff, "quote", ":", content, "", "", a, colon, "interview_label")
            for aff in sp.affiliations or [""]]


def _continues(prev: list[str], nxt: list[str]) -> bool:
    """A sentence cut by a hard line break: the previous one ends on a comma, an opening bracket or a word
    that needs a complement ("được", "và", "Ông"), or the next one starts in lower case (after a closing quote:
    in lower case, with a dash or a comma)."""
    last = prev[-1] if prev else "."
    if not nxt or last in _HARD_BREAK or last == ":":
        return False
    if last in {"”", "»", '"'}:  # a quote closing a line: "… “tự do ngôn luận” / – đã công khai gọi"
        return nxt[0] in _DASHES | {","} or nxt[0][:1].islower()
    return last in {",", "(", "«", "“"} or fold(last) in _WRAP_BEFORE or nxt[0][:1].islower()


def _join_wrapped(sentences: pd.DataFrame, tokens: pd.DataFrame,
                  mentions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sentences, tokens and mentions with hard-wrapped lines joined into one sentence (the first's id)."""
    toks = {sid: t["token"].tolist() for sid, t in tokens.groupby("sentence_id", sort=True)}
    rows, into = [], {}
    for r in sentences.sort_values("sentence_id").to_dict("records"):
        prev = rows[-1] if rows else None
        if prev is not None and _continues(toks.get(prev["_last"], []), toks.get(r["sentence_id"], [])):
            gap = r["start"] - (prev["start"] + len(prev["text"])) if min(r["start"], prev["start"]) >= 0 else 1
            prev["text"] += " " * max(1, gap) + r["text"]
            prev["_last"] = r["sentence_id"]
            into[r["sentence_id"]] = prev["sentence_id"]
            continue
        rows.append({**r, "_last": r["sentence_id"]})
    if not into:
        return sentences, tokens, mentions
    joined = pd.DataFrame(rows).drop(columns="_last")
    tokens = tokens.assign(sentence_id=tokens["sentence_id"].map(lambda x: into.get(x, x)))
    if len(mentions):
        mentions = mentions.assign(sentence_id=mentions["sentence_id"].map(lambda x: into.get(x, x)))
    return joined, tokens, mentions


def extract_article(article_id: str, sentences: pd.DataFrame, tokens: pd.DataFrame,
                    mentions: pd.DataFrame) -> pd.DataFrame:
    """Statements and acts of one article (STATEMENT_COLUMNS), from its sentences, tokens and country
    mentions (the rows of `countries.find_mentions` for this article)."""
    lex, cues = lexicon(), load_cues()
    sentences, tokens, mentions = _join_wrapped(sentences, tokens, mentions)
    org_index = _org_index()
    by_sid = {sid: t for sid, t in tokens.groupby("sentence_id", sort=True)}
    names = mentions[mentions["via"] == "name"] if len(mentions) else mentions
    sents: list[Sentence] = []
    candidates: list[tuple[int, int, int, str, bool]] = []  # short names: sentence, first, end, iso, licensed here
    for r in sentences.sort_values("sentence_id").itertuples(index=False):
        t = by_sid.get(r.sentence_id)
        if t is None:
            continue
        s = Sentence(int(r.sentence_id), int(r.paragraph_id), r.text, int(r.start), t["token"].tolist(),
                     t["pos"].tolist(), t["start"].astype(int).tolist(), t["end"].astype(int).tolist())
        ents = []
        for m in names[names["sentence_id"] == r.sentence_id].itertuples(index=False):
            first = next((k for k, v in enumerate(s.tstart) if v == m.start), None)
            if first is None:  # the segmenter glued a title on: "Đại sứ Australia"
                first = next((k for k, (a0, b0) in enumerate(zip(s.tstart, s.tend)) if a0 < m.start < b0), None)
            last = next((k for k, v in enumerate(s.tend) if v == m.end), None)
            if last is None:  # the segmenter glued the next word on: "Venezuela đồng | bảo trợ"
                last = next((k for k, (a0, b0) in enumerate(zip(s.tstart, s.tend)) if a0 < m.end < b0), None)
            if first is not None and last is not None:
                ents.append((first, last + 1, m.iso))
        taken = {k for a, b, _ in ents for k in range(a, b)}
        for a, b, oid in match_phrases(s.folded, org_index, s.tokens):
            if not any(k in taken for k in range(a, b)):
                ents.append((a, b, f"org:{oid}"))
                taken.update(range(a, b))
        for a, b, iso in match_phrases(s.folded, {**_short_names(), **lex["capitals"]}):
            # "Bộ Ngoại giao Mỹ", "Đại sứ Pháp"; the subject of a clause: "Mỹ không ký", "Tokyo cân nhắc"; or a
            # name the article licenses elsewhere
            if any(k in taken for k in range(a, b)) or not s.tokens[a][:1].isupper() or \
                    _ends_with(s.folded, a, lex["locatives"] | {"công ước"}) or (a and s.pos[a - 1] == "Np"):
                continue
            subject = (a == 0 or s.tokens[a - 1] in _HARD_BREAK | _SOFT_BREAK or s.folded[a - 1] in _OPENERS) and \
                b < len(s.tokens) and (s.pos[b] in {"V", "R"} or any(x == 0 for x, _, _ in match_phrases(s.folded[b:b + 4],
                                                                                                     lex["verbs"])))
            titled = _ends_with(s.folded, a, cues["representatives"] | lex["titles"]) or (
                a > 0 and s.tokens[a - 1][:1].isupper() and s.pos[a - 1] in {"N", "V"})  # "Bộ Nội vụ Đức"
            candidates.append((len(sents), a, b, iso, subject or titled))
            taken.update(range(a, b))
        for k, tok in enumerate(s.tokens):  # the segmenter's "Kenya Grace Wanjiru": a country, then a name
            sy = s.folded[k].split()
            if s.pos[k] != "Np" or len(sy) < 2 or k in taken:
                continue
            for n in range(len(sy) - 1, 0, -1):
                iso = _long_names().get(tuple(sy[:n]))
                if iso and tok.split()[n][:1].isupper():
                    ents.append((k, k + 1, iso))
                    s.prefixed[k] = n
                    break
        s.entities = ents
        sents.append(s)
    licensed = set(names["iso"]) | {iso for *_, iso, ok in candidates if ok}
    for n, a, b, iso, ok in candidates:
        if ok or iso in licensed:
            sents[n].entities.append((a, b, iso))
    for s in sents:
        s.entities.sort()
    quotes = _quote_spans(sents)
    state = State()
    rows: list[dict] = []
    actors = mentions[(mentions["role"] == "actor") & (mentions["via"] == "name")] if len(mentions) else mentions
    for i, s in enumerate(sents):
        found = _label_line(s, state, lex, cues) or _sentence_rows(s, sents, i, quotes, state, lex, cues)
        found += _that_was(s, sents, quotes, state, lex, cues) + _listed(s, found, lex)
        found += _nominal_and_praise(s, found, lex)
        _introduce(s, state, lex, cues)
        have = {r["affiliation"] for r in found}
        for m in actors[actors["sentence_id"] == s.sid].itertuples(index=False):
            if m.iso not in have:  # the country is the subject of some other verb: an act of unknown polarity
                found.append(_actor_act(s, m.iso, m.start, m.end))
                have.add(m.iso)
        rows += found
    df = pd.DataFrame(rows, columns=[c for c in STATEMENT_COLUMNS if c not in {"article_id", "iso"}])
    df.insert(0, "article_id", article_id)
    df["iso"] = df["affiliation"]
    df["affiliation"] = df["affiliation"].map(_affiliation_name)
    return df[STATEMENT_COLUMNS].astype({"sentence_id": "int64", "start": "int64", "end": "int64"})


@lru_cache(maxsize=512)
def _affiliation_name(code: str) -> str:
    if not code:
        return "unknown"
    if code.startswith("org:"):
        return org_name(code)
    from .countries import gazetteer

    gaz = gazetteer()
    hit = gaz.loc[gaz["iso"] == code, "name"]
    return hit.iloc[0] if len(hit) else code


def extract(wb, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Statements and acts of every article of a workbook (STATEMENT_COLUMNS).

    article_id, sentence_id, speaker (name as written, or the subject when no person is named), title,
    affiliation (country or organization name, or 'unknown'), iso (ISO code, `org:<id>`, or ''), kind
    (quote|reported|act), verb, content (the quote, the reported clause, or the act's object), polarity
    (acts: support|conditional|oppose; '' for statements, whose stance comes from their content), predicate
    (adverbs + verb as written: "không ủng hộ"), sentence (evidence), start, end (character offsets of
    subject and verb in the article), rule (which rule fired / how the speaker was resolved).
    """
    mentions = find_mentions(wb) if mentions is None else mentions
    by_article = dict(tuple(mentions.groupby("article_id", sort=False)))
    sentences = dict(tuple(wb.sentences.groupby("article_id", sort=False)))
    frames = []
    empty = mentions.iloc[0:0]
    for article_id, toks in wb.tokens.groupby("article_id", sort=False):
        frames.append(extract_article(article_id, sentences[article_id], toks, by_article.get(article_id, empty)))
    if not frames:
        return pd.DataFrame(columns=STATEMENT_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def statements_in_text(text: str, article_id: str = "text") -> pd.DataFrame:
    """Statements and acts in one raw text (cleaned and processed like a corpus article)."""
    from .pipeline import from_texts

    return extract(from_texts({article_id: text}))


def mark_actors(mentions: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Mentions with role `actor` wherever the same country has a statement or act in that sentence, or inside
    the subject span of one (a sentence wrapped over lines keeps its first line's id)."""
    keys = set(zip(statements["article_id"], statements["sentence_id"], statements["iso"]))
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for aid, iso, a, b in zip(statements["article_id"], statements["iso"], statements["start"], statements["end"]):
        spans.setdefault((aid, iso), []).append((a, b))
    starts, ends = (mentions[c] if c in mentions else [-1] * len(mentions) for c in ("start", "end"))
    hit = [k in keys or any(0 <= a <= start and end <= b for a, b in spans.get((k[0], k[2]), []))
           for k, start, end in zip(zip(mentions["article_id"], mentions["sentence_id"], mentions["iso"]),
                                    starts, ends)]
    out = mentions.copy()
    out.loc[hit, "role"] = "actor"
    return out


def speakers(statements: pd.DataFrame) -> pd.DataFrame:
    """Who speaks and how often: speaker, title, affiliation, iso, statements, acts, articles."""
    cols = ["speaker", "title", "affiliation", "iso", "statements", "acts", "articles"]
    if statements.empty:
        return pd.DataFrame(columns=cols)
    df = statements.assign(is_act=statements["kind"] == "act")
    out = df.groupby(["speaker", "affiliation", "iso"], dropna=False).agg(
        title=("title", lambda t: next((x for x in t if x), "")), statements=("is_act", lambda a: int((~a).sum())),
        acts=("is_act", "sum"), articles=("article_id", "nunique")).reset_index()
    out["acts"] = out["acts"].astype(int)
    return out[cols].sort_values(["statements", "acts", "articles"], ascending=False, ignore_index=True)
