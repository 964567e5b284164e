"""Load a folder of Vietnamese news articles (.txt/.md) and its optional manifest.

`load_corpus(folder)` returns three tables:

- articles: article_id (file stem), file, title, outlet, outlet_type (`vnpress.corpus.outlets`), url, published
  (datetime64, NaT when unknown), published_source (manifest|text|url|inferred|unknown),
  authors, language, sha256 (of the cleaned text), raw_text, text (cleaned), chars;
  with `texts=False` no raw_text and text (metadata only, so memory does not grow
  with the corpus's text; `article_texts` reads them again from the file)
- problems: file, level (error|warning), problem — one line per problem; the
  other articles still load
- cleaning_log: article_id, line_no, text, rule (see `vnpress.corpus.clean`); with
  a cache (`cache_dir`), read from it when first asked for

Metadata the sources don't state stays empty: only the manifest and the
article's own header fill it. The publication date is taken from the manifest,
else from a date stated in the article's header (`date 2025-10-24`), else from
the date its URL states (`url_dates` in data/corpus.yaml: "...-20251024182709015.htm"),
else inferred from the latest full date the text states (dates after "đến", "tới",
"hạn", "trước" are deadlines, not reporting dates, and are skipped).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from vnpress.corpus import clean
from vnpress.corpus.clean import LOG_COLUMNS, clean_text
from vnpress.corpus.journal import MANIFEST_COLUMNS, OPTIONAL_COLUMNS, read_manifest_rows, recover
from vnpress.corpus.outlets import OUTLET_TYPES, outlet_type
from vnpress.data import path as data_path
from vnpress.util import memory, textnorm
from vnpress.util.atomic import replacing
from vnpress.util.cachedir import usable

ARTICLE_COLUMNS = ["article_id", "file", "title", "outlet", "outlet_type", "url", "published", "published_source",
                   "authors", "language", "sha256", "raw_text", "text", "chars"]
TEXT_COLUMNS = ["raw_text", "text"]
PROBLEM_COLUMNS = ["file", "level", "problem"]
SUFFIXES = {".txt", ".md"}
APPLE_DOUBLE = b"\x00\x05\x16\x07"  # how a macOS resource fork file (`._name`) starts
MAX_BYTES = 5_000_000
CHUNK = 500  # articles per typed frame while loading
# the loading cache (`load_corpus` with a cache_dir): what each file gave, and its cleaning log
FACTS = pa.schema([("entry", pa.string()), ("sha256", pa.string()), ("chars", pa.int64()),
                   ("stated", pa.timestamp("us")), ("inferred", pa.timestamp("us")), ("vietnamese", pa.bool_()),
                   ("write", pa.string())])
LOG = pa.schema([("entry", pa.string()), ("article_id", pa.string()), ("line_no", pa.int64()),
                 ("text", pa.string()), ("rule", pa.string())])

_VI_MARKS = {"\u0306", "\u031b", "\u0309", "\u0323"}  # breve (ă), horn (ơ ư), hook above, dot below
_HEADER_DATE = re.compile(r"^\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})", re.I)
_NUMERIC_DATE = r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d/.-])"


@dataclass
class Corpus:
    articles: pd.DataFrame
    problems: pd.DataFrame
    log: pd.DataFrame | Callable[[], pd.DataFrame]  # the cleaning log, or a function reading it from the cache

    @property
    def cleaning_log(self) -> pd.DataFrame:
        return self.log() if callable(self.log) else self.log


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
    """Manifest rows keyed by file name, and the problems found in it (a stray quote spoils only its own line)."""
    path = folder / "manifest.csv"
    name = str(path)
    try:
        header, rows, problems = read_manifest_rows(folder)
    except (ValueError, OSError) as e:
        return {}, [(name, "error", f"malformed manifest ({getattr(e, 'strerror', None) or e}); metadata ignored")]
    missing = [c for c in MANIFEST_COLUMNS if c not in header]
    if header and missing:
        return {}, [(name, "error", f"malformed manifest: missing column(s) {', '.join(missing)}; metadata ignored")]
    out: dict[str, dict[str, str]] = {}
    for line_no, row in rows:
        file = (row.get("file") or "").strip()
        where = f"{name}:{line_no}"
        if not file:
            problems.append((where, "error", "manifest row without a file name; row ignored"))
        elif Path(file).is_absolute() or os.path.normpath(file).startswith(".."):
            problems.append((where, "error", f"manifest path '{file}' escapes the corpus folder; row ignored"))
        elif file in out:
            problems.append((where, "error", f"duplicate manifest entry for '{file}'; first entry kept"))
        elif not os.path.lexists(folder / file):
            problems.append((str(folder / file), "error", f"named in manifest line {line_no} but the file does not exist"))
        else:
            out[file] = _manifest_row(row, folder / file, line_no, problems)
    return out, problems


def _manifest_row(row: dict[str, str], path: Path, line_no: int, problems: list) -> dict[str, str]:
    """A manifest row's MANIFEST_COLUMNS and OPTIONAL_COLUMNS, its date emptied (and reported) if it is not
    YYYY-MM-DD, its outlet type emptied (and reported) if it is not one of OUTLET_TYPES."""
    row = {k: (row.get(k) or "").strip() for k in MANIFEST_COLUMNS + OPTIONAL_COLUMNS}
    published = row["published"]
    if published and (not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published)
                      or pd.isna(pd.to_datetime(published, errors="coerce"))):
        problems.append((str(path), "error",
                         f"malformed date '{published}' in manifest line {line_no} (want YYYY-MM-DD); date ignored"))
        row["published"] = ""
    if row["outlet_type"] and row["outlet_type"] not in OUTLET_TYPES:
        problems.append((str(path), "warning", f"unknown outlet_type '{row['outlet_type']}' in manifest line "
                         f"{line_no} (want {'|'.join(OUTLET_TYPES)}); looked up from the outlet instead"))
        row["outlet_type"] = ""
    return row


def article_files(folder: Path, problems: list) -> list[Path]:
    """The article files (.txt/.md) of `folder`, sorted. Refused with one line each: a symbolic link whose target
    is outside the folder, a broken link. Skipped: a hidden file (name starting with '.'; one warning line) and
    a macOS resource fork (`._name`, AppleDouble; silently, it holds no text)."""
    root = folder.resolve()
    paths = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES):
        if path.name.startswith("."):
            if not _resource_fork(path):
                problems.append((str(path), "warning", "hidden file (its name starts with '.'); skipped, rename "
                                 "it to load it"))
        elif path.is_symlink() and not path.exists():
            problems.append((str(path), "error", f"broken symbolic link (to {os.readlink(path)}); skipped"))
        elif path.is_symlink() and root not in path.resolve().parents:
            problems.append((str(path), "error", f"symbolic link to {path.resolve()}, outside the corpus folder; "
                             "refused (copy the file in to load it)"))
        elif path.is_file():
            paths.append(path)
    return paths


def _resource_fork(path: Path) -> bool:
    """True for a macOS AppleDouble file (`._name`, starting with the AppleDouble magic number)."""
    try:
        with path.open("rb") as fh:
            return path.name.startswith("._") and fh.read(4) == APPLE_DOUBLE
    except OSError:
        return False


@lru_cache(maxsize=4)
def _published_words(path: str | None = None) -> dict:
    """The `published` section of data/corpus.yaml, or of the corpus.yaml at `path`."""
    return yaml.safe_load(Path(path or data_path("corpus.yaml")).read_text(encoding="utf-8"))["published"]


@lru_cache(maxsize=1)
def _date_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A full date (numeric, or in the words of `published` in data/corpus.yaml), and a deadline before a date."""
    words = _published_words()
    day, month, year = (re.escape(words[k]) for k in ("day", "month", "year"))
    full = re.compile(rf"{_NUMERIC_DATE}|{day}\s+(\d{{1,2}})\s+{month}\s+(\d{{1,2}})\s+{year}\s+(\d{{4}})", re.I)
    deadline = "|".join(re.escape(w) for w in words["deadline_before"])
    return full, re.compile(rf"(?:{deadline})\s+(?:{re.escape(words['until'])}\s+)?(?:{day}\s+)?$", re.I)


