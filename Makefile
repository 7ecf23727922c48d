# The README's two commands are `make demo` and `make test`; the rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
DEVOLVE := $(BIN)/devolve
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help setup demo serve test lint format assets system-packages messages schema bench clean

help:
	@echo "make demo    fresh clone → Sichuan demo served on http://$(HOST):$(PORT)"
	@echo "make setup   everything 'demo' does except serving"
	@echo "make test    the whole suite (SQLite; DATABASE_URL=postgres://… for PostgreSQL)"
	@echo "make lint    ruff, mypy, import layers, migrations and API schema up to date"
	@echo "make bench   speed benchmarks, as ratios against a baseline measured in the same run"

$(VENV)/.python-checked:
	@PY=$$(scripts/find-python) || exit 1; \
	  echo "Using $$PY ($$($$PY --version))"; \
	  $$PY -m venv $(VENV)
	@touch $@

$(VENV)/.installed: $(VENV)/.python-checked requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	@$(BIN)/python -c 'import django, sys; assert django.VERSION[:2] >= (6, 1), f"Django {django.__version__} installed; Devolve needs 6.1 (Python 3.12+)"; sys.exit(0)'
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

test: system-packages $(VENV)/.installed assets messages
	$(BIN)/pytest -n 2 --create-db $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(DEVOLVE) makemigrations --check --dry-run
	$(DEVOLVE) spectacular --lang en --validate --fail-on-warn --file /tmp/devolve-schema.yml
	diff -u schema.yml /tmp/devolve-schema.yml || (echo "The API changed: run 'make schema' and commit schema.yml." && exit 1)

schema: $(VENV)/.installed
	$(DEVOLVE) spectacular --lang en --validate --fail-on-warn --file schema.yml

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) node_modules devolve/static/dist var
