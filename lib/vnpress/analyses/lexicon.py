"""What the statement rules match on: their word lists and gazetteers, and the segmented sentence.

`lexicon()` builds a `Lexicon` (a frozen dataclass, one typed field per key) holding everything the rules read
from the data files (FILES), folded: the word lists of `speech_verbs.yaml` (speech verbs, adverbs, "theo",
reporter labels, the function words of the statement and quote rules), `acts.yaml` (act verbs with kind and
polarity, their objects, negation, conditions, the function words of the act rules) and `speakers.yaml` (titles,
honorifics, anaphors, capitals, well-known people, the function words of the speaker rules), and the regular
expressions built from them; the organization gazetteer (`organizations()`: `organizations.csv`) and the country
gazetteer (`countries.csv`), for the entities a sentence names and the names of affiliations; the actor cues
(`actor_cues.yaml`); and the path of the stance cues (`stance_cues.yaml`, whose support cues license the
press's praise of a role). Each file is the packaged one unless `paths(data_files)` names a replacement. A
`Sentence` is one sentence's tokens with their folded forms and the countries and organizations it names;
`at` and `ends_with` look a phrase up at a token, `starts_with` and `ends_on` a token sequence, `content_end` ends a reported clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
import yaml

from vnpress.analyses.countries import gazetteer, load_cues
from vnpress.data import path as data_path
from vnpress.util.phrases import match_phrases
from vnpress.util.textnorm import fold, normalize

FILES = ("speech_verbs.yaml", "acts.yaml", "speakers.yaml", "organizations.csv", "countries.csv", "actor_cues.yaml",
         "stance_cues.yaml")
HARD_BREAK = {";", ".", "!", "?", "…"}
SOFT_BREAK = {",", ":", "(", ")", "–", "—", "-"}
DASHES = {"—", "–", "-"}  # "ông X - Bộ trưởng Y": an appositive
SIGN_KINDS = {"sign", "ratify", "adopt"}  # the act kinds a call on others to act asks for (acts.yaml `acts`)
QUOTES = {"“": "open", "«": "open", "”": "close", "»": "close", '"': "toggle"}


def paths(data_files: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The path of each of FILES, in order: its replacement in `data_files` (file name → path), else the
    packaged file."""
    return tuple(str((data_files or {}).get(f) or data_path(f)) for f in FILES)


@lru_cache(maxsize=8)
def _yaml(path: str) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _folded(items: list[str]) -> frozenset[str]:
    return frozenset(fold(x) for x in items)


def _words(file: str, key: str, optional: bool = False) -> Any:
    """A field holding the folded word list `key` of the data file `file` (empty if `optional` and missing)."""
    return field(metadata={"file": file, "key": key, "optional": optional})


def _sequences(file: str, key: str) -> Any:
    """A field holding the folded token sequences (lists of tokens) `key` of the data file `file`."""
    return field(metadata={"file": file, "key": key, "optional": False, "sequences": True})


def _read(file: dict, key: str, optional: bool, sequences: bool) -> frozenset:
    """The word list or the token sequences `key` of a data file, folded."""
    items = file.get(key, []) if optional else file[key]
    return frozenset(tuple(fold(t) for t in q) for q in items) if sequences else _folded(items)


Words = frozenset[str]
Sequences = frozenset[tuple[str, ...]]
Phrases = Mapping[tuple[str, ...], str]  # folded syllables → a code


