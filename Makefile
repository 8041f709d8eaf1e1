# One task runner for users, developers and CI (README and .ci/run call these targets).
VENV ?= .venv
PY := $(VENV)/bin/python
LEGATION := $(VENV)/bin/legation
DB ?= $(HOME)/.local/share/legation/legation.db

.PHONY: install run test lint bench docs clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(LEGATION) --db $(DB) init --bundled
	$(LEGATION) --db $(DB) stats
	$(LEGATION) --db $(DB) show "Anatoly Antonov"

test: install
	$(PY) -m pytest -n 2 -q

lint: install
	$(VENV)/bin/ruff check legation tests
	$(VENV)/bin/mypy

bench: install
	$(PY) -m benchmarks

docs: install
	$(PY) -m legation.docs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