@lru_cache(maxsize=8)
def _url_patterns(key: str, path: str | None = None) -> tuple[re.Pattern[str], ...]:
    """The patterns `key` (`url_dates`, `url_months`) of data/corpus.yaml, or of the corpus.yaml at `path`."""
    return tuple(re.compile(p) for p in _published_words(path)[key])


def _url_matches(url: str, key: str, path: str | None) -> Iterator[re.Match[str]]:
    """The matches of the `key` patterns in the path of a URL (not its query), pattern by pattern."""
    return (m for pattern in _url_patterns(key, path) for m in pattern.finditer(urlsplit(url or "").path))


def url_published(url: str, corpus_path: str | None = None) -> pd.Timestamp | None:
    """The date the path of an article's URL states ("...-20251024182709015.htm", ".../2025/10/24/..."), the
    first valid one of the patterns in order; None when it states none. `corpus_path`: a corpus.yaml in place of
    the packaged one."""
    stamps = (pd.to_datetime(f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}", errors="coerce")
              for m in _url_matches(url, "url_dates", corpus_path))
    return next((t for t in stamps if not pd.isna(t)), None)


def url_month(url: str, corpus_path: str | None = None) -> date | None:
    """The first day of the month the path of an article's URL states without a day (".../2025/10/slug.html");
    None when it states a whole date (`url_published`) or no month."""
    if url_published(url, corpus_path) is not None:
        return None
    m = next(_url_matches(url, "url_months", corpus_path), None)
    return date(int(m["y"]), int(m["m"]), 1) if m else None