@dataclass(frozen=True, eq=False)
class Lexicon:
    """What the statement rules match on, folded, one field per key of the data files (FILES): a word list field
    names its file and key; the others say in a comment which keys they are built from."""

    # speech_verbs.yaml speech, acts.yaml acts and call_verbs: syllables → (type, kind, polarity)
    verbs: Mapping[tuple[str, ...], tuple[str, str, str]]
    objects: Mapping[str, Words]  # acts.yaml acts: an act kind → its own object terms
    negation: Mapping[str, str]  # acts.yaml negation: a negation → the polarity it turns support into
    known_people: Mapping[str, str]  # speakers.yaml known_people: a well-known person → affiliation code
    capitals: Phrases  # speakers.yaml capitals: a capital → its country's ISO code
    org_index: Phrases  # organizations.csv: a variant → organization id
    org_acronyms: frozenset[tuple[str, ...]]  # organizations.csv variants written only in capitals: match only so (NAM)
    org_parents: Mapping[str, str]  # organizations.csv: `org:<id>` → its parent's `org:<id>`
    # organizations.csv and countries.csv (unambiguous names): to split them off a name the segmenter glued on
    long_names: Phrases
    # countries.csv (ambiguous names: Mỹ, Anh, Pháp...), licensed only after a title or representative
    short_names: Phrases
    names: Mapping[str, str]  # organizations.csv and countries.csv: affiliation code → its name
    actor_cues: dict  # actor_cues.yaml (countries.load_cues)
    stance_cues: str  # the path of stance_cues.yaml
    # speech_verbs.yaml contrast_markers, as a pattern: "..., trong khi Nga ..." (a new topic)
    contrast: re.Pattern
    # acts.yaml conditional_markers, not after settled_before: a condition in an act's clause ("kèm tuyên bố")
    condition: re.Pattern
    # acts.yaml acts (the sign, ratify and adopt verbs) and convention_uses, after an optional call_negations: what a
    # call asks ("kêu gọi các nước (không) ký")
    call: re.Pattern
    call_nominal: re.Pattern  # acts.yaml nominalizers ending a text: "kêu gọi đẩy nhanh việc" + "ký" is no call to sign
    caution: re.Pattern  # acts.yaml call_cautions: "kêu gọi cân nhắc kỹ" (conditional)
    adverbs: Words = _words("speech_verbs.yaml", "adverbs")
    complementizers: Words = _words("speech_verbs.yaml", "complementizers")
    according_to: Words = _words("speech_verbs.yaml", "according_to")
    reporter: Words = _words("speech_verbs.yaml", "reporter_labels")
    interview_cues: Words = _words("speech_verbs.yaml", "interview_cues")
    speaker_nouns: Words = _words("speech_verbs.yaml", "speaker_nouns")
    continuations: Words = _words("speech_verbs.yaml", "continuations")
    speech_nominalizers: Words = _words("speech_verbs.yaml", "speech_nominalizers")
    willing: Words = _words("speech_verbs.yaml", "willing", optional=True)
    that_was: Words = _words("speech_verbs.yaml", "that_was")
    speech_nouns: Words = _words("speech_verbs.yaml", "speech_nouns")
    conditional_markers: Words = _words("acts.yaml", "conditional_markers")
    object_terms: Words = _words("acts.yaml", "object_terms")
    foreign_objects: Words = _words("acts.yaml", "foreign_objects")
    nominalizers: Words = _words("acts.yaml", "nominalizers")
    question: Words = _words("acts.yaml", "question_markers")
    nominal_acts: Words = _words("acts.yaml", "nominal_acts")
    partner_acts: Words = _words("acts.yaml", "partner_acts")
    praise_heads: Words = _words("acts.yaml", "praise_heads")
    author_heads: Words = _words("acts.yaml", "author_heads")
    visit_heads: Words = _words("acts.yaml", "visit_heads")
    side_openers: Words = _words("acts.yaml", "side_openers")
    joint_events: Words = _words("acts.yaml", "joint_events")
    resolution_heads: Words = _words("acts.yaml", "resolution_heads")
    treaty_terms: Words = _words("acts.yaml", "treaty_terms")
    choose_verbs: Words = _words("acts.yaml", "choose_verbs")
    venue_roles: Words = _words("acts.yaml", "venue_roles")
    role_openers: Words = _words("acts.yaml", "role_openers")
    host_roles: Words = _words("acts.yaml", "host_roles")
    list_markers: Words = _words("acts.yaml", "list_markers")
    org_anaphors: Words = _words("speakers.yaml", "org_anaphors")
    org_heads: Words = _words("speakers.yaml", "org_heads")
    org_name_heads: Words = _words("speakers.yaml", "org_name_heads")
    org_brand_heads: Words = _words("speakers.yaml", "org_brand_heads")
    org_brand_voices: Words = _words("speakers.yaml", "org_brand_voices")
    org_legal_forms: Words = _words("speakers.yaml", "org_legal_forms")
    org_name_breaks: Words = _words("speakers.yaml", "org_name_breaks")
    org_name_state: Words = _words("speakers.yaml", "org_name_state")
    org_name_places: Words = _words("speakers.yaml", "org_name_places")
    org_voices: Words = _words("speakers.yaml", "org_voices")
    org_staff: Words = _words("speakers.yaml", "org_staff")
    press_heads: Words = _words("speakers.yaml", "press_heads")
    press_names: Words = _words("speakers.yaml", "press_names")
    group_anaphors: Words = _words("speakers.yaml", "group_anaphors")
    titles: Words = _words("speakers.yaml", "titles")
    honorifics: Words = _words("speakers.yaml", "honorifics")
    person_anaphors: Words = _words("speakers.yaml", "person_anaphors")
    country_anaphors: Words = _words("speakers.yaml", "country_anaphors")
    locatives: Words = _words("speakers.yaml", "locatives")
    joiners: Words = _words("speakers.yaml", "list_joiners")
    behalf: Words = _words("speakers.yaml", "behalf")
    ministries: Words = _words("speakers.yaml", "ministries")
    institutions: Words = _words("speakers.yaml", "institutions")
    home_institutions: Words = _words("speakers.yaml", "home_institutions")
    home_titles: Words = _words("speakers.yaml", "home_titles")
    clause_openers: Words = _words("speakers.yaml", "clause_openers")
    subject_openers: Words = _words("speakers.yaml", "subject_openers")
    representative_syllables: Words = _words("speakers.yaml", "representative_syllables")
    place_nouns: Words = _words("speakers.yaml", "place_nouns")
    adjunct_openers: Words = _words("speakers.yaml", "adjunct_openers")
    settings: Sequences = _sequences("speakers.yaml", "settings")
    member_nouns: Words = _words("speakers.yaml", "member_nouns")
    instrument_nouns: Words = _words("speakers.yaml", "instrument_nouns")
    convention: Words = _words("speakers.yaml", "convention")
    instrument_of: Sequences = _sequences("speakers.yaml", "instrument_of")
    genitive: Words = _words("speakers.yaml", "genitive")
    with_words: Words = _words("speakers.yaml", "with_words")
    and_words: Words = _words("speakers.yaml", "and_words")
    together: Words = _words("speakers.yaml", "together")
    copula: Words = _words("speakers.yaml", "copula")
    agent_markers: Words = _words("speakers.yaml", "agent_markers")
    thanks_reasons: Sequences = _sequences("speakers.yaml", "thanks_reasons")
    purpose_markers: Words = _words("speakers.yaml", "purpose_markers")
    representative: Words = _words("speakers.yaml", "representative")
    mr_mrs: Words = _words("speakers.yaml", "mr_mrs")
    name_particles: Words = _words("speakers.yaml", "name_particles")
    introducers: Words = _words("speakers.yaml", "introducers")
    wrap_before: Words = _words("speech_verbs.yaml", "wrap_before")
    conjoiners: Words = _words("speech_verbs.yaml", "conjoiners")
    also: Words = _words("speech_verbs.yaml", "also")
    clause_links: Words = _words("speech_verbs.yaml", "clause_links")
    refusal_scope_ends: Words = _words("speech_verbs.yaml", "refusal_scope_ends")
    contrast_markers: Words = _words("speech_verbs.yaml", "contrast_markers")
    obligations: Words = _words("speech_verbs.yaml", "obligations")
    passive_markers: Words = _words("speech_verbs.yaml", "passive_markers")
    conjunctions: Words = _words("speech_verbs.yaml", "conjunctions")
    that_words: Words = _words("speech_verbs.yaml", "that_words")
    said_things: Words = _words("speech_verbs.yaml", "said_things")
    agent_prepositions: Words = _words("speech_verbs.yaml", "agent_prepositions")
    org_subject_openers: Words = _words("speech_verbs.yaml", "org_subject_openers")
    topic_openers: Words = _words("speech_verbs.yaml", "topic_openers")
    concessives: Words = _words("speech_verbs.yaml", "concessives")
    concessive_pairs: Words = _words("speech_verbs.yaml", "concessive_pairs")
    topic_shifts: Words = _words("speech_verbs.yaml", "topic_shifts")
    occasion_words: Words = _words("speech_verbs.yaml", "occasion_words")
    according_speakers: Words = _words("speech_verbs.yaml", "according_speakers")
    speech_syllables: Words = _words("speech_verbs.yaml", "speech_syllables")
    from_words: Words = _words("speech_verbs.yaml", "from_words")
    time_words: Words = _words("acts.yaml", "time_words")
    passive_openers: Words = _words("acts.yaml", "passive_openers")
    settled_before: Words = _words("acts.yaml", "settled_before")
    call_negations: Words = _words("acts.yaml", "call_negations")
    call_refusals: Words = _words("acts.yaml", "call_refusals")
    call_cautions: Words = _words("acts.yaml", "call_cautions")
    additive: Words = _words("acts.yaml", "additive")
    joint_with: Words = _words("acts.yaml", "joint_with")
    participant_joins: Words = _words("acts.yaml", "participant_joins")
    participant_heads: Words = _words("acts.yaml", "participant_heads")
    ceremony_terms: Words = _words("acts.yaml", "ceremony_terms")
    list_representatives: Words = _words("acts.yaml", "list_representatives")
    nominal_marker: Words = _words("acts.yaml", "nominal_marker")
    draft: Words = _words("acts.yaml", "draft")
    of_toward: Words = _words("acts.yaml", "of_toward")
    as_words: Words = _words("acts.yaml", "as_words")
    passive: Words = _words("acts.yaml", "passive")
    and_then: Words = _words("acts.yaml", "and_then")
    negated_verbs: Words = _words("acts.yaml", "negated_verbs")
    co_hosts: Words = _words("acts.yaml", "co_hosts")


