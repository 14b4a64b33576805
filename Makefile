# Two entry points for a fresh machine (see README):
#   make demo   - install and run the main job on the default data
#   make test   - install with test extras, run ruff and pytest
# Both create .venv unless a virtual environment is already active.

SHELL := /bin/bash
PYTHON_BOOT ?= python3

ifdef VIRTUAL_ENV
  PY := python
  ENV_DIR := $(VIRTUAL_ENV)
else
  PY := .venv/bin/python
  ENV_DIR := .venv
endif

STAMP_RUN := $(ENV_DIR)/.territorio-run.stamp
STAMP_TEST := $(ENV_DIR)/.territorio-test.stamp
STAMP_BENCH := $(ENV_DIR)/.territorio-bench.stamp

.PHONY: demo test install install-test system-test-deps lint bench clean

# Programs the tests drive for real: headless Chromium (maps), QGIS (QGIS outputs) and
# poppler (the atlas PDFs QGIS exports).
SYSTEM_TEST_PACKAGES := chromium chromium-driver python3-qgis qgis-providers poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(PY):
	$(PYTHON_BOOT) -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP_RUN)

$(STAMP_BENCH): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $@ $(STAMP_TEST) $(STAMP_RUN)

install: $(STAMP_RUN)

install-test: $(STAMP_TEST) system-test-deps

system-test-deps:
	@missing=""; for p in $(SYSTEM_TEST_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages for the tests:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

demo: install
	$(PY) -m territorio run

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

bench: $(STAMP_BENCH)
	@for b in benchmarks/bench_*.py; do [ -e "$$b" ] || continue; echo "== $$b"; $(PY) "$$b" || exit 1; done

clean:
	rm -rf .venv .pytest_cache .ruff_cache maps/*.csv maps/*.md
