# TKPKD portal: `make run` serves the demo portal, `make test` runs every test.
# Needs only Python >= 3.11 and make; everything else goes into .venv.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Re-install only when pyproject.toml is newer than this stamp.
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help install run test lint bench-import bench-dashboard worker messages clean distclean

help:
	@echo "make run              install, migrate, load regions and demo data, serve http://$(HOST):$(PORT)/"
	@echo "make test             install and run the test suite (PYTEST_ARGS='...' passes options)"
	@echo "make lint             ruff check ."
	@echo "make worker           Celery worker (needs CELERY_BROKER_URL)"
	@echo "make bench-import     import benchmark, 100,000 rows"
	@echo "make bench-dashboard  dashboard benchmark, 1,000,000 lines"
	@echo "make messages         update English translations and compile them"
	@echo "make clean            remove caches and generated files (keeps .venv, db.sqlite3, var/media)"
	@echo "make distclean        clean, and remove .venv, db.sqlite3 and var/"

$(PY):
	@py=""; \
	for candidate in python3.13 python3.12 python3.11 python3; do \
	  if command -v $$candidate >/dev/null 2>&1 && \
	     $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
	    py=$$candidate; break; \
	  fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "error: Python 3.11 or newer is needed (tried python3.13, python3.12, python3.11, python3)." >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$($$py --version))"; \
	$$py -m venv $(VENV) || { \
	  echo "error: '$$py -m venv' failed; on Debian/Ubuntu install the python3-venv package." >&2; \
	  rm -rf $(VENV); exit 1; }

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_regions
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .

bench-import: $(STAMP)
	$(PY) bench/import_bench.py --rows 100000

bench-dashboard: $(STAMP)
	$(PY) bench/dashboard_bench.py --lines 1000000

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker -l info

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=var --ignore=node_modules --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules

clean:
	rm -rf .pytest_cache .ruff_cache var/static var/artifacts bench/out
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) db.sqlite3 var
