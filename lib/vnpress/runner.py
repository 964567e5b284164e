"""Execute the notebooks with papermill and render them to HTML with nbconvert.

A run writes `<out>/runs/<UTC timestamp>/`: per notebook the executed `.ipynb`,
the `.html` and a folder with the tables (CSV) and figures (PNG) it saved; an
`index.html` linking the reports with the run's facts; and `manifest.json`
(parameters, corpus file hashes, package versions, git commit, each notebook's
status and duration). `<out>/latest` points to the newest run. A failing
notebook does not stop the others; its HTML shows the error. A notebook whose
inputs are unchanged since the latest run is not executed again (see `run`).
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
import pandas as pd
import papermill
from nbconvert import HTMLExporter

from .corpus import load_corpus
from .params import coerce
from .report import escape

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
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
    exporter = HTMLExporter(exclude_input=not show_code, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    html_path.write_text(body, encoding="utf-8")


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
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".csv", ".yaml")):
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
        force: bool = False) -> RunResult:
    """Execute the notebooks on `corpus_dir` into a new run folder; see the module docstring.

    A notebook whose inputs (notebook file, parameters, corpus file hashes, package versions, library
    code and data) equal those of its successful execution in the latest run is not executed again: its
    outputs are copied, and the manifest names the run they come from. `force` executes everything.
    """
    corpus_dir, out_root = Path(corpus_dir).resolve(), Path(out_root).resolve()
    if not corpus_dir.is_dir():
        raise ValueError(f"{corpus_dir}: corpus folder does not exist")
    chosen = notebooks(notebooks_dir, only)
    declared = {nb.stem: _notebook_params(nb) for nb in chosen}
    extra = {name: coerce(name, value) for name, value in (params or [])}
    unused = [n for n in extra if not any(n in d for d in declared.values())]
    if unused:
        raise ValueError(f"parameter(s) {', '.join(unused)} not declared by any selected notebook")
    problems = load_corpus(corpus_dir).problems  # reported up front; the notebooks show them too
    corpus_files, versions, code = _file_hashes(corpus_dir), _versions(), _code_hash()
    prev_dir, previous = (None, {}) if force else _previous(out_root)
    run_dir = _new_run_dir(out_root)
    results = []
    for nb in chosen:
        out_dir = run_dir / nb.stem
        values = {"corpus_dir": str(corpus_dir), "cache_dir": str(out_root / "cache"), "out_dir": str(out_dir),
                  **extra}
        values = {k: v for k, v in values.items() if k in declared[nb.stem]}
        fingerprint = _fingerprint(nb, values, corpus_files, versions, code, show_code)
        executed = run_dir / nb.name
        html_path = run_dir / f"{nb.stem}.html"
        started = time.monotonic()
        status, error, reused = "ok", "", ""
        before = previous.get(nb.stem, {})
        if prev_dir and before.get("fingerprint") == fingerprint and before.get("status") == "ok":
            _reuse(prev_dir, run_dir, nb)
            reused = before.get("reused_from") or prev_dir.name
        else:
            try:
                papermill.execute_notebook(str(nb), str(executed), parameters=values, cwd=str(nb.parent),
                                           progress_bar=False, kernel_name="python3")
            except Exception as e:  # noqa: BLE001 - any failure is recorded and the run goes on
                status, error = "failed", f"{type(e).__name__}: " + (str(e).strip().splitlines() or [""])[-1]
            if executed.exists():
                _render_html(executed, html_path, show_code)
            else:
                html_path.write_text(f"<html><body><h1>{escape(nb.stem)} failed</h1><pre>{escape(error)}</pre>"
                                     "</body></html>", encoding="utf-8")
        results.append({"notebook": nb.stem, "status": status, "duration_s": round(time.monotonic() - started, 2),
                        "error": error, "html": html_path.name, "parameters": values, "fingerprint": fingerprint,
                        "reused_from": reused})
    manifest = {
        "created_utc": run_dir.name, "corpus_dir": str(corpus_dir), "corpus_files": corpus_files,
        "parameters": extra, "packages": versions, "git_commit": _git_commit(), "notebooks": results,
        "input_problems": problems.to_dict(orient="records"),
    }
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    index = run_dir / "index.html"
    index.write_text(_index_html(manifest), encoding="utf-8")
    _point_latest(out_root, run_dir)
    return RunResult(run_dir, index, results, problems)


def _index_html(manifest: dict) -> str:
    rows = "".join(
        f"<tr class='{escape(nb['status'])}'><td><a href='{escape(nb['html'])}'>{escape(nb['notebook'])}</a></td>"
        f"<td>{escape(nb['status'])}</td><td>{nb['duration_s']:.1f} s</td>"
        f"<td>{escape(nb['error'] or (('reused from ' + nb['reused_from']) if nb['reused_from'] else ''))}</td></tr>"
        for nb in manifest["notebooks"])
    facts = [("run (UTC)", manifest["created_utc"]), ("corpus", manifest["corpus_dir"]),
             ("corpus files", len(manifest["corpus_files"])), ("git commit", manifest["git_commit"] or "unknown"),
             ("vnpress", manifest["packages"].get("vnpress", "")),
             ("underthesea", manifest["packages"].get("underthesea", "")),
             ("parameters", json.dumps(manifest["parameters"], ensure_ascii=False) or "{}")]
    fact_rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    problems = "".join(f"<li>{escape(p['level'])}: {escape(p['file'])}: {escape(p['problem'])}</li>"
                       for p in manifest["input_problems"]) or "<li>none</li>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>vnpress reports {escape(manifest['created_utc'])}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;}}table{{border-collapse:collapse;}}
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left;}}tr.failed td{{background:#fdd;}}</style></head>
<body><h1>vnpress reports</h1>
<table>{fact_rows}</table>
<h2>Input problems</h2>
<ul>{problems}</ul>
<h2>Notebooks</h2>
<table><tr><th>report</th><th>status</th><th>duration</th><th>note</th></tr>{rows}</table>
<p>Details: <a href="manifest.json">manifest.json</a> (parameters, corpus file hashes, package versions).</p>
</body></html>
"""
