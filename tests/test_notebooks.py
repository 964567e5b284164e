import ast
import json

import nbformat
import pytest

from vnpress.reports.params import PARAMS, check_params
from vnpress.reports.runner import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


def test_expected_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS][:1] == ["01-exploration"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_has_an_id(path):
    """A cell without an id makes nbformat warn on every run, which `vnpress run` would show as noise."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert [i for i, c in enumerate(cells) if "id" not in c] == [], path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_tagged_typed_commented_and_registered(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    tree = ast.parse(cells[0].source)
    names = []
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), f"untyped parameter line {ast.unparse(node)}"
        names.append(node.target.id)
        assert node.target.id in PARAMS, f"{node.target.id} not registered in vnpress.reports.params.PARAMS"
    for line in cells[0].source.splitlines():
        assert "#" in line, f"parameter without a comment: {line}"
    assert {"corpus_dir", "cache_dir", "out_dir"} <= set(names)


def test_check_params_names_the_problem():
    assert check_params(top_n=5, corpus_dir="/data/c") == {"top_n": 5, "corpus_dir": "/data/c"}
    with pytest.raises(ValueError, match="unknown parameter 'topn'"):
        check_params(topn=5)
    with pytest.raises(ValueError, match="parameter 'top_n' must be int"):
        check_params(top_n="5")
    with pytest.raises(ValueError, match="parameter 'top_n' must be int"):
        check_params(top_n=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter(path):
    import papermill

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = [n.target.id for n in ast.parse(cell.source).body]
    assert list(papermill.inspect_notebook(str(path))) == names
