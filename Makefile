# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-postgres lint format browser messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The translations' .po files are compiled to .mo at every install (never committed).
install: $(STAMP)
	@$(BIN)/python -c "from closedset.core.catalogs import compile_catalogs; compile_catalogs()"

# Debian's Chromium for the browser tests (never a downloaded browser build), gettext, whose
# xgettext the catalogs' freshness test runs (src/closedset/tests/test_catalogs.py), and
# poppler-utils, which reads rendered PDFs back (rider/tests/test_language.py).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@test -x /usr/bin/xgettext || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	@test -x /usr/bin/pdftotext || (apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null)

# Gather every marked string into the catalogs (then translate the new entries).
messages: install
	cd src/closedset && CLOSEDSET_DEV=1 ../../$(BIN)/closedset manage makemessages -l es -l cs -l hu \
		--no-obsolete --ignore core --ignore tests --ignore browser_tests --ignore static

run: install
	CLOSEDSET_DEV=1 $(BIN)/closedset migrate
	CLOSEDSET_DEV=1 $(BIN)/closedset demo
	CLOSEDSET_DEV=1 $(BIN)/closedset serve --host 127.0.0.1 --port 8000

# One test process per CPU (pytest-xdist); each has its own test database.
test: install browser
	$(BIN)/pytest -n auto

# The suite on PostgreSQL; DATABASE_URL must point at a database server. The browser walks
# drive the pages, which read the same services on either database: `make test` runs them, and
# leaving them out here keeps CI well inside its time.
test-postgres: install
	test -n "$$DATABASE_URL"
	$(BIN)/pytest -n auto -m "not browser"

# bandit: a medium or high severity finding in application code fails the lint.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	CLOSEDSET_DEV=1 $(BIN)/mypy
	$(BIN)/bandit -q -r src -x '*/tests/*,*/browser_tests/*' -ll

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
