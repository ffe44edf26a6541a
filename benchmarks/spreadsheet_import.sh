#!/usr/bin/env bash
# Run benchmarks/spreadsheet_import.py on a throw-away PostgreSQL cluster (as scripts/test.sh starts one),
# then remove the cluster. Extra arguments go to the script (e.g. --skip-big-baseline).
#
#   bash benchmarks/spreadsheet_import.sh | tee /tmp/imports-bench.md
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
PG_BINDIR=$(bash scripts/pg-bindir.sh) || { echo "No PostgreSQL server binaries found." >&2; exit 1; }
PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/kontum-pgbench.XXXXXX")
AS_PG=()
if [ "$(id -u)" = 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres: "$PGTMP"
    AS_PG=(runuser -u postgres --)
fi
pg() { local program=$1; shift; (cd "$PGTMP" && "${AS_PG[@]}" "$PG_BINDIR/$program" "$@"); }
cleanup() {
    pg pg_ctl -D "$PGTMP/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
}
trap cleanup EXIT
pg initdb -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1 \
    || pg initdb -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --no-locale >"$PGTMP/initdb.log" 2>&1
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Default durability settings (unlike the test cluster): commit times are those of a real server.
pg pg_ctl -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
    -o "-p $PORT -k $PGTMP -c listen_addresses=127.0.0.1" start >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
# Files and measurements outlive the cluster (python benchmarks/spreadsheet_import.py report).
export BENCH_DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/kontum-import-bench}"
# As in production: no debug cursor recording every statement.
export DEBUG=False SECRET_KEY=benchmark-only-not-a-secret-0123456789abcdefghij ALLOWED_HOSTS=localhost
"$PY" manage.py migrate --noinput >/dev/null
"$PY" benchmarks/spreadsheet_import.py all "$@"
