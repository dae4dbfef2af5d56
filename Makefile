# teilhabe — set-up, demo, tests and benchmarks. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo runs on plain http with debug pages and runs background jobs at once.
DEMO_ENV := DJANGO_DEBUG=1 TEILHABE_TASKS_IMMEDIATE=1

.PHONY: install demo demo-data test test-fast bench lint messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo-data: install
	$(DEMO_ENV) $(BIN)/teilhabe migrate --no-input
	$(DEMO_ENV) $(BIN)/teilhabe load_demo

demo: demo-data
	@echo "Serving the illustrative demo on http://$(HOST):$(PORT)/ (admin: /admin/, user 'admin', password 'demo-admin-password')"
	$(DEMO_ENV) $(BIN)/teilhabe runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench $(BENCH)

lint: install
	$(BIN)/ruff check teilhabe tests bench
	$(BIN)/ruff format --check teilhabe tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

messages: install
	cd teilhabe && ../$(BIN)/teilhabe makemessages -l de -l en --no-obsolete --no-wrap && ../$(BIN)/teilhabe compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
