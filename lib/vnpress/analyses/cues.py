"""Stance and frame cues in a sentence: which cue classes of `stance_cues.yaml` and which frames of `frames.yaml`
occur, within the speaker's own words, with negation, condition and concession scopes.

`sentence_cues` is read by acts (the press's praise of an actor needs a support cue nearby) and by stance (a
statement's polarity); `lexicon` lists both lexicons as a table.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from vnpress.data import path as data_path
from vnpress.util.textnorm import fold

_CLASSES = ("support", "not_support", "not_negation", "conditional", "concern", "criticism", "crime_words", "oppose",
            "rebuttal", "concessive", "not_concessive", "condition_after_support")


NOT_CUES = "not_cues"  # frames.yaml key: set phrases that are no frame's cue and hide the cues inside them


# Where an actor's own words end for frames: a clause about someone else; in an act, an appositive that
# describes the act's object (", một văn kiện được xem là ...", ", đặt mục tiêu tạo ...").
_OTHER_CLAUSE = re.compile(r"(?<=.)(?<!\w)trong khi(?!\w)|,\s*còn\s")


_ACT_APPOSITIVE = re.compile(r",\s*(là |một |được xem là|được coi là|đặt mục tiêu|nhằm tạo|tạo khuôn khổ|tạo khung|"
                             r"tạo ra|văn kiện|hiệp ước|công ước|khuôn khổ|bộ khung)")


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


def _received(before: str, markers: set[str]) -> bool:
    """The folded words before a cue end with a marker of criticism received ("gây ra nhiều", "bị")."""
    words = before.split()
    if words and words[-1] in {"nhiều", "những", "các", "không ít", "sự"}:
        words = words[:-1]
    return any(" ".join(words[-n:]) in markers for n in (1, 2, 3) if len(words) >= n)


def own_words(t: str, act: bool = False) -> str:
    """The part of an actor's folded words that frames are read from: up to a clause about someone else
    (", trong khi Singapore ..."), and in an act up to an appositive describing the act's object."""
    cuts = [m.start() for m in _OTHER_CLAUSE.finditer(t)][:1]
    if act:
        cuts += [m.start() for m in _ACT_APPOSITIVE.finditer(t)][:1]
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


