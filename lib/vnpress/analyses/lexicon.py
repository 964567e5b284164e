"""What the statement rules match on: their word lists and gazetteers, and the segmented sentence.

`lexicon()` holds everything the rules read from the data files (FILES), folded: the word lists of
`speech_verbs.yaml` (speech verbs, adverbs, "theo", reporter labels), `acts.yaml` (act verbs with kind and
polarity, their objects, negation, conditions) and `speakers.yaml` (titles, honorifics, anaphors, capitals,
well-known people); the organization gazetteer (`organizations()`: `organizations.csv`) and the country
gazetteer (`countries.csv`), for the entities a sentence names and the names of affiliations; the actor cues
(`actor_cues.yaml`); and the path of the stance cues (`stance_cues.yaml`, whose support cues license the
press's praise of a role). Each file is the packaged one unless `paths(data_files)` names a replacement. A
`Sentence` is one sentence's tokens with their folded forms and the countries and organizations it names;
`at` and `ends_with` look a phrase up at a token, `content_end` ends a reported clause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pandas as pd
import yaml

from vnpress.analyses.countries import gazetteer, load_cues
from vnpress.data import path as data_path
from vnpress.util.textnorm import fold, normalize

FILES = ("speech_verbs.yaml", "acts.yaml", "speakers.yaml", "organizations.csv", "countries.csv", "actor_cues.yaml",
         "stance_cues.yaml")
HARD_BREAK = {";", ".", "!", "?", "…"}
SOFT_BREAK = {",", ":", "(", ")", "–", "—", "-"}
DASHES = {"—", "–", "-"}  # "ông X - Bộ trưởng Y": an appositive
QUOTES = {"“": "open", "«": "open", "”": "close", "»": "close", '"': "toggle"}


def paths(data_files: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The path of each of FILES, in order: its replacement in `data_files` (file name → path), else the
    packaged file."""
    return tuple(str((data_files or {}).get(f) or data_path(f)) for f in FILES)


@lru_cache(maxsize=8)
def _yaml(path: str) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _folded(items: list[str]) -> set[str]:
    return {fold(x) for x in items}


