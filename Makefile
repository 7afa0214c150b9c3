# Sổ đăng ký OCOP — the two front-door commands are `make build` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
OCOP := $(VENV)/bin/ocop
STAMP := $(VENV)/.installed
CMS := tools/cms/node_modules/.installed
A11Y := tools/a11y/node_modules/.installed

.PHONY: build test validate bench fuzz install install-python lint clean

$(STAMP): pyproject.toml
	@test -x $(PY) || "$$(tools/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# The web editor (Decap CMS) is copied into the site from its npm package: no CDN at view time.
$(CMS): tools/cms/package.json
	cd tools/cms && npm install --no-audit --no-fund --silent
	@touch $(CMS)

# axe-core and the Nu HTML checker (vnu-jar; a JRE from apt) for the browser tests of every page type.
$(A11Y): tools/a11y/package.json
	cd tools/a11y && npm install --no-audit --no-fund --silent
	@touch $(A11Y)

install: $(STAMP) $(CMS) $(A11Y)

# Only the `ocop` package and its pinned dependencies: no test tools, no npm. For CI jobs that just run `ocop`.
install-python:
	@test -x $(PY) || "$$(tools/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .

validate: $(STAMP)
	$(OCOP) validate

build: $(STAMP) $(CMS)
	$(OCOP) validate
	$(OCOP) build

# Two pytest workers (CI has 2 cores); a test file runs whole on one worker, so its module fixtures are built once.
TEST_JOBS ?= 2

test: $(STAMP) $(CMS) $(A11Y)
	$(PY) -m ruff check tools tests
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -n $(TEST_JOBS) --dist loadfile

bench: $(STAMP)
	$(PY) -m ocop.devtools.bench

fuzz: $(STAMP)
	$(PY) -m ocop.devtools.fuzz --cases 5000

lint: $(STAMP)
	$(PY) -m ruff check tools tests
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf build
