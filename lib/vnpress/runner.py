"""Execute the notebooks with papermill and render them to HTML with nbconvert.

A run writes `<out>/runs/<UTC timestamp>/`: per notebook the executed `.ipynb`,
the `.html` (with a table of contents, a link back to the index and links to its
files) and a folder with the tables (CSV) and figures (PNG) it saved; `tables.xlsx`
with every saved table, one sheet each; an `index.html` with the findings (headline
sentences and charts from the saved tables), links to the reports and files, the
run's facts and how to cite; and `manifest.json`
(parameters, corpus file hashes, package versions, git commit, each notebook's
status and duration). `<out>/latest` points to the newest run. A failing
notebook does not stop the others; its HTML shows the error. A notebook whose
inputs are unchanged since the latest run is not executed again (see `run`).

Reports are self-contained: no script, style sheet, font or image is loaded
from outside the file (figures are data URIs). The kernels' output and the
libraries' log messages go to `logs/` in the run folder, not to the terminal.
With `jobs` > 1 the runner first processes the corpus and runs every
per-article analysis into the shared cache on `jobs` worker processes; the
notebooks then run concurrently (`jobs` at a time), reading it. Each notebook
writes only into its own folder, so the tables equal those of a sequential run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO

import nbformat
import pandas as pd
import papermill
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter

from .corpus import load_corpus
from .params import coerce, project_root, resolve_path
from .atomic import replacing
from .report import WORKBOOK, add_navigation, escape, index_html, saved_files
from .spreadsheet import write_workbook

PROJECT_ROOT = project_root()
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# loggers of the libraries the runner drives; their messages go to logs/run.log
LIBRARY_LOGGERS = ("papermill", "traitlets", "nbconvert", "py.warnings", "asyncio")
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


def _file_hashes(corpus_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(corpus_dir.iterdir()) if p.is_file()}


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
    html_path.write_text(add_navigation(body, saved_files(html_path.parent, executed.stem)), encoding="utf-8")


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


def _execute(nb: Path, values: dict, run_dir: Path, show_code: bool) -> tuple[str, str]:
    """Execute `nb` into the run folder and render its HTML; returns (status, error)."""
    executed, html_path = run_dir / nb.name, run_dir / f"{nb.stem}.html"
    status, error = "ok", ""
    with open(run_dir / "logs" / f"{nb.stem}.log", "w", encoding="utf-8") as log:
        try:
            papermill.execute_notebook(str(nb), str(executed), parameters=values, cwd=str(nb.parent),
                                       progress_bar=False, kernel_name="python3",
                                       kernel_manager_class=_logged_kernel_manager(log))
        except Exception as e:  # noqa: BLE001 - any failure is recorded and the run goes on
            status, error = "failed", f"{type(e).__name__}: " + (str(e).strip().splitlines() or [""])[-1]
            log.write(f"\n{error}\n")
    if executed.exists():
        try:
            _render_html(executed, html_path, show_code)
        except Exception as e:  # noqa: BLE001 - a report that cannot be rendered fails its notebook only
            status, error = "failed", f"rendering the HTML: {type(e).__name__}: {e}"
    if not html_path.exists():
        html_path.write_text(f"<html><body><h1>{escape(nb.stem)} failed</h1><pre>{escape(error)}</pre>"
                             "</body></html>", encoding="utf-8")
    return status, error


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
    latest = out_root / "latest"
    if latest.is_symlink() or latest.is_file():
        latest.unlink()
    try:
        latest.symlink_to(run_dir.relative_to(out_root), target_is_directory=True)
    except OSError:  # file systems without symlinks get a pointer file
        latest.write_text(str(run_dir) + "\n", encoding="utf-8")


def _code_hash() -> str:
    """Hash of the library's code and data files: a change of either invalidates earlier reports."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".csv", ".yaml", ".j2")):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def _fingerprint(nb: Path, values: dict, corpus_files: dict, versions: dict, code: str, show_code: bool) -> str:
    facts = {"notebook": hashlib.sha256(nb.read_bytes()).hexdigest(), "corpus": corpus_files, "packages": versions,
             "code": code, "show_code": show_code,
             "parameters": {k: v for k, v in values.items() if k != "out_dir"}}
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def _previous(out_root: Path) -> tuple[Path | None, dict]:
    """The latest run folder and its notebooks by name (empty when there is none)."""
    latest = out_root / "latest"
    manifest = latest / "manifest.json"
    if not manifest.is_file():
        return None, {}
    return latest.resolve(), {nb["notebook"]: nb for nb in json.loads(manifest.read_text())["notebooks"]}


def _reuse(prev_dir: Path, run_dir: Path, nb: Path) -> None:
    shutil.copy2(prev_dir / nb.name, run_dir / nb.name)
    shutil.copy2(prev_dir / f"{nb.stem}.html", run_dir / f"{nb.stem}.html")
    if (prev_dir / nb.stem).is_dir():
        shutil.copytree(prev_dir / nb.stem, run_dir / nb.stem)


