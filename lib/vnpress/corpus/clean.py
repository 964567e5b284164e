"""Separate an article's body from boilerplate, logging every line it removes.

The rules are general patterns of Vietnamese news pages saved as text or
markdown, not keyed to any outlet:

- metadata_header: leading `key value` lines (`date 2025-10-24`, `title: ...`,
  `Nguồn: ...`); a header date prefixed to the first body line (`date 2025-10-24`,
  or only the month `date 2024-08`) is cut off the line
- markdown_debris: image and table debris (`![]() |`, a lone `|`, `|---|`)
- photo_caption: `(Ảnh: ...)`, `Ảnh: ...`, `Ảnh minh họa`, table-cell captions
  right after an image (`| Toàn cảnh ... |`), and short caption-only lines
  (`Toàn cảnh họp báo.`)
- sponsor_box: thank-you and sponsor boxes (`Trân trọng cảm ơn các đối tác ...`)
- comment_widget: `Bình luận`, `Chia sẻ`, `Tin liên quan`, `Từ khóa: ...`, ...
- dateline: an outlet dateline at the start (`(VTC News) -`, `TPO -`), alone
  or cut off the first body line
- byline: author lines at the end (`Lệ Thanh`, `Bích Quyên - Đỗ Trung`)
- blank_run: blank lines beyond the first between two paragraphs

`clean_text` returns the cleaned text (NFC, one tone-mark placement, see
`vnpress.util.textnorm`) and the log rows (line_no is 1-based in the raw text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from vnpress.data import path as data_path
from vnpress.util.textnorm import normalize

LOG_COLUMNS = ["article_id", "line_no", "text", "rule"]

_HEADER_DATE_PREFIX = re.compile(r"^\s*date\s*[:=]?\s*\d{4}-\d{2}(?:-\d{2}(?:[T ][\d:]+)?)?\s+", re.I)
_DEBRIS = re.compile(r"^[\s|!\[\]()\-:]*$|^\s*(?:!\[[^\]]*\]\([^)]*\)\s*\|?\s*)+$")
_DATELINE = re.compile(r"^\s*(?:\([^()\n]{2,40}\)|[A-ZĐ][\w.]*(?:\s[A-ZĐ][\w.]*){0,3})\s*[-–—]\s*")
_NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]*"


@dataclass(frozen=True)
class Rules:
    """The boilerplate patterns built from the `clean` words of data/corpus.yaml."""

    header_line: re.Pattern[str]
    caption_credit: re.Pattern[str]
    caption_start: re.Pattern[str]
    sponsor: re.Pattern[str]
    widget: re.Pattern[str]
    byline: re.Pattern[str]


def _any(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


@lru_cache(maxsize=4)
def rules(path: str | None = None) -> Rules:
    """The boilerplate patterns of `data/corpus.yaml`, or of the corpus.yaml at `path`."""
    words = yaml.safe_load(Path(path or data_path("corpus.yaml")).read_text(encoding="utf-8"))["clean"]
    follow = (rf"{_any([words['follow']])} .{{0,40}} {_any([words['follow_on']])} "
              rf"{_any(words['follow_platforms'])}")
    return Rules(
        header_line=re.compile(rf"^\s*{_any(words['header_keys'])}\s*[:=]?\s+\S.*$", re.I),
        caption_credit=re.compile(rf"\({_any(words['credits'])}\s*:?[^()]*\)\s*$"
                                  rf"|(?:^|[.!?]\s+){_any(words['credits_inline'])}\s*:\s*[^.]{{1,60}}$"
                                  rf"|^\s*\(?{_any([words['illustration']])}\)?\.?\s*$", re.I),
        caption_start=re.compile(rf"^{_any(words['caption_starts'])}\b", re.I),
        sponsor=re.compile(_any(words["sponsor"]), re.I),
        widget=re.compile(rf"^\s*(?:{_any(words['widgets'])}|{follow})\s*(?::.*)?$", re.I),
        byline=re.compile(rf"^\s*(?:{_any(words['byline_leads'])}\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}"
                          rf"(?:\s*[-–,/]\s*{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})*\s*$"),
    )


def _is_dateline(line: str) -> re.Match[str] | None:
    m = _DATELINE.match(line)
    if not m:
        return None
    label = m.group(0).strip(" -–—()")
    # a dateline names an outlet: acronym, a .vn domain, or "News"/"Online"/"Dân trí"-like short label
    if re.search(r"[A-ZĐ]{2,}|\.vn\b|\bNews\b|\bOnline\b", label) or len(label.split()) <= 3 and m.group(0).strip().startswith("("):
        return m
    return None


def _line_rule(line: str, after_image: bool) -> str | None:
    stripped = line.strip()
    if _DEBRIS.match(stripped) and stripped:
        return "markdown_debris"
    if rules().sponsor.search(stripped):
        return "sponsor_box"
    if rules().widget.match(stripped):
        return "comment_widget"
    if stripped.startswith("|") and stripped.endswith("|") and after_image:
        return "photo_caption"
    if rules().caption_credit.search(stripped):
        return "photo_caption"
    words = stripped.split()
    if len(words) <= 8 and stripped.endswith(".") and rules().caption_start.match(stripped):
        return "photo_caption"
    return None


def caption_text(line: str, path: str | None = None) -> str:
    """A removed photo caption without its credit and table pipes (`..., chiều 24/10/2025. Ảnh: X` →
    `..., chiều 24/10/2025`): what the photo shows, which can still date an event. `path`: a corpus.yaml in
    place of the packaged one."""
    return rules(path).caption_credit.sub("", line.strip().strip("|")).strip()


def clean_text(raw: str, article_id: str = "") -> tuple[str, list[tuple[str, int, str, str]]]:
    """Return (cleaned text, log rows [article_id, line_no, text, rule])."""
    lines = normalize(raw).split("\n")
    log: list[tuple[str, int, str, str]] = []
    kept: list[tuple[int, str]] = []
    in_header = True
    after_image = False
    for no, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            kept.append((no, ""))
            continue
        if in_header:
            m = _HEADER_DATE_PREFIX.match(line)
            if m and line[m.end():].strip():
                log.append((article_id, no, m.group(0).strip(), "metadata_header"))
                line = line[m.end():]
                stripped = line.strip()
            elif rules().header_line.match(line) and len(stripped.split()) <= 12 and not stripped.endswith("."):
                log.append((article_id, no, stripped, "metadata_header"))
                continue
            m = _is_dateline(line)
            if m:
                log.append((article_id, no, m.group(0).strip(), "dateline"))
                line = line[m.end():]
                stripped = line.strip()
                if not stripped:
                    continue
        rule = _line_rule(line, after_image)
        after_image = rule == "markdown_debris" and ("![" in stripped or after_image)
        if rule:
            log.append((article_id, no, stripped, rule))
            continue
        in_header = False
        kept.append((no, line.rstrip()))
    kept = _drop_bylines(kept, log, article_id)
    text = _collapse_blanks(kept, log, article_id)
    log.sort(key=lambda r: r[1])
    return text, log


def _drop_bylines(kept: list[tuple[int, str]], log: list, article_id: str) -> list[tuple[int, str]]:
    """Remove author lines among the last two non-blank lines."""
    body = [i for i, (_, line) in enumerate(kept) if line.strip()]
    for i in reversed(body[-2:]):
        no, line = kept[i]
        if rules().byline.match(line) and not re.search(r"[.!?:;\"”]$", line.strip()):
            log.append((article_id, no, line.strip(), "byline"))
            kept[i] = (no, "")
        else:
            break
    return kept


def _collapse_blanks(kept: list[tuple[int, str]], log: list, article_id: str) -> str:
    logged = {r[1] for r in log}
    out: list[tuple[int, str]] = []
    for no, line in kept:
        if line.strip() or (out and out[-1][1]):
            out.append((no, line if line.strip() else ""))
        elif no not in logged:
            log.append((article_id, no, "", "blank_run"))
    while out and not out[-1][1]:
        no = out.pop()[0]
        if no not in logged:
            log.append((article_id, no, "", "blank_run"))
    return "\n".join(line for _, line in out)
