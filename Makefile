# Two commands: `make site` builds the sample archive into site/, `make test` runs the tests.
# Each creates .venv with the pinned dependencies first (only when the pins changed).

PYTHON ?= python3
BUILD_ARGS ?=    # extra options for `build.py build`, e.g. BUILD_ARGS="--base-url https://you.github.io/archive/"
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test clean

site: $(VENV)/.runtime
	$(BIN)/python build.py build $(BUILD_ARGS)

test: $(VENV)/.test
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

clean:
	rm -rf site .site.new .site.old content/stories