def sentence_cues(text: str, cues_path: str | None = None, frames_path: str | None = None,
                  act: bool = False, committed_at: int | None = None) -> dict:
    """Cues in an actor's own words: {'support'|'conditional'|'oppose'|'critical': [cue...],
    'frames': {frame: [cue...]}, 'convention': bool}, with negation and concession scoped to their clause.
    Frames come from `own_words` (`act`: the words of an act row); criticism in them (misuse, repression,
    surveillance, vagueness) is a human_rights frame. `committed_at`: the position of an act of support that opens
    the text ("ký Công ước, song ..."), after which a concession, a condition or a concern qualifies it."""
    stance, _, cues = _lexicons(*cue_paths(cues_path, frames_path))
    t = fold(text)
    words = folded_cues(cue_paths(cues_path, frames_path)[0])
    negation, hesitation, lack, nominal, received = (set(words.get(k, ())) for k in
                                                     ("negation", "hesitation", "lack", "event_nouns", "received"))
    judged, not_before, settled = (words.get(k, ()) for k in ("negated_judgement", "criticism_not_before", "settled"))
    matched: dict[str, list[re.Match[str]]] = {}

    def hits(name: str) -> list[re.Match[str]]:
        if name not in matched:
            matched[name] = list(stance[name].finditer(t)) if name in stance else []
        return matched[name]

    other = words.get("other_treaties") or ("\0",)
    logistics = words.get("logistics") or ("\0",)
    out: dict = {"support": [], "conditional": [], "oppose": [], "critical": []}
    is_received = {m.start(): _received(t[_clause_of(t, m.start()):m.start()], received) for m in hits("oppose")}
    oppose = [m for m in hits("oppose") if not t[m.end():].lstrip().startswith(other) and not is_received[m.start()]]
    covered = [m.span() for m in oppose + hits("criticism") + hits("not_support")]
    out["oppose"] = [m.group(1) for m in oppose]
    support_at = []
    for m in hits("support"):
        if any(a < m.end() and m.start() < b for a, b in covered) or \
                t[m.end():].lstrip().startswith(other + logistics):
            continue  # part of an oppose cue ("không ủng hộ") or a longer word, or about another treaty or logistics
        clause = t[_clause_of(t, m.start()):m.start()]
        before = (stance["not_negation"].sub(" ", clause) if "not_negation" in stance else clause).split()[-2:]
        if before and before[-1] in nominal:
            continue  # the name of an event, not an act ("lễ mở ký Công ước", "lễ ký kết")
        if any(w in lack for w in clause.split()[-6:]):
            continue  # what is lacking ("thiếu các bảo đảm cần thiết")
        if any(w in negation for w in before) or any(re.search(rf"(?<!\w){re.escape(j)}(?!\w)", clause)
                                                     for j in judged):
            out["oppose"].append(f"{before[-1]} {m.group(1)}")
        elif any(w in hesitation for w in before):
            out["conditional"].append(f"{before[-1]} {m.group(1)}")
        else:
            out["support"].append(m.group(1))
            support_at.append(m.start())
    criticism_at = [m.start() for m in hits("criticism")]
    agent = _convention_agent(cue_paths(cues_path, frames_path)[0])
    defended = [m for m in agent.finditer(t)] if agent else []
    for m in (m for m in defended if not m.group("neg")):
        a, b = _clause_after(t, m.start())
        if not any(a <= c < b for c in criticism_at):  # "Công ước trao cho các chế độ độc tài ...": criticism
            out["support"].append(m.group(0))
            support_at.append(m.start())
    out["conditional"] += [m.group(1) for m in hits("conditional")  # "sau khi cân nhắc" is no reservation
                           if not any(w in " ".join(t[:m.start()].split()[-3:]) for w in settled)]
    out["conditional"] += [m.group(0) for pat in cues.get("conditional_patterns", []) for m in re.finditer(pat, t)]
    first_support = min(support_at + ([committed_at] if committed_at is not None else []), default=len(t))
    compounds = [m.span() for m in hits("not_concessive")]
    received_at = [at for at, r in is_received.items() if r]  # "dù bị chỉ trích": others' criticism, conceded
    out["conditional"] += [m.group(1) for m in hits("concessive") if m.start() > first_support
                           and not any(a <= m.start() < b for a, b in compounds)
                           and not any(a <= at < b for at in support_at + received_at
                                       for a, b in [_clause_after(t, m.end())])]
    out["conditional"] += [m.group(1) for m in hits("condition_after_support") if m.start() > first_support]
    rebuttal = bool(hits("rebuttal"))
    crime = [m.span() for m in hits("crime_words")]

    def by_criminals(m: re.Match[str]) -> bool:  # "tội phạm ngày càng lạm dụng AI": a crime, not criticism
        starts = [w.start() for w in re.finditer(r"\S+", t[:m.start()])][-5:]
        near = max([_clause_of(t, m.start())] + starts[:1])
        return not m.group(1).startswith("bị ") and any(near <= x < m.start() for x, _ in crime)

    def object_of(m: re.Match[str]) -> str:  # what a concern is about, named first: crime, convention or ''
        a, b = m.end(), _clause_after(t, m.end())[1]
        named = [(x, "crime") for x, _ in crime if a <= x < b]
        named += [(c.start(), "convention") for c in stance["convention_terms"].finditer(t, a, b)] \
            if "convention_terms" in stance else []
        return min(named)[1] if named else ""

    criticism = [m.group(1) for m in hits("criticism") if not t[m.end():].lstrip().startswith(not_before or ("\0",))
                 and not any(w in negation for w in t[_clause_of(t, m.start()):m.start()].split()[-3:])
                 and not by_criminals(m)]
    undefended = [m.group(0) for m in defended if m.group("neg")]  # "Công ước không bảo vệ ...": no frame cue
    concerns = [(m.group(1), object_of(m)) for m in hits("concern")  # "sau khi các lo ngại ... được giải đáp"
                if not any(w in " ".join(t[:m.start()].split()[-3:]) for w in settled)]
    concern = [c for c, about in concerns if about != "crime"]
    if not rebuttal:
        if criticism or undefended or any(about == "convention" for _, about in concerns):
            out["critical"] = criticism + undefended + concern
        elif concern and (out["support"] or committed_at is not None):
            out["conditional"] += concern
    out["frames"] = frame_cues(own_words(t[:min(received_at, default=len(t))], act), frames_path)  # then critics
    if criticism and not rebuttal:
        rights = out["frames"].get("human_rights", [])
        out["frames"]["human_rights"] = rights + [c for c in criticism if c not in rights]
    out["convention"] = bool(stance["convention_terms"].search(t)) if "convention_terms" in stance else False
    return out
