"""The `vnpress` command line: one subcommand per analysis, tables on stdout.

Every table subcommand takes a corpus folder and `--format table|csv|json`;
problems with the input go to stderr, one line each.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from vnpress.analyses.coverage import coverage_table, undated_articles, undated_note
from vnpress.analyses.dates.anchoring import anchor_to_corpus
from vnpress.analyses.overview import article_table
from vnpress.analyses.stance import with_group
from vnpress.analyses.statements import actor_mentions
from vnpress.analyses.stories import counted, stories
from vnpress.analyses.terms import frequencies, keyness, kwic, term_trends
from vnpress.analyses.timeline import merge_events
from vnpress.analyses.topics import topic_shares, topic_terms
from vnpress.corpus.importer import add, parse_columns
from vnpress.corpus.journal import read_manifest_rows, recover
from vnpress.corpus.reader import MAX_BYTES, PROBLEM_COLUMNS
from vnpress.data import labels, pos_tags
from vnpress.processing.pipeline import ENGINES
from vnpress.processing.workbook import load
from vnpress.reports.runner import run
from vnpress.util.csvio import write_csv
from vnpress.util.textnorm import plain
from vnpress.validation import learn
from vnpress.validation.coding import (
    APPLIED_EXTRA,
    ORDERS,
    aggregate,
    agreement,
    apply_codes,
    coded_stance,
    coding_sheet,
    overwrite_refusal,
    read_codes,
    statement_units,
    write_sheet,
)

FORMATS = ("table", "csv", "json")


def emit(df: pd.DataFrame, fmt: str) -> None:
    """Print `df` as an aligned table, CSV (formula-safe, no BOM: `csvio.write_csv`) or JSON records."""
    if fmt == "csv":
        write_csv(df, sys.stdout)
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
    """Check the subcommand's arguments, load the corpus, print the subcommand's table (a DataFrame, or a
    (table, problems) pair); exit code 1 if an article failed to load or an input had an error."""
    args.check(args)
    wb = _load(args)
    failed = report_problems(wb.problems)
    if getattr(args, "stories_once", False):
        wb = _one_per_story(wb)
    table = args.table(wb, args)
    if isinstance(table, tuple):  # (table, problems with other inputs, e.g. codes)
        table, problems = table
        failed = report_problems(problems) or failed
    emit(table, args.format)
    return 1 if failed else 0


def _load(args: argparse.Namespace):
    """The corpus as a lazy workbook: analyses read the cache, the token table loads only if a command uses it."""
    return load(args.dir, cache_dir=args.cache or None, workers=args.workers or None, max_bytes=args.max_bytes,
                engine=args.engine, scheduler=args.scheduler, lazy=True, profile=args.profile or None)


def _one_per_story(wb):
    """The workbook restricted to one article per syndicated story (`--stories-once`), saying so on stderr."""
    kept, note = counted(wb, True)
    print(f"note: {note}", file=sys.stderr)
    return kept


def _corpus_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    return article_table(wb)


def progress_line(nb: dict) -> str:
    """One line per notebook: name, status, duration (or the run it was reused from)."""
    done = f"reused from {nb['reused_from']}" if nb["reused_from"] else f"{nb['duration_s']:6.1f} s"
    return f"{nb['notebook']:<28} {nb['status']:<7} {done}"


def _cmd_run(args: argparse.Namespace) -> int:
    try:
        params = args.param + ([["profile", args.profile]] if args.profile else [])
        result = run(corpus_dir=args.corpus, out_root=args.out, params=params, only=args.only,
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
    """Import; one line per refused, duplicate or noted article, per interrupted import finished first and per
    problem in the manifest (which `add` rewrites). A corpus that cannot be written is one line, exit code 2."""
    corpus = Path(args.corpus)
    try:
        if corpus.is_dir():
            for where, level, problem in recover(corpus, wait=True) + read_manifest_rows(corpus)[2]:
                print(f"{level}: {where}: {problem}", file=sys.stderr)
        result = add(args.paths, corpus, outlet=args.outlet, published=args.published,
                     text_column=args.text_column, columns=parse_columns(args.columns), max_bytes=args.max_bytes)
    except OSError as e:
        where = f" ({e.filename})" if e.filename else ""
        print(f"error: {corpus}: {e.strerror or e}{where}; nothing was imported", file=sys.stderr)
        return 2
    emit(result, args.format)
    for row in result.itertuples(index=False):
        if row.status in ("refused", "duplicate", "near_duplicate") or row.detail:
            level = "error" if row.status == "refused" else "warning"
            print(f"{level}: {row.source}: {row.status}: {row.detail}", file=sys.stderr)
    return 1 if (result["status"] == "refused").any() else 0


def _countries_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    mentions = actor_mentions(wb)  # a country with a statement or act is an actor
    return mentions[["article_id", "sentence_id", "iso", "name", "surface", "role", "sentence"]]


def _statements_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    return wb.analysis("statements")[["article_id", "sentence_id", "speaker", "title", "affiliation", "iso", "kind",
                                      "verb", "content"]]


def _stance_table(wb, args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    by_article, codes, problems = coded_stance(wb, args.dir)
    applied = apply_codes(by_article, codes)
    group = ["group"] if args.group else []
    if args.by == "article":
        columns = ["article_id", "iso", "name", "actor_type", "stance", "confidence", "uncertain", "rule_stance",
                   "frames", "cues", "evidence"]
        applied = with_group(applied, wb.articles, args.group) if args.group else applied
        return applied[group + columns + APPLIED_EXTRA], problems
    table = aggregate(applied, args.by, group=args.group, articles=wb.articles)
    return table[group + ["iso", "name", "articles", "stance", "frames", "evidence", "sources"]], problems


def _agreement_table(wb, args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    by_article, codes, problems = coded_stance(wb, args.dir)
    if codes.empty:
        hint = ("warning", "no coded rows yet: fill a sheet from `vnpress code` and save it here as CSV UTF-8")
        problems = pd.concat([problems, pd.DataFrame([(f"{args.dir}/codes", *hint)], columns=problems.columns)])
    return pd.concat([agreement(by_article, codes), learn.model_cv_table(learn.coded_rows(wb, codes))], ignore_index=True), problems


def _cmd_learn(args: argparse.Namespace) -> int:
    """Re-fit the stance decision with DIR/codes/ added to the shipped training rows; save it as
    DIR/model/stance_model.json (every command on DIR uses it until the file is removed)."""
    wb = _load(args)
    failed = report_problems(wb.problems)
    before = wb.analysis("stance")
    codes, problems = read_codes(args.dir, before["iso"])
    failed = report_problems(problems) or failed
    rows = learn.coded_rows(wb, codes)
    if rows.empty:
        print(f"error: {args.dir}/codes: no coded (article, actor) rows the machine has as candidates; code a sheet "
              "from `vnpress code` first", file=sys.stderr)
        return 1
    model = learn.refit_with_codes(rows)
    path = learn.save(model, learn.corpus_model_path(args.dir))
    after = wb.analysis("stance")
    key = ["article_id", "iso"]
    both = before[key + ["stance"]].merge(after[key + ["stance"]], on=key, how="outer", suffixes=("_before", ""))
    changed = int((both["stance_before"].fillna("(none)") != both["stance"].fillna("(none)")).sum())
    c = model["codes"]
    cv = (f"cross-validated over the coded rows: accuracy {c['model_cv_accuracy']}, macro-F1 {c['model_cv_macro_f1']}"
          if c["model_cv_accuracy"] is not None else "too few coded articles to cross-validate")
    print(f"learned from {c['rows']} coded rows in {c['articles']} articles (weight {c['weight']}); {cv}; "
          f"{changed} (article, actor) labels changed, {int(after['uncertain'].sum())} uncertain")
    print(f"saved {path} (used by every command on {args.dir}; remove it to return to the shipped model)")
    return 1 if failed else 0


def _code_sheet(args: argparse.Namespace) -> tuple[pd.DataFrame, bool]:
    """The coding sheet of `vnpress code`, and whether an article failed to load."""
    wb = _load(args)
    failed = report_problems(wb.problems)
    units = statement_units(wb.analysis("statements")) if args.by == "statement" else wb.analysis("stance")
    return coding_sheet(units, n=args.sample, seed=args.seed, order=args.order), failed


def _cmd_code(args: argparse.Namespace) -> int:
    """Write a coding sheet (to --out: whole or not at all, UTF-8 with BOM, never over a coder's cells without
    --force; else CSV to stdout); exit code 1 if the sheet is refused or not written, or an article failed to
    load."""
    refusal = "" if args.force or not args.out else overwrite_refusal(args.out)
    if refusal:
        print(f"error: {args.out}: {refusal}", file=sys.stderr)
        return 1
    try:
        sheet, failed = _code_sheet(args)
    except FileNotFoundError:
        raise  # `main` names the missing file
    except OSError as e:  # e.g. a full disk under the cache folder
        print(f"error: {e.filename or args.dir}: cannot process the corpus: {e.strerror or e}; no sheet written",
              file=sys.stderr)
        return 1
    written = None
    try:
        if args.out:
            written = write_sheet(sheet, args.out)
        else:
            write_csv(sheet, sys.stdout)
            sys.stdout.flush()
    except OSError as e:
        kept = "; the file is unchanged" if args.out else ""
        print(f"error: {args.out or '<stdout>'}: cannot write the sheet: {e.strerror or e}{kept}", file=sys.stderr)
        return 1
    if written:
        print(written)
    return 1 if failed else 0


def _timeline_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    dates = anchor_to_corpus(wb.analysis("dates"))
    if args.merge:
        return merge_events(dates)[["value", "granularity", "event", "sources", "articles", "conflict",
                                    "anchored_from"]]
    return dates[["article_id", "sentence_id", "value", "granularity", "surface", "anchor", "event", "sentence"]]


def _stories_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    return stories(wb, threshold=args.threshold)


def _check_stories(args: argparse.Namespace) -> None:
    """A --threshold above 0 and at most 1, before the corpus is loaded; ValueError (one line) if not."""
    if not 0 < args.threshold <= 1:
        raise ValueError(f"--threshold must be a similarity above 0 and at most 1, got {args.threshold}")


def _stories_once(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stories-once", action="store_true",
                   help="count each syndicated story once (its earliest article; see `vnpress stories`)")


def _coverage_table(wb, args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles per period (and group), and one line saying how many articles are undated and not counted."""
    level = "warning" if undated_articles(wb) else "note"
    note = pd.DataFrame([(str(args.dir), level, undated_note(wb))], columns=PROBLEM_COLUMNS)
    return coverage_table(wb, by=args.by, group=args.group), note


