"""Import articles into a corpus folder: text, saved HTML pages, JSONL/CSV collections.

Every source is decoded to NFC UTF-8 (UTF-8 with or without BOM, UTF-16, or
legacy Windows-1258; a file that decodes with confidence in none of them is
refused, never written as mojibake), extracted (trafilatura, offline, for
HTML), checked against the corpus for duplicates (same cleaned-text hash:
skipped; word 5-shingle Jaccard ≥ 0.5: imported with a warning), then
committed all at once: new article files and the originals (under `raw/`) are
staged in a temporary folder, moved in, and `manifest.csv` is replaced
atomically last; any failure removes what was moved, so the corpus and its
manifest stay as they were.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pandas as pd

from .atomic import replacing
from .clean import clean_text
from .corpus import MANIFEST_COLUMNS, MAX_BYTES, SUFFIXES, load_corpus, looks_vietnamese
from .extras import require

RESULT_COLUMNS = ["source", "article_id", "file", "status", "detail"]
NEAR_DUPLICATE = 0.5
_C1 = re.compile(r"[\x80-\x9f\ufffd]")


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


def _records(path: Path, text: str, text_column: str, columns: dict[str, str]) -> list[tuple[str, str, dict]]:
    """(article id, text, metadata) per record of a JSONL or CSV collection."""
    if path.suffix.lower() == ".jsonl":
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"line {n} is not JSON ({e.msg})") from None
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    out = []
    for n, row in enumerate(rows, start=1):
        if text_column not in row:
            raise ValueError(f"record {n} has no text column '{text_column}' (columns: {', '.join(row)})")
        meta = {field: str(row.get(col) or "") for field, col in columns.items()}
        out.append((f"{_slug(path.stem)}-{n:04d}", str(row[text_column] or ""), meta))
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
        if field not in MANIFEST_COLUMNS or field == "file" or not col:
            raise ValueError(f"bad column mapping '{part}' (want FIELD=COLUMN, FIELD one of "
                             f"{', '.join(c for c in MANIFEST_COLUMNS if c != 'file')})")
        out[field] = col
    return out


def _read_manifest_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def write_manifest(folder: Path, rows: list[dict[str, str]]) -> None:
    """Write manifest.csv whole or not at all (`atomic.replacing`)."""
    fields = MANIFEST_COLUMNS + [c for c in (rows[0] if rows else {}) if c not in MANIFEST_COLUMNS]
    with replacing(folder / "manifest.csv") as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _sources(path: Path, text_column: str, columns: dict[str, str], max_bytes: int):
    """(article id, raw text, metadata) for each article a source file holds."""
    data = path.read_bytes()
    if len(data) > max_bytes:
        raise ValueError(f"file too large ({len(data):,} bytes > limit {max_bytes:,})")
    text = decode_bytes(data, path.name)
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return [(_slug(path.stem), text, {})]
    if suffix in (".html", ".htm"):
        body, meta = extract_html(text)
        return [(_slug(path.stem), body, meta)]
    if suffix in (".jsonl", ".csv"):
        return _records(path, text, text_column, columns)
    raise ValueError(f"unsupported file type '{suffix}' (want .txt, .md, .html, .jsonl or .csv)")


def add(paths: list[str | Path], corpus_dir: str | Path, outlet: str | None = None, published: str | None = None,
        text_column: str = "text", columns: dict[str, str] | None = None, max_bytes: int = MAX_BYTES) -> pd.DataFrame:
    """Import `paths` into `corpus_dir`; one result row per article (RESULT_COLUMNS), status
    added | near_duplicate (added, with a warning) | duplicate (skipped) | refused (with the reason)."""
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        raise ValueError(f"--published must be YYYY-MM-DD, got {published!r}")
    existing = load_corpus(corpus_dir).articles if any(corpus_dir.glob("*.*")) else pd.DataFrame()
    hashes = dict(zip(existing.get("sha256", []), existing.get("article_id", [])))
    shingles = {a: _shingles(t) for a, t in zip(existing.get("article_id", []), existing.get("text", []))}
    taken = {p.stem for p in corpus_dir.iterdir()}
    results, staged = [], []  # staged: (article id, file name, text, manifest row, original path)
    for path in map(Path, paths):
        try:
            items = _sources(path, text_column, columns or {}, max_bytes)
        except (ValueError, OSError) as e:
            results.append((str(path), "", "", "refused", str(e)))
            continue
        for article_id, raw, meta in items:
            cleaned, _ = clean_text(raw, article_id)
            if not cleaned.strip():
                results.append((str(path), article_id, "", "refused", "no article text"))
                continue
            digest = hashlib.sha256(cleaned.encode("utf-8")).hexdigest()
            if digest in hashes:
                results.append((str(path), article_id, "", "duplicate", f"same text as {hashes[digest]}; skipped"))
                continue
            base, n = article_id, 1
            while article_id in taken:
                n += 1
                article_id = f"{base}-{n}"
            grams = _shingles(cleaned)
            similar = max(((a, _jaccard(grams, s)) for a, s in shingles.items()), key=lambda x: x[1],
                          default=("", 0.0))
            status, detail = ("near_duplicate", f"similar to {similar[0]} (Jaccard {similar[1]:.2f})") \
                if similar[1] >= NEAR_DUPLICATE else ("added", "")
            if not looks_vietnamese(cleaned):
                detail = "; ".join(filter(None, [detail, "warning: text does not look Vietnamese"]))
            row = {k: "" for k in MANIFEST_COLUMNS}
            row.update({k: v for k, v in meta.items() if v}, file=f"{article_id}.txt")
            row["outlet"] = outlet or row["outlet"]
            row["published"] = published or row["published"]
            row["language"] = row["language"] or ("vi" if looks_vietnamese(cleaned) else "")
            staged.append((article_id, row["file"], raw, row, path))
            hashes[digest], shingles[article_id] = article_id, grams
            taken.add(article_id)
            results.append((str(path), article_id, row["file"], status, detail))
    if staged:
        _commit(corpus_dir, staged)
    return pd.DataFrame(results, columns=RESULT_COLUMNS)


def _commit(corpus_dir: Path, staged: list) -> None:
    """Move staged articles and originals in, then replace the manifest; undo everything on failure."""
    raw_dir = corpus_dir / "raw"
    originals = list(dict.fromkeys(s[4] for s in staged))
    moved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix=".import-", dir=corpus_dir) as tmp:
        tmp = Path(tmp)
        plan = []
        for article_id, file, text, _, _ in staged:
            (tmp / file).write_text(text, encoding="utf-8")
            plan.append((tmp / file, corpus_dir / file))
        for n, original in enumerate(originals):
            shutil.copy2(original, tmp / f"raw-{n}")
            dst, k = raw_dir / original.name, 1
            while dst.exists():
                k += 1
                dst = raw_dir / f"{original.stem}-{k}{original.suffix}"
            plan.append((tmp / f"raw-{n}", dst))
        rows = _read_manifest_rows(corpus_dir / "manifest.csv") + [s[3] for s in staged]
        try:
            raw_dir.mkdir(exist_ok=True)
            for src, dst in plan:
                if dst.exists():
                    raise FileExistsError(f"{dst} already exists")
                os.replace(src, dst)
                moved.append(dst)
            write_manifest(corpus_dir, rows)
        except BaseException:
            for dst in moved:
                dst.unlink(missing_ok=True)
            raise
