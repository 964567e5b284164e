"""Every command the README and docs/ show works exactly as written, from the project root of a fresh copy.

The commands are extracted from README.md and every docs/*.md (```sh and ```cron blocks, and inline `...` spans
that start with a command, except a bare subcommand name such as `vnpress stance` in prose), so a new example is
tested as soon as it is written, wherever it lives; each is run or listed in SKIP with the reason.
Bare `vnpress`/`papermill` run with the project's environment activated (its bin first on PATH), as the README says.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PROMPTS = (".venv/bin/", "vnpress ", "papermill ", "python ", "make ", "dask ", "apt-get ", "pip ")
SKIP = {
    "make test": "runs this test suite",
    "make lab": "starts an interactive JupyterLab server",
    "make lock": "rebuilds constraints.txt from a fresh, unconstrained install from PyPI (minutes)",
    "apt-get install chromium": "a system package; .ci/run installs it",
    "dask scheduler": "needs a cluster (HEAD, /shared); the dask engine is tested in tests/test_scale.py",
    "dask worker tcp://HEAD:8786 --nthreads 1 --nworkers 8": "needs a cluster",
    "vnpress run --corpus /shared/corpus --out /shared/outputs -p engine dask -p scheduler tcp://HEAD:8786":
        "needs a cluster",
    "vnpress terms /shared/corpus --engine dask --scheduler tcp://HEAD:8786 --cache /shared/outputs/cache":
        "needs a cluster",
    ".venv/bin/pytest -q -s tests/test_clean.py tests/test_countries.py tests/test_stance.py tests/test_timeline.py":
        "the same tests this suite runs",
    ".venv/bin/pytest -q -s tests/test_clean.py": "the same tests this suite runs",
    "python -m vnpress.data.build_countries": "rewrites the shipped gazetteer",
    "python bench/bench_pipeline.py": "a benchmark of several minutes",
    "python bench/bench_run.py": "a benchmark of several minutes",
    "python bench/bench_analyses.py --sizes 1000,5000,20000 --one-worker-max 5000 "
    "--analyses mentions,statements,stance,dates": "a benchmark of about an hour",
    "python bench/bench_analyses.py --sizes 1000,5000,20000 --one-worker-max 1000 --analyses minhash":
        "a benchmark of about half an hour",
    "python bench/bench_analyses.py --sizes 1000,5000 --one-worker-max 1000 --analyses entities":
        "a benchmark of about 25 minutes",
    "vnpress code DIR": "DIR names the corpus folder in the codebook; the coding commands of docs/method.md are run",
    "vnpress learn corpus/": "needs coded rows in corpus/codes/; tests/test_decision.py runs it on coded articles",
}
HTML_PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Việt Nam kêu gọi hợp tác</title>
<meta property="article:published_time" content="2025-11-02"></head><body><article><h1>Việt Nam kêu gọi hợp tác</h1>
<p>Đại diện Bộ Công an cho biết Việt Nam sẽ tiếp tục phối hợp với các đối tác quốc tế trong phòng, chống tội phạm mạng
sau lễ mở ký Công ước Hà Nội, đồng thời đề nghị các nước chia sẻ kinh nghiệm điều tra và chứng cứ điện tử.</p>
<p>Theo ông, việc nội luật hóa các quy định của Công ước cần được triển khai theo lộ trình rõ ràng trong năm 2026,
bảo đảm hài hòa với hệ thống pháp luật trong nước và các cam kết quốc tế mà Việt Nam đã tham gia.</p>
</article></body></html>"""
JSONL = ('{"headline": "Hội thảo về chứng cứ điện tử", "date": "2025-11-05", "body": "Các chuyên gia pháp lý thảo '
         'luận về thu thập chứng cứ điện tử xuyên biên giới theo Công ước của Liên hợp quốc về chống tội phạm mạng."}\n')


def documented_files() -> list[Path]:
    """README.md, then every docs/*.md by name."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def readme_commands() -> list[str]:
    """The commands README.md and docs/*.md show, in order (README first), without their trailing comments."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in documented_files())
    found = []
    for lang, block in re.findall(r"```(sh|cron)\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = re.split(r"\s{2,}#", line)[0].strip()
            if line and lang == "cron":
                line = line.split(None, 5)[5]  # the command after the five schedule fields
            if line:
                found.append(line)
    found += [span for span in re.findall(r"`([^`\n]+)`", text)
              if span.startswith(PROMPTS) and " " in span and "[" not in span and "..." not in span
              and not re.fullmatch(r"vnpress [a-z]+", span)]  # `vnpress kwic` in prose names a command
    return list(dict.fromkeys(found))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A fresh copy of the project whose .venv is this interpreter's environment, set up as `make` leaves it."""
    copy = tmp_path_factory.mktemp("clone") / "vnpress"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", "outputs", "__pycache__",
                                                              ".pytest_cache", "*.egg-info"))
    (copy / "outputs").mkdir()
    shutil.copy(ROOT / "outputs" / "README.md", copy / "outputs" / "README.md")
    (copy / ".venv").mkdir()
    (copy / ".venv" / "bin").symlink_to(Path(sys.prefix) / "bin")
    (copy / ".venv" / ".installed").touch()
    (copy / ".venv" / ".installed-test").touch()
    (copy / "saved").mkdir()
    (copy / "saved" / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (copy / "export.jsonl").write_text(JSONL, encoding="utf-8")
    return copy


def _shell(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_every_readme_command_is_run_or_skipped_with_a_reason():
    commands = readme_commands()
    assert "papermill notebooks/02-term-frequency.ipynb out.ipynb -p top_n 50" in commands
    assert ".venv/bin/vnpress agreement corpus" in commands  # docs/method.md: the commands of docs/ are extracted
    assert [c for c in SKIP if c not in commands] == []  # a SKIP entry names a command still documented
    assert len([c for c in commands if c not in SKIP]) >= 15


def test_readme_commands_work_as_written(project):
    env = {**os.environ, "PATH": f"{Path(sys.prefix) / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VNPRESS_ROOT", None)
    corpus_before = len(list((project / "corpus").glob("*.txt")))
    failures = []
    # `vnpress add` changes the corpus: run it last
    for command in sorted((c for c in readme_commands() if c not in SKIP), key=lambda c: c.startswith("vnpress add")):
        command = command.replace("/path/to/vnpress", str(project))
        res = _shell(command, project, env)
        if res.returncode != 0:
            failures.append(f"{command}\n  exit {res.returncode}: {(res.stderr or res.stdout)[-600:]}")
    assert failures == [], "\n".join(failures)
    latest = project / "outputs" / "latest"
    assert (latest / "index.html").is_file() and (latest / "03-stance-by-country.html").is_file()
    assert (project / "out.ipynb").is_file()  # papermill from the project root found corpus, cache and outputs
    assert (project / "outputs" / "scratch" / "02-term-frequency" / "tables" / "frequencies.csv").is_file()
    assert len(list((project / "corpus").glob("*.txt"))) == corpus_before + 2  # the HTML page and the JSONL row
