"""Load a folder of Vietnamese news articles (.txt/.md) and its optional manifest.

`load_corpus(folder)` returns three tables:

- articles: article_id (file stem), file, title, outlet, url, published
  (datetime64, NaT when unknown), published_source (manifest|text|inferred|unknown),
  authors, language, sha256 (of the cleaned text), raw_text, text (cleaned), chars;
  with `texts=False` no raw_text and text (metadata only, so memory does not grow
  with the corpus's text; `article_texts` reads them again from the file)
- problems: file, level (error|warning), problem — one line per problem; the
  other articles still load
- cleaning_log: article_id, line_no, text, rule (see `vnpress.clean`)

Metadata the sources don't state stays empty: only the manifest and the
article's own header fill it. The publication date is taken from the manifest,
else from a date stated in the article's header (`date 2025-10-24`), else
inferred from the latest full date the text states (dates after "đến", "tới",
"hạn", "trước" are deadlines, not reporting dates, and are skipped).
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Iterator

import pandas as pd

from .clean import LOG_COLUMNS, clean_text

MANIFEST_COLUMNS = ["file", "title", "outlet", "url", "published", "authors", "language"]
ARTICLE_COLUMNS = ["article_id", "file", "title", "outlet", "url", "published", "published_source",
                   "authors", "language", "sha256", "raw_text", "text", "chars"]
TEXT_COLUMNS = ["raw_text", "text"]
PROBLEM_COLUMNS = ["file", "level", "problem"]
SUFFIXES = {".txt", ".md"}
MAX_BYTES = 5_000_000
CHUNK = 500  # articles per typed frame while loading

_VI_MARKS = {"\u0306", "\u031b", "\u0309", "\u0323"}  # breve (ă), horn (ơ ư), hook above, dot below
_HEADER_DATE = re.compile(r"^\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})", re.I)
_FULL_DATE = re.compile(
    r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d/.-])"
    r"|ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DEADLINE_BEFORE = re.compile(r"(?:đến|tới|hạn|trước)\s+(?:hết\s+)?(?:ngày\s+)?$", re.I)


@dataclass
class Corpus:
    articles: pd.DataFrame
    problems: pd.DataFrame
    cleaning_log: pd.DataFrame


class CorpusError(ValueError):
    """A corpus folder that cannot be read at all."""


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """Read one article file as text, raising ValueError with a one-line reason."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValueError(f"unreadable file ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise ValueError(f"file too large ({len(data):,} bytes > limit {max_bytes:,}; raise max_bytes to load it)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        if b"\x00" in data:
            raise ValueError("binary file (contains NUL bytes), not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ValueError(f"not UTF-8 text (invalid byte 0x{data[e.start]:02x} at offset {e.start}); "
                             "import it with `vnpress add` to convert its encoding") from None
    if not text.strip():
        raise ValueError("empty file")
    return text


def looks_vietnamese(text: str) -> bool:
    """True if at least 3% of letters are specific to Vietnamese: đ, or a breve, horn, hook above or dot below
    (ă ơ ư ả ạ ...), which French, Spanish or German text does not use."""
    letters = [ch for ch in text if ch.isalpha()]
    specific = sum(ch in "đĐ" or bool(_VI_MARKS & set(unicodedata.normalize("NFD", ch))) for ch in letters)
    return bool(letters) and specific / len(letters) >= 0.03


def read_manifest(folder: Path) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, str]]]:
    """Manifest rows keyed by file name, and the problems found in it."""
    path = folder / "manifest.csv"
    problems: list[tuple[str, str, str]] = []
    if not path.exists():
        return {}, problems
    name = str(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
            header = rows[0].keys() if rows else next(csv.reader(path.open(encoding="utf-8-sig")), [])
    except (UnicodeDecodeError, csv.Error, OSError) as e:
        return {}, [(name, "error", f"malformed manifest ({e}); metadata ignored")]
    missing = [c for c in MANIFEST_COLUMNS if c not in header]
    if missing:
        return {}, [(name, "error", f"malformed manifest: missing column(s) {', '.join(missing)}; metadata ignored")]
    out: dict[str, dict[str, str]] = {}
    root = folder.resolve()
    for line_no, row in enumerate(rows, start=2):
        file = (row.get("file") or "").strip()
        where = f"{name}:{line_no}"
        if not file:
            problems.append((where, "error", "manifest row without a file name; row ignored"))
            continue
        target = (folder / file).resolve()
        if Path(file).is_absolute() or root not in target.parents:
            problems.append((where, "error", f"manifest path '{file}' escapes the corpus folder; row ignored"))
            continue
        if file in out:
            problems.append((where, "error", f"duplicate manifest entry for '{file}'; first entry kept"))
            continue
        if not target.exists():
            problems.append((str(folder / file), "error", f"named in manifest line {line_no} but the file does not exist"))
            continue
        published = (row.get("published") or "").strip()
        if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published) or published and pd.isna(
                pd.to_datetime(published, errors="coerce")):
            problems.append((str(folder / file), "error",
                             f"malformed date '{published}' in manifest line {line_no} (want YYYY-MM-DD); date ignored"))
            row["published"] = ""
        out[file] = {k: (row.get(k) or "").strip() for k in MANIFEST_COLUMNS}
    return out, problems


