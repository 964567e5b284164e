"""Import articles into a corpus folder: text, saved HTML pages, JSONL/CSV collections.

Every source is decoded to NFC UTF-8 (UTF-8 with or without BOM, UTF-16, or
legacy Windows-1258; a file that decodes with confidence in none of them is
refused, never written as mojibake), extracted (trafilatura, offline, for
HTML), checked against the corpus for duplicates (same cleaned-text hash:
skipped; word 5-shingle Jaccard ≥ 0.5: imported with a warning), then
committed all at once through a journal (`vnpress.corpus.journal`): new article files
and the originals (under `raw/`) are staged in a `.import-*` folder, the moves
and manifest rows recorded, the files moved in and `manifest.csv` replaced
atomically last; a failure puts back what was moved, and an import killed
midway is finished (or, if it had moved nothing, rolled back) by the next
`add` or load. A collection line that is not a JSON object is refused on its
own; the other records and files of the command are still imported.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vnpress.corpus import journal
from vnpress.corpus.clean import clean_text
from vnpress.corpus.outlets import outlet_type
from vnpress.corpus.reader import (
    MANIFEST_COLUMNS,
    MAX_BYTES,
    OPTIONAL_COLUMNS,
    SUFFIXES,
    CorpusError,
    load_corpus,
    looks_vietnamese,
)
from vnpress.util.csvio import read_rows
from vnpress.util.extras import require

RESULT_COLUMNS = ["source", "article_id", "file", "status", "detail"]
NEAR_DUPLICATE = 0.5
_C1 = re.compile(r"[\x80-\x9f\ufffd]")
_JSON_TYPES = {list: "list", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def decode_bytes(data: bytes, name: str = "") -> str:
    """Decode a file's bytes to NFC text, or raise ValueError saying why it cannot be trusted."""
    if not data.strip():
        raise ValueError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        text = data.decode("utf-8-sig", errors="strict")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif b"\x00" in data:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if max(even, odd) > len(data) // 4 and min(even, odd) == 0:  # UTF-16 without a BOM
            text = data.decode("utf-16-be" if even > odd else "utf-16-le")
        else:
            raise ValueError("binary file (contains NUL bytes), not text")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1258", errors="replace")
            if _C1.search(text) or not looks_vietnamese(unicodedata.normalize("NFC", text)):
                raise ValueError("cannot decode with confidence (not UTF-8, UTF-16 or Vietnamese Windows-1258); "
                                 "convert it to UTF-8 first") from None
    return unicodedata.normalize("NFC", text)


def extract_html(html: str) -> tuple[str, dict[str, str]]:
    """Main text and metadata (title, published, authors, outlet, url) of a saved page, offline."""
    trafilatura = require("trafilatura", "html", "importing a saved HTML page")
    out = trafilatura.extract(html, output_format="json", with_metadata=True, include_comments=False,
                              favor_precision=True)
    if not out:
        raise ValueError("no article text found in the HTML page")
    doc = json.loads(out)
    date = doc.get("date") or ""
    meta = {"title": doc.get("title") or "", "published": date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else "",
            "authors": doc.get("author") or "", "outlet": doc.get("sitename") or doc.get("hostname") or "",
            "url": doc.get("source") or doc.get("url") or ""}
    return doc.get("text") or "", meta


Item = tuple[str, "str | None", str, dict, str]  # (source, article id or None if refused, text, metadata, note)


def _json_rows(text: str) -> list[tuple[int, object]]:
    """(line number, value) of each non-blank line of a JSONL file; a line that is not JSON is kept as the error."""
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                rows.append((n, json.loads(line)))
            except json.JSONDecodeError as e:
                rows.append((n, ValueError(f"not JSON ({e.msg})")))
    return rows


