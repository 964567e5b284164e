"""Issue 25, the runner's part: stale reuse (case 4), `--only`, `out_dir` and an empty corpus (case 8), a full disk
during `run` (case 10) and workers left behind by kill -9 (case 11), on the seed corpus."""

import builtins
import errno
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import CORPUS, ROOT

from vnpress import cli
from vnpress.reports.runner import run

VNPRESS = [sys.executable, "-m", "vnpress.cli"]


def _copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus


def _tables(run_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.glob("*/tables/*.csv"))}


STANCE, TIMELINE = "03-stance-by-country", "04-timeline"
ALL = ["01-exploration", "02-term-frequency", STANCE, TIMELINE]


def _dead_links(run_dir: Path) -> list[str]:
    """The links of a run's index.html to files that are not in the run folder."""
    hrefs = re.findall(r"href=['\"]([^'\"#]+)", (run_dir / "index.html").read_text(encoding="utf-8"))
    return [h for h in hrefs if not (run_dir / h).exists()]


# --- case 4: the reuse check covers everything a notebook reads --------------------------------------------------

def test_adding_codes_reruns_the_stance_notebook_and_the_findings_show_them(tmp_path):
    """case 4: a codes file added to corpus/codes/ re-executes 03 (it was reused), and the findings page and the
    agreement table show the coded row."""
    corpus, out = _copy_corpus(tmp_path), tmp_path / "out"
    first = run(corpus_dir=corpus, out_root=out, only=[STANCE])
    machine = pd.read_csv(first.run_dir / STANCE / "tables" / "stance_by_article.csv", dtype=str)
    singapore = machine[machine["iso"] == "SG"].iloc[0]
    assert singapore["stance"] != "oppose"  # the code below changes the label the findings show
    (corpus / "codes").mkdir()
    (corpus / "codes" / "lan.csv").write_text("article_id,iso,stance,frames,coder,note\n"
                                              f"{singapore['article_id']},SG,oppose,,lan,Singapore phản đối\n",
                                              encoding="utf-8")
    second = run(corpus_dir=corpus, out_root=out, only=[STANCE])
    assert second.ok and second.notebooks[0]["reused_from"] == ""
    agreement = pd.read_csv(second.run_dir / STANCE / "tables" / "agreement.csv").set_index("measure")
    assert agreement.loc["coded rows", "n"] == 1
    row = re.search(r"<tr><td>Singapore .*?</tr>", second.index.read_text(encoding="utf-8")).group(0)
    assert "<td>oppose <span" in row
    assert "codes/lan.csv" in json.loads((second.run_dir / "manifest.json").read_text())["corpus_files"]


def test_corpus_dir_parameter_is_the_corpus_recorded_and_fingerprinted(tmp_path):
    """case 4: with `-p corpus_dir X` the run records X (not --corpus) and an article removed from X re-executes
    the notebook, whose summary then counts one article fewer."""
    other, out = _copy_corpus(tmp_path), tmp_path / "out"
    args = dict(corpus_dir=CORPUS, out_root=out, only=["01-exploration"], params=[("corpus_dir", str(other))])
    run(**args)
    (other / "004_6469261bcdc9deb8.txt").unlink()
    second = run(**args)
    assert second.notebooks[0]["reused_from"] == ""
    manifest = json.loads((second.run_dir / "manifest.json").read_text())
    assert manifest["corpus_dir"] == str(other) and "004_6469261bcdc9deb8.txt" not in manifest["corpus_files"]
    summary = pd.read_csv(second.run_dir / "01-exploration" / "tables" / "corpus_summary.csv").set_index("fact")
    assert int(summary.loc["articles", "value"]) == 4


# --- case 8: --only, -p out_dir, an empty corpus -------------------------------------------------------------------

def test_only_keeps_the_other_reports_of_latest_and_every_link_alive(tmp_path):
    """case 8: after a full run, `--only 04-timeline` (on a corpus with an article added since) gives a run that
    holds all four reports (the others copied, marked as from the full run and stale), with no dead link, and
    `latest` on it."""
    corpus, out = _copy_corpus(tmp_path), tmp_path / "out"
    full = run(corpus_dir=corpus, out_root=out)
    article = "Hà Nội, ngày 26/10/2025\n\nĐại diện Nhật Bản khẳng định ủng hộ Công ước Hà Nội về tội phạm mạng.\n"
    (corpus / "005_them.txt").write_text(article, encoding="utf-8")
    only = run(corpus_dir=corpus, out_root=out, only=[TIMELINE])
    assert only.ok and [nb["notebook"] for nb in only.notebooks] == [TIMELINE]
    assert (out / "latest").resolve() == only.run_dir
    entries = {nb["notebook"]: nb for nb in json.loads((only.run_dir / "manifest.json").read_text())["notebooks"]}
    assert list(entries) == ALL and entries[TIMELINE]["reused_from"] == ""
    assert all(entries[n]["reused_from"] == full.run_dir.name and entries[n]["stale"] for n in ALL[:3])
    index = only.index.read_text(encoding="utf-8")
    assert "Not available" not in index and _dead_links(only.run_dir) == []
    assert f"not in --only: the report of run {full.run_dir.name}; its inputs have changed since" in index
    table = f"{STANCE}/tables/stance_by_country.csv"
    assert _tables(only.run_dir)[table] == _tables(full.run_dir)[table]


