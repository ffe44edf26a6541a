#!/usr/bin/env bash
# A throw-away PostgreSQL cluster, shared by scripts/test.sh and scripts/bench.sh (sourced, not run).
#
#   source scripts/pg.sh            # needs $PY (a Python with dj_database_url and psycopg2)
#   PG_BINDIR=$(bash scripts/pg-bindir.sh) && start_cluster && export DATABASE_URL=...$PGPORT_PICKED...
#
# start_cluster makes a cluster in a temporary directory on a free port of 127.0.0.1 and starts it;
# cleanup (set as the EXIT trap below) stops it and removes the directory. As root (CI), initdb and
# pg_ctl run as the `postgres` system user, because initdb refuses to run as root.
# PG_DURABLE=1 keeps PostgreSQL's default durability (fsync on: benchmarks measure a real server's
# commits); otherwise fsync, synchronous commit and full-page writes are off (tests).

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
# Set at once: without a trap, a Ctrl-C that pytest handles would not stop the script.
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

    local options="-c listen_addresses=127.0.0.1"
    if [ "${PG_DURABLE:-}" != 1 ]; then
        options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    # The port is free when picked; another process may take it before the server binds it.
    local attempt
    for attempt in 1 2 3; do
        PGPORT_PICKED=$(free_port)
        if pg pg_ctl -D "$PGDATA_DIR" -l "$PGTMP/server.log" -w -t 60 \
            -o "-p $PGPORT_PICKED -k $PGTMP $options ${PG_OPTIONS:-}" \
            start >/dev/null; then
            return 0
        fi
        echo "PostgreSQL did not start on port $PGPORT_PICKED (attempt $attempt):" >&2
        tail -n 20 "$PGTMP/server.log" >&2 || true
    done
    return 1
}

# True when $DATABASE_URL names a PostgreSQL server.
is_pg_url() {
    case "${DATABASE_URL:-}" in
        postgres://* | postgresql://* | pgsql://* | postgis://*) return 0 ;;
        *) return 1 ;;
    esac
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
