"""The package's structure, read from its own syntax tree: stages that import only downward, no cycle, no import
inside a function; and a layer's cache key that follows its real code: a report, figure or template edit re-runs
no layer, an edit of a module or data file re-runs exactly the layers that read it (and those fed by them)."""

import ast
import re
import shutil
from pathlib import Path

import pytest
import yaml

import vnpress
from vnpress.data import path as data_path
from vnpress.processing import layers
from vnpress.processing.workbook import from_texts

PACKAGE = Path(vnpress.__file__).parent
# the stages, lowest first: a module imports from its own stage or a lower one
STAGES = {"util": 0, "data": 0, "corpus": 1, "processing": 2, "analyses": 3, "validation": 4, "reports": 5, "cli": 6}


def _modules() -> dict[str, Path]:
    return {".".join(("vnpress", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): p
            for p in PACKAGE.rglob("*.py")}


MODULES = _modules()


def _stage(module: str) -> int:
    return STAGES[module.split(".")[1]]


def _imports(path: Path) -> list[tuple[str, ast.AST, bool]]:
    """(imported vnpress module, node, inside a function) for every import of vnpress in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside |= {id(n) for n in ast.walk(node) if n is not node}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.append(("<relative>", node, id(node) in inside))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "vnpress":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append((sub if sub in MODULES else node.module, node, id(node) in inside))
        elif isinstance(node, ast.Import):
            found += [(a.name, node, id(node) in inside) for a in node.names if a.name.split(".")[0] == "vnpress"]
    return found


def _graph() -> dict[str, set[str]]:
    return {m: {t for t, _, _ in _imports(p) if t in MODULES} for m, p in MODULES.items() if m != "vnpress"}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph (empty if none), by depth-first search."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str]:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state and (found := visit(t)):
                return found
        state[m] = 2
        stack.pop()
        return []

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return []


def test_every_module_belongs_to_a_stage():
    assert {m.split(".")[1] for m in MODULES if m != "vnpress"} <= set(STAGES)
    assert len(MODULES) > 40  # the walk found the package


def test_no_import_inside_a_function_no_relative_import_and_no_import_of_the_facade():
    problems = [f"{m}:{node.lineno} imports {t}" + (" inside a function" if inner else "")
                for m, p in MODULES.items() for t, node, inner in _imports(p)
                if inner or t == "<relative>" or (t == "vnpress" and m != "vnpress")]
    assert problems == []


def test_imports_point_down_the_stages():
    upward = [f"{m} ({m.split('.')[1]}) imports {t} ({t.split('.')[1]})" for m, targets in _graph().items()
              for t in targets if t != "vnpress" and _stage(t) > _stage(m)]
    assert upward == []


def test_the_import_graph_has_no_cycle():
    assert _cycle(_graph()) == []


def test_the_checks_catch_what_they_are_for(tmp_path):
    """The checks fail on the faults they look for: a cycle, an upward import, an import inside a function."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    bad = tmp_path / "bad.py"
    bad.write_text("from vnpress.reports.figures import heatmap\n\ndef f():\n    from vnpress.analyses import stance\n")
    found = _imports(bad)
    assert [(t, inner) for t, _, inner in found] == [("vnpress.reports.figures", False), ("vnpress.analyses.stance", True)]
    assert _stage(found[0][0]) > _stage("vnpress.analyses.stance")


@pytest.fixture
def edited_copy(tmp_path, monkeypatch):
    """A copy of the package whose files the layers' keys are read from: edit it to see what a change re-runs."""
    copy = tmp_path / "vnpress"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    real = layers._file

    def redirected(module: str) -> Path | None:
        path = real(module)
        return copy / path.relative_to(PACKAGE) if path else None

    monkeypatch.setattr(layers, "_file", redirected)
    layers.code_closure.cache_clear()
    yield copy
    layers.code_closure.cache_clear()


def _settings(wb, data_files=None) -> dict[str, str]:
    layers.code_closure.cache_clear()
    return {name: layers.plan(wb, name, data_files).settings for name in layers.REGISTRY}


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


@pytest.fixture(scope="module")
def small_wb():
    return from_texts({"a": "Ngày 25/10/2025, Việt Nam ký Công ước Hà Nội. Bộ trưởng nói: \"Chúng tôi ủng hộ.\""})


def test_editing_a_figure_a_template_or_the_findings_page_reruns_no_layer(edited_copy, small_wb):
    before = _settings(small_wb)
    with open(edited_copy / "reports" / "figures.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef extra_figure():\n    return None\n")
    for template in (edited_copy / "reports" / "templates").rglob("*.j2"):
        template.write_text(template.read_text(encoding="utf-8") + "\n{# edited #}\n", encoding="utf-8")
    for name in ("cards.py", "report.py", "findings.py", "runner.py"):
        with open(edited_copy / "reports" / name, "a", encoding="utf-8") as f:
            f.write("\n# edited\n")
    assert _changed(before, _settings(small_wb)) == set()


def test_editing_a_module_reruns_exactly_the_layers_whose_code_imports_it(edited_copy, small_wb):
    before = _settings(small_wb)
    with open(edited_copy / "analyses" / "acts.py", "a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    assert _changed(before, _settings(small_wb)) == {"statements", "stance"}
    before = _settings(small_wb)
    with open(edited_copy / "analyses" / "timeline.py", "a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    assert _changed(before, _settings(small_wb)) == {"dates"}
    before = _settings(small_wb)
    with open(edited_copy / "util" / "textnorm.py", "a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    assert _changed(before, _settings(small_wb)) == {"mentions", "statements", "stance", "dates"}


def test_editing_acts_yaml_reruns_exactly_the_statements_and_the_stance_built_on_them(tmp_path, small_wb):
    acts = tmp_path / "acts.yaml"
    shutil.copy(data_path("acts.yaml"), acts)
    before = _settings(small_wb, {"acts.yaml": str(acts)})
    data = yaml.safe_load(acts.read_text(encoding="utf-8"))
    acts.write_text(yaml.safe_dump(data, allow_unicode=True) + "\n# edited\n", encoding="utf-8")
    after = _settings(small_wb, {"acts.yaml": str(acts)})
    readers = {n for n, a in layers.REGISTRY.items() if "acts.yaml" in a.data_files}
    assert readers == {"statements"}
    assert _changed(before, after) == readers | {"stance"}  # stance is computed from the statements' rows


def _functions() -> list[tuple[str, str, int]]:
    """(module, function, lines from `def` to its last line) for every function of the package."""
    return [(m, n.name, n.end_lineno - n.lineno + 1) for m, p in MODULES.items()
            for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_no_function_is_longer_than_sixty_lines():
    assert [f"{m}.{name}: {n} lines" for m, name, n in _functions() if n > 60] == []


# Vietnamese letters with diacritics (and đ): a string constant holding one outside a docstring is a word in code
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
# single letters, not words: where the code needs the letters themselves (character classes `[...]` pass too)
LETTERS = {"đĐ", "đ"}


def _vietnamese_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    found = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
             and id(n) not in docstrings and VIETNAMESE.search(n.value)]
    return [v for v in found if v not in LETTERS and VIETNAMESE.search(re.sub(r"\[[^\]]*\]", "", v))]


def test_no_vietnamese_word_is_left_in_code():
    """Words, word lists and patterns of words live in the data files; only letter classes stay in code."""
    assert {m: found for m, p in MODULES.items() if (found := _vietnamese_constants(p))} == {}


def test_the_word_check_sees_words_and_lets_letters_pass(tmp_path):
    code = tmp_path / "m.py"
    code.write_text('"""Docstring: «Bộ trưởng nói»."""\nA = ["ủng hộ", "support"]\nB = re.compile(r"[A-ZĐ]\\w+")\n',
                    encoding="utf-8")
    assert _vietnamese_constants(code) == ["ủng hộ"]
