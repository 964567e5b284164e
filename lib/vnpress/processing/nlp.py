"""Sentence splitting, word segmentation and POS tagging with underthesea.

Tables (one row per unit, character offsets into the cleaned article text):

- sentences: article_id, sentence_id (0-based within the article), paragraph_id,
  start, end, text
- tokens: article_id, sentence_id, token_id (0-based within the sentence), token
  (syllables joined by a space, as underthesea segments them: "tội phạm"; an
  acronym the segmenter joined to the lower-case word after it is split off,
  `unglue`),
  pos (underthesea's VLSP tag set: N, Np, V, A, P, M, E, C, CH, ...), start, end
  (-1 where the segmenter changed the surface and no offset can be given)
- words: article_id, token, pos, count, first: each article's distinct (token, pos)
  pairs, counted, in order of first appearance (`first`: the position of its first
  token among the article's tokens), the input of term frequencies
- entities: article_id, sentence_id, entity, type (PER, LOC, ORG, MISC), from
  underthesea's `ner` (BIO tags joined into spans)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import underthesea

SENTENCE_COLUMNS = ["article_id", "sentence_id", "paragraph_id", "start", "end", "text"]
TOKEN_COLUMNS = ["article_id", "sentence_id", "token_id", "token", "pos", "start", "end"]
WORD_COLUMNS = ["article_id", "token", "pos", "count", "first"]
ENTITY_COLUMNS = ["article_id", "sentence_id", "entity", "type"]
_GLUED_ACRONYM = re.compile(r"^([A-Z][A-Z0-9&\-]{1,9}) (\w.*)$")


def split_sentences(text: str) -> list[tuple[int, int, int, str]]:
    """(paragraph_id, start, end, sentence) for each sentence; paragraphs are lines."""
    out = []
    offset = 0
    for paragraph_id, line in enumerate(text.split("\n")):
        cursor = 0
        if line.strip():
            for sent in underthesea.sent_tokenize(line):
                sent = sent.strip()
                if not sent:
                    continue
                at = line.find(sent, cursor)
                if at < 0:  # the splitter altered the text: keep it, without offsets
                    out.append((paragraph_id, -1, -1, sent))
                    continue
                out.append((paragraph_id, offset + at, offset + at + len(sent), sent))
                cursor = at + len(sent)
        offset += len(line) + 1
    return out


def _token_offsets(sentence: str, base: int, tokens: list[str]) -> list[tuple[int, int]]:
    spans = []
    cursor = 0
    for tok in tokens:
        at = sentence.find(tok, cursor) if base >= 0 else -1
        if at < 0:
            spans.append((-1, -1))
            continue
        spans.append((base + at, base + at + len(tok)))
        cursor = at + len(tok)
    return spans


def unglue(tagged: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Split an acronym off the lower-case word the segmenter joined to it: («WHO mở», V) → («WHO», Np), («mở», V).
    The word keeps the joined token's tag, which may be a noun («ICAN đả kích», N): the tagger alone, given the word
    without its sentence, guesses worse (*đả kích* M); the statement rules match verbs whatever their tag."""
    out = []
    for word, tag in tagged:
        m = _GLUED_ACRONYM.match(word)
        if m and m.group(2)[0].islower():
            out += [(m.group(1), "Np" if tag else tag), (m.group(2), tag)]
        else:
            out.append((word, tag))
    return out


def analyze(text: str, article_id: str, sent_rows: list, tok_rows: list, pos: bool = True) -> None:
    """Append one cleaned text's sentence and token rows (SENTENCE_COLUMNS, TOKEN_COLUMNS) to the lists."""
    for sid, (pid, start, end, sent) in enumerate(split_sentences(text)):
        sent_rows.append((article_id, sid, pid, start, end, sent))
        tagged = unglue(underthesea.pos_tag(sent) if pos else [(w, "") for w in underthesea.word_tokenize(sent)])
        spans = _token_offsets(sent, start, [w for w, _ in tagged])
        for tid, ((word, tag), (ts, te)) in enumerate(zip(tagged, spans)):
            tok_rows.append((article_id, sid, tid, word, tag, ts, te))


def tables(sent_rows: list, tok_rows: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed (sentences, tokens) DataFrames from rows collected by `analyze`."""
    return (_typed(pd.DataFrame(sent_rows, columns=SENTENCE_COLUMNS)),
            _typed(pd.DataFrame(tok_rows, columns=TOKEN_COLUMNS)))


def word_counts(tokens: pd.DataFrame) -> pd.DataFrame:
    """The words table (WORD_COLUMNS) of tokens in text order, each article's rows together."""
    article = pd.factorize(tokens["article_id"])[0]
    word, words = pd.factorize(tokens["token"])
    tag, tags = pd.factorize(tokens["pos"])
    pair = pd.factorize((article.astype(np.int64) * len(words) + word) * len(tags) + tag)[0]  # in order of first use
    rows = np.unique(pair, return_index=True)[1]  # the first row of each pair
    starts = np.flatnonzero(np.r_[True, article[1:] != article[:-1]])  # each article's first row
    out = tokens[["article_id", "token", "pos"]].take(rows).reset_index(drop=True)
    return out.assign(count=np.bincount(pair), first=rows - starts[article[rows]])


def process_text(text: str, article_id: str = "text", pos: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split, segment and (if `pos`) tag one cleaned text; returns (sentences, tokens)."""
    sent_rows: list = []
    tok_rows: list = []
    analyze(text, article_id, sent_rows, tok_rows, pos)
    return tables(sent_rows, tok_rows)


def entities_for(sentences: pd.DataFrame) -> pd.DataFrame:
    """Named entities (underthesea `ner`) of each sentence, BIO spans joined."""
    rows = []
    for art, sid, text in sentences[["article_id", "sentence_id", "text"]].itertuples(index=False):
        current: list[str] = []
        kind = ""
        for word, _pos, _chunk, tag in underthesea.ner(text) + [("", "", "", "O")]:
            if tag.startswith("I-") and current and tag[2:] == kind:
                current.append(word)
                continue
            if current:
                rows.append((art, sid, " ".join(current), kind))
            current, kind = ([word], tag[2:]) if tag.startswith(("B-", "I-")) else ([], "")
    return _typed(pd.DataFrame(rows, columns=ENTITY_COLUMNS))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("sentence_id", "paragraph_id", "token_id", "start", "end"):
        if col in df:
            df[col] = df[col].astype("int64")
    for col in ("article_id", "text", "token", "pos", "entity", "type"):
        if col in df:
            df[col] = df[col].astype("string")
    return df
