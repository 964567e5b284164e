"""Execute the notebooks with papermill and render them to HTML with nbconvert.

A run writes `<out>/runs/<UTC timestamp>/`: per notebook the executed `.ipynb`,
the `.html` (with a table of contents, a link back to the index and links to its
files) and a folder with the tables (CSV) and figures (PNG) it saved; `tables.xlsx`
with every saved table, one sheet each; an `index.html` with the findings (headline
sentences and charts from the saved tables), links to the reports and files, the
run's facts and how to cite; and `manifest.json`
(parameters, corpus file hashes, package versions, git commit, each notebook's
status and duration). `<out>/latest` points to the newest run, which holds
every report: with `only`, the other notebooks' reports are copied from the
latest run. A failing notebook (a full disk included) does not stop the others;
its HTML shows the error. A notebook whose inputs are unchanged since the latest
run is not executed again (see `run`). A corpus without articles writes no run.

Reports are self-contained: no script, style sheet, font or image is loaded
from outside the file (figures are data URIs). The kernels' output and the
libraries' log messages go to `logs/` in the run folder, not to the terminal.
With `jobs` > 1 the runner first processes the corpus and runs every
per-article analysis into the shared cache on `jobs` worker processes; the
notebooks then run concurrently (`jobs` at a time), reading it. Each notebook
writes only into its own folder, so the tables equal those of a sequential run.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
import platform
import shutil
import subprocess
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO

import nbformat
import pandas as pd
import papermill
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter

from vnpress.corpus.reader import load_corpus
from vnpress.data import profile
from vnpress.processing.layers import REGISTRY
from vnpress.processing.layers import run as run_layer
from vnpress.processing.workbook import load
from vnpress.reports.params import PACKAGE_DIR, PATHS, coerce, project_root, resolve_path
from vnpress.reports.report import WORKBOOK, add_navigation, escape, index_html, saved_files
from vnpress.reports.spreadsheet import write_workbook
from vnpress.util.atomic import replacing

PROJECT_ROOT = project_root()
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# loggers of the libraries the runner drives; their messages go to logs/run.log
LIBRARY_LOGGERS = ("papermill", "traitlets", "nbconvert", "py.warnings", "asyncio", __name__)
LOG = logging.getLogger(__name__)
# papermill writes each executed notebook to a temporary name (atomic.replacing), then it is renamed to .ipynb
warnings.filterwarnings("ignore", message=r"The specified file \(.*\.tmp\) does not end in", module="papermill")
PACKAGES = ["vnpress", "underthesea", "pandas", "pyarrow", "matplotlib", "papermill", "nbconvert", "babel",
            "trafilatura", "wordcloud", "dask"]


@dataclass
class RunResult:
    run_dir: Path
    index: Path
    notebooks: list[dict]
    problems: pd.DataFrame

    @property
    def ok(self) -> bool:
        """Every notebook ran and every article loaded."""
        return all(nb["status"] == "ok" for nb in self.notebooks) and not (self.problems["level"] == "error").any()


def notebooks(folder: Path = NOTEBOOKS_DIR, only: list[str] | None = None) -> list[Path]:
    """The numbered notebooks in order, or those named in `only` (stem, with or without .ipynb)."""
    found = sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))
    if not only:
        return found
    wanted = [o.removesuffix(".ipynb") for o in only]
    unknown = [w for w in wanted if w not in {p.stem for p in found}]
    if unknown:
        raise ValueError(f"unknown notebook(s) {', '.join(unknown)}; have {', '.join(p.stem for p in found)}")
    return [p for p in found if p.stem in wanted]


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_hashes(folder: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under `folder` (sub-folders such as `codes/` included)."""
    return {p.relative_to(folder).as_posix(): _file_hash(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _content_hash(path: Path) -> str:
    """SHA-256 of what a path parameter names: a file's bytes, a folder's files (`_tree_hashes`), '' if absent."""
    if path.is_file():
        return _file_hash(path)
    return _digest(_tree_hashes(path)) if path.is_dir() else ""


def _digest(tree: dict[str, str]) -> str:
    """One hash of a folder's `_tree_hashes`."""
    return hashlib.sha256(json.dumps(tree, sort_keys=True).encode()).hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = ""
    return out


def _git_commit() -> str:
    try:
        res = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10)
        return res.stdout.strip() if res.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def _notebook_params(path: Path) -> dict:
    return papermill.inspect_notebook(str(path))


def _render_html(executed: Path, html_path: Path, show_code: bool) -> None:
    """Render an executed notebook to one self-contained HTML file (template `templates/selfcontained`), with a
    table of contents, a link back to the run's index and links to the files it saved (`report.add_navigation`)."""
    exporter = HTMLExporter(template_name="selfcontained", extra_template_basedirs=[str(TEMPLATES_DIR)],
                            embed_images=True,
                            exclude_input=not show_code, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    _write_text(html_path, add_navigation(body, saved_files(html_path.parent, executed.stem)))


def _write_text(path: Path, text: str) -> None:
    """Write `path` whole or not at all (`atomic.replacing`)."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _logged_kernel_manager(log: IO) -> type[AsyncKernelManager]:
    """A kernel manager class whose kernels write their stdout and stderr to `log`."""

    class LoggedKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
            kw.update(stdout=log, stderr=log)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return LoggedKernelManager


@contextmanager
def _library_logs_to(path: Path) -> Iterator[None]:
    """Send the driven libraries' log messages and Python warnings to `path` instead of the terminal."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(name) for name in LIBRARY_LOGGERS]
    saved = [(lg.handlers[:], lg.propagate) for lg in loggers]
    logging.captureWarnings(True)
    for lg in loggers:
        lg.handlers, lg.propagate = [handler], False
    try:
        yield
    finally:
        for lg, (handlers, propagate) in zip(loggers, saved):
            lg.handlers, lg.propagate = handlers, propagate
        logging.captureWarnings(False)
        handler.close()


def _papermill(nb: Path, values: dict, executed: Path, log_path: Path) -> str:
    """Execute `nb` into `executed` with papermill, the kernel's output going to `log_path`; the error's last line,
    or '' if it ran. The executed notebook appears whole (with the failing cell's error) or not at all: an OSError
    writing it (a full disk) is raised."""
    with open(log_path, "w", encoding="utf-8") as log, replacing(executed) as tmp:
        try:
            papermill.execute_notebook(str(nb), str(tmp), parameters=values, cwd=str(nb.parent),
                                       progress_bar=False, kernel_name="python3",
                                       kernel_manager_class=_logged_kernel_manager(log))
        except OSError:
            raise
        except Exception as e:  # noqa: BLE001 - any other failure is recorded and the run goes on
            error = f"{type(e).__name__}: " + (str(e).strip().splitlines() or [""])[-1]
            log.write(f"\n{error}\n")
            return error
    return ""


def _execute(nb: Path, values: dict, run_dir: Path, show_code: bool) -> tuple[str, str]:
    """Execute `nb` into the run folder and render its HTML; returns (status, error). Whatever fails, a full disk
    included, fails this notebook only; its HTML shows the error when it can be written."""
    executed, html_path = run_dir / nb.name, run_dir / f"{nb.stem}.html"
    error = ""
    try:
        error = _papermill(nb, values, executed, run_dir / "logs" / f"{nb.stem}.log")
        if executed.exists():
            try:
                _render_html(executed, html_path, show_code)
            except Exception as e:  # noqa: BLE001 - a report that cannot be rendered fails its notebook only
                error = f"rendering the HTML: {type(e).__name__}: {e}"
        if not html_path.exists():
            _write_text(html_path, f"<html><body><h1>{escape(nb.stem)} failed</h1><pre>{escape(error)}</pre>"
                        "</body></html>")
    except OSError as e:  # named without the temporary file's name
        error = error or f"{type(e).__name__}: [Errno {e.errno}] {e.strerror or e} (writing into {run_dir})"
    return ("failed" if error else "ok"), error


def _new_run_dir(out_root: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    run_dir = out_root / "runs" / stamp
    n = 1
    while run_dir.exists():
        n += 1
        run_dir = out_root / "runs" / f"{stamp}-{n}"
    run_dir.mkdir(parents=True)
    return run_dir


def _point_latest(out_root: Path, run_dir: Path) -> None:
    """Point `out_root/latest` at `run_dir` in one step: a new symlink renamed over the old one (a pointer file
    on file systems without symlinks)."""
    latest, tmp = out_root / "latest", out_root / f".latest.{run_dir.name}.tmp"
    try:
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(run_dir.relative_to(out_root), target_is_directory=True)
        os.replace(tmp, latest)
    except OSError:
        tmp.unlink(missing_ok=True)
        _write_text(latest, str(run_dir) + "\n")


def _code_hash() -> str:
    """Hash of the library's code, data files and templates: a change of any invalidates earlier reports."""
    digest = hashlib.sha256()
    package = PACKAGE_DIR
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def _default(spec: dict) -> object:
    """A parameter's declared default value (papermill gives its source text)."""
    try:
        return ast.literal_eval(spec["default"])
    except (ValueError, SyntaxError):
        return spec["default"]


@dataclass
class _Inputs:
    """What every notebook of a run reads besides its own file and parameters."""

    versions: dict
    code: str
    show_code: bool
    hashes: dict[str, str] = field(default_factory=dict)  # path → `_content_hash`, computed once per run

    def content(self, path: str) -> str:
        if not path:
            return ""
        if path not in self.hashes:
            self.hashes[path] = _content_hash(Path(path))
        return self.hashes[path]


@dataclass
class _Context:
    """One run: its corpus, cache and run folders, the `-p` values, each notebook's declared parameters."""

    corpus_dir: Path
    cache_dir: str
    run_dir: Path
    extra: dict
    declared: dict[str, dict]
    inputs: _Inputs

    def values(self, nb: Path) -> dict:
        """The parameters passed to `nb`: corpus and cache folders, its own output folder (with `-p out_dir X`,
        X/<notebook>, so that notebooks never overwrite each other's tables), the `-p` values it declares."""
        out_dir = Path(self.extra["out_dir"]) if self.extra.get("out_dir") else self.run_dir
        values = {**self.extra, "corpus_dir": str(self.corpus_dir), "cache_dir": self.cache_dir,
                  "out_dir": str(out_dir / nb.stem)}
        return {k: v for k, v in values.items() if k in self.declared[nb.stem]}

    def fingerprint(self, nb: Path, values: dict) -> str:
        """Hash of everything `nb` reads: its file, its parameters (not its output folder), the content of each
        path parameter it reads (given or default: the corpus folder with its `codes/`, gold files), the data files
        of its topic profile, the package versions and the library's code and data."""
        read = {name: resolve_path(str(values.get(name, _default(spec)))) for name, spec in
                self.declared[nb.stem].items() if name in PATHS and name not in ("out_dir", "cache_dir")}
        facts = {"notebook": _file_hash(nb), "parameters": {k: v for k, v in values.items() if k != "out_dir"},
                 "profile": profile.data_files(values.get("profile") or None),  # copies named by their content
                 "read": {name: [path, self.inputs.content(path)] for name, path in read.items()},
                 "packages": self.inputs.versions, "code": self.inputs.code, "show_code": self.inputs.show_code}
        return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def _previous(out_root: Path) -> tuple[Path | None, dict]:
    """The latest run folder and its notebooks by name (empty when there is none)."""
    latest = out_root / "latest"
    manifest = latest / "manifest.json"
    if not manifest.is_file():
        return None, {}
    return latest.resolve(), {nb["notebook"]: nb for nb in json.loads(manifest.read_text())["notebooks"]}


def _copy_report(prev_dir: Path, run_dir: Path, stem: str) -> bool:
    """Copy a notebook's executed notebook, HTML and output folder from an earlier run; False if that fails."""
    try:
        for name in (f"{stem}.ipynb", f"{stem}.html"):
            if (prev_dir / name).is_file():
                shutil.copy2(prev_dir / name, run_dir / name)
        if (prev_dir / stem).is_dir():
            shutil.copytree(prev_dir / stem, run_dir / stem, dirs_exist_ok=True)
    except OSError:
        return False
    return (run_dir / f"{stem}.html").is_file()


def _entry(ctx: _Context, nb: Path) -> dict:
    values = ctx.values(nb)
    return {"notebook": nb.stem, "status": "ok", "duration_s": 0.0, "error": "", "html": f"{nb.stem}.html",
            "parameters": values, "fingerprint": ctx.fingerprint(nb, values), "reused_from": ""}


def _plan(ctx: _Context, chosen: list[Path], prev_dir: Path | None, previous: dict,
          progress: Callable[[dict], None] | None) -> tuple[dict[str, dict], list[Path]]:
    """Each chosen notebook's manifest entry, and those to execute: a notebook whose fingerprint equals that of
    its successful execution in the latest run (`previous`) is copied from there instead."""
    results, to_execute = {}, []
    for nb in chosen:
        results[nb.stem] = entry = _entry(ctx, nb)
        before = previous.get(nb.stem, {})
        if (prev_dir and before.get("fingerprint") == entry["fingerprint"] and before.get("status") == "ok"
                and _copy_report(prev_dir, ctx.run_dir, nb.stem)):
            entry["reused_from"] = before.get("reused_from") or prev_dir.name
            if progress:
                progress(entry)
        else:
            to_execute.append(nb)
    return results, to_execute


def _carry(ctx: _Context, others: list[Path], prev_dir: Path | None, previous: dict) -> dict[str, dict]:
    """The reports of the notebooks not selected (`--only`), copied from the latest run so that this run, which
    `latest` then points to, still holds every report and its index no dead link; each entry names the run it
    comes from (`reused_from`), and `stale` says that the notebook's inputs have changed since."""
    carried = {}
    for nb in others:
        before = previous.get(nb.stem)
        if prev_dir and before and _copy_report(prev_dir, ctx.run_dir, nb.stem):
            stale = before.get("fingerprint") != ctx.fingerprint(nb, ctx.values(nb))
            carried[nb.stem] = {**before, "reused_from": before.get("reused_from") or prev_dir.name,
                                "selected": False, "stale": stale}
    return carried


def _parameters(params: list | None, declared: list[dict]) -> dict:
    """The `-p` values converted to their declared types, paths resolved as the notebooks resolve them (from the
    project root); ValueError naming a parameter that no selected notebook declares."""
    extra = {name: coerce(name, value) for name, value in (params or [])}
    unused = [n for n in extra if not any(n in d for d in declared)]
    if unused:
        raise ValueError(f"parameter(s) {', '.join(unused)} not declared by any selected notebook")
    return {name: resolve_path(value) if name in PATHS else value for name, value in extra.items()}


def _corpus_problems(corpus_dir: Path, cache_dir: str) -> pd.DataFrame:
    """The corpus's input problems, reported up front (the files' facts are cached for the notebooks' loads);
    ValueError when it holds no article to report on."""
    if not corpus_dir.is_dir():
        raise ValueError(f"{corpus_dir}: corpus folder does not exist")
    loaded = load_corpus(corpus_dir, texts=False, cache_dir=cache_dir or None)
    if loaded.articles.empty:
        seen = f"; {len(loaded.problems)} problem(s), see `vnpress corpus {corpus_dir}`" if len(loaded.problems) else ""
        raise ValueError(f"{corpus_dir}: no article to report on (no .txt or .md article loaded{seen}); "
                         "no report written, outputs/latest unchanged")
    return loaded.problems


def run(corpus_dir: str | Path = "corpus", out_root: str | Path = "outputs", params: list | None = None,
        only: list[str] | None = None, show_code: bool = False, notebooks_dir: Path = NOTEBOOKS_DIR,
        force: bool = False, jobs: int | None = None,
        progress: Callable[[dict], None] | None = None) -> RunResult:
    """Execute the notebooks on `corpus_dir` (or `-p corpus_dir`) into a new run folder; see the module docstring.

    A notebook whose inputs (`_Context.fingerprint`: notebook file, parameters, the content of the corpus folder
    with its codes and of every other path it reads, package versions, library code and data) equal those of its
    successful execution in the latest run is not executed again: its outputs are copied, and the manifest names
    the run they come from. `force` executes everything. With `only`, the other notebooks' reports are copied
    from the latest run (`_carry`). `jobs` notebooks run at a time (default: the number of cores); `progress` is
    called with each notebook's result as it finishes. A corpus without articles raises ValueError.
    """
    out_root, jobs = Path(out_root).resolve(), jobs or os.cpu_count() or 1
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    every, chosen = notebooks(notebooks_dir), notebooks(notebooks_dir, only)
    declared = {nb.stem: _notebook_params(nb) for nb in every}
    extra = _parameters(params, [declared[nb.stem] for nb in chosen])
    corpus_dir = Path(extra.get("corpus_dir") or corpus_dir).resolve()
    cache_dir = extra.get("cache_dir", str(out_root / "cache"))
    problems = _corpus_problems(corpus_dir, cache_dir)
    corpus_files = _tree_hashes(corpus_dir)
    inputs = _Inputs(_versions(), _code_hash(), show_code, {str(corpus_dir): _digest(corpus_files)})
    prev_dir, previous = _previous(out_root)
    run_dir = _new_run_dir(out_root)
    (run_dir / "logs").mkdir()
    ctx = _Context(corpus_dir, cache_dir, run_dir, extra, declared, inputs)
    results, to_execute = _plan(ctx, chosen, prev_dir, {} if force else previous, progress)
    with _library_logs_to(run_dir / "logs" / "run.log"):
        if to_execute and jobs > 1 and extra.get("engine", "local") == "local":
            _prebuild(corpus_dir, cache_dir, jobs, extra.get("profile") or None)
        _execute_all(to_execute, results, run_dir, show_code, jobs, progress)
    results.update(_carry(ctx, [nb for nb in every if nb.stem not in results], prev_dir, previous))
    manifest = {
        "created_utc": run_dir.name, "corpus_dir": str(corpus_dir), "corpus_files": corpus_files,
        "parameters": extra, "packages": inputs.versions, "git_commit": _git_commit(), "jobs": jobs,
        "notebooks": [results[nb.stem] for nb in every if nb.stem in results],
        "input_problems": problems.to_dict(orient="records"), "workbook": _workbook(run_dir),
    }
    _write_text(run_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    _write_text(run_dir / "index.html", index_html(manifest, run_dir))
    _point_latest(out_root, run_dir)
    return RunResult(run_dir, run_dir / "index.html", [results[nb.stem] for nb in chosen], problems)



def _workbook(run_dir: Path) -> dict:
    """Write the run's tables into one workbook (`spreadsheet.write_workbook`); its file and sheet count, or the
    error that stopped it (the run goes on: the CSV files hold the same tables)."""
    try:
        contents = write_workbook(run_dir, run_dir / WORKBOOK)
    except Exception as e:  # noqa: BLE001 - a workbook that cannot be written is reported on the index
        return {"file": "", "sheets": 0, "error": f"{type(e).__name__}: {e}"}
    return {"file": WORKBOOK, "sheets": len(contents), "error": ""}


def _prebuild(corpus_dir: Path, cache_dir: str, jobs: int, profile: str | None) -> None:
    """Process the corpus and run every per-article analysis (with the run's topic profile) into the shared cache
    with `jobs` worker processes, so that the notebooks, executed concurrently, only read it. If that fails (a full
    disk), the notebooks build what they need themselves, each failing alone; the error goes to logs/run.log."""
    try:
        wb = load(corpus_dir, cache_dir or None, workers=jobs, lazy=True, profile=profile)
        for name in REGISTRY:
            run_layer(wb, name, wb.data_files())
    except Exception:  # noqa: BLE001 - an optimization: its failure must not stop the notebooks
        LOG.exception("building the shared cache before the notebooks failed")


def _execute_all(chosen: list[Path], results: dict[str, dict], run_dir: Path, show_code: bool, jobs: int,
                 progress: Callable[[dict], None] | None) -> None:
    """Execute `chosen`, filling in `results`, `jobs` at a time. With more than one job the shared cache is
    built first (`_prebuild`); with one, the first notebook builds it."""

    def one(nb: Path) -> dict:
        started = time.monotonic()
        status, error = _execute(nb, results[nb.stem]["parameters"], run_dir, show_code)
        results[nb.stem].update(status=status, error=error, duration_s=round(time.monotonic() - started, 2))
        return results[nb.stem]

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for done in as_completed([pool.submit(one, nb) for nb in chosen]):
            if progress:
                progress(done.result())
