#!/usr/bin/env bash
# Load test on loopback: the production server (`make serve`: gunicorn + WhiteNoise, DJANGO_ENV=
# production) on the demo data, 50 users (locust, headless) for 60 s; prints the figures as Markdown.
#
#   bash benchmarks/load/run.sh                      # a throw-away PostgreSQL cluster, removed after
#   DATABASE_URL=postgres://… bash benchmarks/load/run.sh    # a database of yours, which is MIGRATED,
#                                                    # FILLED WITH THE DEMO and WRITTEN TO: not production's
#
# Settings (environment): USERS=50 (40 committee staff + 10 leaders) SPAWN_RATE=10 DURATION=60s (of
# steady state: counted from the last login, up to LOGIN_CAP=300 s after the start)
# LOAD_WAIT=1,3 (seconds between a user's actions) PORT (free one) OUT=artifacts/load-<date-time>.
# The demo needs DEBUG=True to load: only those setup commands get it; the server runs with
# DEBUG off. Plain HTTP on 127.0.0.1, so the HTTPS redirect and secure-only cookies are turned off
# through their environment settings (SECURE_SSL_REDIRECT, SECURE_COOKIES), for this run only.
# The cluster keeps PostgreSQL's default durability (fsync on): commit times are a real server's.
# Exit status: 0 when the goal is met (no failure, p95 < 300 ms but the logins), 1 otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PY=.venv/bin/python
USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-10}
DURATION=${DURATION:-60s}  # after the last login (the logins may take long on a busy machine)
export LOAD_STEADY=${DURATION%s}
LOGIN_CAP=${LOGIN_CAP:-300}  # seconds the logins may take at most: locust stops then anyway
export LOAD_WAIT=${LOAD_WAIT:-1,3}
OUT=${OUT:-artifacts/load-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

PGTMP=""
AS_PG=()
PG_BINDIR=""
SERVER_PID=""
pg() { local program=$1; shift; (cd "$PGTMP" && "${AS_PG[@]}" "$PG_BINDIR/$program" "$@"); }
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM -- -"$SERVER_PID" 2>/dev/null || true  # the server's own process group
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$PGTMP" ]; then
        pg pg_ctl -D "$PGTMP/data" -m fast stop >/dev/null 2>&1 || true
        rm -rf "$PGTMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------------------- the database
if [ -z "${DATABASE_URL:-}" ]; then
    PG_BINDIR=$(bash scripts/pg-bindir.sh) || { echo "No PostgreSQL server binaries; set DATABASE_URL." >&2; exit 1; }
    PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/kontum-pgload.XXXXXX")
    if [ "$(id -u)" = 0 ]; then
        id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
        chown postgres: "$PGTMP"
        AS_PG=(runuser -u postgres --)
    fi
    pg initdb -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1 \
        || pg initdb -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --no-locale >"$PGTMP/initdb.log" 2>&1
    PGPORT=$(free_port)
    pg pg_ctl -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
        -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1" start >/dev/null
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
fi
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) echo "DATABASE_URL must name a PostgreSQL database (make serve needs one)." >&2; exit 1 ;;
esac

echo "== setting up: migrate, demo data, load-test accounts" >&2
if [ -z "${LOAD_DEMO_READY:-}" ]; then  # benchmarks/run.py hands over a copy of a seeded demo
    DEBUG=True "$PY" manage.py migrate --noinput >/dev/null
    DEBUG=True "$PY" manage.py load_demo >/dev/null
fi
export LOAD_PASSWORD
LOAD_PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')
export LOAD_USERS="$OUT/users.json" LOAD_SUMMARY="$OUT/summary.json"
export LOAD_STAFF=$((USERS * 4 / 5)) LOAD_LEADERS=$((USERS - USERS * 4 / 5))
DEBUG=True "$PY" benchmarks/load/setup_users.py --password "$LOAD_PASSWORD" --out "$LOAD_USERS" \
    --staff "$LOAD_STAFF" --leaders "$LOAD_LEADERS" >&2

# --------------------------------------------------------------------------------- the server
PORT=${PORT:-$(free_port)}
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=False SECURE_COOKIES=False SECURE_HSTS_SECONDS=0
WORKERS=$(($(nproc) * 2 + 1))
echo "== starting the server on 127.0.0.1:$PORT" >&2
if grep -q '^serve:' Makefile; then
    # -o: the virtualenv as it is (a lock file changed by a colleague would reinstall it first).
    SERVER_COMMAND="make serve PORT=$PORT"
    setsid make -o .venv/.installed serve PORT="$PORT" >"$OUT/server.log" 2>&1 &
else  # before `make serve` existed: what it runs
    SERVER_COMMAND="gunicorn kontum_party.wsgi -w $WORKERS -b 127.0.0.1:$PORT"
    DJANGO_ENV=production "$PY" manage.py collectstatic --noinput --verbosity 0
    DJANGO_ENV=production setsid .venv/bin/gunicorn kontum_party.wsgi -w "$WORKERS" -b "127.0.0.1:$PORT" \
        >"$OUT/server.log" 2>&1 &
fi
SERVER_PID=$!
ready=""
for _ in $(seq 1 600); do  # up to 5 minutes on a busy machine (collectstatic, migrate, 5 workers)
    if "$PY" -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2).status != 200)" 2>/dev/null; then
        ready=1
        break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "The server stopped:" >&2; tail -n 30 "$OUT/server.log" >&2; exit 1; }
    sleep 0.5
done
[ -n "$ready" ] || { echo "The server did not answer within 5 minutes:" >&2; tail -n 30 "$OUT/server.log" >&2; exit 1; }

# ----------------------------------------------------------------------------------- the load
echo "== locust: $USERS users (spawn rate $SPAWN_RATE/s), $DURATION after the last login, pause $LOAD_WAIT s" >&2
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
.venv/bin/locust -f benchmarks/load/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$((LOAD_STEADY + LOGIN_CAP))s" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary >"$OUT/locust.log" 2>&1 || true
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------------------------ figures
set +e  # the summary's exit status says whether the goal was met
pg_version=$("$PY" manage.py shell -c "from django.db import connection; c = connection.cursor(); c.execute('SHOW server_version'); print(c.fetchone()[0])" 2>/dev/null | tail -n 1)
{
    echo "Run of $(date '+%Y-%m-%d %H:%M %Z') — $SERVER_COMMAND ($WORKERS gunicorn workers, DJANGO_ENV=production)"
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"\
        "$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) RAM, $(uname -sr);"\
        "PostgreSQL $pg_version on the same machine; locust $("$PY" -c 'import locust; print(locust.__version__)') on the same machine."
    echo "Load: $USERS users ($LOAD_STAFF committee staff, $LOAD_LEADERS leaders), spawn rate $SPAWN_RATE/s, $DURATION after the last login, $LOAD_WAIT s between actions."
    echo "Machine load average (1, 5, 15 min; $(nproc) cores) when locust started: $LOAD_BEFORE; when it ended: $LOAD_AFTER."
    echo
    "$PY" benchmarks/load/summary.py "$LOAD_SUMMARY" --server-log "$OUT/server.log"
} | tee "$OUT/summary.md"
status=${PIPESTATUS[0]}
set -e
echo "(files: $OUT)" >&2
exit "$status"
