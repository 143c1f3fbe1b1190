# `make demo` and `make test` work from a clean clone with only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: demo test lint typecheck pytest test-under-load test-uvloop bench chaos docs docs-serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/python examples/quickstart.py

LINT_PATHS := src tests $(wildcard examples benchmarks)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/pyright

pytest: $(STAMP)
	$(BIN)/python -W error::ResourceWarning -m pytest

test: lint typecheck pytest

# The suite must not depend on the machine's speed: lint and types once, then the pytest
# part of `make test` UNDER_LOAD_RUNS times in a row while UNDER_LOAD_HOGS busy loops keep
# the cores saturated (tools/under-load.sh starts them and always stops them).
UNDER_LOAD_RUNS ?= 3
UNDER_LOAD_HOGS ?= 2
test-under-load: lint typecheck
	tools/under-load.sh -n $(UNDER_LOAD_RUNS) -j $(UNDER_LOAD_HOGS) -- $(MAKE) --no-print-directory pytest

# The whole suite on uvloop's event loop instead of asyncio's (see tests/loops.py).
test-uvloop: $(STAMP)
	OPENAPI_TEST_LOOP=uvloop $(BIN)/python -W error::ResourceWarning -m pytest

chaos: $(STAMP)
	CHAOS_CALLS=$${CHAOS_CALLS:-20000} $(BIN)/python -m pytest -m chaos -q -s

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/instructions.py
	$(BIN)/python benchmarks/chart.py

# The documentation site (mkdocs.yml; docs/contributing.md says how to add a page), built
# strictly: any warning, a broken link or anchor among them, fails the build. The snippets
# of the pages are executed by `make test` (tests/docs/), which does not need the docs extra.
$(DOCS_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@ $(DEMO_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

docs-serve: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache site
