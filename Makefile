# vnpress: `make report` runs every notebook into outputs/, `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORPUS ?= corpus
OUT    ?= outputs

.PHONY: report test lab bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

report: $(VENV)/.installed
	$(BIN)/vnpress run --corpus $(CORPUS) --out $(OUT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

lab: $(VENV)/.installed
	$(BIN)/python -m ipykernel install --sys-prefix --name vnpress --display-name "Python (vnpress)"
	$(BIN)/jupyter lab notebooks/

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_run.py

clean:
	rm -rf $(OUT)/runs $(OUT)/latest $(OUT)/cache
