# Tòa soạn: `make run` to use it, `make test` to test it. Nothing else to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# `make run` is the demo: the sign-in page lists the demo accounts (DEMO_MODE=0 to hide them).
DEMO_MODE ?= 1

.PHONY: run install install-test translations migrate seed test test-sqlite test-postgres lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.lock
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(BIN)/pip install --quiet -r requirements-test.lock
	touch $@

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations

# Compiled catalogues are built, not committed; again only when the catalogue changed.
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGUES:.po=.mo)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	@$(BIN)/pybabel compile --statistics -d translations -l $*

migrate: install
	$(FLASK) db upgrade

# The demo district is loaded the first time only.
seed: migrate
	@if [ ! -f instance/.demo-loaded ]; then $(FLASK) seed-demo --newsroom && touch instance/.demo-loaded; \
	else echo "Dữ liệu mẫu đã nạp trước đó (xóa instance/.demo-loaded để nạp lại)."; fi

# The web server and, beside it, the job runner (scheduled publishing, digests, mail).
# Ctrl-C stops both.
run: export DEMO_MODE := $(DEMO_MODE)
run: seed
	@echo "Tòa soạn: http://$(HOST):$(PORT)  (Ctrl-C để dừng)"
	@trap 'kill 0' INT TERM EXIT; \
	$(FLASK) jobs run & \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	@echo "== the suite on SQLite =="
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL ($$TEST_DATABASE_URL) =="; \
		$(BIN)/python -m pytest; \
	else echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped (.ci/run sets it)."; fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
