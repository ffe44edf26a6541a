#!/usr/bin/env bash
# Print the directory holding the PostgreSQL server binaries (initdb, pg_ctl, postgres);
# exit 1 when there is none. Used by scripts/test.sh and .ci/run.
#
# Order: $PG_BINDIR, `pg_config --bindir`, the newest /usr/lib/postgresql/*/bin (Debian,
# Ubuntu), then wherever `initdb` is on PATH. A directory only counts if it has the server
# binaries: Debian's pg_config comes with libpq-dev and may point at a client-only version.
set -euo pipefail

has_server() { [ -n "$1" ] && [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]; }

candidates=()
[ -n "${PG_BINDIR:-}" ] && candidates+=("$PG_BINDIR")
if command -v pg_config >/dev/null 2>&1; then
    candidates+=("$(pg_config --bindir 2>/dev/null || true)")
fi
while IFS= read -r dir; do
    candidates+=("$dir")
done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r)
if command -v initdb >/dev/null 2>&1; then
    candidates+=("$(dirname "$(readlink -f "$(command -v initdb)")")")
fi

for dir in "${candidates[@]}"; do
    if has_server "$dir"; then
        echo "$dir"
        exit 0
    fi
done
exit 1
