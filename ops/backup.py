"""Backing up and restoring the site's database (`make backup`, `make restore FILE=…`).

- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner`, in one
  transaction (a restore that fails half-way changes nothing). The client programs are the newest
  found ($PG_BINDIR, /usr/lib/postgresql/*/bin, `pg_config --bindir`, PATH); pg_dump refuses a
  server newer than itself, so its major version must be at least the server's. The connection
  settings go to the programs through the PG* environment variables, never on a command line
  (where other users of the machine could read the password).
- SQLite: a consistent copy of the live file with SQLite's online backup API (the site may keep
  running); a restore copies the backup over the live database the same way.

A backup is written under a temporary name and renamed when complete, readable by its owner
only (it holds password hashes). A file of the wrong kind is refused before anything is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from urllib.parse import quote

from django.db import connections
from django.utils import timezone

from reports.cache import move_past_kept_reports

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# Connection options that libpq also reads from the environment.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """Nothing was written (backup) or changed (restore); the message says why."""


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Chỉ sao lưu được SQLite và PostgreSQL (cơ sở dữ liệu này: {vendor}).")
    return vendor


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


def _target(directory: Path, stem: str, suffix: str) -> Path:
    """A new file name `kontum-<database>-<local date-time>[-n]<suffix>` in `directory`."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_") or "db"
    base = f"kontum-{stem}-{_stamp()}"
    path, n = directory / f"{base}{suffix}", 1
    while path.exists():
        n += 1
        path = directory / f"{base}-{n}{suffix}"
    return path


def _partial(target: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    os.chmod(name, 0o600)
    return Path(name)


def backup(directory: Path, alias: str = "default") -> Path:
    """Write a backup of the database into `directory`; return its path."""
    kind = engine(alias)
    return _backup_sqlite(directory, alias) if kind == "sqlite" else _backup_postgresql(directory, alias)


def has_data(alias: str = "default") -> bool:
    """Whether there is a database to back up (a new SQLite file does not exist yet)."""
    return engine(alias) != "sqlite" or _sqlite_file(alias).is_file()


def check_file(path: Path, alias: str = "default") -> None:
    """Refuse a missing file, or one that is not a backup of this database's engine."""
    kind = engine(alias)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không có tệp sao lưu “{path}”.")
    with open(path, "rb") as stream:
        head = stream.read(16)
    if head.startswith(SQLITE_MAGIC if kind == "sqlite" else PG_MAGIC):
        return
    if head.startswith(SQLITE_MAGIC):
        found = "là một bản sao lưu SQLite"
    elif head.startswith(PG_MAGIC):
        found = "là một bản sao lưu PostgreSQL (pg_dump)"
    else:
        found = "không phải một bản sao lưu"
    raise BackupError(
        f"“{path}” {found}, còn cơ sở dữ liệu đang dùng là {kind}: không khôi phục; chưa thay đổi gì."
    )


def restore(path: Path, alias: str = "default") -> None:
    """Replace the content of the database by the backup at `path`."""
    check_file(path, alias)
    connections[alias].close()
    if engine(alias) == "sqlite":
        _restore_sqlite(Path(path), alias)
    else:
        _restore_postgresql(Path(path), alias)
    # The servers' kept reports are of the data before the restore (reports.cache).
    move_past_kept_reports(alias)


# SQLite ---------------------------------------------------------------------------------------


def _sqlite_file(alias: str) -> Path:
    name = str(connections[alias].settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"Cơ sở dữ liệu SQLite “{name}” không phải một tệp: không sao lưu được.")
    return Path(name)


def _check_sqlite(path: Path) -> None:
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        has_django = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"“{path}” không đọc được: {error}.") from None
    finally:
        conn.close()
    if result != "ok":
        raise BackupError(f"“{path}” bị hỏng (integrity_check: {result}).")
    if not has_django:
        raise BackupError(f"“{path}” không phải cơ sở dữ liệu của trang này (thiếu bảng django_migrations).")


