"""Stance and frame cues in a sentence: which cue classes of `stance_cues.yaml` and which frames of `frames.yaml`
occur, within the speaker's own words, with negation, condition and concession scopes.

`sentence_cues` is read by acts (the press's praise of an actor needs a support cue nearby) and by stance (a
statement's polarity); it walks `_RULES`, one small rule per cue family (oppose, support, the Convention defended,
conditions, concessions, criticism, frames), over one `_Scan` of the sentence. The words that bound where cues are
read (an actor's own words, criticism received) are the `scopes` of stance_cues.yaml. `lexicon` lists both lexicons
as a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from vnpress.data import path as data_path
from vnpress.util.textnorm import fold

_CLASSES = ("support", "not_support", "not_negation", "conditional", "concern", "criticism", "crime_words", "oppose",
            "rebuttal", "concessive", "not_concessive", "condition_after_support")


NOT_CUES = "not_cues"  # frames.yaml key: set phrases that are no frame's cue and hide the cues inside them


@lru_cache(maxsize=8)
def _yaml(path: str) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    alts = sorted({fold(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")


@lru_cache(maxsize=8)
def _lexicons(cues_path: str, frames_path: str) -> tuple[dict[str, re.Pattern[str]], dict[str, re.Pattern[str]], dict]:
    cues = _yaml(cues_path)
    stance = {k: _pattern(cues.get(k, [])) for k in _CLASSES + ("convention_terms",) if cues.get(k)}
    frames = {k: _pattern(v) for k, v in _yaml(frames_path).items() if k != NOT_CUES}
    return stance, frames, cues


@lru_cache(maxsize=8)
def _convention_agent(cues_path: str) -> re.Pattern[str] | None:
    """The `convention_agent` pattern of stance_cues.yaml, with a named group `neg` for a negation before the verb."""
    cues = _yaml(cues_path)
    spec = cues.get("convention_agent")
    if not spec:
        return None

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))

    adverbs = rf"(?:(?:{alt(spec['adverbs'])}) )*"
    neg = alt(cues.get("negation", []) + cues.get("hesitation", []))
    return re.compile(rf"(?<!\w)(?:{alt(spec['subjects'])})(?: (?:{alt(spec['modifiers'])}))? {adverbs}"
                      rf"(?P<neg>(?:{neg}) {adverbs})?(?:{alt(spec['verbs'])})(?!\w)")


@lru_cache(maxsize=8)
def folded_cues(cues_path: str) -> dict[str, tuple[str, ...]]:
    """The word lists of stance_cues.yaml, folded: {key: (word, ...)}."""
    return {k: tuple(fold(w) for w in v) for k, v in _yaml(cues_path).items() if isinstance(v, list)}


def cue_paths(cues_path: str | None, frames_path: str | None) -> tuple[str, str]:
    return str(cues_path or data_path("stance_cues.yaml")), str(frames_path or data_path("frames.yaml"))


def lexicon(cues_path: str | None = None, frames_path: str | None = None) -> pd.DataFrame:
    """The cue and frame lexicons as a table: kind (stance|frame|not_frame), label, cues."""
    c, f = cue_paths(cues_path, frames_path)
    rows = [("stance", k, "; ".join(v)) for k, v in _yaml(c).items() if isinstance(v, list)]
    rows += [("frame" if k != NOT_CUES else "not_frame", k, "; ".join(v)) for k, v in _yaml(f).items()]
    return pd.DataFrame(rows, columns=["kind", "label", "cues"])


def _clause_of(text: str, at: int) -> int:
    """Start of the clause holding position `at` (after the last , ; : before it)."""
    return max(text.rfind(ch, 0, at) for ch in ",;:") + 1


def _clause_after(text: str, at: int) -> tuple[int, int]:
    """The clause that starts at `at` ("song đã nhận được ..."): up to the next , ; : (a comma right after `at`,
    as in "Tuy nhiên, ...", is skipped)."""
    a = at + len(text[at:]) - len(text[at:].lstrip(" ,"))
    ends = [e for e in (text.find(ch, a) for ch in ",;:") if e >= 0]
    return a, min(ends, default=len(text))


@lru_cache(maxsize=8)
def _not_cues(frames_path: str) -> re.Pattern[str] | None:
    phrases = _yaml(frames_path).get(NOT_CUES) or []
    return _pattern(phrases) if phrases else None


def _received(before: str, markers: set[str], quantifiers: set[str]) -> bool:
    """The folded words before a cue end with a marker of criticism received ("gây ra nhiều", "bị")."""
    words = before.split()
    if words and words[-1] in quantifiers:
        words = words[:-1]
    return any(" ".join(words[-n:]) in markers for n in (1, 2, 3) if len(words) >= n)


def _alternation(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


@lru_cache(maxsize=8)
def _own_words_ends(cues_path: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The `scopes` of stance_cues.yaml that end an actor's own words: a clause about someone else, and in an
    act an appositive describing the act's object."""
    scopes = _yaml(cues_path)["scopes"]
    other = re.compile(rf"(?<=.)(?<!\w){_alternation(scopes['other_clause'])}(?!\w)"
                       rf"|,\s*{_alternation(scopes['other_clause_after_comma'])}\s")
    return other, re.compile(rf",\s*({'|'.join(re.escape(w) for w in scopes['act_appositive'])})")


