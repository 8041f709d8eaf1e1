# One task runner for users, developers and CI (README and .ci/run call these targets).
VENV ?= .venv
PY := $(VENV)/bin/python
LEGATION := $(VENV)/bin/legation
DB ?= $(HOME)/.local/share/legation/legation.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install browser run test lint bench fuzz docs clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,spark]'
	touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's Chromium (no browser downloads); installed when we may.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium is missing: install Debian's chromium package to run the browser tests"

run: install
	$(LEGATION) --db $(DB) init --bundled
	$(LEGATION) --db $(DB) stats
	$(LEGATION) --db $(DB) serve --host $(HOST) --port $(PORT)

test: install browser
	$(PY) -m pytest -n 2 -q

lint: install
	$(VENV)/bin/ruff check legation tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: install
	$(PY) -m benchmarks

# The import fuzzer at length: 3,000 generated files, one clean line each, no refused import
# changing the store (tests/fuzzing.py). `make test` runs the same property on a few dozen.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -p no:xdist tests/test_fuzz.py

docs: install
	$(PY) -m legation.cli.reference

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
