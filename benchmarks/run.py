"""Every benchmark, one table: `make bench` (small scale, a few minutes) or `make bench FULL=1`.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/run.py [--full] [--only dashboard,load]

Each benchmark module present (below) has `run(small: bool) -> list[dict]`, one dict per figure:
`figure`, `value`, `unit`, `reference` (what it is compared with, e.g. the bare SQL), `ratio`, `goal`,
`met` (True, False or None when there is no goal). Each module runs in its own process with its
own database on the PostgreSQL server of DATABASE_URL (`<database>_bench_<module>[_full]`), so that
one module's Django settings or data never leak into another's. A module that is absent, or fails,
is one row of the table saying so; the others still run. Exit status: 0 when every goal is met.

The demo is loaded once: the modules that work on it (DEMO_MODULES) each get a fresh copy of one
seeded database (`<database>_bench_demo_<digest>`, migrated and loaded once, kept for the next run;
the digest is that of the migrations and the demo's code, so a changed demo is loaded again),
made by PostgreSQL's `CREATE DATABASE … TEMPLATE` in a second or two instead of a load of the
demo per module (≈ 1–3 minutes each on this machine). The seeded demo is also kept as a dump
(BENCH_CACHE, default ~/.cache/kontum-bench/demo-<digest>.dump), restored in seconds into the
next run's throw-away cluster. The other modules (the dashboard's synthetic
national data set) keep their own database, seeded once and reused.

The speed goals live here and in the modules, never in timed tests.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_MODULES = {"grid", "spreadsheet_import", "load"}
# The seeded demo as a file, for the next run's throw-away cluster (keyed by the same digest).
DEMO_CACHE = Path(os.environ.get("BENCH_CACHE") or Path.home() / ".cache" / "kontum-bench")
# name → file, in the order of the table; owners: grid (the rating grid), imports, reports.
MODULES = {
    "grid": "benchmarks/grid.py",
    "spreadsheet_import": "benchmarks/spreadsheet_import.py",
    "dashboard": "benchmarks/dashboard.py",
    "load": "benchmarks/load/bench.py",
}


def speed() -> float:
    """ms of a fixed pure-Python loop (3,000,000 additions): this machine's speed now. A shared
    virtual machine's varies (by 2× within minutes on 2 Dec 2026): each run prints it at its start
    and end, so that figures of two runs are compared at the same speed."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if "MemTotal" in line
        )
        ram = f"{kib / 1048576:.1f} GiB"
    except (OSError, StopIteration):
        ram = "?"
    cpu = model or platform.processor() or platform.machine()
    return f"{os.cpu_count()} cores ({cpu}), {ram} RAM, Python {platform.python_version()}"


# The child: one module, in its own database --------------------------------------------------


def _server(url: str):
    """(psycopg2 connection to the server's database of `url`, autocommit; that database's name)."""
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(url)
    conn = psycopg2.connect(
        dbname=cfg["NAME"],
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        host=cfg["HOST"],
        port=cfg["PORT"] or None,
    )
    conn.autocommit = True
    return conn, cfg["NAME"]


def _url_of(database: str) -> str:
    url = os.environ["DATABASE_URL"]
    head, _, tail = url.rpartition("/")
    query = tail.partition("?")[2]
    return f"{head}/{database}" + (f"?{query}" if query else "")