def own_words(t: str, act: bool = False, cues_path: str | None = None) -> str:
    """The part of an actor's folded words that frames are read from: up to a clause about someone else
    (", trong khi Singapore ..."), and in an act up to an appositive describing the act's object
    (", một văn kiện được xem là ..."). `cues_path`: a stance_cues.yaml in place of the packaged one."""
    other, appositive = _own_words_ends(cue_paths(cues_path, None)[0])
    cuts = [m.start() for m in other.finditer(t)][:1]
    if act:
        cuts += [m.start() for m in appositive.finditer(t)][:1]
    return t[:min(cuts)] if cuts else t


def frame_cues(t: str, frames_path: str | None = None) -> dict[str, list[str]]:
    """{frame: [cue...]} in folded text, longest cue first: a cue inside a longer cue of another frame
    ("hợp tác đa phương" is multilateralism, not cooperation) or inside a `not_cues` phrase ("cơ quan thực thi
    pháp luật") does not count; one phrase listed under two frames counts for both."""
    cues_path, path = cue_paths(None, frames_path)
    found = [(m.start(), m.end(), f, m.group(1)) for f, p in _lexicons(cues_path, path)[1].items()
             for m in p.finditer(t)]
    block = _not_cues(path)
    found += [(m.start(), m.end(), "", m.group(1)) for m in block.finditer(t)] if block else []
    kept: list[tuple[int, int, str, str]] = []
    for a, b, f, cue in sorted(found, key=lambda x: (x[0] - x[1], x[0])):
        if not any(a < y and x < b and (x, y) != (a, b) for x, y, _, _ in kept):
            kept.append((a, b, f, cue))
    out: dict[str, list[str]] = {}
    for _, _, f, cue in sorted(kept):
        if f:
            out.setdefault(f, []).append(cue)
    return out


@dataclass
class _Scan:
    """One sentence being read for cues: its folded text, the lexicons, and what the rules found so far."""

    t: str
    stance: dict[str, re.Pattern[str]]  # cue class → pattern
    cues: dict  # stance_cues.yaml
    words: dict[str, tuple[str, ...]]  # folded word lists of stance_cues.yaml
    cues_path: str
    frames_path: str | None
    act: bool
    committed_at: int | None
    out: dict = field(default_factory=lambda: {"support": [], "conditional": [], "oppose": [], "critical": []})
    matched: dict[str, list[re.Match[str]]] = field(default_factory=dict)
    support_at: list[int] = field(default_factory=list)  # where support cues start
    is_received: dict[int, bool] = field(default_factory=dict)  # oppose cue start → criticism the actor receives
    oppose: list[re.Match[str]] = field(default_factory=list)  # the oppose cues the actor voices
    defended: list[re.Match[str]] = field(default_factory=list)  # the Convention as the agent of a beneficial verb
    received_at: list[int] = field(default_factory=list)
    criticism: list[str] = field(default_factory=list)

    def hits(self, name: str) -> list[re.Match[str]]:
        """The matches of one cue class, found once."""
        if name not in self.matched:
            self.matched[name] = list(self.stance[name].finditer(self.t)) if name in self.stance else []
        return self.matched[name]

    def word_set(self, key: str) -> set[str]:
        """One folded word list of stance_cues.yaml as a set (empty if the file has none)."""
        return set(self.words.get(key, ()))


