# Set-up commands (see README): `make demo`, `make test`, `make test-fast`, `make lint`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PERSONS ?= 2000
SEED ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000
# The fast lane: libraries, services and web views on SQLite, without Chromium nor the slow tests.
FAST := not slow and not browser

.PHONY: install install-test system-test-deps demo serve test test-fast lint bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Installed again only when pyproject.toml changes (the stamp files remember the last install).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Chromium for the browser tests, Pango for WeasyPrint and pdftoppm (poppler) for the documents, from
# Debian's packages; apt-get runs only when one of them is missing.
system-test-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
		|| ! ldconfig -p | grep -q libpangoft2; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils; fi

demo: install
	$(BIN)/mrf demo --persons $(PERSONS) --seed $(SEED)
	@echo "Démonstration prête. Lancez « make serve » puis ouvrez http://$(HOST):$(PORT)/"

serve: install
	MRF_INSECURE_COOKIES=1 $(BIN)/mrf serve --host $(HOST) --port $(PORT)

test: system-test-deps install-test
	$(BIN)/python -m pytest

test-fast: install-test
	MRF_TEST_DATABASES=sqlite $(BIN)/python -m pytest -q -m "$(FAST)"

lint: install-test
	$(BIN)/ruff check .

bench: $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench]'
	for b in ingest matching matching_ceiling panels poursuites web; do $(BIN)/python benchmarks/$$b.py; done
