"""Issue 25, case 12 (pinned versions, heavy parts as extras) and the cache items of case 10 (a read-only cache, a
damaged cache shard), each reproduced on Vietnamese articles."""

import io
import os
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from packaging.requirements import Requirement
from test_readme import HTML_PAGE, SKIP

from vnpress.cli import main

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the test extra installs tomli
    import tomli as tomllib

HEAVY = {"lab": {"jupyterlab"}, "dask": {"dask"}, "html": {"trafilatura", "lxml-html-clean"}}
NEW_ARTICLE = ("Nhật Bản ủng hộ Công ước Hà Nội về chống tội phạm mạng\n\n"
               "Đại diện Bộ Ngoại giao Nhật Bản khẳng định Nhật Bản sẵn sàng hợp tác với Việt Nam và các nước "
               "ASEAN trong phòng, chống tội phạm mạng, chia sẻ kinh nghiệm điều tra và chứng cứ điện tử.\n\n"
               "Theo ông, Công ước Hà Nội là khuôn khổ pháp lý toàn cầu đầu tiên của Liên hợp quốc về lĩnh vực này.\n")


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _names(requirements: list[str]) -> set[str]:
    return {Requirement(r).name.lower().replace("_", "-") for r in requirements}


def _pins() -> dict[str, str]:
    """constraints.txt: package name → pinned version."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def _make_dry_run(*targets: str) -> str:
    res = subprocess.run(["make", "-n", "-B", *targets], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stdout


# --- case 12: versions pinned by a constraints file, heavy parts as extras ---------------------------------------

def test_constraints_pin_every_declared_dependency_within_its_range():
    """case 12: every direct dependency (core and every extra) is pinned (==) in constraints.txt, and the pin is
    inside the range pyproject.toml declares."""
    project, pins = _project(), _pins()
    declared = [Requirement(r) for r in project["dependencies"]]
    declared += [Requirement(r) for extra in project["optional-dependencies"].values() for r in extra]
    for req in declared:
        if req.name == "vnpress" or (req.marker and not req.marker.evaluate()):
            continue
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} outside {req}"
    assert pins["underthesea"] == __import__("underthesea").__version__


def test_heavy_parts_are_extras_and_tests_pull_the_ones_they_use():
    """case 12: JupyterLab, Dask and trafilatura are not installed by a report run, each is an extra, and the
    test extra brings the extras the tests use (the dask engine, importing HTML)."""
    project = _project()
    core = _names(project["dependencies"])
    extras = project["optional-dependencies"]
    for extra, names in HEAVY.items():
        assert not names & core, f"{names & core} installed by every install"
        assert names <= _names(extras[extra])
    test = [Requirement(r) for r in extras["test"]]
    assert {"dask", "html"} <= next(r.extras for r in test if r.name == "vnpress")


def test_make_installs_with_the_constraints():
    """case 12: `make report`, `make test` and `make lab` install with `-c constraints.txt`; report installs no
    extra, test the test extra, lab the lab extra."""
    installs = [line for line in _make_dry_run("report", "test", "lab").splitlines() if "pip install" in line
                and "--upgrade pip" not in line]
    assert installs and all("-c constraints.txt" in line for line in installs), installs
    targets = [re.search(r"-e (\S+)$", line).group(1).strip("'\"") for line in installs]
    assert targets == [".", ".[test]", ".[lab]"]


def test_make_lock_refreshes_the_constraints_and_no_test_runs_it():
    """case 12: `make lock` (documented in the README) freezes a fresh unconstrained install with every extra;
    tests/test_readme.py skips it."""
    commands = _make_dry_run("lock")
    assert "pip install" in commands and "-c constraints.txt" not in commands
    assert ".[test,bench,lab,dask,html]" in commands and "pip freeze --exclude-editable" in commands
    assert "`make lock`" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make lock" in SKIP


def test_add_html_without_the_html_extra_names_it(tmp_path, monkeypatch):
    """case 12: `vnpress add` of a saved page without trafilatura says, in one line, which extra to install; the
    text file of the same command is imported; exit 1, no traceback."""
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # what `import trafilatura` meets when not installed
    (tmp_path / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (tmp_path / "bai.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    code, out, err = _run(["add", str(tmp_path / "page.html"), str(tmp_path / "bai.txt"),
                           "--corpus", str(tmp_path / "corpus"), "--format", "csv"])
    assert code == 1
    lines = [line for line in err.splitlines() if "page.html" in line]
    assert len(lines) == 1 and "pip install 'vnpress[html]'" in lines[0], err
    assert "Traceback" not in err
    assert ",added," in out and "Nhật Bản sẵn sàng hợp tác" in (tmp_path / "corpus" / "bai.txt").read_text("utf-8")


def test_dask_engine_without_the_dask_extra_names_it(tmp_path, monkeypatch):
    """case 12: `--engine dask` without Dask installed: one line naming the extra, exit 2, no traceback."""
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    code, out, err = _run(["terms", str(CORPUS), "--engine", "dask", "--workers", "1", "--cache", str(tmp_path)])
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "pip install 'vnpress[dask]'" in err, err


# --- case 10: the cache --------------------------------------------------------------------------------------------

@pytest.fixture
def corpus(tmp_path) -> Path:
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    return copy


def _truncate_one(folder: Path) -> Path:
    shard = sorted(folder.glob("*.parquet"))[0]
    shard.write_bytes(shard.read_bytes()[:200])
    return shard


@pytest.mark.parametrize("command, table", [(["kwic", "Công ước Hà Nội"], "tokens"),
                                            (["stance", "--by", "article"], "analyses/stance-*/rows"),
                                            (["statements"], "analyses/mentions-*/done")])
def test_a_truncated_cache_shard_is_recomputed(corpus, tmp_path, command, table):
    """case 10: a truncated shard (tokens, an analysis's rows or its done list) is found, its layer is computed
    again with one warning line naming the shard, and the table is the one an intact cache gives."""
    cache = tmp_path / "cache"
    argv = [command[0], str(corpus), *command[1:], "--cache", str(cache), "--workers", "1", "--format", "csv"]
    code, expected, err = _run(argv)
    assert code == 0, err
    folder = next(cache.glob(f"*/{table}"))
    shard = _truncate_one(folder)
    code, out, err = _run(argv)
    assert code == 0, err
    assert out == expected
    warnings = [line for line in err.splitlines() if shard.name in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning:") and "computed again" in warnings[0], err
    assert _run(argv) == (0, expected, "")  # repaired: the next run reads the cache without a warning


def test_a_truncated_file_facts_shard_is_read_again(corpus, tmp_path):
    """case 10: a truncated shard of the loading cache (cache/files/) is dropped with one warning line and the
    files it described are read again."""
    cache = tmp_path / "cache"
    argv = ["corpus", str(corpus), "--cache", str(cache), "--workers", "1", "--format", "csv"]
    code, expected, _ = _run(argv)
    shard = _truncate_one(next(cache.glob("files/*")))
    code, out, err = _run(argv)
    assert (code, out) == (0, expected), err
    assert len([line for line in err.splitlines() if shard.name in line]) == 1, err


def _read_only(folder: Path, command: list[str]) -> list[str]:
    """`command` run with `folder` read-only: by permissions, or (as root, whom permissions do not stop) as a
    read-only bind mount in a mount namespace of its own."""
    if os.geteuid() != 0:
        for d, _, _ in os.walk(folder):
            os.chmod(d, 0o555)
        return command
    if not shutil.which("unshare") or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode:
        pytest.skip("running as root without mount namespaces: cannot make a folder read-only")
    quoted = " ".join(f"'{c}'" for c in command)
    return ["unshare", "-m", "sh", "-c", f"mount --bind '{folder}' '{folder}' && "
                                         f"mount -o remount,ro,bind '{folder}' '{folder}' && exec {quoted}"]


def test_a_read_only_cache_with_new_articles_still_gives_the_table(corpus, tmp_path):
    """case 10: with a read-only cache, the articles it holds are read from it and new ones are computed without
    caching them: the table of a writable cache, one warning line, the cache left as it was."""
    cache = tmp_path / "cache"
    vnpress = str(Path(sys.executable).parent / "vnpress")
    argv = ["stance", str(corpus), "--by", "article", "--cache", str(cache), "--workers", "1", "--format", "csv"]
    assert subprocess.run([vnpress, *argv], capture_output=True).returncode == 0
    (corpus / "nhat-ban.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    before = sorted(p.relative_to(cache) for p in cache.rglob("*"))
    res = subprocess.run(_read_only(cache, [vnpress, *argv]), capture_output=True, text=True, timeout=300)
    for d, _, _ in os.walk(cache):
        os.chmod(d, 0o755)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Traceback" not in res.stderr
    assert "nhat-ban,JP," in res.stdout
    assert res.stdout == _run([*argv[:5], str(tmp_path / "fresh"), *argv[6:]])[1]
    warnings = [line for line in res.stderr.splitlines() if str(cache) in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning:") and "read-only" in warnings[0], res.stderr
    assert sorted(p.relative_to(cache) for p in cache.rglob("*")) == before