def _settled(s: _Scan, at: int) -> bool:
    """A `settled` word among the three words before `at`: «sau khi cân nhắc», «sau khi các lo ngại ...»."""
    return any(w in " ".join(s.t[:at].split()[-3:]) for w in s.words.get("settled", ()))


def _oppose(s: _Scan) -> None:
    """«Mỹ phản đối Công ước» → oppose; «X bị phản đối», «đã gây ra nhiều chỉ trích» → criticism received."""
    t, other = s.t, s.words.get("other_treaties") or ("\0",)
    quantifiers = set(s.cues["scopes"]["received_quantifiers"])
    s.is_received = {m.start(): _received(t[_clause_of(t, m.start()):m.start()], s.word_set("received"), quantifiers)
                     for m in s.hits("oppose")}
    s.oppose = [m for m in s.hits("oppose") if not t[m.end():].lstrip().startswith(other)
                and not s.is_received[m.start()]]
    s.out["oppose"] = [m.group(1) for m in s.oppose]


def _support(s: _Scan) -> None:
    """«Việt Nam ủng hộ Công ước» → support; «không ủng hộ» → oppose; «chưa ủng hộ» → conditional."""
    t, other = s.t, s.words.get("other_treaties") or ("\0",)
    logistics = s.words.get("logistics") or ("\0",)
    covered = [m.span() for m in s.oppose + s.hits("criticism") + s.hits("not_support")]
    negation, hesitation, lack = s.word_set("negation"), s.word_set("hesitation"), s.word_set("lack")
    judged = s.words.get("negated_judgement", ())
    for m in s.hits("support"):
        if any(a < m.end() and m.start() < b for a, b in covered) or \
                t[m.end():].lstrip().startswith(other + logistics):
            continue  # part of an oppose cue ("không ủng hộ") or a longer word, or about another treaty or logistics
        clause = t[_clause_of(t, m.start()):m.start()]
        before = (s.stance["not_negation"].sub(" ", clause) if "not_negation" in s.stance else clause).split()[-2:]
        if before and before[-1] in s.word_set("event_nouns"):
            continue  # the name of an event, not an act ("lễ mở ký Công ước", "lễ ký kết")
        if any(w in lack for w in clause.split()[-6:]):
            continue  # what is lacking ("thiếu các bảo đảm cần thiết")
        if any(w in negation for w in before) or any(re.search(rf"(?<!\w){re.escape(j)}(?!\w)", clause)
                                                     for j in judged):
            s.out["oppose"].append(f"{before[-1]} {m.group(1)}")
        elif any(w in hesitation for w in before):
            s.out["conditional"].append(f"{before[-1]} {m.group(1)}")
        else:
            s.out["support"].append(m.group(1))
            s.support_at.append(m.start())


def _defended(s: _Scan) -> None:
    """«Công ước bảo đảm quyền con người» → support, unless criticism follows in its clause."""
    criticism_at = [m.start() for m in s.hits("criticism")]
    agent = _convention_agent(s.cues_path)
    s.defended = [m for m in agent.finditer(s.t)] if agent else []
    for m in (m for m in s.defended if not m.group("neg")):
        a, b = _clause_after(s.t, m.start())
        if not any(a <= c < b for c in criticism_at):  # "Công ước trao cho các chế độ độc tài ...": criticism
            s.out["support"].append(m.group(0))
            s.support_at.append(m.start())


def _conditions(s: _Scan) -> None:
    """«ủng hộ với điều kiện ...», «chỉ ký khi ...» → conditional; «sau khi cân nhắc» is no reservation."""
    s.out["conditional"] += [m.group(1) for m in s.hits("conditional") if not _settled(s, m.start())]
    s.out["conditional"] += [m.group(0) for pat in s.cues.get("conditional_patterns", [])
                             for m in re.finditer(pat, s.t)]


def _concessions(s: _Scan) -> None:
    """«ủng hộ Công ước, song vẫn còn băn khoăn», «ký, nếu ...» after a support → conditional."""
    first_support = min(s.support_at + ([s.committed_at] if s.committed_at is not None else []), default=len(s.t))
    compounds = [m.span() for m in s.hits("not_concessive")]
    s.received_at = [at for at, r in s.is_received.items() if r]  # "dù bị chỉ trích": others' criticism, conceded
    s.out["conditional"] += [m.group(1) for m in s.hits("concessive") if m.start() > first_support
                             and not any(a <= m.start() < b for a, b in compounds)
                             and not any(a <= at < b for at in s.support_at + s.received_at
                                         for a, b in [_clause_after(s.t, m.end())])]
    s.out["conditional"] += [m.group(1) for m in s.hits("condition_after_support") if m.start() > first_support]


