# Qiao: two commands take a fresh machine to a running server (make run) or a passing suite (make test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
QIAO := $(PY) -m qiao
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
STAMP := $(VENV)/.installed
VAR := $(or $(QIAO_VAR_DIR),var)

.PHONY: run test setup lint check messages demo clean serve browser-deps test-api-fuzz

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,rq]'
	@touch $(STAMP)

setup: $(STAMP)

messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then cd qiao && ../$(QIAO) compilemessages --ignore '.venv' >/dev/null; fi

run: setup
	$(QIAO) migrate --noinput
	$(QIAO) collectstatic --noinput --verbosity 0
	$(QIAO) demo --if-empty
	@echo
	@echo "  Qiao is running at http://$(HOST):$(PORT)/"
	@echo "  Log in as admin / qiao-demo-2024 (everything), or see README.md for the users of each role."
	@echo "  Managers and administrators set up two-factor sign-in (any TOTP app) the first time they log in;"
	@echo "  base-a-staff / qiao-demo-2024 needs none. To try the demo without it: QIAO_2FA_REQUIRED_ROLES= make run"
	@echo "  Background work (large imports, duplicate scans) runs beside it; its log is $(VAR)/worker.log."
	@echo "  Reminders of overdue and soon-due work are looked for every $${QIAO_REMINDER_EVERY_MINUTES:-15} minutes; log $(VAR)/reminders.log."
	@echo "  Stop with Ctrl-C."
	@echo
	@mkdir -p $(VAR); $(QIAO) db_worker --no-reload > $(VAR)/worker.log 2>&1 & worker=$$!; \
	  $(QIAO) reminders --loop > $(VAR)/reminders.log 2>&1 & reminders=$$!; \
	  trap 'kill $$worker $$reminders 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/gunicorn qiao.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
	    --access-logfile - --timeout 120

test: setup messages
	$(VENV)/bin/ruff check --quiet .
	$(QIAO) check --fail-level WARNING
	$(QIAO) makemigrations --check --dry-run
	$(PY) -m pytest -q $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing on purpose"; exit 1; fi; exit $$status

# The API fuzzed harder than the suite does: QIAO_FUZZ generated requests per operation and mode (valid and
# invalid input), checked against the schema; random, from the seed it prints (QIAO_FUZZ_SEED=... replays a run).
# 20 examples keep it near 4 minutes on one core (about 10 000 requests).
QIAO_FUZZ ?= 20
QIAO_FUZZ_SEED ?= 20251122
test-api-fuzz: setup
	@echo "API fuzzing: QIAO_FUZZ=$(QIAO_FUZZ) QIAO_FUZZ_SEED=$(QIAO_FUZZ_SEED)"
	QIAO_FUZZ=$(QIAO_FUZZ) QIAO_FUZZ_SEED=$(QIAO_FUZZ_SEED) $(PY) -m pytest -q -s -p no:cacheprovider tests/test_api_fuzz.py

lint: setup
	$(VENV)/bin/ruff check .
	$(QIAO) makemigrations --check --dry-run

browser-deps:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk)

clean:
	rm -rf $(VENV) var/static