def _verbs(speech: dict, acts: dict) -> tuple[dict, dict]:
    """The speech and act verbs (syllables → (type, kind, polarity)) and each act kind's own object terms."""
    verbs: dict[tuple[str, ...], tuple[str, str, str]] = {}
    objects: dict[str, Words] = {}
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
    return verbs, objects


def _gazetteers(orgs: pd.DataFrame, gaz: pd.DataFrame) -> dict:
    """The Lexicon fields built from the organization and country gazetteers."""
    org_index = {tuple(fold(v).replace("(", " ( ").replace(")", " ) ").split()): oid  # "Đại hội đồng (ĐHĐ) LHQ"
                 for oid, vs in zip(orgs["id"], orgs["variants"]) for v in vs}
    plain, amb = gaz[~gaz["ambiguous"]], gaz[gaz["ambiguous"]]
    org_names, country_names = orgs.drop_duplicates("id"), gaz.drop_duplicates("iso")
    names = dict(zip("org:" + org_names["id"], org_names["name"]))
    names.update(zip(country_names["iso"], country_names["name"]))
    written = [(tuple(fold(v).split()), v.replace(" ", "").isupper()) for vs in orgs["variants"] for v in vs]
    acronyms = frozenset(k for k, caps in written if caps) - {k for k, caps in written if not caps}  # not ARTICLE 19
    return {"org_index": org_index, "org_acronyms": acronyms,
            "org_parents": dict(zip("org:" + orgs["id"], "org:" + orgs["parent"])),
            "long_names": {**{k: f"org:{v}" for k, v in org_index.items()},
                           **{tuple(fold(v).split()): iso for iso, v in zip(plain["iso"], plain["variant"])}},
            "short_names": {tuple(fold(v).split()): iso for iso, v in zip(amb["iso"], amb["variant"])},
            "names": names}


