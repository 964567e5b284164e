"""Save every table the CLI prints and the notebooks save for one corpus, or compare two such snapshots.

python bench/snapshot_tables.py save --corpus corpus --out /tmp/before [--notebooks]
python bench/snapshot_tables.py compare /tmp/before /tmp/after

`save` runs each table command of `vnpress` (as the README documents them) with `--format csv` and writes its
output as `cli/<name>.csv`; with `--notebooks` it also runs every notebook (`vnpress run --force`) and copies the
tables they saved as `notebooks/<notebook>/<table>.csv`. `compare` lists, per table, whether it is identical, which
columns differ and how many rows; it exits 1 if any table differs or is missing on one side. Use it to show that a
change that should not move a result moves none (issue 23), or exactly which tables an intended change moves.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from vnpress import cli

COMMANDS = {
    "corpus": ["corpus"],
    "terms": ["terms", "--top", "30"],
    "terms_nouns": ["terms", "--top", "30", "--pos", "N,Np,V"],
    "terms_by_outlet": ["terms", "--top", "10", "--by", "outlet"],
    "terms_syllables": ["terms", "--top", "30", "--level", "syllable"],
    "kwic": ["kwic", "tội phạm mạng", "--window", "6"],
    "countries": ["countries"],
    "statements": ["statements"],
    "stance_by_article": ["stance", "--by", "article"],
    "stance_by_country": ["stance", "--by", "country"],
    "stance_by_organization": ["stance", "--by", "organization"],
    "stance_by_outlet_type": ["stance", "--by", "country", "--group", "outlet_type"],
    "stance_by_organization_and_outlet_type": ["stance", "--by", "organization", "--group", "outlet_type"],
    "keyness_by_outlet_type": ["terms", "--top", "30", "--keyness", "outlet_type=commercial"],
    "terms_by_outlet_type": ["terms", "--top", "10", "--by", "outlet_type"],
    "term_trends": ["terms", "--trend", "tội phạm mạng,chủ quyền,nhân quyền,hợp tác", "--by", "month"],
    "timeline": ["timeline"],
    "timeline_merged": ["timeline", "--merge"],
    "stories": ["stories"],
    "coverage_by_week": ["coverage", "--by", "week"],
    "coverage_by_month_type": ["coverage", "--by", "month", "--group", "outlet_type"],
    "topics": ["topics", "--k", "3"],
    "topics_by_article": ["topics", "--k", "3", "--by", "article"],
}


def save_cli(corpus: str, cache: str, out: Path) -> None:
    """Each table command's CSV output as out/cli/<name>.csv."""
    folder = out / "cli"
    folder.mkdir(parents=True, exist_ok=True)
    for name, args in COMMANDS.items():
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = cli.main([args[0], corpus, *args[1:], "--cache", cache, "--format", "csv", "--workers", "1"])
        (folder / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")
        print(f"{name:<24} exit {code}", file=sys.stderr)


def save_notebooks(corpus: str, out: Path) -> None:
    """Run every notebook and copy the tables they saved as out/notebooks/<notebook>/<table>.csv."""
    with tempfile.TemporaryDirectory() as runs:
        cli.main(["run", "--corpus", corpus, "--out", runs, "--force", "--jobs", "1"])
        latest = Path(runs) / "latest"
        for table in sorted(latest.resolve().glob("*/tables/*.csv")):
            target = out / "notebooks" / table.parent.parent.name / table.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(table, target)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig") if path.stat().st_size else \
        pd.DataFrame()


def compare(a: Path, b: Path) -> int:
    """Print one line per table; 1 if any differs."""
    names = sorted({p.relative_to(a) for p in a.rglob("*.csv")} | {p.relative_to(b) for p in b.rglob("*.csv")})
    differ = 0
    for name in names:
        if not (a / name).is_file() or not (b / name).is_file():
            print(f"{name}: only in {'the second' if not (a / name).is_file() else 'the first'}")
            differ += 1
            continue
        left, right = _read(a / name), _read(b / name)
        if left.equals(right):
            print(f"{name}: identical ({len(left)} rows)")
            continue
        differ += 1
        columns = [c for c in left.columns.union(right.columns) if c not in left or c not in right
                   or len(left) != len(right) or not left[c].equals(right[c])]
        print(f"{name}: DIFFERS ({len(left)} vs {len(right)} rows; columns {', '.join(map(str, columns))})")
    print(f"{len(names) - differ} of {len(names)} tables identical")
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("save")
    s.add_argument("--corpus", default="corpus")
    s.add_argument("--out", required=True, type=Path)
    s.add_argument("--notebooks", action="store_true", help="also run the notebooks and keep their tables")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.command == "compare":
        return compare(args.a, args.b)
    with tempfile.TemporaryDirectory() as cache:
        save_cli(args.corpus, cache, args.out)
    if args.notebooks:
        save_notebooks(args.corpus, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