def test_only_on_a_first_run_links_no_missing_report(tmp_path):
    """case 8: a first run with `--only` says which findings are not available, without links to reports that
    are not there."""
    result = run(corpus_dir=CORPUS, out_root=tmp_path, only=[TIMELINE])
    index = result.index.read_text(encoding="utf-8")
    assert "Not available: 03-stance-by-country saved no table" in index and _dead_links(result.run_dir) == []


def test_out_dir_parameter_gives_each_notebook_its_own_folder(tmp_path):
    """case 8: with `-p out_dir X` notebooks 03 and 04 each keep their own evaluation table (they overwrote one
    X/tables/evaluation.csv)."""
    x = tmp_path / "tables"
    result = run(corpus_dir=CORPUS, out_root=tmp_path / "out", only=[STANCE, TIMELINE], params=[("out_dir", str(x))])
    assert result.ok
    stance = pd.read_csv(x / STANCE / "tables" / "evaluation.csv")
    timeline = pd.read_csv(x / TIMELINE / "tables" / "evaluation.csv")
    assert "stance accuracy" in set(stance["metric"]) and not timeline.equals(stance)
    assert not (x / "tables").exists()


def test_empty_corpus_exits_non_zero_with_one_line_and_keeps_latest(tmp_path):
    """case 8: `run` on a corpus without articles exits non-zero with one line naming the folder, writes no run and
    leaves `latest` on the earlier run."""
    empty, out = tmp_path / "empty", tmp_path / "out"
    empty.mkdir()
    (empty / "manifest.csv").write_text("file,title,outlet,url,published,authors,language\n", encoding="utf-8")
    earlier = out / "runs" / "20250101T000000Z"
    earlier.mkdir(parents=True)
    (out / "latest").symlink_to("runs/20250101T000000Z", target_is_directory=True)
    res = subprocess.run(VNPRESS + ["run", "--corpus", str(empty), "--out", str(out)], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode != 0 and res.stdout == ""
    assert len(res.stderr.splitlines()) == 1 and re.match(f"error: {re.escape(str(empty))}: no article", res.stderr)
    assert (out / "latest").resolve() == earlier.resolve() and list((out / "runs").iterdir()) == [earlier]


# --- case 10: a full disk while one notebook writes -----------------------------------------------------------------

class _FullDisk:
    """A file opened for writing on a full disk: it is created, but every write fails with ENOSPC."""

    def __init__(self, file, name):
        self._file, self._name = file, str(name)

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self._name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()

    def __getattr__(self, attr):
        return getattr(self._file, attr)


def test_full_disk_in_one_notebook_fails_it_alone(tmp_path, monkeypatch, capsys):
    """case 10: ENOSPC on every write of 02's report, log and executed notebook fails 02 only: the others finish,
    the run is written, one line on stderr, exit code 1, no traceback."""
    real_open = io.open

    def open_on_full_disk(file, mode="r", *args, **kwargs):
        opened = real_open(file, mode, *args, **kwargs)
        hit = "02-term-frequency" in str(file) and any(m in mode for m in "wax")
        return _FullDisk(opened, file) if hit else opened

    monkeypatch.setattr(builtins, "open", open_on_full_disk)
    monkeypatch.setattr(io, "open", open_on_full_disk)
    out = tmp_path / "out"
    code = cli.main(["run", "--corpus", str(CORPUS), "--out", str(out), "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert err.startswith("error: notebook 02-term-frequency failed: OSError: [Errno 28] No space left on device")
    status = {nb["notebook"]: nb["status"] for nb in json.loads((out / "latest" / "manifest.json").read_text())[
        "notebooks"]}
    assert status == {"01-exploration": "ok", "02-term-frequency": "failed", STANCE: "ok", TIMELINE: "ok"}
    assert (out / "latest" / STANCE / "tables" / "stance_by_country.csv").stat().st_size > 0


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
