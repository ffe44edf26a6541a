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
	@echo "make serve               production: collectstatic, migrate, gunicorn on \$$BIND (needs DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS)"
	@echo "make test [ARGS=...]     install, run the tests on SQLite then PostgreSQL (scripts/test.sh)"
	@echo "make backup              back up the database (DATABASE_URL, else db.sqlite3) into backups/"
	@echo "make restore FILE=...    replace the database by a backup (the current one is backed up first)"
	@echo "make bench [FULL=1]      every benchmark, one table (small scale; FULL=1: national scale)"
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
	SITE_OWNER="$${SITE_OWNER:-Ban Tổ chức Tỉnh ủy Quảng Ngãi}" $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production (README, "Deployment"): gunicorn with 2 × cores + 1 workers behind a TLS proxy,
# static files served by WhiteNoise, PostgreSQL from DATABASE_URL. BIND=0.0.0.0:8000 to listen
# elsewhere than 127.0.0.1:$(PORT); GUNICORN_ARGS for more gunicorn options.
BIND ?= 127.0.0.1:$(PORT)
GUNICORN_ARGS ?=
.PHONY: serve
serve: $(INSTALLED)
	@case "$$DATABASE_URL" in postgres://* | postgresql://*) ;; \
	  *) echo "make serve: set DATABASE_URL to the PostgreSQL database, e.g. postgres://user:password@host:5432/kontum" >&2; exit 1 ;; esac
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (50 or more random characters, kept secret)" >&2; exit 1; }
	@test -n "$$ALLOWED_HOSTS" || { echo "make serve: set ALLOWED_HOSTS (the site's host names, comma-separated)" >&2; exit 1; }
	DJANGO_ENV=production $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_ENV=production $(BIN)/python manage.py migrate --noinput
	DJANGO_ENV=production exec $(BIN)/gunicorn kontum_party.wsgi -w $$(( $$(nproc) * 2 + 1 )) -b $(BIND) $(GUNICORN_ARGS)

test: $(INSTALLED)
	bash scripts/test.sh $(ARGS)

# PostgreSQL: pg_dump --format=custom / pg_restore --clean --if-exists --no-owner; SQLite: an
# online consistent copy (scripts/backup.sh, scripts/restore.sh; BACKUP_DIR instead of backups/).
.PHONY: backup restore
backup: $(INSTALLED)
	bash scripts/backup.sh

restore: $(INSTALLED)
	@test -n "$(FILE)" || { echo "make restore FILE=backups/<backup>: name the backup to restore; nothing was changed." >&2; exit 2; }
	bash scripts/restore.sh "$(FILE)"

# Every benchmark at small scale in a few minutes, or at national scale with FULL=1; one table of
# figure, value, reference, ratio, goal, met (benchmarks/run.py), on a throw-away PostgreSQL
# cluster unless DATABASE_URL names a server (scripts/bench.sh). Exit status: every goal met.
FULL ?=
.PHONY: bench
bench: $(INSTALLED)
	bash scripts/bench.sh $(if $(FULL),--full,)

lint: $(INSTALLED)
	$(BIN)/ruff check .

format: $(INSTALLED)
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .

migrations-check: $(INSTALLED)
	$(BIN)/python manage.py makemigrations --check --dry-run

# The .mo files are committed, so neither `make run` nor `make test` needs gettext.
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages -l vi -l en --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=artifacts --ignore=benchmarks
	$(BIN)/python manage.py compilemessages --ignore=.venv