def infer_published(text: str) -> pd.Timestamp | None:
    """Latest full date (d/m/yyyy, d-m-yyyy, d.m.yyyy, ngày d tháng m năm yyyy) that is not a deadline."""
    best = None
    for m in _FULL_DATE.finditer(text):
        if _DEADLINE_BEFORE.search(text[max(0, m.start() - 16):m.start()]):
            continue
        d, mo, y = (int(g) for g in (m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6)))
        stamp = pd.to_datetime(f"{y:04d}-{mo:02d}-{d:02d}", errors="coerce")
        if not pd.isna(stamp) and (best is None or stamp > best):
            best = stamp
    return best


def make_article(article_id: str, raw: str, meta: dict[str, str] | None = None, file: str = "") -> tuple[dict, list]:
    """Clean one raw text into an article row plus its cleaning-log rows; raises ValueError if no text is left."""
    text, log = clean_text(raw, article_id)
    if not text.strip():
        raise ValueError("no article text left after removing boilerplate")
    meta = meta or {}
    published, source = None, "unknown"
    if meta.get("published"):
        published, source = pd.Timestamp(meta["published"]), "manifest"
    elif (m := _HEADER_DATE.match(raw)) and not pd.isna(pd.to_datetime(m.group(1), errors="coerce")):
        published, source = pd.Timestamp(m.group(1)), "text"
    elif (inferred := infer_published(text)) is not None:
        published, source = inferred, "inferred"
    row = {
        "article_id": article_id, "file": file,
        **{k: meta.get(k, "") for k in ("title", "outlet", "url", "authors", "language")},
        "published": published, "published_source": source,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "raw_text": raw, "text": text, "chars": len(text),
    }
    return row, log


def articles_frame(rows: list[dict], texts: bool = True) -> pd.DataFrame:
    """Article rows as a typed DataFrame with ARTICLE_COLUMNS (without TEXT_COLUMNS if not `texts`)."""
    columns = [c for c in ARTICLE_COLUMNS if texts or c not in TEXT_COLUMNS]
    articles = pd.DataFrame(rows, columns=columns)
    articles["published"] = pd.to_datetime(articles["published"])
    for col in columns:
        if col not in ("published", "chars"):
            articles[col] = articles[col].astype("string")
    articles["chars"] = articles["chars"].astype("int64")
    return articles


def article_texts(path: Path) -> tuple[str, str]:
    """(raw, cleaned) text of an article file that loaded before (its size was checked then)."""
    raw = read_text(path, max_bytes=sys.maxsize)
    return raw, clean_text(raw, path.stem)[0]


def _articles(folder: Path, manifest: dict[str, dict[str, str]], problems: list, max_bytes: int,
              texts: bool) -> Iterator[tuple[dict, list]]:
    """(article row, cleaning-log rows) of each loadable file in `folder`, in file name order; problems are
    appended to `problems`."""
    seen: dict[str, str] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()):
        if path.stem in seen:
            problems.append((str(path), "error", f"article id '{path.stem}' already used by {seen[path.stem]}; skipped"))
            continue
        try:
            row, log = make_article(path.stem, read_text(path, max_bytes), manifest.get(path.name), path.name)
        except ValueError as e:
            problems.append((str(path), "error", str(e)))
            continue
        seen[path.stem] = path.name
        if not looks_vietnamese(row["text"]):
            problems.append((str(path), "warning", "text does not look Vietnamese (few Vietnamese diacritics)"))
        yield (row if texts else {k: v for k, v in row.items() if k not in TEXT_COLUMNS}), log


def load_corpus(folder: str | Path, max_bytes: int = MAX_BYTES, texts: bool = True) -> Corpus:
    """Load every .txt/.md article in `folder`; problems are collected, not raised. Without `texts` the
    articles table holds metadata only (each text is read, cleaned, hashed and dropped). Rows become typed
    frames every CHUNK articles, so the loading process never holds the whole corpus as Python objects."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder of articles")
    manifest, problems = read_manifest(folder)
    articles, logs = [], []
    loaded = _articles(folder, manifest, problems, max_bytes, texts)
    while chunk := list(islice(loaded, CHUNK)):
        articles.append(articles_frame([row for row, _ in chunk], texts))
        logs.append(pd.DataFrame([line for _, log in chunk for line in log], columns=LOG_COLUMNS))
    logs = [log for log in logs if not log.empty]  # an empty frame's object columns would untype the others
    return Corpus(pd.concat(articles, ignore_index=True) if articles else articles_frame([], texts),
                  pd.DataFrame(problems, columns=PROBLEM_COLUMNS),
                  pd.concat(logs, ignore_index=True) if logs else pd.DataFrame(columns=LOG_COLUMNS))
