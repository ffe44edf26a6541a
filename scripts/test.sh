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

# ------------------------------------------------------------------ throw-away cluster
PG_BINDIR=""
PGTMP=""
PGDATA_DIR=""
PGPORT_PICKED=""
AS_PG=()

cleanup() {
    local pid="" i
    if [ -n "$PGDATA_DIR" ] && [ -f "$PGDATA_DIR/postmaster.pid" ]; then
        pid=$(head -n 1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)
        (cd "$PGTMP" && "${AS_PG[@]}" "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1) || true
        # The postmaster is daemonized, so init reaps it: give that a moment, so that no
        # "[postgres] <defunct>" entry outlives this script.
        for i in $(seq 1 50); do
            [ -n "$pid" ] && [ -e "/proc/$pid" ] || break
            sleep 0.1
        done
    fi
    if [ -n "$PGTMP" ]; then
        rm -rf "$PGTMP"
    fi
}
# Set before run 1: without a trap, a Ctrl-C that pytest handles would not stop this script.
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs a PostgreSQL program from $PG_BINDIR in $PGTMP, as the postgres user when we are root.
pg() {
    local program=$1
    shift
    (cd "$PGTMP" && "${AS_PG[@]}" "$PG_BINDIR/$program" "$@")
}

start_cluster() {
    PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/kontum-pgtest.XXXXXX")
    PGDATA_DIR="$PGTMP/data"
    if [ "$(id -u)" = 0 ]; then
        if ! id -u postgres >/dev/null 2>&1; then
            if getent group postgres >/dev/null; then
                useradd --system --gid postgres --no-create-home --shell /usr/sbin/nologin postgres
            else
                useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
            fi
        fi
        chown postgres: "$PGTMP"
        AS_PG=(runuser -u postgres --)
    fi

    # C.UTF-8 gives PostgreSQL Unicode-aware upper()/lower() (Vietnamese text); fall back to
    # the C locale where C.UTF-8 does not exist. --no-sync: the cluster is thrown away.
    if ! pg initdb -D "$PGDATA_DIR" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1; then
        echo "initdb with --locale=C.UTF-8 failed; retrying with --no-locale" >&2
        rm -rf "$PGDATA_DIR"
        if ! pg initdb -D "$PGDATA_DIR" -U postgres --auth=trust --no-sync -E UTF8 --no-locale >"$PGTMP/initdb.log" 2>&1; then
            cat "$PGTMP/initdb.log" >&2
            return 1
        fi
    fi

    # The port is free when picked; another process may take it before the server binds it.
    local attempt
    for attempt in 1 2 3; do
        PGPORT_PICKED=$(free_port)
        if pg pg_ctl -D "$PGDATA_DIR" -l "$PGTMP/server.log" -w -t 60 \
            -o "-p $PGPORT_PICKED -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null; then
            return 0
        fi
        echo "PostgreSQL did not start on port $PGPORT_PICKED (attempt $attempt):" >&2
        tail -n 20 "$PGTMP/server.log" >&2 || true
    done
    return 1
}

# Prints "PostgreSQL <version> on <host>:<port>/<database>" (no password) for $DATABASE_URL.
describe_server() {
    "$PY" - <<'PYEOF'
import os

import dj_database_url
import psycopg2

cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
conn = psycopg2.connect(
    dbname=cfg["NAME"], user=cfg["USER"], password=cfg["PASSWORD"],
    host=cfg["HOST"], port=cfg["PORT"] or None, connect_timeout=10,
)
with conn.cursor() as cur:
    cur.execute("SHOW server_version")
    version = cur.fetchone()[0]
conn.close()
print(f"PostgreSQL {version} on {cfg['HOST'] or 'local socket'}:{cfg['PORT'] or 5432}/{cfg['NAME']}")
PYEOF
}

# ------------------------------------------------------------------------------- run 1
banner "Test run 1/2: SQLite (file in memory)"
sqlite_rc=0
env -u DATABASE_URL "$PY" -m pytest "$@" || sqlite_rc=$?

# ------------------------------------------------------------------------------- run 2
pg_rc=0
pg_result=""

pg_url_given=false
if [ -n "${DATABASE_URL:-}" ]; then
    case "$DATABASE_URL" in
        postgres://* | postgresql://* | pgsql://* | postgis://*) pg_url_given=true ;;
        *) echo "Ignoring DATABASE_URL for run 2: it does not name a PostgreSQL server (${DATABASE_URL%%:*}://...)." >&2 ;;
    esac
fi

if $pg_url_given; then
    if where=$(describe_server); then
        banner "Test run 2/2: $where (from DATABASE_URL)"
        "$PY" -m pytest "$@" || pg_rc=$?
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
        "$PY" -m pytest "$@" || pg_rc=$?
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
