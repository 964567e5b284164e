# vnpress: `make report` runs every notebook into outputs/, `make test` runs the tests.
# Installs are pinned by constraints.txt (the versions the README's figures were measured with); `make lock`
# refreshes it from a fresh, unconstrained install with every extra.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORPUS ?= corpus
OUT    ?= outputs
LOCK   := constraints.txt
PIP    := $(BIN)/python -m pip install --quiet -c $(LOCK)
LOCKVENV := .venv-lock

.PHONY: report test lab bench clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) $(VENV)/.installed
	$(PIP) -e '.[test]'
	touch $@

$(VENV)/.installed-lab: pyproject.toml $(LOCK) $(VENV)/.installed
	$(PIP) -e '.[lab]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(LOCK) $(VENV)/.installed
	$(PIP) -e '.[bench]'
	touch $@

report: $(VENV)/.installed
	$(BIN)/vnpress run --corpus $(CORPUS) --out $(OUT)

test: $(VENV)/.installed-test
	$(BIN)/ruff check lib tests bench
	$(BIN)/python -m pytest -q

lab: $(VENV)/.installed-lab
	$(BIN)/python -m ipykernel install --sys-prefix --name vnpress --display-name "Python (vnpress)"
	$(BIN)/jupyter lab notebooks/

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_run.py

lock:
	rm -rf $(LOCKVENV)
	$(PYTHON) -m venv $(LOCKVENV)
	$(LOCKVENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCKVENV)/bin/python -m pip install --quiet -e '.[test,bench,lab,dask,html]'
	head -n 2 $(LOCK) > $(LOCK).new
	$(LOCKVENV)/bin/python -m pip freeze --exclude-editable >> $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf $(LOCKVENV)

clean:
	rm -rf $(OUT)/runs $(OUT)/latest $(OUT)/cache
