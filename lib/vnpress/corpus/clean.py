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

from vnpress.util.textnorm import normalize

LOG_COLUMNS = ["article_id", "line_no", "text", "rule"]

_HEADER_KEYS = r"(?:date|title|author|authors|source|url|outlet|published|tiêu đề|ngày|ngày đăng|tác giả|nguồn)"
_HEADER_LINE = re.compile(rf"^\s*{_HEADER_KEYS}\s*[:=]?\s+\S.*$", re.I)
_HEADER_DATE_PREFIX = re.compile(r"^\s*date\s*[:=]?\s*\d{4}-\d{2}(?:-\d{2}(?:[T ][\d:]+)?)?\s+", re.I)
_DEBRIS = re.compile(r"^[\s|!\[\]()\-:]*$|^\s*(?:!\[[^\]]*\]\([^)]*\)\s*\|?\s*)+$")
_CAPTION_CREDIT = re.compile(r"\((?:Ảnh|Ảnh minh họa|Nguồn ảnh|Video|Clip)\s*:?[^()]*\)\s*$|(?:^|[.!?]\s+)(?:Ảnh|Nguồn ảnh)\s*:\s*[^.]{1,60}$|^\s*\(?Ảnh minh họa\)?\.?\s*$", re.I)
_CAPTION_START = re.compile(r"^(?:Toàn cảnh|Quang cảnh|Cảnh|Các đại biểu|Đại biểu|Ảnh|Hình|Video)\b", re.I)
_SPONSOR = re.compile(r"trân trọng cảm ơn|cảm ơn (?:các|quý) (?:đối tác|nhà tài trợ)|nhà tài trợ|đồng hành cùng chương trình|bài viết được tài trợ|nội dung tài trợ", re.I)
_WIDGET = re.compile(r"^\s*(?:bình luận|gửi bình luận|ý kiến bạn đọc|chia sẻ|chia sẻ bài viết|tin liên quan|xem thêm|đọc thêm|tin cùng chuyên mục|từ khóa|tags?|theo dõi .{0,40} trên (?:google news|zalo|facebook)|quay lại|in bài|lưu bài)\s*(?::.*)?$", re.I)
_DATELINE = re.compile(r"^\s*(?:\([^()\n]{2,40}\)|[A-ZĐ][\w.]*(?:\s[A-ZĐ][\w.]*){0,3})\s*[-–—]\s*")
_NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]*"
_BYLINE = re.compile(rf"^\s*(?:(?:PV|Nhóm PV|Theo)\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}(?:\s*[-–,/]\s*{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})*\s*$")


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
    if _SPONSOR.search(stripped):
        return "sponsor_box"
    if _WIDGET.match(stripped):
        return "comment_widget"
    if stripped.startswith("|") and stripped.endswith("|") and after_image:
        return "photo_caption"
    if _CAPTION_CREDIT.search(stripped):
        return "photo_caption"
    words = stripped.split()
    if len(words) <= 8 and stripped.endswith(".") and _CAPTION_START.match(stripped):
        return "photo_caption"
    return None


def caption_text(line: str) -> str:
    """A removed photo caption without its credit and table pipes (`..., chiều 24/10/2025. Ảnh: X` →
    `..., chiều 24/10/2025.`): what the photo shows, which can still date an event."""
    return _CAPTION_CREDIT.sub("", line.strip().strip("|")).strip()


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
            elif _HEADER_LINE.match(line) and len(stripped.split()) <= 12 and not stripped.endswith("."):
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
        if _BYLINE.match(line) and not re.search(r"[.!?:;\"”]$", line.strip()):
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
