# gridmap: `make run` serves the demo, `make test` runs the whole suite.
# Both install what is missing: Debian packages (as root), the virtualenv, Python packages.

VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  ?= python3
STAMP   := $(VENV)/.installed
DEBS    := postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting chromium fonts-noto-cjk wrk

.PHONY: run test lint bench schema sysdeps venv clean

run: sysdeps venv
	$(BIN)/gridmap run

test: sysdeps venv
	$(BIN)/ruff check src tests migrations
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: venv
	$(BIN)/ruff check src tests migrations
	$(BIN)/ruff format --check src tests migrations
	$(BIN)/mypy

bench: sysdeps venv
	$(BIN)/gridmap bench --scale city

schema: venv
	$(BIN)/gridmap schema > schema/schema.graphql

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Debian packages: installed with apt when missing and we are root; otherwise say what to run.
sysdeps:
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing $$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q $$missing >/dev/null || \
	      { apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null; }; \
	  else \
	    echo "missing Debian packages; run: sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
