# Voordeur: one Makefile for setting up, running and testing the whole stack.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export RASA_TELEMETRY_ENABLED := false
export PYTHONUNBUFFERED := 1

# Python 3.11+ for the relay, Python 3.10 for Rasa 3.6. A pyenv shim that exists but cannot run
# (python3.10 without PYENV_VERSION) is skipped by actually running each candidate.
PY311 ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	  c=$$(command -v $$p 2>/dev/null) || continue; \
	  "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo "$$c"; break; }; done)
PY310 ?= $(shell for c in $$(command -v python3.10 2>/dev/null) \
	  $$(pyenv root 2>/dev/null)/versions/3.10*/bin/python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do \
	  [ -x "$$c" ] && "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { echo "$$c"; break; }; done)

VENV := .venv
BOTVENV := .venv-bot
MODEL := bot/models/voordeur.tar.gz
BOT_SOURCES := $(shell find bot/config.yml bot/domain bot/data -type f 2>/dev/null)
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: help setup run run-scaled test lint lint-py lint-js test-content test-relay test-relay-postgres test-faults test-browser \
	bot-train bot-check bot-test bench-smoke widget-size browser-deps clean

help:
	@echo "make run        set up what is missing, then run Rasa, the action server and the relay"
	@echo "make test       set up what is missing, then run every test"
	@echo "make bot-train  train the assistant (only when its data changed)"
	@echo "make bot-check  validate the bot data, test stories, NLU and urgency evaluations"

# ---- setup ---------------------------------------------------------------------------------------

$(VENV)/.installed: pyproject.toml
	@test -n "$(PY311)" || { echo "Python 3.11 or newer is needed for the relay" >&2; exit 1; }
	$(PY311) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test,lint]'
	touch $@

$(BOTVENV)/.installed: bot/requirements.txt
	@test -n "$(PY310)" || { echo "Python 3.10 is needed for Rasa 3.6 (pyenv install 3.10)" >&2; exit 1; }
	$(PY310) -m venv $(BOTVENV)
	$(BOTVENV)/bin/pip install -q --upgrade pip wheel
	$(BOTVENV)/bin/pip install -q -r bot/requirements.txt
	touch $@

$(MODEL): $(BOTVENV)/.installed $(BOT_SOURCES)
	cd bot && ../$(BOTVENV)/bin/rasa train --fixed-model-name voordeur --out models
	touch $@

setup: $(VENV)/.installed $(BOTVENV)/.installed $(MODEL)

bot-train: $(MODEL)

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# ---- run -----------------------------------------------------------------------------------------

# Rasa's HTTP API takes a token (docs/deploy.md): RASA_TOKEN from the environment, or else the one
# kept in instance/rasa-token (relay/config.py makes it on the first run). Recipes print the file's
# name, never the token.
RASA_TOKEN_MADE = [ -n "$$RASA_TOKEN" ] || $(VENV)/bin/python -c 'from relay.config import developer_rasa_token; developer_rasa_token()'
RASA_TOKEN_ENV = RASA_TOKEN="$${RASA_TOKEN:-$$(cat instance/rasa-token)}"

run: setup
	mkdir -p instance
	$(RASA_TOKEN_MADE)
	$(RASA_TOKEN_ENV) $(VENV)/bin/honcho -f Procfile start

# Two relays (8000, 8001) on PostgreSQL and Redis, two Rasa servers sharing conversations (tracker
# store in PostgreSQL, lock store in Redis), one action server: docs/deploy.md.
SCALED_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/voordeur
SCALED_REDIS_URL ?= redis://127.0.0.1:6379/0
# Rasa's tracker store of bot/endpoints.scaled.yml, so the relay's retention purge reaches it too.
SCALED_RASA_TRACKER_STORE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/rasa

run-scaled: setup
	$(RASA_TOKEN_MADE)
	DATABASE_URL="$${DATABASE_URL:-$(SCALED_DATABASE_URL)}" $(VENV)/bin/python -m relay db create
	$(RASA_TOKEN_ENV) DATABASE_URL="$${DATABASE_URL:-$(SCALED_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(SCALED_REDIS_URL)}" \
	  RASA_TRACKER_STORE_URL="$${RASA_TRACKER_STORE_URL:-$(SCALED_RASA_TRACKER_STORE_URL)}" \
	  RASA_URL_A="$${RASA_URL:-http://127.0.0.1:5005}" RASA_URL_B="$${RASA_URL:-http://127.0.0.1:5006}" \
	  $(VENV)/bin/honcho -f Procfile.scaled start

# ---- tests ---------------------------------------------------------------------------------------

test: setup browser-deps
	$(MAKE) lint
	$(MAKE) bot-test
	$(MAKE) test-content
	$(MAKE) test-relay
	$(MAKE) test-relay-postgres
	$(MAKE) test-faults
	$(MAKE) test-browser
	$(MAKE) widget-size
	$(MAKE) bench-smoke
	@echo "all tests passed"

