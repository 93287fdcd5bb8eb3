# Two set-up commands (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PERSONS ?= 2000
SEED ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test system-test-deps demo serve test bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

# Chromium for the browser tests and Pango for WeasyPrint, from Debian's packages.
system-test-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ldconfig -p | grep -q libpangoft2; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils; fi

demo: install
	$(BIN)/mrf demo --persons $(PERSONS) --seed $(SEED)
	@echo "Démonstration prête. Lancez « make serve » puis ouvrez http://$(HOST):$(PORT)/"

serve: install
	MRF_INSECURE_COOKIES=1 $(BIN)/mrf serve --host $(HOST) --port $(PORT)

test: system-test-deps install-test
	$(BIN)/python -m pytest

bench: $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench]'
	for b in ingest matching matching_ceiling panels poursuites web; do $(BIN)/python benchmarks/$$b.py; done
