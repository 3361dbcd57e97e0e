# Innoköp: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export INNOKOP_VAR_DIR ?= $(CURDIR)/var
INSTALLED := $(VENV)/.installed
ASSETS := src/innokop/core/static/innokop/build/innokop.css
CATALOGUES := $(wildcard src/innokop/locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run setup test test-fast bench bench-data messages clean

run: setup
	$(BIN)/innokop migrate --noinput -v0
	$(BIN)/innokop search-reindex --if-outdated
	$(BIN)/innokop collectstatic --noinput -v0
	$(BIN)/innokop demo --if-empty
	PORT=$(PORT) $(BIN)/innokop serve

setup: $(INSTALLED) $(ASSETS) $(COMPILED)

$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): frontend/node_modules/.package-lock.json frontend/scss/innokop.scss frontend/copy-assets.mjs
	cd frontend && npm run --silent build

%.mo: %.po
	msgfmt --check-format -o $@ $<

test: setup
	$(BIN)/python -m pytest

# Everything but the browser journeys: for quick runs while working.
test-fast: setup
	$(BIN)/python -m pytest -m "not browser"

# Update the catalogues after changing user-facing text; then translate the new entries.
messages: setup
	cd src/innokop && ../../$(BIN)/innokop makemessages -l sv -l en --no-obsolete --add-location file

bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The benchmark's data (bench/data.py): SCALE=small|medium|national, SEED=…; DATABASE_URL picks the database.
SCALE ?= small
SEED ?= 2026
bench-data: setup
	$(BIN)/python bench/data.py --scale $(SCALE) --seed $(SEED)

clean:
	rm -rf $(VENV) frontend/node_modules src/innokop/core/static/innokop/build $(COMPILED)