# Static checks: ruff (lint and format) over all Python, mypy on the relay and the content package
# (Python 3.11) and on the action server (against Rasa's Python 3.10 environment, where rasa_sdk
# lives), eslint on the widget and the console (lint-js).
lint: lint-py lint-js

lint-py: $(VENV)/.installed $(BOTVENV)/.installed
	$(VENV)/bin/ruff check relay voordeur_content bot/actions bot/eval bot/tools content tests bench
	$(VENV)/bin/ruff format --check relay voordeur_content bot/actions bot/eval bot/tools content tests bench
	$(VENV)/bin/mypy relay voordeur_content
	cd bot && ../$(VENV)/bin/mypy --python-executable ../$(BOTVENV)/bin/python --python-version 3.10 \
	  --config-file ../pyproject.toml actions

test-content: $(VENV)/.installed
	$(VENV)/bin/pytest -q tests/content
	$(VENV)/bin/python bot/eval/triage.py --floors bot/eval/heldout/triage-batch16.jsonl

test-relay: $(VENV)/.installed $(MODEL)
	$(VENV)/bin/pytest -q tests/relay

test-relay-postgres: $(VENV)/.installed $(MODEL)
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(VENV)/bin/pytest -q tests/relay

# Real faults against real processes: SIGKILL of the relay, Rasa down or too slow, the action server
# stopped, the database locked; then the database faults again on PostgreSQL.
test-faults: $(VENV)/.installed $(MODEL)
	$(VENV)/bin/pytest -q tests/faults
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(VENV)/bin/pytest -q tests/faults/test_database_outage.py \
	  tests/faults/test_relay_killed.py

test-browser: $(VENV)/.installed $(MODEL) browser-deps
	$(VENV)/bin/pytest -q tests/browser

# The assistant: action unit tests, data validation, test stories, then the held-out NLU report
# (triage is evaluated in test-content: bot/eval/triage.py, docs/triage.md).
bot-test: $(BOTVENV)/.installed $(MODEL)
	$(BOTVENV)/bin/pytest -q tests/bot
	cd bot && PYTHONPATH=.. ../$(BOTVENV)/bin/rasa data validate --fail-on-warnings
	cd bot && PYTHONPATH=.. ../$(BOTVENV)/bin/rasa test core --model models/voordeur.tar.gz \
	  --stories tests/ --fail-on-prediction-errors --out results/core
	cd bot && PYTHONPATH=.. ../$(BOTVENV)/bin/python eval/evaluate.py --model models/voordeur.tar.gz

bot-check: bot-test

widget-size: $(VENV)/.installed
	.venv/bin/python bench/widget_size.py

# eslint and the @ts-check JSDoc types (tsc) over widget/, pinned in package-lock.json. npm ci again
# whenever the lock file is newer than node_modules.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

lint-js: node_modules/.installed
	node_modules/.bin/eslint widget eslint.config.js
	node_modules/.bin/tsc -p jsconfig.json

# The two-relay test and every benchmark once, in a small size (no timing is asserted).
bench-smoke: $(VENV)/.installed $(MODEL)
	$(VENV)/bin/pytest -q tests/scale

# The benchmarks at full size; each prints its figures, the machine and the command to repeat it.
# Several minutes of both cores: not part of `make test`. Figures go to docs/performance.md.
.PHONY: bench
bench: $(VENV)/.installed $(MODEL)
	mkdir -p bench/results
	set -o pipefail; $(VENV)/bin/python -m bench.bot_turn --turns 100 | tee bench/results/bot_turn.txt
	set -o pipefail; $(VENV)/bin/python -m bench.idle_sockets --sockets 2000 --worker serve | tee bench/results/idle_serve.txt
	set -o pipefail; $(VENV)/bin/python -m bench.idle_sockets --sockets 2000 --worker threads | tee bench/results/idle_threads.txt
	set -o pipefail; for relays in 1 2; do for rate in 100 500; do \
	  $(VENV)/bin/python -m bench.pairs --relays $$relays --rate $$rate --seconds 20 \
	    | tee bench/results/pairs_$${relays}_$$rate.txt || exit 1; done; done
	set -o pipefail; $(VENV)/bin/python -m bench.pairs --relays 2 --rate 500 --seconds 20 --worker threads \
	  | tee bench/results/pairs_2_500_threads.txt
	set -o pipefail; $(VENV)/bin/python -m bench.takes --relays 2 --conversations 200 --counsellors 20 | tee bench/results/takes.txt
	set -o pipefail; $(VENV)/bin/python -m bench.rasa_times | tee bench/results/rasa_times.txt
	set -o pipefail; $(VENV)/bin/python -m bench.alert_latency | tee bench/results/alert_latency.txt

clean:
	rm -rf $(VENV) $(BOTVENV) bot/models bot/.rasa bot/results instance