def _alternation(words: list[str]) -> str:
    """A regular expression alternation of the words, longest (escaped) first."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _patterns(words: dict, verbs: Mapping[tuple[str, ...], tuple[str, str, str]], acts: dict) -> dict[str, re.Pattern]:
    """The Lexicon's regular expressions, built from its word lists (`words`: field name → folded words) and, in
    their order, acts.yaml `convention_uses`."""
    settled = "".join(f"(?<!{re.escape(w + ' ')})" for w in sorted(words["settled_before"]))
    signs = _alternation([" ".join(v) for v, (_, kind, _) in verbs.items() if kind in SIGN_KINDS])
    uses = "|".join(re.escape(fold(w)) for w in acts["convention_uses"])
    return {
        "contrast": re.compile(rf"(?<!\w)({_alternation(words['contrast_markers'])})(?!\w)"),
        "condition": re.compile(rf"(?<!\w){settled}(?:{_alternation(words['conditional_markers'])})(?!\w)"),
        "call": re.compile(rf"(?<!\w)(?:({_alternation(words['call_negations'])}) )?({signs}|{uses})(?!\w)"),
        "call_nominal": re.compile(rf"(?<!\w)({_alternation(words['nominalizers'])})\s*$"),
        "caution": re.compile(rf"(?<!\w)({_alternation(words['call_cautions'])})(?!\w)"),
    }


@lru_cache(maxsize=4)
def lexicon(files: tuple[str, ...] | None = None) -> Lexicon:
    """Speech verbs, acts, speaker words, gazetteers and actor cues, folded, from the data files `files`
    (`paths(...)`; default: the packaged files)."""
    p = dict(zip(FILES, files or paths()))
    words = {f.name: _read(_yaml(p[f.metadata["file"]]), f.metadata["key"], f.metadata["optional"],
                           "sequences" in f.metadata) for f in fields(Lexicon) if "key" in f.metadata}
    speech, acts, spk = _yaml(p["speech_verbs.yaml"]), _yaml(p["acts.yaml"]), _yaml(p["speakers.yaml"])
    verbs, objects = _verbs(speech, acts)
    words.update(_patterns(words, verbs, acts))
    return Lexicon(verbs=verbs, objects=objects, negation={fold(k): v for k, v in acts["negation"].items()},
                   known_people={fold(k): v for k, v in spk["known_people"].items()},
                   capitals={tuple(fold(k).split()): v for k, v in spk["capitals"].items()},
                   **_gazetteers(organizations(p["organizations.csv"]), gazetteer(p["countries.csv"])),
                   actor_cues=load_cues(p["actor_cues.yaml"]), stance_cues=p["stance_cues.yaml"], **words)


@lru_cache(maxsize=4)
def organizations(path: str | None = None) -> pd.DataFrame:
    """The organization gazetteer: id, name, variants (list), kind, parent."""
    lines = [ln for ln in Path(path or data_path("organizations.csv")).read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    df = pd.read_csv(pd.io.common.StringIO("\n".join(lines)), dtype=str, keep_default_na=False)
    df["variants"] = df["variants"].map(lambda v: [normalize(x.strip()) for x in v.split(";") if x.strip()])
    return df


def affiliation_name(code: str, lex: Lexicon) -> str:
    """The name of an affiliation code (ISO code, `org:<id>`) in the lexicon's gazetteers; 'unknown' for ''."""
    return lex.names.get(code, code) if code else "unknown"


