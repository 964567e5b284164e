"""The date grammar: `data/dates.yaml` compiled.

The data file holds the word lists (time-of-day and weekday cues, tense words, relative expressions, the heads of
document names and target years, units, event words) and the patterns built on them, each with its example.
`grammar` compiles them (`grammar_path`, taken by `timeline.timeline`, `article.article_dates`,
`expressions.extract_dates` and `anchoring.anchor_to_corpus`, is a dates.yaml in place of the packaged one);
`event_kinds` names the kinds of event a text mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from vnpress.data import path as data_path
from vnpress.util.textnorm import fold


def _any(words: list[str]) -> str:
    """A regex alternation of whole words, longest first; a space matches any run of spaces."""
    alts = sorted({re.escape(w).replace(r"\ ", r"\s+") for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(alts) + ")"


def _word_re(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){_any(words)}(?!\w)", re.I)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NOT_WORDS = ("pieces", "patterns", "context")  # the keys of dates.yaml that are regexes, not word lists


@dataclass(frozen=True)
class Grammar:
    """The date grammar of a dates.yaml: its word lists (`words`), its patterns and its context regexes."""

    words: dict
    patterns: list[tuple[str, re.Pattern[str]]]  # (kind, regex); earlier matches win over overlapping later ones
    partial_keep: re.Pattern[str]  # a partial date's cue that stays in its surface (a day, time of day, weekday)
    cue_before: re.Pattern[str]  # a time of day or weekday ending the text before a date
    day_word: re.Pattern[str]  # a day word opening a long date
    deadline: re.Pattern[str]  # a deadline just before a date
    target: re.Pattern[str]  # a target just before a year
    code_before: re.Pattern[str]  # a code just before a number
    unit_after: re.Pattern[str]  # a unit just after a number
    clock_rest: re.Pattern[str]  # what a page's clock line holds besides its time
    duration_before: re.Pattern[str]  # a number or duration word before a month
    count_before: re.Pattern[str]  # a count before a relative expression ("70 năm sau")
    clock_before: re.Pattern[str]  # a clock time before a relative expression (its minutes are no count)
    future_after: re.Pattern[str]  # a word just after a date that puts it in the future ("tới")
    # a range's start just before a date (the word after it opens the range's end, no future cue)
    since_before: re.Pattern[str]
    past_after: re.Pattern[str]  # a word just after a date that puts it in the past
    weekday_before: re.Pattern[str]  # a weekday just before the day of a date
    ordinal_before: re.Pattern[str]  # an ordinal's head just before a weekday's words (the fifth session)
    dateline_verb: re.Pattern[str]  # a verb making a short line ending with a date a sentence, not a dateline
    byline_before: re.Pattern[str]  # a byline's separator or label just before a full date
    year_start: re.Pattern[str]  # a year opening a line that continues the sentence before it
    year_word_end: re.Pattern[str]  # a line ending with the word for year, its number on the next line
    future: re.Pattern[str]  # the tense words
    past: re.Pattern[str]
    name_head: re.Pattern[str]  # the head of a document's name, and the words ending a name
    name_break: re.Pattern[str]
    months: dict[str, int]  # folded month word → month
    weekdays: dict[str, int]  # folded weekday → its number (0 = Monday)
    any_case_days: set[str]  # folded weekdays that name a day in lower case too
    counted: set[str]  # relative expressions a count before makes an offset or a duration
    event_ignore: re.Pattern[str]
    anniversary: re.Pattern[str]  # folded words marking an anniversary
    events: dict[str, re.Pattern[str]]  # event kind → its words


def squash(text: str) -> str:
    """Runs of spaces as one space, lower case: the key of a multi-word entry."""
    return re.sub(r"\s+", " ", text).lower()


def _expand(template: str, subs: dict[str, str]) -> str:
    """A regex template with its {name} placeholders replaced (other braces are the regex's own)."""
    return _PLACEHOLDER.sub(lambda m: subs.get(m.group(1), m.group(0)), template)


@lru_cache(maxsize=4)
def grammar(path: str | None = None) -> Grammar:
    """The date grammar of `data/dates.yaml`, or of the dates.yaml at `path`."""
    words = yaml.safe_load(Path(path or data_path("dates.yaml")).read_text(encoding="utf-8"))
    subs = {k: _any(list(v)) for k, v in words.items() if k not in _NOT_WORDS and isinstance(v, (list, dict))}
    for name, piece in words["pieces"].items():
        subs[name] = _expand(piece, subs)
    context = {name: re.compile(_expand(regex, subs), re.I) for name, regex in words["context"].items()}
    return Grammar(
        words=words, patterns=[(p["kind"], re.compile(_expand(p["regex"], subs), re.I)) for p in words["patterns"]],
        **context, future=_word_re(words["future"]), past=_word_re(words["past"]),
        name_head=_word_re(words["name_heads"]), name_break=_word_re(words["name_breaks"]),
        months={fold(w): n for w, n in words["month_words"].items()},
        weekdays={squash(fold(w)): n for w, n in words["weekday_numbers"].items()},
        any_case_days={squash(fold(w)) for w in words["weekdays_any_case"]},
        counted={squash(w) for w in words["counted"]},
        event_ignore=re.compile(rf"(?<!\w){_any([fold(w) for w in words['event_ignore']])}(?!\w)"),
        anniversary=re.compile(rf"(?<!\w){_any([fold(w) for w in words['anniversary']])}(?!\w)"),
        events={kind: re.compile(rf"(?<!\w){_any([fold(w) for w in ws])}(?!\w)")
                for kind, ws in words["events"].items()},
    )


def event_kinds(text: str, gram: Grammar | None = None) -> list[str]:
    """The kinds of event (`events` of data/dates.yaml, or of `gram`: signing, adoption, …) a text names, in the
    file's order."""
    gram = gram or grammar()
    folded = gram.event_ignore.sub(" ", fold(text))
    return [kind for kind, pattern in gram.events.items() if pattern.search(folded)]
