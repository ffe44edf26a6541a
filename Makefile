# Two commands on a fresh machine:  make run   (demo site on http://127.0.0.1:8000/)
#                                   make test  (test suite on SQLite, then PostgreSQL)

PYTHON ?= python3
PORT ?= 8000
ARGS ?=

VENV := .venv
BIN := $(VENV)/bin
# Stamp of the last successful install; re-made only when the lock files change.
INSTALLED := $(VENV)/.installed
LOCK := requirements/base.txt requirements/dev.txt requirements/build-constraints.txt

.DEFAULT_GOAL := help

.PHONY: help venv install run test lint format migrations-check messages

help:
	@echo "make run                 install, migrate, load demo data, serve on 127.0.0.1:\$$PORT (default 8000)"
	@echo "make test [ARGS=...]     install, run the tests on SQLite then PostgreSQL (scripts/test.sh)"
	@echo "make lint                ruff check"
	@echo "make format              ruff: sort imports and format"
	@echo "make migrations-check    fail if the models have changes without a migration"
	@echo "make messages            update and compile locale/ (vi, en)"
	@echo "make install             create $(VENV) and install the locked requirements"

venv install: $(INSTALLED)

# xstatic-bootstrap ships only an sdist, whose build needs setuptools<81: PIP_CONSTRAINT
# reaches pip's isolated build environment, where a -c option would not.
$(INSTALLED): $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PIP_CONSTRAINT=requirements/build-constraints.txt $(BIN)/pip install --require-hashes \
		-r requirements/base.txt -r requirements/dev.txt
	touch $@

run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(INSTALLED)
	bash scripts/test.sh $(ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .

format: $(INSTALLED)
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .

migrations-check: $(INSTALLED)
	$(BIN)/python manage.py makemigrations --check --dry-run

# The .mo files are committed, so neither `make run` nor `make test` needs gettext.
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages -l vi -l en --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv
