#!/usr/bin/env bash
# Run the test suite twice: on SQLite, then on PostgreSQL.
#
#   scripts/test.sh [pytest args...]      e.g. scripts/test.sh -k quality -x
#   make test ARGS="-k quality"
#
# Run 1 ignores DATABASE_URL, so Django's default SQLite database is used (the test
# database is in memory).
# Run 2 uses DATABASE_URL when it names a PostgreSQL server (postgres://...). Without
# one, it starts a throw-away PostgreSQL cluster on a free port of 127.0.0.1 in a temporary
# directory, and removes it on exit. As root (CI), initdb and pg_ctl run as the `postgres`
# system user, because initdb refuses to run as root.
# Without PostgreSQL server binaries, run 2 is skipped, unless CI=true: then it is a failure.
#
# Both runs happen even if the first fails; the exit status is non-zero if either failed.
# pytest-django creates the test database itself (test_<name>, e.g. test_postgres).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -x .venv/bin/python ]; then
    PY=.venv/bin/python
else
    PY=$(command -v python3)
fi

is_ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }

banner() { printf '\n== %s ==\n\n' "$*"; }

# The throw-away cluster (start_cluster, cleanup as the EXIT trap, describe_server): scripts/pg.sh.
# shellcheck source=scripts/pg.sh
source scripts/pg.sh

# Each run in TEST_WORKERS processes (pytest-xdist; default: one per CPU), each with its own
# test database; the browser tests together in one of them (tests/browser/conftest.py).
# TEST_WORKERS=0 runs in this one process (e.g. to use a debugger).
WORKERS=(-n "${TEST_WORKERS:-auto}" --dist loadgroup)

# ------------------------------------------------------------------------------- run 1
banner "Test run 1/2: SQLite (file in memory)"
sqlite_rc=0
env -u DATABASE_URL "$PY" -m pytest "${WORKERS[@]}" "$@" || sqlite_rc=$?

# ------------------------------------------------------------------------------- run 2
pg_rc=0
pg_result=""

pg_url_given=false
if [ -n "${DATABASE_URL:-}" ]; then
    if is_pg_url; then
        pg_url_given=true
    else
        echo "Ignoring DATABASE_URL for run 2: it does not name a PostgreSQL server (${DATABASE_URL%%:*}://...)." >&2
    fi
fi

if $pg_url_given; then
    if where=$(describe_server); then
        banner "Test run 2/2: $where (from DATABASE_URL)"
        "$PY" -m pytest "${WORKERS[@]}" "$@" || pg_rc=$?
    else
        echo "Cannot connect to the PostgreSQL server named by DATABASE_URL." >&2
        pg_rc=1
        pg_result="FAILED (cannot connect to DATABASE_URL)"
    fi
elif PG_BINDIR=$(bash scripts/pg-bindir.sh); then
    if start_cluster; then
        export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT_PICKED/postgres"
        where=$(describe_server || echo "PostgreSQL ($PG_BINDIR) on 127.0.0.1:$PGPORT_PICKED")
        banner "Test run 2/2: $where (throw-away cluster in $PGTMP)"
        "$PY" -m pytest "${WORKERS[@]}" "$@" || pg_rc=$?
    else
        pg_rc=1
        pg_result="FAILED (could not start a throw-away PostgreSQL cluster with $PG_BINDIR)"
    fi
elif is_ci; then
    banner "Test run 2/2: PostgreSQL -- NOT AVAILABLE"
    echo "CI=true, but no PostgreSQL server binaries (initdb, pg_ctl) were found and DATABASE_URL" >&2
    echo "does not name a PostgreSQL server. Install the postgresql package (.ci/run does)." >&2
    pg_rc=1
    pg_result="FAILED (no PostgreSQL server binaries, required when CI=true)"
else
    banner "Test run 2/2: PostgreSQL -- skipped"
    echo "No PostgreSQL server binaries (initdb, pg_ctl) found and DATABASE_URL does not name a"
    echo "PostgreSQL server: the PostgreSQL run is skipped. Install postgresql to run it."
    pg_result="skipped (no PostgreSQL server binaries)"
fi

# ----------------------------------------------------------------------------- summary
result() {
    if [ "$1" = 0 ]; then echo "passed"; else echo "FAILED (pytest exit status $1)"; fi
}
[ -n "$pg_result" ] || pg_result=$(result "$pg_rc")

banner "Summary"
echo "  run 1/2, SQLite:     $(result "$sqlite_rc")"
echo "  run 2/2, PostgreSQL: $pg_result"
echo

if [ "$sqlite_rc" != 0 ] || [ "$pg_rc" != 0 ]; then
    exit 1
fi
