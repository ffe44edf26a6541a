#!/usr/bin/env bash
# Replace the content of the site's database by a backup made by scripts/backup.sh:
#
#   scripts/restore.sh backups/kontum-<database>-<YYYYmmdd-HHMMSS>.dump      (make restore FILE=…)
#
# No confirmation is asked: naming the file is the confirmation. Before anything is replaced, the
# database as it is now is backed up into backups/ (BACKUP_DIR) — set NO_SAFETY_BACKUP=1 to skip.
#   PostgreSQL: pg_restore --clean --if-exists --no-owner --single-transaction (a restore that
#               fails changes nothing); objects that are not in the backup are left alone.
#   SQLite:     the backup is checked (integrity_check), then copied over the live file.
# A backup of the other engine, or a file that is not a backup, is refused before anything changes.
# Stop the site (or expect a short wait for its open transactions) while restoring.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: scripts/restore.sh FILE   (make restore FILE=backups/kontum-….dump)" >&2
    echo "Name the backup to restore; nothing was changed." >&2
    exit 2
fi

if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=$(command -v python3); fi

keep=(--keep-current "${BACKUP_DIR:-backups}")
case "${NO_SAFETY_BACKUP:-}" in
    1 | true | yes) keep=() ;;
esac

umask 077
exec "$PY" manage.py restore_db "${keep[@]}" "$1"
