"""Every benchmark, one table: `make bench` (small scale, a few minutes) or `make bench FULL=1`.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/run.py [--full] [--only dashboard,load]

Each benchmark module present (below) has `run(small: bool) -> list[dict]`, one dict per figure:
`figure`, `value`, `unit`, `reference` (what it is compared with, e.g. the bare SQL), `ratio`, `goal`,
`met` (True, False or None when there is no goal). Each module runs in its own process with its
own database on the PostgreSQL server of DATABASE_URL (`<database>_bench_<module>[_full]`, created when
missing and migrated; a module reuses what it seeded there before), so that one module's Django
settings or data never leak into another's. A module that is absent, or fails, is one row of the
table saying so; the others still run. Exit status: 0 when every goal is met, 1 otherwise.

The speed goals live here and in the modules, never in timed tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# name → file, in the order of the table; owners: grid (the rating grid), imports, reports.
MODULES = {
    "grid": "benchmarks/grid.py",
    "spreadsheet_import": "benchmarks/spreadsheet_import.py",
    "dashboard": "benchmarks/dashboard.py",
    "load": "benchmarks/load/bench.py",
}


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


def module_database(name: str, small: bool) -> str:
    """DATABASE_URL of the module's own database on the same server, created when missing."""
    import dj_database_url
    import psycopg2

    url = os.environ["DATABASE_URL"]
    cfg = dj_database_url.parse(url)
    database = f"{cfg['NAME']}_bench_{name}{'' if small else '_full'}"
    conn = psycopg2.connect(
        dbname=cfg["NAME"],
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        host=cfg["HOST"],
        port=cfg["PORT"] or None,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{database}"')
    conn.close()
    return url[: url.rindex("/") + 1] + database


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
    rows = [row for name in names for row in run_module(name, small=not args.full)]
    print(f"\nBenchmarks, {'full' if args.full else 'small'} scale — {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"Machine: {machine()}; {platform.system()} {platform.release()}")
    print(f"Total {time.monotonic() - started:.0f} s\n")
    print(table(rows))
    return 0 if all(row.get("met") is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