def _by_criminals(s: _Scan, m: re.Match[str]) -> bool:
    """«tội phạm ngày càng lạm dụng AI»: a crime, not criticism («bị lạm dụng» stays criticism)."""
    starts = [w.start() for w in re.finditer(r"\S+", s.t[:m.start()])][-5:]
    near = max([_clause_of(s.t, m.start())] + starts[:1])
    passive = f"{s.cues['scopes']['passive']} "
    return not m.group(1).startswith(passive) and any(near <= x < m.start() for x, _ in
                                                      (c.span() for c in s.hits("crime_words")))


def _object_of(s: _Scan, m: re.Match[str]) -> str:
    """What a concern is about, named first: «lo ngại tội phạm ...» crime, «lo ngại Công ước ...» convention, or ''."""
    a, b = m.end(), _clause_after(s.t, m.end())[1]
    named = [(x, "crime") for x, _ in (c.span() for c in s.hits("crime_words")) if a <= x < b]
    named += [(c.start(), "convention") for c in s.stance["convention_terms"].finditer(s.t, a, b)] \
        if "convention_terms" in s.stance else []
    return min(named)[1] if named else ""


def _critical(s: _Scan) -> None:
    """«Công ước có thể bị lạm dụng để đàn áp» → critical; a concern alone qualifies a support (conditional)."""
    t, negation = s.t, s.word_set("negation")
    not_before = s.words.get("criticism_not_before", ())
    s.criticism = [m.group(1) for m in s.hits("criticism")
                   if not t[m.end():].lstrip().startswith(not_before or ("\0",))
                   and not any(w in negation for w in t[_clause_of(t, m.start()):m.start()].split()[-3:])
                   and not _by_criminals(s, m)]
    undefended = [m.group(0) for m in s.defended if m.group("neg")]  # "Công ước không bảo vệ ...": no frame cue
    concerns = [(m.group(1), _object_of(s, m)) for m in s.hits("concern") if not _settled(s, m.start())]
    concern = [c for c, about in concerns if about != "crime"]
    if s.hits("rebuttal"):
        return  # a rebuttal of others' criticism: its criticism terms are not the speaker's
    if s.criticism or undefended or any(about == "convention" for _, about in concerns):
        s.out["critical"] = s.criticism + undefended + concern
    elif concern and (s.out["support"] or s.committed_at is not None):
        s.out["conditional"] += concern


def _frames(s: _Scan) -> None:
    """«bảo vệ chủ quyền quốc gia» → the sovereignty frame, read from the actor's own words; criticism → human_rights."""
    t = s.t
    s.out["frames"] = frame_cues(own_words(t[:min(s.received_at, default=len(t))], s.act, s.cues_path), s.frames_path)
    if s.criticism and not s.hits("rebuttal"):
        rights = s.out["frames"].get("human_rights", [])
        s.out["frames"]["human_rights"] = rights + [c for c in s.criticism if c not in rights]
    s.out["convention"] = bool(s.stance["convention_terms"].search(t)) if "convention_terms" in s.stance else False


# the rules of sentence_cues, in order: each reads what the earlier ones found
_RULES = (_oppose, _support, _defended, _conditions, _concessions, _critical, _frames)


def sentence_cues(text: str, cues_path: str | None = None, frames_path: str | None = None,
                  act: bool = False, committed_at: int | None = None) -> dict:
    """Cues in an actor's own words: {'support'|'conditional'|'oppose'|'critical': [cue...],
    'frames': {frame: [cue...]}, 'convention': bool}, with negation and concession scoped to their clause.
    Frames come from `own_words` (`act`: the words of an act row); criticism in them (misuse, repression,
    surveillance, vagueness) is a human_rights frame. `committed_at`: the position of an act of support that opens
    the text ("ký Công ước, song ..."), after which a concession, a condition or a concern qualifies it."""
    paths = cue_paths(cues_path, frames_path)
    stance, _, cues = _lexicons(*paths)
    scan = _Scan(fold(text), stance, cues, folded_cues(paths[0]), paths[0], frames_path, act, committed_at)
    for rule in _RULES:
        rule(scan)
    return scan.out
