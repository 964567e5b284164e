"""Country mentions, with roles (actor or mentioned), on word-segmented text.

Gazetteer: `data/countries.csv` (iso, name, variant, source, ambiguous, status):
every sovereign state (UN members, observer states, Taiwan, Kosovo) plus the
EU, with CLDR names in Vietnamese and English (Babel) and the names the press
uses; regenerate with `python -m vnpress.data.build_countries`, or edit it.

Matching. A variant matches a run of whole segmented tokens, case-sensitively:
"Pháp" never matches inside the token "Pháp luật" (Vụ Điều ước và Pháp luật),
nor "Đức" inside "Minh Đức", nor "Mỹ" inside "Mỹ Đình" or "thẩm mỹ"; cities,
regions and organizations (Hà Nội, châu Âu, ASEAN, Liên minh châu Phi) are
not in the gazetteer. An ambiguous short name (Anh, Pháp, Mỹ, Đức, Nga, Ý, Áo,
Úc, Lào) counts only when (a) a licensing word precedes it ("Vương quốc",
"nước", "Đại diện", "tại", ...) or it stands alone in brackets ("Vienna (Áo)"), (b) it stands in a list with another country,
or (c) the same article names the country unambiguously ("Vương quốc Anh" ...
"Anh nhấn mạnh"); and never before a pronoun ("Anh ấy") or after a name.

Roles. A mention is an `actor` when the country's government or representative
speaks or acts: the country opens its clause (after conjunctions such as
"trong khi", and with no verb or preposition before it) and a verb follows
within a few tokens; or a representative noun precedes it ("Đại diện Nhật
Bản", "Bộ Ngoại giao Trung Quốc") and a speech verb follows, also past an
appositive ("Bà Yang Yuya, ..., Bộ Ngoại giao Trung Quốc, khẳng định").
Otherwise it is `mentioned`. Two more rules add actor rows (column `via`):
`official`, a Vietnamese official (title + Vietnamese name: "Thứ trưởng
Ngoại giao Nguyễn Minh Vũ cho biết") or an unqualified ministry ("Bộ Công an
sẽ phối hợp") is Vietnam speaking, since the press is Vietnamese (switch:
`vietnam_default` in `data/actor_cues.yaml`); `continuation`, a sentence that
opens with an anaphor ("Quốc gia này", "Nước này", "Nhà ngoại giao", "Ông",
"Bà") continues the last actor of the same or previous paragraph.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .data import path as data_path
from .textnorm import fold, normalize

MENTION_COLUMNS = ["article_id", "sentence_id", "iso", "name", "surface", "role", "sentence", "start", "end", "via"]
_CLAUSE_BREAK = {",", ";", ":", "(", ")", "–", "—", "-", "“", "”", '"', "…", "?", "!", "."}
_CLAUSE_OPENERS = ("trong khi đó", "trong khi", "bên cạnh đó", "đồng thời", "theo đó", "trong đó", "ngoài ra",
                   "tuy nhiên", "mặt khác", "do đó", "vì vậy", "còn", "và", "nhưng", "song", "riêng", "khi",
                   "về phần mình", "cũng", "sau đó", "hiện", "hiện nay", "năm nay", "trước đó", "việc", "sự")
_BLOCKING_POS = {"V", "E", "A"}


@lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> dict:
    """The actor cue lists (folded), from data/actor_cues.yaml or `path`."""
    raw = yaml.safe_load(Path(path or data_path("actor_cues.yaml")).read_text(encoding="utf-8"))
    return {k: ({fold(x) for x in v} if isinstance(v, list) else v) for k, v in raw.items()}


@lru_cache(maxsize=4)
def gazetteer(path: str | None = None) -> pd.DataFrame:
    """The gazetteer: iso, name, variant, source, ambiguous (bool), status."""
    df = pd.read_csv(path or data_path("countries.csv"), dtype=str, keep_default_na=False)
    df["variant"] = df["variant"].map(normalize)
    df["name"] = df["name"].map(normalize)
    df["ambiguous"] = df["ambiguous"] == "1"
    return df


def _index(gaz: pd.DataFrame) -> tuple[dict[tuple[str, ...], tuple[str, str, bool]], int]:
    index = {tuple(v.split()): (iso, name, amb) for iso, name, v, amb in
             gaz[["iso", "name", "variant", "ambiguous"]].itertuples(index=False)}
    return index, max(len(k) for k in index)


def _syllables(tokens: list[str]) -> tuple[list[str], list[int], set[int], set[int]]:
    sylls, owner, starts, ends = [], [], set(), set()
    for t, tok in enumerate(tokens):
        starts.add(len(sylls))
        for s in tok.split():
            sylls.append(s)
            owner.append(t)
        ends.add(len(sylls))
    return sylls, owner, starts, ends


def _raw_matches(tokens: list[str], index, longest: int) -> list[tuple[int, int, str, str, bool]]:
    """(first token, last token + 1, iso, name, ambiguous) for whole-token gazetteer matches, longest first."""
    sylls, owner, starts, ends = _syllables(tokens)
    out, s = [], 0
    while s < len(sylls):
        hit = None
        if s in starts:
            for length in range(min(longest, len(sylls) - s), 0, -1):
                key = tuple(sylls[s:s + length])
                if key in index and s + length in ends:
                    hit = (owner[s], owner[s + length - 1] + 1, *index[key])
                    s += length
                    break
        if hit:
            out.append(hit)
        else:
            s += 1
    return out


def _licensed(tokens: list[str], pos: list[str], i: int, j: int, isos_in_sentence: list[tuple[int, int]],
              licensed_isos: set[str], iso: str, cues: dict) -> bool:
    prev = fold(tokens[i - 1]) if i > 0 else ""
    nxt = fold(tokens[j]) if j < len(tokens) else ""
    if nxt in cues["ambiguous_after_not"]:
        return False
    if i > 0 and pos[i - 1] == "Np" and tokens[i - 1][:1].isupper():
        return False  # part of a person's name: "Tuấn Anh"
    if prev in cues["ambiguous_before"] or (prev == "(" and nxt == ")"):  # "Vienna (Áo)"
        return True
    neighbours = [(a, b) for a, b in isos_in_sentence if (a, b) != (i, j)]
    in_list = any(b == i - 1 or a == j + 1 for a, b in neighbours) and (prev in {",", "và"} or nxt in {",", "và"})
    return in_list or iso in licensed_isos


def _clause_bounds(tokens: list[str], i: int) -> tuple[int, int]:
    start = i
    while start > 0 and tokens[start - 1] not in _CLAUSE_BREAK:
        start -= 1
    end = i
    while end < len(tokens) and tokens[end] not in _CLAUSE_BREAK:
        end += 1
    return start, end


def _after_openers(folded: list[str], idx: list[int]) -> list[int]:
    """Drop leading clause openers ("trong khi", "việc", ...) from the token indices `idx`."""
    changed = True
    while changed and idx:
        changed = False
        for n in range(min(3, len(idx)), 0, -1):
            if " ".join(folded[k] for k in idx[:n]) in _CLAUSE_OPENERS:
                idx, changed = idx[n:], True
                break
    return idx


def _skip_parenthesis(tokens: list[str], k: int) -> int:
    if k < len(tokens) and tokens[k] == "(":
        while k < len(tokens) and tokens[k] != ")":
            k += 1
        return k + 1
    return k


def _is_actor(tokens: list[str], pos: list[str], i: int, j: int, cues: dict, country_spans: set[int]) -> bool:
    folded = [fold(t) for t in tokens]
    start, _ = _clause_bounds(tokens, i)
    j = _skip_parenthesis(tokens, j)  # "Liên minh châu Âu (EU) đã thống nhất"
    _, end = _clause_bounds(tokens, j) if j < len(tokens) and tokens[j] not in _CLAUSE_BREAK else (None, j)
    before = _after_openers(folded, [k for k in range(start, i) if k not in country_spans
                                     and folded[k] not in {"và", ","}])
    reps = cues["representatives"]
    rep_before = i > 0 and (folded[i - 1] in reps or " ".join(folded[max(0, i - 2):i]) in reps)
    # subject: nothing but representative nouns before the country in its clause (openers dropped)
    if before and not (rep_before and not any(pos[k] in _BLOCKING_POS and folded[k] not in reps for k in before)):
        return False
    # predicate: a verb within a few tokens after the country (adverbs and coordinated countries skipped)
    k = j
    while k < end and k - j <= 5:
        if k in country_spans or pos[k] in {"R", "C", "CC"} or folded[k] in {"và", "cũng", "đã", "đang", "sẽ"}:
            k += 1
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

    def vn_person(k: int) -> bool:
        return pos[k] == "Np" and folded[k].split()[0] in cues["vietnamese_surnames"] and len(folded[k].split()) > 1

    for i in range(len(tokens)):
        n = _phrase_at(folded, i, titles | ministries)
        if n and not (i > 0 and folded[i - 1] in {"của", "với", "cho", "như"}):
            is_ministry = _phrase_at(folded, i, ministries) == n
            for k in range(i + n, min(len(tokens), i + 9)):
                if k in country_spans or tokens[k] in _CLAUSE_BREAK - {","}:
                    break  # a foreign title: "Bộ Ngoại giao Trung Quốc"
                if vn_person(k) and (speaks_after(k + 1) or (i > 0 and folded[i - 1] == "theo")):
                    known.add(folded[k])
                    return i, k + 1
                if is_ministry and (i == 0 or folded[i - 1] in {",", "theo"}) and pos[k] in {"V", "R"}:
                    return i, k
        if vn_person(i) and (i == 0 or folded[i - 1] in {"ông", "bà", "theo"}):
            window = folded[i + 1:i + 16]
            has_title = any(_phrase_at(window, w, titles | ministries) for w in range(len(window)))
            if (has_title or folded[i] in known) and speaks_after(i + 1):
                known.add(folded[i])
                return (i - 1 if i > 0 else i), i + 1
    return None


def _sentence_mentions(tokens: list[str], pos: list[str], index, longest: int, cues: dict,
                       licensed_isos: set[str], known: set[str]) -> list[tuple[int, int, str, str, str, str]]:
    """(first token, end token, iso, name, role, via) for one sentence; `known` collects officials' names."""
    raw = _raw_matches(tokens, index, longest)
    # an alias in brackets right after the same country is one mention: "Liên minh châu Âu (EU)"
    raw = [m for n, m in enumerate(raw) if not (n and raw[n - 1][2] == m[2] and m[0] == raw[n - 1][1] + 1
                                                   and tokens[raw[n - 1][1]] == "(")]
    spans = [(a, b) for a, b, *_ in raw]
    kept = [(a, b, iso, name) for a, b, iso, name, amb in raw
            if not amb or _licensed(tokens, pos, a, b, spans, licensed_isos, iso, cues)]
    covered = {k for a, b, *_ in kept for k in range(a, b)}
    out = [(a, b, iso, name, "actor" if _is_actor(tokens, pos, a, b, cues, covered) else "mentioned", "name")
           for a, b, iso, name in kept]
    if cues.get("vietnam_default") and not any(r[4] == "actor" for r in out if r[2] != cues["home_country"]):
        span = _official_span(tokens, pos, cues, covered, known)
        if span:
            home = cues["home_country"]
            out.append((span[0], span[1], home, _canonical(home), "actor", "official"))
    return out


