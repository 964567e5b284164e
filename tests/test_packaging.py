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
    """environment.yml's pip list: the dependencies, then the lab, dask and html extras (an interactive
    environment), then the project itself."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert [p for p in pip if p != "-e ."] == project["dependencies"] + extras["lab"] + extras["dask"] + extras["html"]
    assert "-e ." in pip


def test_license_is_apache():
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "Apache-2.0"


def _pip_install(venv, target: str, env: dict, constraints) -> None:
    res = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-c", str(constraints),
                          "-e", target], env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]


@pytest.mark.install
def test_fresh_install_with_stock_pip_and_the_html_extra_imports_an_html_page(tmp_path):
    """`pip install -c constraints.txt -e .` (what `make report` does) with the pip the interpreter ships (no
    upgrade) installs none of the heavy extras, and `vnpress add` of a saved HTML page then names the one to
    install; with `.[html]` it imports the page (lxml_html_clean for jusText). Needs PyPI or pip's cache; about
    60 s with a warm cache."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "constraints.txt"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    _pip_install(venv, str(src), env, src / "constraints.txt")
    installed = subprocess.run([venv / "bin" / "python", "-m", "pip", "list", "--format", "freeze"], env=env,
                               capture_output=True, text=True).stdout.lower()
    assert not [p for p in ("jupyterlab==", "dask==", "distributed==", "trafilatura==") if p in installed]
    page = tmp_path / "page.html"
    page.write_text(HTML_PAGE, encoding="utf-8")
    corpus = tmp_path / "corpus"
    add = [venv / "bin" / "vnpress", "add", str(page), "--corpus", str(corpus), "--format", "csv"]
    res = subprocess.run(add, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 1 and "pip install 'vnpress[html]'" in res.stderr and "Traceback" not in res.stderr
    _pip_install(venv, f"{src}[html]", env, src / "constraints.txt")
    res = subprocess.run(add, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert ",added," in res.stdout
    assert "phối hợp với các đối tác quốc tế" in next(corpus.glob("*.txt")).read_text(encoding="utf-8")