def at(folded: list[str], i: int, words: set[str], max_len: int = 4) -> int:
    """Length in tokens of the longest phrase of `words` starting at token i (0 if none)."""
    for n in range(max_len, 0, -1):
        if i + n <= len(folded) and " ".join(folded[i:i + n]) in words:
            return n
    return 0


def verb_at(s: "Sentence", j: int, lex: "Lexicon", acts_only: bool = False) -> bool:
    """A speech or act verb of the lexicon (`acts_only`: an act verb) starts at token j, whatever its tag («chủ
    trì» is a noun too)."""
    return any(x == 0 and not (acts_only and typ == "speech")
               for x, _, (typ, _, _) in match_phrases(s.folded[j:j + 4], lex.verbs))


def starts_with(folded: list[str], i: int, sequences: Sequences) -> bool:
    """Tokens from i on begin with one of the token sequences."""
    return any(tuple(folded[i:i + len(q)]) == q for q in sequences)


def ends_on(folded: list[str], j: int, sequences: Sequences) -> bool:
    """The tokens just before token j end with one of the token sequences."""
    return any(j >= len(q) and tuple(folded[j - len(q):j]) == q for q in sequences)


def ends_with(folded: list[str], j: int, words: set[str], max_len: int = 4) -> int:
    """Length of the longest phrase of `words` ending just before token j (0 if none)."""
    for n in range(max_len, 0, -1):
        if j - n >= 0 and " ".join(folded[j - n:j]) in words:
            return n
    return 0


@dataclass
class Sentence:
    """One sentence: tokens, POS tags, token offsets in the article, folded tokens, the entities it names."""

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


def content_end(s: Sentence, k: int, lex: Lexicon) -> int:
    """End of a reported clause: the sentence end, or a comma before "trong khi", "còn" (another topic)."""
    for j in range(k, len(s.tokens)):
        if s.tokens[j] in HARD_BREAK - {"…"}:
            return j
        if s.tokens[j] == "," and j + 1 < len(s.tokens) and s.folded[j + 1] in lex.topic_shifts:
            return j
    return len(s.tokens)