def infer_published(text: str) -> pd.Timestamp | None:
    """Latest full date (d/m/yyyy, d-m-yyyy, d.m.yyyy, ngày d tháng m năm yyyy) that is not a deadline."""
    best = None
    full, deadline = _date_patterns()
    for m in full.finditer(text):
        if deadline.search(text[max(0, m.start() - 16):m.start()]):
            continue
        d, mo, y = (int(g) for g in (m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6)))
        stamp = pd.to_datetime(f"{y:04d}-{mo:02d}-{d:02d}", errors="coerce")
        if not pd.isna(stamp) and (best is None or stamp > best):
            best = stamp
    return best


def file_facts(raw: str, article_id: str) -> tuple[dict, list]:
    """What an article's file gives whatever the manifest says: its cleaned text, content hash, length, the
    date its header states, the date inferred from its text, whether it looks Vietnamese; and its cleaning-log
    rows. Raises ValueError if no text is left."""
    text, log = clean_text(raw, article_id)
    if not text.strip():
        raise ValueError("no article text left after removing boilerplate")
    header = _HEADER_DATE.match(raw)
    stated = pd.to_datetime(header.group(1), errors="coerce") if header else pd.NaT
    return {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "chars": len(text), "stated": stated,
            "inferred": infer_published(text), "vietnamese": looks_vietnamese(text), "raw_text": raw,
            "text": text}, log


def article_row(article_id: str, file: str, facts: dict, meta: dict[str, str] | None = None) -> dict:
    """An article row from its file's facts (`file_facts`, texts optional) and its manifest row: the
    publication date is the manifest's, else the one its header states, else the one its URL states, else the
    inferred one; the outlet type is the manifest's, else the one `outlets.outlet_type` knows for its URL or
    outlet, else ''."""
    meta = meta or {}
    published, source = None, "unknown"
    if meta.get("published"):
        published, source = pd.Timestamp(meta["published"]), "manifest"
    elif pd.notna(facts["stated"]):
        published, source = pd.Timestamp(facts["stated"]), "text"
    elif (from_url := url_published(meta.get("url", ""))) is not None:
        published, source = from_url, "url"
    elif pd.notna(facts["inferred"]):
        published, source = pd.Timestamp(facts["inferred"]), "inferred"
    return {"article_id": article_id, "file": file,
            **{k: meta.get(k, "") for k in ("title", "outlet", "url", "authors", "language")},
            "outlet_type": meta.get("outlet_type") or outlet_type(meta.get("outlet", ""), meta.get("url", "")),
            "published": published, "published_source": source, "sha256": facts["sha256"],
            **{k: facts[k] for k in TEXT_COLUMNS if k in facts}, "chars": facts["chars"]}


def make_article(article_id: str, raw: str, meta: dict[str, str] | None = None, file: str = "") -> tuple[dict, list]:
    """Clean one raw text into an article row plus its cleaning-log rows; raises ValueError if no text is left."""
    facts, log = file_facts(raw, article_id)
    return article_row(article_id, file, facts, meta), log


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


