#!/usr/bin/env bash
# Back up the site's database into backups/ (BACKUP_DIR to change), under a new timestamped name:
#
#   scripts/backup.sh            (make backup)
#
# The database is the one the site uses: DATABASE_URL, else the SQLite file db.sqlite3.
#   PostgreSQL: pg_dump --format=custom → backups/kontum-<database>-<YYYYmmdd-HHMMSS>.dump
#               (the newest pg_dump found: $PG_BINDIR, /usr/lib/postgresql/*/bin, pg_config, PATH;
#               its major version must be at least the server's)
#   SQLite:     an online, consistent copy (SQLite's backup API) → …-<YYYYmmdd-HHMMSS>.sqlite3
# The site may keep running. Prints the path of the new backup (on stdout, alone); the backup is
# readable by its owner only. The work is done by `manage.py backup_db` (ops/backup.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=$(command -v python3); fi

umask 077
exec "$PY" manage.py backup_db --dir "${BACKUP_DIR:-backups}"
