"""Execute the notebooks with papermill and render them to HTML with nbconvert.

A run writes `<out>/runs/<UTC timestamp>/`: per notebook the executed `.ipynb`,
the `.html` and a folder with the tables (CSV) and figures (PNG) it saved; an
`index.html` linking the reports with the run's facts; and `manifest.json`
(parameters, corpus file hashes, package versions, git commit, each notebook's
status and duration). `<out>/latest` points to the newest run. A failing
notebook does not stop the others; its HTML shows the error.
"""

from __future__ import annotations

import hashlib
import json
import platform
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


def run(corpus_dir: str | Path = "corpus", out_root: str | Path = "outputs", params: list | None = None,
        only: list[str] | None = None, show_code: bool = False, notebooks_dir: Path = NOTEBOOKS_DIR) -> RunResult:
    """Execute the notebooks on `corpus_dir` into a new run folder; see the module docstring."""
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
    run_dir = _new_run_dir(out_root)
    results = []
    for nb in chosen:
        out_dir = run_dir / nb.stem
        values = {"corpus_dir": str(corpus_dir), "cache_dir": str(out_root / "cache"), "out_dir": str(out_dir),
                  **extra}
        values = {k: v for k, v in values.items() if k in declared[nb.stem]}
        executed = run_dir / nb.name
        started = time.monotonic()
        status, error = "ok", ""
        try:
            papermill.execute_notebook(str(nb), str(executed), parameters=values, cwd=str(nb.parent),
                                       progress_bar=False, kernel_name="python3")
        except Exception as e:  # noqa: BLE001 - any failure is recorded and the run goes on
            status, error = "failed", f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"
        duration = round(time.monotonic() - started, 2)
        html_path = run_dir / f"{nb.stem}.html"
        if executed.exists():
            _render_html(executed, html_path, show_code)
        else:
            html_path.write_text(f"<html><body><h1>{escape(nb.stem)} failed</h1><pre>{escape(error)}</pre>"
                                 "</body></html>", encoding="utf-8")
        results.append({"notebook": nb.stem, "status": status, "duration_s": duration, "error": error,
                        "html": html_path.name, "parameters": values})
    manifest = {
        "created_utc": run_dir.name, "corpus_dir": str(corpus_dir), "corpus_files": _file_hashes(corpus_dir),
        "parameters": extra, "packages": _versions(), "git_commit": _git_commit(), "notebooks": results,
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
        f"<td>{escape(nb['status'])}</td><td>{nb['duration_s']:.1f} s</td><td>{escape(nb['error'])}</td></tr>"
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
<table><tr><th>report</th><th>status</th><th>duration</th><th>error</th></tr>{rows}</table>
<p>Details: <a href="manifest.json">manifest.json</a> (parameters, corpus file hashes, package versions).</p>
</body></html>
"""