def _records(path: Path, text: str, text_column: str, columns: dict[str, str]) -> list[Item]:
    """One item per record of a JSONL or CSV collection; a line that is not a JSON object is refused on its own,
    a stray quote in a CSV line is noted on its record (`csvio`); a missing text column refuses the file."""
    notes: dict[int, str] = {}
    if path.suffix.lower() == ".jsonl":
        rows = _json_rows(text)
    else:
        _, rows, problems = read_rows(text, str(path))
        notes = {int(where.rsplit(":", 1)[1]): f"line {where.rsplit(':', 1)[1]}: {problem}"
                 for where, _, problem in problems}
    out: list[Item] = []
    count = 0
    for n, row in rows:
        if not isinstance(row, dict):
            reason = str(row) if isinstance(row, ValueError) else f"not a JSON object (a {_JSON_TYPES[type(row)]})"
            out.append((f"{path}:{n}", None, "", {}, reason))
            continue
        if text_column not in row:
            raise ValueError(f"line {n} has no text column '{text_column}' (columns: {', '.join(map(str, row))})")
        meta = {field: str(row.get(col) or "") for field, col in columns.items()}
        count += 1
        out.append((str(path), f"{_slug(path.stem)}-{count:04d}", str(row[text_column] or ""), meta,
                    notes.get(n, "")))
    return out


def _slug(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "article"


def _shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + k]) for i in range(max(0, len(words) - k + 1))}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def parse_columns(spec: str | None) -> dict[str, str]:
    """'title=headline,published=date' → {'title': 'headline', 'published': 'date'} (manifest fields only)."""
    out = {}
    for part in filter(None, (spec or "").split(",")):
        field, _, col = part.partition("=")
        field, col = field.strip(), col.strip()
        if field not in MANIFEST_COLUMNS + OPTIONAL_COLUMNS or field == "file" or not col:
            raise ValueError(f"bad column mapping '{part}' (want FIELD=COLUMN, FIELD one of "
                             f"{', '.join(c for c in MANIFEST_COLUMNS + OPTIONAL_COLUMNS if c != 'file')})")
        out[field] = col
    return out


def _sources(path: Path, text_column: str, columns: dict[str, str], max_bytes: int) -> list[Item]:
    """One item per article a source file holds; raises ValueError or OSError if the file cannot be used."""
    data = path.read_bytes()
    if len(data) > max_bytes:
        raise ValueError(f"file too large ({len(data):,} bytes > limit {max_bytes:,})")
    text = decode_bytes(data, path.name)
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return [(str(path), _slug(path.stem), text, {}, "")]
    if suffix in (".html", ".htm"):
        body, meta = extract_html(text)
        return [(str(path), _slug(path.stem), body, meta, "")]
    if suffix in (".jsonl", ".csv"):
        return _records(path, text, text_column, columns)
    raise ValueError(f"unsupported file type '{suffix}' (want .txt, .md, .html, .jsonl or .csv)")


def _corpus_folder(corpus_dir: str | Path) -> Path:
    """The corpus folder to import into, created if missing; CorpusError if the path names something else."""
    corpus_dir = Path(corpus_dir)
    if corpus_dir.exists() and not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: not a folder of articles")
    corpus_dir.mkdir(parents=True, exist_ok=True)
    return corpus_dir


def add(paths: list[str | Path], corpus_dir: str | Path, outlet: str | None = None, published: str | None = None,
        text_column: str = "text", columns: dict[str, str] | None = None, max_bytes: int = MAX_BYTES) -> pd.DataFrame:
    """Import `paths` into `corpus_dir`; one result row per article (RESULT_COLUMNS), status
    added | near_duplicate (added, with a warning) | duplicate (skipped) | refused (with the reason).
    An import interrupted before is finished (or rolled back) first."""
    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        raise ValueError(f"--published must be YYYY-MM-DD, got {published!r}")
    corpus_dir = _corpus_folder(corpus_dir)
    with journal.locked(corpus_dir):
        journal.finish_interrupted(corpus_dir)
        journal.read_manifest_rows(corpus_dir)  # a manifest that cannot be read is not rewritten
        results, staged = _plan(list(map(Path, paths)), corpus_dir, {"outlet": outlet or "", "published": published
                                                                     or ""}, text_column, columns or {}, max_bytes)
        if staged:
            _commit(corpus_dir, staged)
    return pd.DataFrame(results, columns=RESULT_COLUMNS)