def _no_check(args: argparse.Namespace) -> None:
    """Arguments that argparse checked are all there is to check."""


def _check_top_and_pos(args: argparse.Namespace) -> None:
    """A positive --top and known --pos tags, before the corpus is loaded; ValueError (one line) if not."""
    if args.top < 1:
        raise ValueError(f"--top must be a positive number of terms, got {args.top}")
    try:
        pos_tags(args.pos)
    except ValueError as e:
        raise ValueError(f"--pos: {e}") from None


def _check_terms(args: argparse.Namespace) -> None:
    """`_check_top_and_pos`, and --trend, --keyness, --min-freq and --by that go together; ValueError if not."""
    _check_top_and_pos(args)
    if args.trend is not None and not args.trend.replace(",", " ").split():
        raise ValueError("--trend: give one or more terms, comma-separated")
    if args.trend is not None and args.by not in (None, "month", "week"):
        raise ValueError(f"--trend counts terms by month or week, not by {args.by}")
    if args.keyness is not None and (args.trend is not None or args.by):
        raise ValueError("--keyness compares the target with the rest: no --trend or --by with it")
    if args.min_freq < 1:
        raise ValueError(f"--min-freq must be a positive number, got {args.min_freq}")
    if args.trend is None and args.by == "week":
        raise ValueError("--by week needs --trend TERMS (term frequencies group by article, outlet, outlet_type "
                         "or month)")


