import os
import shutil
import subprocess
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the test extra installs tomli
    import tomli as tomllib

import pytest
import yaml

from conftest import ROOT
from test_readme import HTML_PAGE


def test_environment_yml_matches_pyproject():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert [p for p in pip if p != "-e ."] == deps
    assert "-e ." in pip


def test_license_is_apache():
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "Apache-2.0"


@pytest.mark.install
def test_fresh_install_with_stock_pip_imports_an_html_page(tmp_path):
    """`pip install -e .` with the pip the interpreter ships (no upgrade) brings everything `vnpress add` needs
    for a saved HTML page (lxml_html_clean for jusText). Needs PyPI or pip's cache; about 40 s with a warm cache."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    res = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-e", str(src)], env=env,
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]
    page = tmp_path / "page.html"
    page.write_text(HTML_PAGE, encoding="utf-8")
    corpus = tmp_path / "corpus"
    res = subprocess.run([venv / "bin" / "vnpress", "add", str(page), "--corpus", str(corpus), "--format", "csv"],
                         env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert ",added," in res.stdout
    assert "phối hợp với các đối tác quốc tế" in next(corpus.glob("*.txt")).read_text(encoding="utf-8")