def _exists(cursor, database: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
    return cursor.fetchone() is not None


def demo_digest() -> str:
    """What the seeded demo depends on: the migrations and the demo's code and data."""
    digest = hashlib.sha256()
    files = sorted(
        [*ROOT.glob("*/migrations/*.py"), *(ROOT / "demo").rglob("*.py"), *(ROOT / "demo").glob("*.json")]
    )
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def demo_database() -> str:
    """The name of the seeded demo database, migrated and loaded first when missing."""
    conn, base = _server(os.environ["DATABASE_URL"])
    name = f"{base}_bench_demo_{demo_digest()}"
    with conn.cursor() as cursor:
        if _exists(cursor, name):
            conn.close()
            return name
        started = time.monotonic()
        print(f"== seeding the demo once ({name}) …", file=sys.stderr, flush=True)
        loading = f"{name}_loading"
        cursor.execute(f'DROP DATABASE IF EXISTS "{loading}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{loading}"')
        dump = DEMO_CACHE / f"demo-{demo_digest()}.dump"
        if not (dump.exists() and _restore(dump, loading, cursor)):
            env = {**os.environ, "DATABASE_URL": _url_of(loading), "DEBUG": "True"}  # load_demo asks DEBUG
            for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT,
                    check=True,
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
            _dump(loading, dump)
        # Older seeded demos (another digest) are dropped; this one takes its name when complete.
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            [f"{base}_bench_demo_%", loading],
        )
        for (old,) in cursor.fetchall():
            cursor.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        cursor.execute(f'ALTER DATABASE "{loading}" RENAME TO "{name}"')
        print(f"   demo seeded in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    conn.close()
    return name


def _pg_env_and_bin(database: str) -> tuple[dict, Path | None]:
    """libpq's environment for `database` on DATABASE_URL's server, and the PostgreSQL binaries."""
    import dj_database_url

    cfg = dj_database_url.parse(_url_of(database))
    env = {**os.environ, "PGDATABASE": database, "PGHOST": str(cfg["HOST"] or "")}
    env["PGUSER"] = cfg["USER"] or ""
    env.update({"PGPORT": str(cfg["PORT"])} if cfg["PORT"] else {})
    env.update({"PGPASSWORD": cfg["PASSWORD"]} if cfg["PASSWORD"] else {})
    found = subprocess.run(["bash", "scripts/pg-bindir.sh"], cwd=ROOT, capture_output=True, text=True)
    bindir = Path(found.stdout.strip()) if found.returncode == 0 and found.stdout.strip() else None
    return env, bindir


def _dump(database: str, dump: Path) -> None:
    """Keep the seeded demo as a file, for the next throw-away cluster (`make bench` makes one
    each run): restoring it takes seconds, loading the demo minutes. Best effort."""
    env, bindir = _pg_env_and_bin(database)
    program = str(bindir / "pg_dump") if bindir else shutil.which("pg_dump")
    if not program:
        return
    dump.parent.mkdir(parents=True, exist_ok=True)
    partial = dump.with_suffix(".partial")
    done = subprocess.run([program, "--format=custom", "--no-owner", "-f", str(partial)], env=env)
    if done.returncode == 0:
        partial.replace(dump)
        for old in dump.parent.glob("demo-*.dump"):  # other digests: another demo or migrations
            if old != dump:
                old.unlink(missing_ok=True)


def _restore(dump: Path, database: str, cursor) -> bool:
    """The seeded demo restored from its file into the empty `database`; False when it failed
    (the demo is then loaded)."""
    env, bindir = _pg_env_and_bin(database)
    program = str(bindir / "pg_restore") if bindir else shutil.which("pg_restore")
    if not program:
        return False
    done = subprocess.run([program, "--no-owner", "--exit-on-error", "-d", database, str(dump)], env=env)
    if done.returncode != 0:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{database}"')
        return False
    subprocess.run([program.replace("pg_restore", "vacuumdb"), "--analyze-only", "-q", database], env=env)
    print(f"   (restored from {dump})", file=sys.stderr, flush=True)
    return True


def module_database(name: str, small: bool) -> str:
    """DATABASE_URL of the module's own database on the same server: a fresh copy of the seeded
    demo for the DEMO_MODULES, else created when missing (and kept, with what the module seeded)."""
    conn, base = _server(os.environ["DATABASE_URL"])
    database = f"{base}_bench_{name}{'' if small else '_full'}"
    with conn.cursor() as cursor:
        if name in DEMO_MODULES:
            template = demo_database()
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        elif not _exists(cursor, database):
            cursor.execute(f'CREATE DATABASE "{database}"')
    conn.close()
    return _url_of(database)


def child(name: str, small: bool) -> None:
    """Run one module's `run(small)` here and print its rows as JSON on the last line."""
    os.environ["DATABASE_URL"] = module_database(name, small)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontum_party.settings")
    sys.path.insert(0, str(ROOT))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True, env=os.environ
    )
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / MODULES[name])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run(small=small)
    print("\n" + json.dumps({"rows": rows}, default=str))


# The parent: every module, one table -------------------------------------------------------------


def run_module(name: str, small: bool) -> list[dict]:
    if not (ROOT / MODULES[name]).exists():
        return [{"figure": f"{name}: absent ({MODULES[name]} not written yet)", "met": None}]
    started = time.monotonic()
    print(f"== {name} ({'small' if small else 'full'} scale) …", file=sys.stderr, flush=True)
    process = subprocess.run(
        [sys.executable, __file__, "--child", name] + ([] if small else ["--full"]),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    seconds = time.monotonic() - started
    print(f"   {name}: {seconds:.0f} s, exit status {process.returncode}", file=sys.stderr, flush=True)
    output = process.stdout.strip().splitlines()
    sys.stderr.write("".join(f"   | {line}\n" for line in output[:-1]))
    last = output[-1:] or [""]
    try:
        rows = json.loads(last[0])["rows"]
    except (ValueError, KeyError, TypeError):
        tail = " / ".join(output[-3:])
        return [{"figure": f"{name}: FAILED (exit status {process.returncode}) {tail}"[:200], "met": False}]
    return [{**row, "figure": f"{name}: {row.get('figure', '')}"} for row in rows]


def cell(value, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def table(rows: list[dict]) -> str:
    lines = [
        "| figure | value | reference | ratio | goal | met |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        met = {True: "yes", False: "**NO**", None: "—"}[row.get("met")]
        ratio, reference = row.get("ratio"), row.get("reference")
        reference_unit = row.get("unit", "") if isinstance(reference, (int, float)) else ""
        lines.append(
            f"| {row.get('figure', '')} | {cell(row.get('value'), row.get('unit', ''))} "
            f"| {cell(reference, reference_unit)} "
            f"| {f'{ratio:.2f}×' if isinstance(ratio, (int, float)) else cell(ratio)} "
            f"| {row.get('goal') or '—'} | {met} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the full (national) scale")
    parser.add_argument("--only", default="", help="comma-separated module names")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        try:
            child(args.child, small=not args.full)
        except Exception:
            traceback.print_exc()
            error = traceback.format_exc().strip().splitlines()[-1][:160]
            print("\n" + json.dumps({"rows": [{"figure": f"FAILED: {error}", "met": False}]}))
            return 1
        return 0
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print(
            "benchmarks/run.py needs DATABASE_URL=postgres://… (make bench starts a cluster).",
            file=sys.stderr,
        )
        return 2
    names = [n for n in args.only.split(",") if n] or list(MODULES)
    started = time.monotonic()
    speed_before = speed()
    if DEMO_MODULES & set(names):
        demo_database()  # once, before the modules copy it
    rows = [row for name in names for row in run_module(name, small=not args.full)]
    rows.append(
        {
            "figure": "machine speed: a 3,000,000-addition Python loop, at the start (reference: at the end)",
            "value": speed_before,
            "unit": "ms",
            "reference": speed(),
            "met": None,
        }
    )
    print(f"\nBenchmarks, {'full' if args.full else 'small'} scale — {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"Machine: {machine()}; {platform.system()} {platform.release()}")
    print(f"Total {time.monotonic() - started:.0f} s\n")
    print(table(rows))
    return 0 if all(row.get("met") is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
