"""Notebook path parameters resolve from the project root, wherever the notebook runs."""

import pytest
from conftest import ROOT

from vnpress.reports.params import check_params, project_root


@pytest.mark.parametrize("cwd", [ROOT, ROOT / "notebooks", ROOT / "lib" / "vnpress"])
def test_relative_paths_resolve_from_the_project_root(monkeypatch, cwd):
    monkeypatch.delenv("VNPRESS_ROOT", raising=False)
    monkeypatch.chdir(cwd)
    assert project_root() == ROOT
    p = check_params(corpus_dir="corpus", cache_dir="", out_dir="/abs/out", top_n=3)
    assert p == {"corpus_dir": str(ROOT / "corpus"), "cache_dir": "", "out_dir": "/abs/out", "top_n": 3}


def test_outside_the_project_the_package_location_decides(monkeypatch, tmp_path):
    monkeypatch.delenv("VNPRESS_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)  # e.g. cron, or JupyterLab started in the home folder
    assert check_params(gold_path="tests/gold/stance.csv")["gold_path"] == str(ROOT / "tests/gold/stance.csv")


def test_env_var_names_another_root(monkeypatch, tmp_path):
    monkeypatch.setenv("VNPRESS_ROOT", str(tmp_path))
    assert check_params(corpus_dir="corpus")["corpus_dir"] == str(tmp_path / "corpus")