def run(corpus_dir: str | Path = "corpus", out_root: str | Path = "outputs", params: list | None = None,
        only: list[str] | None = None, show_code: bool = False, notebooks_dir: Path = NOTEBOOKS_DIR,
        force: bool = False, jobs: int | None = None,
        progress: Callable[[dict], None] | None = None) -> RunResult:
    """Execute the notebooks on `corpus_dir` into a new run folder; see the module docstring.

    A notebook whose inputs (notebook file, parameters, corpus file hashes, package versions, library
    code and data) equal those of its successful execution in the latest run is not executed again: its
    outputs are copied, and the manifest names the run they come from. `force` executes everything.
    `jobs` notebooks run at a time (default: the number of cores); `progress` is called with each
    notebook's result as it finishes.
    """
    corpus_dir, out_root = Path(corpus_dir).resolve(), Path(out_root).resolve()
    if not corpus_dir.is_dir():
        raise ValueError(f"{corpus_dir}: corpus folder does not exist")
    jobs = jobs or os.cpu_count() or 1
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    chosen = notebooks(notebooks_dir, only)
    declared = {nb.stem: _notebook_params(nb) for nb in chosen}
    extra = {name: coerce(name, value) for name, value in (params or [])}
    unused = [n for n in extra if not any(n in d for d in declared.values())]
    if unused:
        raise ValueError(f"parameter(s) {', '.join(unused)} not declared by any selected notebook")
    cache_dir = resolve_path(extra.get("cache_dir", str(out_root / "cache")))
    # reported up front (the notebooks show them too); the files' facts are cached for the notebooks' loads
    problems = load_corpus(corpus_dir, texts=False, cache_dir=cache_dir or None).problems
    corpus_files, versions, code = _file_hashes(corpus_dir), _versions(), _code_hash()
    prev_dir, previous = (None, {}) if force else _previous(out_root)
    run_dir = _new_run_dir(out_root)
    (run_dir / "logs").mkdir()
    results: dict[str, dict] = {}
    to_execute = []
    for nb in chosen:
        values = {"corpus_dir": str(corpus_dir), "cache_dir": cache_dir, "out_dir": str(run_dir / nb.stem),
                  **extra, "cache_dir": cache_dir}
        values = {k: v for k, v in values.items() if k in declared[nb.stem]}
        fingerprint = _fingerprint(nb, values, corpus_files, versions, code, show_code)
        results[nb.stem] = {"notebook": nb.stem, "status": "ok", "duration_s": 0.0, "error": "",
                            "html": f"{nb.stem}.html", "parameters": values, "fingerprint": fingerprint,
                            "reused_from": ""}
        before = previous.get(nb.stem, {})
        if prev_dir and before.get("fingerprint") == fingerprint and before.get("status") == "ok":
            _reuse(prev_dir, run_dir, nb)
            results[nb.stem]["reused_from"] = before.get("reused_from") or prev_dir.name
            if progress:
                progress(results[nb.stem])
        else:
            to_execute.append(nb)
    with _library_logs_to(run_dir / "logs" / "run.log"):
        if to_execute and jobs > 1 and extra.get("engine", "local") == "local":
            _prebuild(corpus_dir, cache_dir, jobs)
        _execute_all(to_execute, results, run_dir, show_code, jobs, progress)
    ordered = [results[nb.stem] for nb in chosen]
    manifest = {
        "created_utc": run_dir.name, "corpus_dir": str(corpus_dir), "corpus_files": corpus_files,
        "parameters": extra, "packages": versions, "git_commit": _git_commit(), "jobs": jobs,
        "notebooks": ordered, "input_problems": problems.to_dict(orient="records"),
        "workbook": _workbook(run_dir),
    }
    index = _write_run_files(run_dir, manifest)
    _point_latest(out_root, run_dir)
    return RunResult(run_dir, index, ordered, problems)


def _write_run_files(run_dir: Path, manifest: dict) -> Path:
    """Write the run's manifest.json and index.html (each whole or not at all); returns the index's path."""
    _write(run_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    _write(run_dir / "index.html", index_html(manifest, run_dir))
    return run_dir / "index.html"


def _write(path: Path, text: str) -> None:
    """Write a UTF-8 text file whole or not at all."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _workbook(run_dir: Path) -> dict:
    """Write the run's tables into one workbook (`spreadsheet.write_workbook`); its file and sheet count, or the
    error that stopped it (the run goes on: the CSV files hold the same tables)."""
    try:
        contents = write_workbook(run_dir, run_dir / WORKBOOK)
    except Exception as e:  # noqa: BLE001 - a workbook that cannot be written is reported on the index
        return {"file": "", "sheets": 0, "error": f"{type(e).__name__}: {e}"}
    return {"file": WORKBOOK, "sheets": len(contents), "error": ""}


def _prebuild(corpus_dir: Path, cache_dir: str, jobs: int) -> None:
    """Process the corpus and run every per-article analysis into the shared cache with `jobs` worker
    processes, so that the notebooks, executed concurrently, only read it."""
    from .analyses import REGISTRY, run as run_layer
    from .pipeline import load

    wb = load(corpus_dir, cache_dir or None, workers=jobs, lazy=True)
    for name in REGISTRY:
        run_layer(wb, name)


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