def _plan(paths: list[Path], corpus_dir: Path, given: dict[str, str], text_column: str, columns: dict[str, str],
          max_bytes: int) -> tuple[list[tuple], list[tuple]]:
    """(result rows, staged articles) of importing `paths`: each source's articles checked against the corpus
    and each other; staged: (article id, file name, text, manifest row, original path)."""
    existing = load_corpus(corpus_dir).articles if any(corpus_dir.glob("*.*")) else pd.DataFrame()
    seen = _Seen(dict(zip(existing.get("sha256", []), existing.get("article_id", []))),
                 {a: _shingles(t) for a, t in zip(existing.get("article_id", []), existing.get("text", []))},
                 {p.stem for p in corpus_dir.iterdir()})
    results, staged = [], []
    for path in paths:
        try:
            items = _sources(path, text_column, columns, max_bytes)
        except (ValueError, OSError) as e:
            results.append((str(path), "", "", "refused", getattr(e, "strerror", None) or str(e)))
            continue
        for source, article_id, raw, meta, note in items:
            if article_id is None:
                results.append((source, "", "", "refused", note))
                continue
            result, row = _check(seen, source, article_id, raw, {**meta, **{k: v for k, v in given.items() if v}})
            results.append(result[:4] + ("; ".join(filter(None, [result[4], note])),))
            if row:
                staged.append((result[1], row["file"], raw, row, path))
    return results, staged


@dataclass
class _Seen:
    """What the corpus and the articles staged so far hold: text hashes, word shingles, article ids."""
    hashes: dict[str, str]
    shingles: dict[str, set]
    taken: set[str]


def _check(seen: _Seen, source: str, article_id: str, raw: str, meta: dict[str, str]) -> tuple[tuple, dict | None]:
    """(result row, manifest row or None if not imported) of one article; records it in `seen` if imported."""
    cleaned, _ = clean_text(raw, article_id)
    if not cleaned.strip():
        return (source, article_id, "", "refused", "no article text"), None
    digest = hashlib.sha256(cleaned.encode("utf-8")).hexdigest()
    if digest in seen.hashes:
        return (source, article_id, "", "duplicate", f"same text as {seen.hashes[digest]}; skipped"), None
    base, n = article_id, 1
    while article_id in seen.taken:
        n += 1
        article_id = f"{base}-{n}"
    grams = _shingles(cleaned)
    similar = max(((a, _jaccard(grams, s)) for a, s in seen.shingles.items()), key=lambda x: x[1],
                  default=("", 0.0))
    status, detail = ("near_duplicate", f"similar to {similar[0]} (Jaccard {similar[1]:.2f})") \
        if similar[1] >= NEAR_DUPLICATE else ("added", "")
    vietnamese = looks_vietnamese(cleaned)
    if not vietnamese:
        detail = "; ".join(filter(None, [detail, "warning: text does not look Vietnamese"]))
    row = {k: "" for k in MANIFEST_COLUMNS}
    row.update({k: v for k, v in meta.items() if v}, file=f"{article_id}.txt")
    row["language"] = row["language"] or ("vi" if vietnamese else "")
    row["outlet_type"] = row.get("outlet_type") or outlet_type(row["outlet"], row["url"])
    seen.hashes[digest], seen.shingles[article_id] = article_id, grams
    seen.taken.add(article_id)
    return (source, article_id, row["file"], status, detail), row


def _stage(staging: Path, corpus_dir: Path, staged: list) -> list[journal.Move]:
    """Write the staged articles and copies of their originals into `staging`; the moves that bring them in."""
    raw_dir = corpus_dir / "raw"
    moves: list[journal.Move] = []
    for _, file, text, _, _ in staged:
        (staging / file).write_text(text, encoding="utf-8")
        moves.append((file, file))
    for n, original in enumerate(dict.fromkeys(s[4] for s in staged)):
        shutil.copy2(original, staging / f"raw-{n}")
        dst, k = raw_dir / original.name, 1
        while dst.exists():
            k += 1
            dst = raw_dir / f"{original.stem}-{k}{original.suffix}"
        moves.append((f"raw-{n}", str(dst.relative_to(corpus_dir))))
    return moves


def _commit(corpus_dir: Path, staged: list) -> None:
    """Stage the articles and originals, record the import in its journal, then move them in and add their
    manifest rows (`journal.commit`); any failure leaves the corpus as it was."""
    staging = journal.staging_folder(corpus_dir)
    try:
        journal.record(staging, _stage(staging, corpus_dir, staged), [s[3] for s in staged])
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    journal.commit(staging)
