"""`make backup` / `make restore FILE=…`: a restored database answers `quality_report` identically.

Each test works on a database of its own, through the same scripts the Makefile calls, in
subprocesses: a temporary SQLite file on the SQLite run, a temporary database created on the same
server on the PostgreSQL run (the test database of pytest-django is never touched).
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
# What the backup leaves out is then changed: one committee's 2015 ratings are deleted.
CHANGE = (
    "from assessments.models import Rating, RatingTally; "
    "Rating.objects.filter(year=2015, committee__code='DAKHA').delete(); "
    "RatingTally.mark_stale(2015)"
)


def run(env, *args, script=None, check=True):
    command = (
        ["bash", str(BASE_DIR / "scripts" / script), *args]
        if script
        else [sys.executable, "manage.py", *args]
    )
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, f"{command}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def environment(database_url, backup_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "PG_BINDIR", "NO_SAFETY_BACKUP")}
    env.update(DATABASE_URL=database_url, DEBUG="True", BACKUP_DIR=str(backup_dir))
    return env


def report(env):
    """What `quality_report` answers, for the province and for one committee."""
    return [
        run(env, "quality_report", "--year", "2015", "--format", "json").stdout,
        run(env, "quality_report", "--year", "2015", "--committee", "DAKHA", "--format", "json").stdout,
    ]


def round_trip(env, backup_dir, suffix):
    run(env, "migrate", "--noinput")
    run(env, "load_demo")
    before = report(env)
    assert '"year": 2015' in before[0]

    made = run(env, script="backup.sh").stdout.strip().splitlines()
    backup = Path(made[-1])
    assert backup.parent == backup_dir and backup.name.startswith("kontum-") and backup.suffix == suffix
    assert backup.stat().st_size > 0 and backup.stat().st_mode & 0o077 == 0  # the owner's only

    run(env, "shell", "-c", CHANGE)
    assert report(env) != before  # the change shows, so the comparison below means something

    refused = run(env, script="restore.sh", check=False)  # no FILE: refused, nothing changed
    assert refused.returncode == 2 and "FILE" in refused.stderr
    not_a_backup = backup_dir / "report.json"
    not_a_backup.write_text(before[0])
    refused = run(env, str(not_a_backup), script="restore.sh", check=False)
    assert refused.returncode != 0 and "không phải một bản sao lưu" in refused.stderr
    changed = report(env)
    assert changed != before

    restored = run(env, str(backup), script="restore.sh")
    assert report(env) == before
    # The database as it was before the restore was kept, and says what the change made it.
    kept = [p for p in backup_dir.glob(f"kontum-*{suffix}") if p != backup]
    assert len(kept) == 1 and str(kept[0]) in restored.stderr
    return kept[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip runs on the SQLite run")
def test_sqlite_backup_and_restore_answer_the_report_identically(tmp_path):
    database = tmp_path / "kontum.sqlite3"
    backup_dir = tmp_path / "backups"
    env = environment(f"sqlite:///{database}", backup_dir)
    round_trip(env, backup_dir, ".sqlite3")

    # A PostgreSQL backup is refused on SQLite before anything changes.
    before = report(env)
    dump = backup_dir / "kontum-x.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    refused = run(env, str(dump), script="restore.sh", check=False)
    assert refused.returncode != 0 and "PostgreSQL" in refused.stderr
    assert report(env) == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs the PostgreSQL run (DATABASE_URL postgres://…)"
)
def test_postgresql_backup_and_restore_answer_the_report_identically(tmp_path, db):
    cfg = connection.settings_dict
    name = f"kontum_backup_{secrets.token_hex(4)}"
    admin = psycopg2.connect(
        dbname=cfg["NAME"],
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        host=cfg["HOST"],
        port=cfg["PORT"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    try:
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
        backup_dir = tmp_path / "backups"
        kept = round_trip(environment(url, backup_dir), backup_dir, ".dump")
        assert kept.read_bytes().startswith(b"PGDMP")
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
