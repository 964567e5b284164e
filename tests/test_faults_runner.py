"""Issue 25, the runner's part: stale reuse (case 4), `--only`, `out_dir` and an empty corpus (case 8), a full disk
during `run` (case 10) and workers left behind by kill -9 (case 11), on the seed corpus."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT

VNPRESS = [sys.executable, "-m", "vnpress.cli"]


def _copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus


def _tables(run_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.glob("*/tables/*.csv"))}


# --- case 11: kill -9 of `run` or `corpus` leaves no process behind ------------------------------------------------

def _processes() -> dict[int, tuple[int, str, str]]:
    """pid → (parent pid, start time, state) of every process, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        found[int(stat.parent.name)] = (int(after_name[1]), after_name[19], after_name[0])
    return found


def _descendants(pid: int, procs: dict[int, tuple[int, str, str]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in procs.items():
        children.setdefault(parent, []).append(child)
    out, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _kill_when(args: list[str], ready, timeout: float = 300) -> dict[int, str]:
    """Start `vnpress ARGS`, kill -9 it once `ready(its descendants, processes)`; its descendants seen (pid → start
    time)."""
    proc = subprocess.Popen(VNPRESS + args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict[int, str] = {}
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            procs = _processes()
            kids = _descendants(proc.pid, procs)
            seen.update({p: procs[p][1] for p in kids if p in procs})
            if ready(kids, procs):
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"vnpress {args[0]} finished or timed out before its workers were seen")
    finally:
        proc.kill()
        proc.wait()
    return seen


def _survivors(seen: dict[int, str], wait_s: float = 20) -> list[str]:
    """The processes of `seen` still running (not zombies) after up to `wait_s` seconds."""
    deadline = time.monotonic() + wait_s
    while True:
        procs = _processes()
        alive = [p for p, start in seen.items() if p in procs and procs[p][1] == start and procs[p][2] != "Z"]
        if not alive or time.monotonic() > deadline:
            return [f"{p}: {_cmdline(p)}" for p in alive]
        time.sleep(0.2)


def test_kill_9_of_corpus_leaves_no_worker_and_rerun_gives_the_same_table(tmp_path):
    """case 11: `vnpress corpus` killed with -9 while its workers exist leaves none running; rerun on the same
    cache prints the table of an uninterrupted run."""
    corpus, cache = _copy_corpus(tmp_path), tmp_path / "cache"
    args = ["corpus", str(corpus), "--workers", "2", "--cache", str(cache), "--format", "csv"]
    seen = _kill_when(args, lambda kids, procs: len(kids) >= 2)
    assert len(seen) >= 2
    assert _survivors(seen) == []
    rerun = subprocess.run(VNPRESS + args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    fresh = subprocess.run(VNPRESS + args[:-4] + ["--cache", str(tmp_path / "fresh"), "--format", "csv"], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == fresh.returncode == 0, rerun.stderr + fresh.stderr
    assert rerun.stdout == fresh.stdout and len(rerun.stdout.splitlines()) == 6


def _kernel_with_workers(kids: set[int], procs: dict) -> bool:
    kernels = [p for p in kids if "ipykernel" in _cmdline(p)]
    return any(parent in kernels for p, (parent, _, _) in procs.items())


def test_kill_9_of_run_leaves_no_kernel_or_worker_and_rerun_gives_the_same_tables(tmp_path):
    """case 11: `vnpress run` killed with -9 once a notebook's kernel has started its workers leaves no kernel
    and no worker running; a rerun gives the tables of an uninterrupted run."""
    corpus, out = _copy_corpus(tmp_path), tmp_path / "out"
    args = ["run", "--corpus", str(corpus), "--out", str(out), "--jobs", "2"]
    seen = _kill_when(args, _kernel_with_workers)
    assert len(seen) >= 4  # the runner's workers, then a kernel and its workers
    assert _survivors(seen) == []
    rerun = subprocess.run(VNPRESS + args, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    whole = subprocess.run(VNPRESS + ["run", "--corpus", str(corpus), "--out", str(tmp_path / "whole")], cwd=ROOT,
                           capture_output=True, text=True, timeout=900)
    assert whole.returncode == 0, whole.stderr
    after_kill, uninterrupted = _tables((out / "latest").resolve()), _tables((tmp_path / "whole/latest").resolve())
    assert len(after_kill) >= 20 and after_kill == uninterrupted
