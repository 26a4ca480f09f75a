# Two commands on a fresh machine with Python 3.11 and pip:
#   make demo   sets up .venv, installs geourb, runs the main job (`geourb demo`)
#   make test   runs the test suite (CI calls `make lint` then this)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# real data beside the repository (read in place, never copied)
export GEOURB_MIRROR ?= $(abspath ../shared/data)

.PHONY: setup demo test lint bench clean

$(BIN)/geourb: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/geourb

setup: $(BIN)/geourb

demo: setup
	$(BIN)/geourb demo

test: setup
	$(BIN)/python -m pytest -q

# style + numpydoc docstrings (ruff D), types (mypy, config in pyproject.toml), import layers
# and no cycles (import-linter contracts in pyproject.toml)
lint: setup
	$(BIN)/ruff check geourb tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache data/processed/* maps/*.html
