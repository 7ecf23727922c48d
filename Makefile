# The README's two commands are `make demo` and `make test`; the rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
DEVOLVE := $(BIN)/devolve
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help setup demo serve test lint lock format assets system-packages messages schema bench bench-scale bench-growth clean

help:
	@echo "make demo    fresh clone → Sichuan demo served on http://$(HOST):$(PORT)"
	@echo "make setup   everything 'demo' does except serving"
	@echo "make test    the whole suite (SQLite; DATABASE_URL=postgres://… for PostgreSQL)"
	@echo "make lint    ruff, mypy, import layers, migrations and API schema up to date"
	@echo "make bench   speed benchmarks, as ratios against a baseline measured in the same run"
	@echo "make bench-scale  every benchmark of issue 19 on a generated database (SCALE_DATABASE_URL)"
	@echo "make bench-growth the pages and API on several databases, one table (SCALES)"
	@echo "make lock    regenerate the hashed lock files in requirements/ from pyproject.toml"

$(VENV)/.python-checked:
	@PY=$$(scripts/find-python) || exit 1; \
	  echo "Using $$PY ($$($$PY --version))"; \
	  $$PY -m venv $(VENV)
	@touch $@

# Runtime only: what a server needs to serve the demo (requirements/runtime.txt).
$(VENV)/.installed: $(VENV)/.python-checked requirements/runtime.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --requirement requirements/runtime.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	@$(BIN)/python -c 'import django, sys; assert django.VERSION[:2] >= (6, 1), f"Django {django.__version__} installed; Devolve needs 6.1 (Python 3.12+)"; sys.exit(0)'
	@touch $@

# Tests, lint and lock tools, and the oracle estimators (installed without their declared
# dependencies: the lock is complete and leaves out the publishing tools csdid declares).
$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt requirements/oracles.txt
	$(BIN)/python -m pip install --quiet --require-hashes --requirement requirements/dev.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps --requirement requirements/oracles.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

devolve/static/dist/devolve.css: node_modules/.installed frontend/devolve.scss scripts/build-assets.mjs
	npm run --silent build

assets: devolve/static/dist/devolve.css

system-packages:
	@scripts/install-system-packages

messages: $(VENV)/.installed
	cd devolve && ../$(DEVOLVE) compilemessages --ignore=.venv -v0

setup: system-packages $(VENV)/.installed assets messages
	$(DEVOLVE) migrate --no-input -v0
	DJANGO_SETTINGS_MODULE=config.settings.demo $(DEVOLVE) collectstatic --no-input -v0
	$(DEVOLVE) seed_demo

demo: setup serve

serve:
	@echo "Devolve is serving on http://$(HOST):$(PORT)/ (English at /en/) — Ctrl-C stops it."
	DJANGO_SETTINGS_MODULE=config.settings.demo $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) \
	  --workers 2 --access-logfile - --env DJANGO_SETTINGS_MODULE=config.settings.demo

# The whole suite starts from an empty test cache of its own (template databases, demo
# snapshots), as in a fresh clone: code run only while a snapshot is built must count towards
# coverage in every run, not only when no earlier run on this machine left the snapshot behind.
# Set DEVOLVE_TEST_CACHE to reuse a cache on purpose (coverage floors may then fail).
# Compiled modules are kept (__pycache__) even where the environment says not to write them: each
# worker, and every process a test starts, would otherwise compile the whole code base again
# (collection alone took 14 s a worker instead of 7).
test: system-packages $(VENV)/.installed-dev assets messages
	@scripts/ensure-postgresql
	@start=$$(date +%s); \
	  unset PYTHONDONTWRITEBYTECODE; $(BIN)/python -m compileall -q -j 2 devolve config tests >/dev/null; \
	  own_cache=; if [ -z "$${DEVOLVE_TEST_CACHE:-}" ]; then \
	    own_cache=$$(mktemp -d -t devolve-test-cache.XXXXXX); export DEVOLVE_TEST_CACHE=$$own_cache; fi; \
	  COVERAGE_CORE=sysmon $(BIN)/pytest -n 2 --dist loadscope --durations=15 \
	    --cov --cov-report= $(PYTEST_ARGS); status=$$?; \
	  if [ -n "$$own_cache" ]; then rm -rf "$$own_cache"; fi; \
	  echo "make test: $$(( $$(date +%s) - start )) s on $${DATABASE_URL:-SQLite}"; \
	  if [ $$status -eq 0 ] && [ -z "$(PYTEST_ARGS)" ]; then \
	    $(BIN)/python scripts/coverage-floors || status=$$?; fi; exit $$status

lint: $(VENV)/.installed-dev
	scripts/lock --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint devolve --lint
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(DEVOLVE) check --fail-level WARNING
	scripts/check-deploy
	$(DEVOLVE) makemigrations --check --dry-run
	$(DEVOLVE) document_architecture --check
	scripts/update-messages --check
	@generated=$$(mktemp -t devolve-schema.XXXXXX.yml); \
	  $(DEVOLVE) spectacular --lang en --validate --fail-on-warn --file $$generated \
	  && diff -u schema.yml $$generated; status=$$?; rm -f $$generated; \
	  if [ $$status -ne 0 ]; then echo "The API changed: run 'make schema' and commit schema.yml."; fi; \
	  exit $$status

lock: $(VENV)/.installed-dev
	scripts/lock

schema: $(VENV)/.installed-dev
	$(DEVOLVE) spectacular --lang en --validate --fail-on-warn --file schema.yml

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks

# Every benchmark issue 19 lists on a generated database (generate_scale): pages and API with
# their raw SQL, the importers, publishing, selection scoring, then API throughput (30 s a run).
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/devolve_scale
REPEAT ?= 20
bench-scale: $(VENV)/.installed-dev
	DATABASE_URL=$(SCALE_DATABASE_URL) $(BIN)/python -m benchmarks.pages $(REPEAT)
	DATABASE_URL=$(SCALE_DATABASE_URL) $(BIN)/python -m benchmarks.importers
	DATABASE_URL=$(SCALE_DATABASE_URL) $(BIN)/python -m benchmarks.publishing
	DATABASE_URL=$(SCALE_DATABASE_URL) $(BIN)/python -m benchmarks.round_scoring
	DATABASE_URL=$(SCALE_DATABASE_URL) $(BIN)/python -m benchmarks.throughput

# The growth curve: the pages and API on each database named, one table (NAME=URL ...).
SCALES ?= scale=$(SCALE_DATABASE_URL)
bench-growth: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.growth --repeat $(REPEAT) $(SCALES)

clean:
	rm -rf $(VENV) node_modules devolve/static/dist var
