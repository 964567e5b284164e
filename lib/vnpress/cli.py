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
    """Load the corpus, print the subcommand's table (a DataFrame, or a (table, problems) pair); exit code 1 if
    an article failed to load or an input had an error."""
    wb = _load(args)
    failed = report_problems(wb.problems)
    table = args.table(wb, args)
    if isinstance(table, tuple):  # (table, problems with other inputs, e.g. codes)
        table, problems = table
        failed = report_problems(problems) or failed
    emit(table, args.format)
    return 1 if failed else 0


def _load(args: argparse.Namespace):
    """The corpus as a lazy workbook: analyses read the cache, the token table loads only if a command uses it."""
    from .pipeline import load

    return load(args.dir, cache_dir=args.cache or None, workers=args.workers or None, max_bytes=args.max_bytes,
                engine=args.engine, scheduler=args.scheduler, lazy=True)


def _corpus_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .overview import article_table

    return article_table(wb)


def progress_line(nb: dict) -> str:
    """One line per notebook: name, status, duration (or the run it was reused from)."""
    done = f"reused from {nb['reused_from']}" if nb["reused_from"] else f"{nb['duration_s']:6.1f} s"
    return f"{nb['notebook']:<28} {nb['status']:<7} {done}"


def _cmd_run(args: argparse.Namespace) -> int:
    from .runner import run

    try:
        result = run(corpus_dir=args.corpus, out_root=args.out, params=args.param, only=args.only,
                     show_code=args.show_code, force=args.force, jobs=args.jobs or None,
                     progress=lambda nb: print(progress_line(nb), flush=True))
    except OSError as e:  # e.g. a full disk while writing the run's index: `latest` still names the last run
        print(f"error: {args.out}: the run could not be written: {e}", file=sys.stderr)
        return 1
    report_problems(result.problems)
    for nb in result.notebooks:
        if nb["status"] != "ok":
            print(f"error: notebook {nb['notebook']} failed: {nb['error']} "
                  f"(kernel log: {result.run_dir / 'logs' / (nb['notebook'] + '.log')})", file=sys.stderr)
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
    from .analyses import actor_mentions

    mentions = actor_mentions(wb)  # a country with a statement or act is an actor
    return mentions[["article_id", "sentence_id", "iso", "name", "surface", "role", "sentence"]]


def _statements_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    return wb.analysis("statements")[["article_id", "sentence_id", "speaker", "title", "affiliation", "iso", "kind",
                                      "verb", "content"]]


def _coded(wb, args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Machine labels per (article, actor), the codes in DIR/codes/ and their problems."""
    from .coding import read_codes

    by_article = wb.analysis("stance")
    codes, problems = read_codes(args.dir, by_article["iso"])
    return by_article, codes, problems


def _stance_table(wb, args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .coding import APPLIED_EXTRA, aggregate, apply_codes

    by_article, codes, problems = _coded(wb, args)
    applied = apply_codes(by_article, codes)
    if args.by == "article":
        columns = ["article_id", "iso", "name", "actor_type", "stance", "confidence", "frames", "cues", "evidence"]
        return applied[columns + APPLIED_EXTRA], problems
    return aggregate(applied, args.by)[["iso", "name", "articles", "stance", "frames", "evidence", "sources"]], problems


def _agreement_table(wb, args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .coding import agreement

    by_article, codes, problems = _coded(wb, args)
    if codes.empty:
        hint = ("warning", "no coded rows yet: fill a sheet from `vnpress code` and save it here as CSV UTF-8")
        problems = pd.concat([problems, pd.DataFrame([(f"{args.dir}/codes", *hint)], columns=problems.columns)])
    return agreement(by_article, codes), problems


def _cmd_code(args: argparse.Namespace) -> int:
    """Write a coding sheet (to --out with a BOM, else CSV to stdout); exit code 1 if an article failed to load."""
    from .coding import coding_sheet, write_sheet

    wb = _load(args)
    failed = report_problems(wb.problems)
    units = wb.analysis("statements" if args.by == "statement" else "stance")
    sheet = coding_sheet(units, n=args.sample, seed=args.seed)
    if args.out:
        print(write_sheet(sheet, args.out))
    else:
        sheet.to_csv(sys.stdout, index=False)
    return 1 if failed else 0


def _timeline_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .timeline import anchor_to_corpus, merge_events

    dates = anchor_to_corpus(wb.analysis("dates"))
    if args.merge:
        return merge_events(dates)[["value", "granularity", "event", "sources", "articles", "conflict",
                                    "anchored_from"]]
    return dates[["article_id", "sentence_id", "value", "granularity", "surface", "anchor", "event", "sentence"]]


def _terms_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .terms import frequencies

    return frequencies(wb, by=args.by, top=args.top, pos=args.pos, level=args.level)


def _kwic_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    from .terms import kwic

    return kwic(wb, args.term, window=args.window)


def _table_command(sub, name: str, table, help: str) -> argparse.ArgumentParser:
    """A subcommand that loads a corpus folder and prints `table(wb, args)`."""
    p = _corpus_command(sub, name, help)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_run_table, table=table)
    return p


def _corpus_command(sub, name: str, help: str) -> argparse.ArgumentParser:
    """A subcommand on a corpus folder, with the loading options."""
    p = sub.add_parser(name, help=help)
    p.add_argument("dir", help="corpus folder")
    p.add_argument("--cache", default="outputs/cache", help="cache folder ('' for none)")
    p.add_argument("--workers", type=int, default=0, help="worker processes (0: all cores)")
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="refuse article files larger than this")
    p.add_argument("--engine", choices=ENGINES, default="local", help="processing engine")
    p.add_argument("--scheduler", default="", help="Dask scheduler address (with --engine dask)")
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
    p.add_argument("--jobs", type=int, default=0, help="notebooks run at a time (0: the number of cores)")
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
    p = _corpus_command(sub, "code", "write a coding sheet: a sample of machine labels for researchers to code")
    p.add_argument("--sample", type=int, default=None, help="rows to draw (default: all)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the sample")
    p.add_argument("--by", choices=("article", "statement"), default="article", help="one row per article "
                   "and actor, or per statement")
    p.add_argument("--out", default="", help="sheet file (CSV, UTF-8 with BOM); default: CSV on stdout")
    p.set_defaults(func=_cmd_code)
    _table_command(sub, "agreement", _agreement_table, "machine vs coded labels and between coders (DIR/codes/*.csv)")
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
