#!/usr/bin/env bash
# Every benchmark, one table (benchmarks/run.py): `make bench` (small scale, a few minutes) or
# `make bench FULL=1` (national scale: the first run seeds for several minutes).
#
# The benchmarks need PostgreSQL: the server of DATABASE_URL when it names one (each benchmark
# gets its own database on it, <database>_bench_<name>, kept for the next run), otherwise a
# throw-away cluster (scripts/pg.sh) with PostgreSQL's default durability, removed afterwards.
# Exit status: 0 when every goal is met.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=$(command -v python3)

# shellcheck source=scripts/pg.sh
source scripts/pg.sh

if ! is_pg_url; then
    PG_BINDIR=$(bash scripts/pg-bindir.sh) || { echo "make bench: no PostgreSQL server binaries and DATABASE_URL names no PostgreSQL server." >&2; exit 1; }
    PG_DURABLE=1 PG_OPTIONS="-c shared_buffers=512MB -c work_mem=64MB" start_cluster || exit 1
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT_PICKED/postgres"
fi
echo "Benchmarks on $(describe_server)" >&2
rc=0
"$PY" benchmarks/run.py "$@" || rc=$?
exit "$rc"