@lru_cache(maxsize=4)
def lexicon(files: tuple[str, ...] | None = None) -> dict:
    """Speech verbs, acts, speaker words, gazetteers and actor cues, folded, from the data files `files`
    (`paths(...)`; default: the packaged files)."""
    p = dict(zip(FILES, files or paths()))
    speech, acts, spk = _yaml(p["speech_verbs.yaml"]), _yaml(p["acts.yaml"]), _yaml(p["speakers.yaml"])
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
    orgs, gaz = organizations(p["organizations.csv"]), gazetteer(p["countries.csv"])
    org_index = {tuple(fold(v).replace("(", " ( ").replace(")", " ) ").split()): oid  # "Đại hội đồng (ĐHĐ) LHQ"
                 for oid, vs in zip(orgs["id"], orgs["variants"]) for v in vs}
    plain, amb = gaz[~gaz["ambiguous"]], gaz[gaz["ambiguous"]]
    org_names, country_names = orgs.drop_duplicates("id"), gaz.drop_duplicates("iso")
    names = dict(zip("org:" + org_names["id"], org_names["name"]))
    names.update(zip(country_names["iso"], country_names["name"]))
    return {
        "verbs": verbs, "objects": objects, "org_anaphors": _folded(spk["org_anaphors"]),
        "org_heads": _folded(spk["org_heads"]),
        "group_anaphors": _folded(spk["group_anaphors"]), "adverbs": _folded(speech["adverbs"]),
        "complementizers": _folded(speech["complementizers"]),
        "according_to": _folded(speech["according_to"]), "reporter": _folded(speech["reporter_labels"]),
        "interview_cues": _folded(speech["interview_cues"]), "speaker_nouns": _folded(speech["speaker_nouns"]),
        "continuations": _folded(speech["continuations"]),
        "negation": {fold(k): v for k, v in acts["negation"].items()},
        "conditional_markers": _folded(acts["conditional_markers"]), "object_terms": _folded(acts["object_terms"]),
        "foreign_objects": _folded(acts["foreign_objects"]), "nominalizers": _folded(acts["nominalizers"]),
        "speech_nominalizers": _folded(speech["speech_nominalizers"]),
        "willing": _folded(speech.get("willing", [])),
        "sign_kinds": {"sign", "ratify", "adopt"},
        "titles": _folded(spk["titles"]), "honorifics": _folded(spk["honorifics"]),
        "person_anaphors": _folded(spk["person_anaphors"]), "country_anaphors": _folded(spk["country_anaphors"]),
        "locatives": _folded(spk["locatives"]), "joiners": _folded(spk["list_joiners"]),
        "behalf": _folded(spk["behalf"]), "ministries": _folded(spk["ministries"]),
        "institutions": _folded(spk["institutions"]), "home_institutions": _folded(spk["home_institutions"]),
        "home_titles": _folded(spk["home_titles"]),
        "known_people": {fold(k): v for k, v in spk["known_people"].items()},
        "capitals": {tuple(fold(k).split()): v for k, v in spk["capitals"].items()},
        "question": _folded(acts["question_markers"]), "that_was": _folded(speech["that_was"]),
        "speech_nouns": _folded(speech["speech_nouns"]), "nominal_acts": _folded(acts["nominal_acts"]),
        "praise_heads": _folded(acts["praise_heads"]), "author_heads": _folded(acts["author_heads"]),
        "visit_heads": _folded(acts["visit_heads"]), "side_openers": _folded(acts["side_openers"]),
        "joint_events": _folded(acts["joint_events"]), "resolution_heads": _folded(acts["resolution_heads"]),
        "treaty_terms": _folded(acts["treaty_terms"]), "choose_verbs": _folded(acts["choose_verbs"]),
        "venue_roles": _folded(acts["venue_roles"]), "role_openers": _folded(acts["role_openers"]),
        "host_roles": _folded(acts["host_roles"]),
        "list_markers": {"gồm", "bao gồm", "trong đó có", "là", "có", "như", "lần lượt là", "gồm có"},
        # organizations: variants → id; each one's parent (both as `org:<id>`)
        "org_index": org_index, "org_parents": dict(zip("org:" + orgs["id"], "org:" + orgs["parent"])),
        # unambiguous country names and organizations, to split them off a name the segmenter glued on
        "long_names": {**{k: f"org:{v}" for k, v in org_index.items()},
                       **{tuple(fold(v).split()): iso for iso, v in zip(plain["iso"], plain["variant"])}},
        # ambiguous short country names (Mỹ, Anh, Pháp...), licensed only after a title or representative
        "short_names": {tuple(fold(v).split()): iso for iso, v in zip(amb["iso"], amb["variant"])},
        "names": names,  # affiliation code (ISO code, `org:<id>`) → its name
        "actor_cues": load_cues(p["actor_cues.yaml"]), "stance_cues": p["stance_cues.yaml"],
    }


@lru_cache(maxsize=4)
def organizations(path: str | None = None) -> pd.DataFrame:
    """The organization gazetteer: id, name, variants (list), kind, parent."""
    lines = [ln for ln in Path(path or data_path("organizations.csv")).read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    df = pd.read_csv(pd.io.common.StringIO("\n".join(lines)), dtype=str, keep_default_na=False)
    df["variants"] = df["variants"].map(lambda v: [normalize(x.strip()) for x in v.split(";") if x.strip()])
    return df


def affiliation_name(code: str, lex: dict) -> str:
    """The name of an affiliation code (ISO code, `org:<id>`) in the lexicon's gazetteers; 'unknown' for ''."""
    return lex["names"].get(code, code) if code else "unknown"


def at(folded: list[str], i: int, words: set[str], max_len: int = 4) -> int:
    """Length in tokens of the longest phrase of `words` starting at token i (0 if none)."""
    for n in range(max_len, 0, -1):
        if i + n <= len(folded) and " ".join(folded[i:i + n]) in words:
            return n
    return 0


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


def content_end(s: Sentence, k: int) -> int:
    """End of a reported clause: the sentence end, or a comma before "trong khi", "còn" (another topic)."""
    for j in range(k, len(s.tokens)):
        if s.tokens[j] in HARD_BREAK - {"…"}:
            return j
        if s.tokens[j] == "," and j + 1 < len(s.tokens) and s.folded[j + 1] in {"trong khi", "trong khi đó", "còn"}:
            return j
    return len(s.tokens)