def _canonical(iso: str) -> str:
    gaz = gazetteer()
    return gaz.loc[gaz["iso"] == iso, "name"].iloc[0]


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
    (name|official|continuation).
    """
    cues = load_cues(cues_path)
    gaz = gazetteer(gazetteer_path)
    index, longest = _index(gaz)
    unambiguous = gaz[~gaz["ambiguous"]]
    strong = _index(unambiguous)
    rows = []
    sentences = wb.sentences.set_index(["article_id", "sentence_id"])
    for article_id, toks in wb.tokens.groupby("article_id", sort=False):
        by_sentence = list(toks.groupby("sentence_id", sort=True))
        licensed = {m[2] for _, t in by_sentence for m in _raw_matches(t["token"].tolist(), *strong)}
        last_actor: tuple[str, str, int] | None = None  # iso, name, paragraph
        known: set[str] = set()  # names of officials introduced so far
        for sid, t in by_sentence:
            sent = sentences.loc[(article_id, sid)]
            tokens, pos = t["token"].tolist(), t["pos"].tolist()
            starts, ends = t["start"].tolist(), t["end"].tolist()
            found = _sentence_mentions(tokens, pos, index, longest, cues, licensed, known)
            for a, b, iso, name, role, via in found:
                surface = " ".join(tokens[a:b])
                rows.append((article_id, sid, iso, name, surface, role, sent["text"], starts[a], ends[b - 1], via))
            actors = [(iso, name) for _, _, iso, name, role, _ in found if role == "actor"]
            paragraph = int(sent["paragraph_id"])
            if actors:
                last_actor = (*actors[-1], paragraph)
            elif last_actor and paragraph - last_actor[2] <= 1:
                cue = _continues(fold(sent["text"]), cues)
                if cue:
                    rows.append((article_id, sid, last_actor[0], last_actor[1], sent["text"][:len(cue)], "actor",
                                 sent["text"], int(sent["start"]), int(sent["start"]) + len(cue), "continuation"))
                    last_actor = (last_actor[0], last_actor[1], paragraph)
    df = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return df.astype({"sentence_id": "int64", "start": "int64", "end": "int64"})


def mentions_in_text(text: str, article_id: str = "text") -> pd.DataFrame:
    """Country mentions in one raw text (cleaned and processed like a corpus article)."""
    from .pipeline import from_texts

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


