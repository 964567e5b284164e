"""The `vnpress` command line: one subcommand per analysis, tables on stdout.

Every table subcommand takes a corpus folder and `--format table|csv|json`;
problems with the input go to stderr, one line each.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from .corpus import MAX_BYTES
from .pipeline import ENGINES

FORMATS = ("table", "csv", "json")


def emit(df: pd.DataFrame, fmt: str) -> None:
    """Print `df` as an aligned table, CSV or JSON records."""
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, date_format="iso") + "\n")
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                               "display.max_colwidth", 80):
            sys.stdout.write(df.to_string(index=False) + "\n")


def report_problems(problems: pd.DataFrame) -> bool:
    """Print each problem to stderr; True if any is an error."""
    for row in problems.itertuples(index=False):
        print(f"{row.level}: {row.file}: {row.problem}", file=sys.stderr)
    return bool((problems["level"] == "error").any())


def _run_table(args: argparse.Namespace) -> int:
    """Load the corpus, print the subcommand's table; exit code 1 if an article failed to load."""
    from .pipeline import load

    wb = load(args.dir, cache_dir=args.cache or None, workers=args.workers or None, max_bytes=args.max_bytes,
              engine=args.engine, scheduler=args.scheduler)
    failed = report_problems(wb.problems)
    emit(args.table(wb, args), args.format)
    return 1 if failed else 0


def _corpus_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .overview import article_table

    return article_table(wb)


def _cmd_run(args: argparse.Namespace) -> int:
    from .runner import run

    result = run(corpus_dir=args.corpus, out_root=args.out, params=args.param, only=args.only,
                 show_code=args.show_code, force=args.force)
    report_problems(result.problems)
    for nb in result.notebooks:
        if nb["status"] != "ok":
            print(f"error: notebook {nb['notebook']} failed: {nb['error']}", file=sys.stderr)
    print(result.index)
    return 0 if result.ok else 1


def _cmd_add(args: argparse.Namespace) -> int:
    from .importer import add, parse_columns

    result = add(args.paths, args.corpus, outlet=args.outlet, published=args.published,
                 text_column=args.text_column, columns=parse_columns(args.columns), max_bytes=args.max_bytes)
    emit(result, args.format)
    for row in result.itertuples(index=False):
        if row.status in ("refused", "duplicate", "near_duplicate"):
            level = "error" if row.status == "refused" else "warning"
            print(f"{level}: {row.source}: {row.status}: {row.detail}", file=sys.stderr)
    return 1 if (result["status"] == "refused").any() else 0


def _countries_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .countries import find_mentions
    from .statements import extract, mark_actors

    mentions = find_mentions(wb)
    mentions = mark_actors(mentions, extract(wb, mentions))  # a country with a statement or act is an actor
    return mentions[["article_id", "sentence_id", "iso", "name", "surface", "role", "sentence"]]


def _statements_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .statements import extract

    return extract(wb)[["article_id", "sentence_id", "speaker", "title", "affiliation", "iso", "kind", "verb",
                        "content"]]


def _stance_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .stance import stance_by_article, stance_by_country, stance_by_organization

    by_article = stance_by_article(wb)
    if args.by == "article":
        return by_article[["article_id", "iso", "name", "stance", "confidence", "frames", "cues", "evidence"]]
    if args.by == "organization":
        return stance_by_organization(by_article)[["iso", "name", "articles", "stance", "frames", "evidence"]]
    return stance_by_country(by_article)[["iso", "name", "articles", "stance", "frames", "evidence"]]


def _timeline_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .timeline import merge_events, timeline

    dates = timeline(wb)
    if args.merge:
        return merge_events(dates)[["value", "granularity", "event", "sources", "articles", "conflict"]]
    return dates[["article_id", "sentence_id", "value", "granularity", "surface", "anchor", "event", "sentence"]]


def _terms_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .terms import frequencies

    return frequencies(wb, by=args.by, top=args.top, pos=args.pos, level=args.level)


def _kwic_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .terms import kwic

    return kwic(wb, args.term, window=args.window)


def _table_command(sub, name: str, table, help: str) -> argparse.ArgumentParser:
    """A subcommand that loads a corpus folder and prints `table(wb, args)`."""
    p = sub.add_parser(name, help=help)
    p.add_argument("dir", help="corpus folder")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--cache", default="outputs/cache", help="cache folder ('' for none)")
    p.add_argument("--workers", type=int, default=0, help="worker processes (0: all cores)")
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="refuse article files larger than this")
    p.add_argument("--engine", choices=ENGINES, default="local", help="processing engine")
    p.add_argument("--scheduler", default="", help="Dask scheduler address (with --engine dask)")
    p.set_defaults(func=_run_table, table=table)
    return p


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vnpress", description="Vietnamese press research workbook")
    sub = ap.add_subparsers(dest="command", required=True)

    _table_command(sub, "corpus", _corpus_table, "one row per article: metadata, size, removed lines")

    p = sub.add_parser("run", help="execute the notebooks into HTML reports")
    p.add_argument("--corpus", default="corpus", help="corpus folder")
    p.add_argument("--out", default="outputs", help="output root (runs go to OUT/runs/<timestamp>)")
    p.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="notebook parameter (repeatable)")
    p.add_argument("--only", nargs="+", default=None, metavar="NOTEBOOK", help="run only these notebooks")
    p.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    p.add_argument("--force", action="store_true", help="execute every notebook even if its inputs are unchanged")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("add", help="import articles (.txt, .md, .html, .jsonl, .csv) into a corpus folder")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--corpus", default="corpus", help="corpus folder to import into")
    p.add_argument("--outlet", default=None, help="outlet of every imported article")
    p.add_argument("--published", default=None, help="publication date (YYYY-MM-DD) of every imported article")
    p.add_argument("--text-column", default="text", help="text column of .jsonl/.csv collections")
    p.add_argument("--columns", default=None, help="metadata columns of collections, e.g. title=headline,url=link")
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="refuse files larger than this")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_add)

    # analysis subcommands register below, one block each
    _table_command(sub, "countries", _countries_table, "one row per country mention, with its role and sentence")
    _table_command(sub, "statements", _statements_table, "one row per statement or act: speaker, affiliation, content")
    p = _table_command(sub, "stance", _stance_table, "stance and frames per actor country, with evidence")
    p.add_argument("--by", choices=("country", "article", "organization"), default="country")
    p = _table_command(sub, "terms", _terms_table, "term frequencies on segmented words")
    p.add_argument("--top", type=int, default=50, help="terms per group")
    p.add_argument("--pos", default=None, help="keep only these POS tags, e.g. N,V,Np")
    p.add_argument("--by", choices=("article", "outlet", "month"), default=None)
    p.add_argument("--level", choices=("word", "syllable"), default="word")
    p = _table_command(sub, "kwic", _kwic_table, "keyword in context")
    p.add_argument("term", help="word or phrase (case and tone marks ignored)")
    p.add_argument("--window", type=int, default=5, help="tokens of context on each side")
    p = _table_command(sub, "timeline", _timeline_table, "one row per date expression, resolved to a calendar date")
    p.add_argument("--merge", action="store_true", help="one row per event merged across articles")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