def _check_kwic(args: argparse.Namespace) -> None:
    """A query with a word and a --window of 0 or more, before the corpus is loaded; ValueError if not."""
    if not args.term.split():
        raise ValueError("kwic: the query is empty")
    if args.window < 0:
        raise ValueError(f"--window must be 0 or more tokens, got {args.window}")


def _terms_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    """Term frequencies; with --trend the terms' counts per month or week (`terms.term_trends`); with --keyness
    the keyness of a target group against the rest (`terms.keyness`)."""
    if args.trend:
        return term_trends(wb, args.trend, by=args.by or "month")
    if args.keyness is not None:
        return keyness(wb, args.keyness, min_freq=args.min_freq, pos=args.pos, level=args.level).head(args.top)
    return frequencies(wb, by=args.by, top=args.top, pos=args.pos, level=args.level)


def _kwic_table(wb, args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The concordance, and a warning when the query occurs nowhere."""
    table = kwic(wb, args.term, window=args.window)
    none = [(str(args.dir), "warning", f"no occurrence of {args.term!r} (case and diacritics ignored)")]
    return table, pd.DataFrame(none if table.empty else [], columns=PROBLEM_COLUMNS)


def _check_topics(args: argparse.Namespace) -> None:
    """--k of 2 or more, a --seed of 0 or more, a positive --top and known --pos tags, before the corpus is
    loaded (--k at most the number of articles is checked once it is); ValueError (one line) if not."""
    if args.k < 2:
        raise ValueError(f"--k must be 2 or more topics, got {args.k}")
    if args.seed < 0:
        raise ValueError(f"--seed must be 0 or more, got {args.seed}")
    _check_top_and_pos(args)


def _topics_table(wb, args: argparse.Namespace) -> pd.DataFrame:
    if args.by == "article":
        return topic_shares(wb, args.k, seed=args.seed, pos=args.pos)
    return topic_terms(wb, args.k, top=args.top, seed=args.seed, pos=args.pos)[["topic", "term", "weight"]]


def _table_command(sub, name: str, table, help: str) -> argparse.ArgumentParser:
    """A subcommand that loads a corpus folder and prints `table(wb, args)`."""
    p = _corpus_command(sub, name, help)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_run_table, table=table, check=_no_check)
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
    p.add_argument("--profile", default="", help="topic profile: a shipped name (unclos, tpnw, cptpp, who_pandemic) "
                   "or a .yaml path; default: the Convention against Cybercrime (docs/profiles.md)")
    return p


def _terms_command(sub) -> None:
    """`vnpress terms`: frequencies (--by), term trends (--trend) or keyness (--keyness)."""
    p = _table_command(sub, "terms", _terms_table, "term frequencies on segmented words")
    p.add_argument("--top", type=int, default=50, help="terms per group (positive)")
    p.add_argument("--pos", default=None, help="keep only these POS tags, e.g. N,V,Np (case-sensitive)")
    p.add_argument("--by", choices=("article", "outlet", "outlet_type", "month", "week"), default=None,
                   help="group frequencies (week: only with --trend)")
    p.add_argument("--level", choices=("word", "syllable"), default="word")
    p.add_argument("--trend", default=None, metavar="TERMS", help="comma-separated terms: their count and count "
                   "per 10,000 words in each month (or --by week) of publication: period,term,count,per_10k")
    p.add_argument("--keyness", default=None, metavar="TARGET", help="keyness of a target group against the rest "
                   "(outlet=NAME, outlet_type=TYPE[,TYPE], before=|after=YYYY-MM-DD, articles=ID,ID; '' the earlier "
                   "half by date): term,target_count,reference_count,target_per_10k,reference_per_10k,g2,log_ratio,"
                   "p_value, the --top terms by G²")
    p.add_argument("--min-freq", type=int, default=2, help="least count of a keyness term (both groups together)")
    _stories_once(p)
    p.set_defaults(check=_check_terms)


def _run_command(sub) -> None:
    """`vnpress run`: execute the notebooks into HTML reports."""
    p = sub.add_parser("run", help="execute the notebooks into HTML reports")
    p.add_argument("--corpus", default="corpus", help="corpus folder")
    p.add_argument("--out", default="outputs", help="output root (runs go to OUT/runs/<timestamp>)")
    p.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="notebook parameter (repeatable)")
    p.add_argument("--only", nargs="+", default=None, metavar="NOTEBOOK", help="run only these notebooks")
    p.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    p.add_argument("--force", action="store_true", help="execute every notebook even if its inputs are unchanged")
    p.add_argument("--jobs", type=int, default=0, help="notebooks run at a time (0: the number of cores)")
    p.add_argument("--profile", default="", help="topic profile of every notebook (same as -p profile NAME|PATH)")
    p.set_defaults(func=_cmd_run)


def _add_command(sub) -> None:
    """`vnpress add`: import articles into a corpus folder."""
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


def _actor_commands(sub) -> None:
    """`vnpress countries`, `statements`, `stance`: who acts or speaks, and the stance the press attributes."""
    _table_command(sub, "countries", _countries_table, "one row per country mention, with its role and sentence")
    _table_command(sub, "statements", _statements_table, "one row per statement or act: speaker, affiliation, content")
    p = _table_command(sub, "stance", _stance_table, "stance and frames per actor country, with evidence")
    p.add_argument("--by", choices=("country", "article", "organization"), default="country")
    p.add_argument("--group", choices=("outlet_type", "outlet"), default=None,
                   help="compare groups of articles: each actor's stance and frames as each outlet type (or outlet) "
                   "reports it, column `group` first ('unknown' when not known)")
    _stories_once(p)


def _word_commands(sub) -> None:
    """`vnpress terms`, `topics`, `kwic`: what the coverage talks about."""
    _terms_command(sub)
    p = _table_command(sub, "topics", _topics_table, "topics (NMF) of content words: each topic's top words, or "
                       "each article's topic shares")
    p.add_argument("--k", type=int, required=True, help="number of topics (2 to the number of articles)")
    p.add_argument("--top", type=int, default=10, help="words per topic (positive)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the fit (same seed, same topics)")
    p.add_argument("--by", choices=("topic", "article"), default="topic", help="topic: topic,term,weight; "
                   "article: article_id,topic,share")
    p.add_argument("--pos", default="N,Np,V,A", help="POS tags of the words fitted (default: content words)")
    p.set_defaults(check=_check_topics)
    p = _table_command(sub, "kwic", _kwic_table, "keyword in context")
    example = labels()["cli"]["kwic_example"]
    p.add_argument("term", help=f"word or phrase (case and diacritics ignored: '{plain(example)}' finds '{example}')")
    p.add_argument("--window", type=int, default=5, help="tokens of context on each side")
    p.set_defaults(check=_check_kwic)


def _time_commands(sub) -> None:
    """`vnpress timeline`, `stories`, `coverage`: dated events, syndicated stories, coverage over time."""
    p = _table_command(sub, "timeline", _timeline_table, "one row per date expression, resolved to a calendar date")
    p.add_argument("--merge", action="store_true", help="one row per event merged across articles")
    p = _table_command(sub, "stories", _stories_table, "syndicated stories: near-duplicate articles grouped "
                       "(MinHash over word shingles)")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="least estimated Jaccard similarity of two copies of a story (above 0, at most 1)")
    p.set_defaults(check=_check_stories)
    p = _table_command(sub, "coverage", _coverage_table, "articles per week or month, by outlet or outlet type")
    p.add_argument("--by", choices=("week", "month"), default="week", help="period: ISO week (Monday) or month")
    p.add_argument("--group", choices=("outlet", "outlet_type"), default=None, help="one row per period and group")
    _stories_once(p)


def _coding_commands(sub) -> None:
    """`vnpress code` and `agreement`: coding sheets and how the machine agrees with coders."""
    p = _corpus_command(sub, "code", "write a coding sheet: a sample of machine labels for researchers to code")
    p.add_argument("--sample", type=int, default=None, help="rows to draw (default: all)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the sample")
    p.add_argument("--order", choices=ORDERS, default="uncertain", help="uncertain: the least certain labels "
                   "first (coding them teaches `vnpress learn` most); stratified: every label and actor type "
                   "in the sample; random")
    p.add_argument("--by", choices=("article", "statement"), default="article", help="one row per article "
                   "and actor, or per statement")
    p.add_argument("--out", default="", help="sheet file (CSV, UTF-8 with BOM); default: CSV on stdout")
    p.add_argument("--force", action="store_true", help="overwrite an --out sheet that has coded cells")
    p.set_defaults(func=_cmd_code)
    _table_command(sub, "agreement", _agreement_table, "machine vs coded labels and between coders (DIR/codes/*.csv)")
    p = _corpus_command(sub, "learn", "re-fit the stance decision with DIR/codes/ added to its training rows; saved "
                        "as DIR/model/stance_model.json")
    p.set_defaults(func=_cmd_learn)


def parser() -> argparse.ArgumentParser:
    """The `vnpress` command line, one subcommand per table (see each group's function)."""
    ap = argparse.ArgumentParser(prog="vnpress", description="Vietnamese press research workbook")
    sub = ap.add_subparsers(dest="command", required=True)
    _table_command(sub, "corpus", _corpus_table, "one row per article: metadata, size, removed lines")
    for group in (_run_command, _add_command, _actor_commands, _word_commands, _time_commands, _coding_commands):
        group(sub)
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
    except OSError as e:  # a full disk, a folder that cannot be written...: one line, no traceback
        print(f"error: {e.filename or args.command}: {e.strerror or e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