def _backup_sqlite(directory: Path, alias: str) -> Path:
    live = _sqlite_file(alias)
    if not live.is_file():
        raise BackupError(f"Chưa có cơ sở dữ liệu “{live}”: không có gì để sao lưu.")
    target = _target(directory, live.stem, ".sqlite3")
    partial = _partial(target)
    try:
        source = sqlite3.connect(str(live))
        copy = sqlite3.connect(str(partial))
        try:
            # One step (pages=-1): the copy is the database as of one instant, even while it is written.
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        _check_sqlite(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _restore_sqlite(path: Path, alias: str) -> None:
    _check_sqlite(path)
    live = _sqlite_file(alias)
    live.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    target = sqlite3.connect(str(live))
    try:
        # Page by page into the live file, under SQLite's own locking (waits for other writers).
        source.backup(target)
    finally:
        target.close()
        source.close()


# PostgreSQL -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Program:
    path: str
    major: int


def _version(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def _candidate_dirs() -> list[str]:
    if os.environ.get("PG_BINDIR"):
        return [os.environ["PG_BINDIR"]]  # chosen explicitly: that one or none
    dirs = sorted(
        glob("/usr/lib/postgresql/*/bin"),
        key=lambda d: [int(p) for p in re.findall(r"\d+", d)],
        reverse=True,
    )
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=30)
            dirs.append(out.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    return dirs


def find_program(name: str, server_major: int | None = None) -> Program:
    """The newest `name` (pg_dump, pg_restore) found; refused when older than the server."""
    found: list[Program] = []
    paths = [os.path.join(d, name) for d in _candidate_dirs() if d]
    if not os.environ.get("PG_BINDIR") and shutil.which(name):
        paths.append(shutil.which(name))
    for path in paths:
        if os.access(path, os.X_OK) and (major := _version(path)) is not None:
            found.append(Program(path, major))
    if not found:
        where = (
            f"PG_BINDIR={os.environ['PG_BINDIR']}"
            if os.environ.get("PG_BINDIR")
            else "/usr/lib/postgresql/*/bin, pg_config --bindir, PATH"
        )
        raise BackupError(f"Không tìm thấy {name} ({where}): cài gói postgresql-client, hoặc đặt PG_BINDIR.")
    best = max(found, key=lambda p: p.major)
    if server_major is not None and best.major < server_major:
        raise BackupError(
            f"{name} {best.major} ({best.path}) cũ hơn máy chủ PostgreSQL {server_major}: "
            f"cài postgresql-client-{server_major} (hoặc mới hơn), hoặc đặt PG_BINDIR."
        )
    return best


def _pg_env(alias: str) -> dict[str, str]:
    cfg = connections[alias].settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        env.pop(var, None)
        if cfg.get(key):
            env[var] = str(cfg[key])
    for key, var in LIBPQ_OPTIONS.items():
        if cfg.get("OPTIONS", {}).get(key) is not None:
            env[var] = str(cfg["OPTIONS"][key])
    return env


def _conninfo_dbname(name: str) -> str:
    """`dbname='…'` for -d: a database name holding "=" or a URI would otherwise be read as one."""
    return "dbname='" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _server_major(alias: str) -> int:
    conn = connections[alias]
    conn.ensure_connection()
    return conn.pg_version // 10000


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{what} thất bại (mã {result.returncode}):\n{detail}")


def _backup_postgresql(directory: Path, alias: str) -> Path:
    name = connections[alias].settings_dict["NAME"]
    pg_dump = find_program("pg_dump", _server_major(alias))
    target = _target(directory, name, ".dump")
    partial = _partial(target)
    try:
        _run(
            [
                pg_dump.path,
                "--format=custom",
                "--no-password",
                f"--file={partial}",
                f"--dbname={_conninfo_dbname(name)}",
            ],
            _pg_env(alias),
            "pg_dump",
        )
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _restore_postgresql(path: Path, alias: str) -> None:
    name = connections[alias].settings_dict["NAME"]
    pg_restore = find_program("pg_restore")
    connections[alias].close()  # no lock of ours in the way of the DROPs
    _run(
        [
            pg_restore.path,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",  # all or nothing; implies --exit-on-error
            "--no-password",
            f"--dbname={_conninfo_dbname(name)}",
            str(path),
        ],
        _pg_env(alias),
        "pg_restore",
    )
