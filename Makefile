# Two commands: `make site` builds the sample archive into site/, `make test` runs the tests.
# Each creates .venv with the pinned dependencies first (only when the pins changed).

PYTHON ?= python3
BUILD_ARGS ?=    # extra options for `build.py build`, e.g. BUILD_ARGS="--base-url https://you.github.io/archive/"
VENV := .venv
BIN := $(VENV)/bin
NPM := $(shell command -v npm 2>/dev/null)

.PHONY: site serve test clean

site: $(VENV)/.runtime
	$(BIN)/python build.py build $(BUILD_ARGS)

# A preview at http://127.0.0.1:8000/ that rebuilds and reloads open pages after every save.
serve: $(VENV)/.runtime
	$(BIN)/python build.py serve

test: $(VENV)/.test $(if $(NPM),node_modules/.installed)
	$(BIN)/python -m pytest

$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.runtime: requirements.txt $(VENV)/.created
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

# axe-core and the W3C Nu HTML checker (vnu-jar), pinned in package-lock.json, for the accessibility
# and HTML tests, which skip without them (outside CI). No install scripts: vnu.jar ships in the package.
node_modules/.installed: package.json package-lock.json
	$(NPM) ci --ignore-scripts --no-audit --no-fund
	touch $@

clean:
	rm -rf site .site.new .site.old .site.cache content/stories
