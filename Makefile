# 小区治理 — the two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-sqlite test-postgres bench schema check messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/python scripts/compile_messages.py
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-test.txt
	$(BIN)/python scripts/compile_messages.py
	touch $@ $(VENV)/.installed-run

## Serve the demo on http://127.0.0.1:8000 (SQLite, SQLite-backed huey, console SMS/e-mail).
run: $(VENV)/.installed-run
	bash scripts/run.sh

## The whole suite: SQLite, then a throwaway PostgreSQL cluster; browser tests when Chromium is present.
test: $(VENV)/.installed-test
	bash scripts/test.sh

test-sqlite: $(VENV)/.installed-test
	ONLY=sqlite bash scripts/test.sh

test-postgres: $(VENV)/.installed-test
	ONLY=postgres bash scripts/test.sh

## Benchmarks (figures printed; targets checked by each script's exit code).
bench: $(VENV)/.installed-test
	bash scripts/bench.sh

## Regenerate the committed GraphQL schema.
schema: $(VENV)/.installed-test
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py graphql_schema --schema portal.api.schema --out schema.graphql

## Compile locale/**/*.po into .mo (standard library only; run.sh and test.sh do it too).
messages: | $(BIN)/python
	$(BIN)/python scripts/compile_messages.py

check: $(VENV)/.installed-test
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf var .test-report test-artifacts