def _entry(path: Path, stat: os.stat_result) -> str:
    """A file's cache entry: its name, size, modification and change times and inode (any write changes one)."""
    facts = f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}"
    return hashlib.sha256(facts.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _facts_dir(cache_dir: str | Path) -> Path:
    """Where the file facts live: under the hash of the code that makes them (an edited cleaning rule or date
    reading, or an edited data/corpus.yaml, starts afresh)."""
    code = b"".join(Path(m.__file__).read_bytes() for m in (sys.modules[__name__], clean, textnorm))
    code += data_path("corpus.yaml").read_bytes()
    return Path(cache_dir) / "files" / hashlib.sha256(code).hexdigest()[:16]


def _read_facts(folder: Path) -> pa.Table:
    """Every cached file's facts (`FACTS`; `write` names the load that cached them), as one Arrow table. A file
    cached by two loads is listed twice (`_lookup` takes the first); facts whose log shard is gone are left out
    (those files are read again), and so are those of a damaged write (removed, with a warning line)."""
    parts = []
    for shard in sorted(folder.glob("facts-*.parquet")) if folder.is_dir() else []:
        log = shard.with_name(shard.name.replace("facts-", "log-", 1))
        try:
            if log.exists():
                pq.read_metadata(log)  # a damaged log is found now, not when the log is first asked for
                parts.append(pq.read_table(shard, schema=FACTS))
        except (pa.ArrowInvalid, OSError):
            print(f"warning: cache shard {shard} or {log.name} is damaged: its files are read again",
                  file=sys.stderr)
            shard.unlink(missing_ok=True)
    return pa.concat_tables(parts) if parts else FACTS.empty_table()


def _lookup(facts: pa.Table, entries: list[str]) -> dict[str, dict]:
    """The cached facts of those of `entries` found (entry → facts)."""
    positions = pc.index_in(pa.array(entries, pa.string()), value_set=facts["entry"]).to_pylist()
    found = [(e, p) for e, p in zip(entries, positions) if p is not None]
    return dict(zip((e for e, _ in found), facts.take(pa.array([p for _, p in found], pa.int64())).to_pylist()))


def _write_facts(folder: Path, new: list[tuple[dict, list]]) -> str:
    """Cache the facts of newly read files (facts with their entry, log rows): their log shard first, then their
    facts shard (which marks them complete), each written whole or not at all; return the name of this write."""
    folder.mkdir(parents=True, exist_ok=True)
    write = uuid.uuid4().hex
    tables = {
        "log": pa.Table.from_pylist([dict(zip(LOG.names, (f["entry"], *line))) for f, log in new for line in log],
                                    schema=LOG),
        "facts": pa.Table.from_pylist([{**f, "write": write, **{d: None if pd.isna(f[d]) else f[d]
                                                              for d in ("stated", "inferred")}} for f, _ in new],
                                      schema=FACTS)}
    for name, table in tables.items():
        with replacing(folder / f"{name}-{write}.parquet") as tmp:
            pq.write_table(table, tmp)
    return write


def _read_log(folder: Path, used: pa.Table) -> pd.DataFrame:
    """The cleaning log of the files loaded from the cache (`used`: entry, write, in article order), in article
    order, then line order."""
    parts = []
    for write in pc.unique(used["write"]).to_pylist():
        log = pq.read_table(folder / f"log-{write}.parquet", schema=LOG)
        mine = used.filter(pc.equal(used["write"], write))["entry"]
        parts.append(log.filter(pc.is_in(log["entry"], value_set=mine)))
    if not parts or not sum(len(t) for t in parts):
        return pd.DataFrame(columns=LOG_COLUMNS)
    log = pa.concat_tables(parts)
    log = log.append_column("position", pc.index_in(log["entry"], value_set=used["entry"]))
    frame = log.sort_by([("position", "ascending"), ("line_no", "ascending")]).select(LOG_COLUMNS).to_pandas()
    memory.trim()  # what the reads took, back to the system
    return frame


def _articles(paths: list[Path], manifest: dict[str, dict[str, str]], problems: list, max_bytes: int,
              texts: bool, facts: pa.Table | None, new: list[tuple[dict, list]]
              ) -> Iterator[tuple[dict, list | None, str | None, str | None]]:
    """(article row, cleaning-log rows, cache entry, write) of each loadable file, in the order of `paths`;
    problems are appended to `problems`. With cached `facts`, a file found there is not read (its log rows are
    None, `write` names the load that cached it); the facts of each file read are appended to `new`."""
    seen: dict[str, str] = {}
    for i in range(0, len(paths), CHUNK):
        group = paths[i:i + CHUNK]
        # a file over the size limit is read, so it is refused whatever a load with a higher limit cached
        entries = {} if facts is None else {p: _entry(p, st) for p in group if (st := p.stat()).st_size <= max_bytes}
        cached = _lookup(facts, list(entries.values())) if entries else {}
        for path in group:
            if path.stem in seen:
                problems.append((str(path), "error", f"article id '{path.stem}' already used by {seen[path.stem]}; skipped"))
                continue
            entry = entries.get(path)
            found, log = cached.get(entry), None
            if found is None:
                try:
                    found, log = file_facts(read_text(path, max_bytes), path.stem)
                except ValueError as e:
                    problems.append((str(path), "error", str(e)))
                    continue
                if entry:
                    new.append(({"entry": entry, **{k: v for k, v in found.items() if k not in TEXT_COLUMNS}}, log))
            seen[path.stem] = path.name
            if not found["vietnamese"]:
                problems.append((str(path), "warning", "text does not look Vietnamese (few Vietnamese diacritics)"))
            row = article_row(path.stem, path.name, found, manifest.get(path.name))
            yield (row if texts else {k: v for k, v in row.items() if k not in TEXT_COLUMNS}), log, entry, \
                found.get("write")  # only cached facts name a write


def load_corpus(folder: str | Path, max_bytes: int = MAX_BYTES, texts: bool = True,
                cache_dir: str | Path | None = None) -> Corpus:
    """Load every .txt/.md article in `folder` (`article_files`: no hidden file, no link leaving the folder),
    after finishing an import that was interrupted there (`journal.recover`); problems are collected, not raised. Without `texts` the
    articles table holds metadata only (each text is read, cleaned, hashed and dropped). Rows become typed
    frames every CHUNK articles, so the loading process never holds the whole corpus as Python objects.

    With `cache_dir` and without `texts`, what each file gave (`file_facts` without the texts, and its
    cleaning log) is kept under `cache_dir/files/`, keyed by the file's name, size, times and inode: a file
    unchanged since a load that cached it is not read again (its manifest row still applies), and the
    cleaning log is read from the cache when first asked for."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder of articles")
    problems = recover(folder)
    manifest, manifest_problems = read_manifest(folder)
    problems += manifest_problems
    paths = article_files(folder, problems)
    cache_dir = usable(cache_dir) if not texts else None
    facts_dir = _facts_dir(cache_dir) if cache_dir else None
    new: list[tuple[dict, list]] = []
    articles, logs, used = [], [], []
    loaded = _articles(paths, manifest, problems, max_bytes, texts, _read_facts(facts_dir) if facts_dir else None,
                       new)
    while chunk := list(islice(loaded, CHUNK)):
        articles.append(articles_frame([row for row, *_ in chunk], texts))
        memory.trim()  # what the chunk's rows took, before the next one
        if facts_dir:  # new files are cached as they are read, so their facts and logs are never all held
            write = _write_facts(facts_dir, new) if new else None
            new.clear()
            used.append(pa.table({"entry": [entry for *_, entry, _ in chunk],
                                  "write": [cached or write for *_, cached in chunk]}))
        else:
            logs.append(pd.DataFrame([line for _, log, *_ in chunk for line in log], columns=LOG_COLUMNS))
    articles = pd.concat(articles, ignore_index=True) if articles else articles_frame([], texts)
    problems = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    if facts_dir:  # the log stays in the cache until asked for
        return Corpus(articles, problems, partial(_read_log, facts_dir, pa.concat_tables(used) if used else
                                                  pa.table({"entry": pa.array([], pa.string()),
                                                            "write": pa.array([], pa.string())})))
    logs = [log for log in logs if not log.empty]  # an empty frame's object columns would untype the others
    return Corpus(articles, problems, pd.concat(logs, ignore_index=True) if logs else pd.DataFrame(columns=LOG_COLUMNS))
