"""The spreadsheet import benchmark's outputs (benchmarks/spreadsheet_import.py measures): the
Markdown report for BENCHMARKS.md, and the figures `run(small)` hands to benchmarks/run.py."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from spreadsheet_import import (
    BEFORE_ROWS_PER_S,
    GOAL_PROVINCE_CHANGED_S,
    GOAL_ROWS_PER_S,
    setup_django,
)


def figures(results: list[dict]) -> list[dict]:
    """The figures for benchmarks/run.py: {figure, value, unit, reference, ratio, goal, met}."""
    mine = {r["scenario"]: r for r in results if "counts" in r}
    theirs = {r["scenario"]: r for r in results if "scenario" in r and "counts" not in r}
    floor = next((r for r in results if "copy_floor_s" in r), None)
    big = next(r for name, r in mine.items() if name.endswith("rows, all new"))
    rate = big["written"] / big["commit_s"]
    changed = mine["province, every level changed"]
    new = mine["province, all new"]
    rows = [
        {
            "figure": f"import: {big['rows']:,}-row ratings file committed (every check, scope and audit)",
            "value": round(rate),
            "unit": "rows/s",
            "reference": f"{BEFORE_ROWS_PER_S:,} rows/s before COPY",
            "ratio": round(rate / BEFORE_ROWS_PER_S, 1),
            "goal": f">= {GOAL_ROWS_PER_S:,} rows/s",
            "met": rate >= GOAL_ROWS_PER_S,
        },
        {
            "figure": f"import: {big['rows']:,}-row file committed, CPU of the importing process only",
            "value": round(big["written"] / big["commit_cpu_s"]),
            "unit": "rows/s",
            "reference": "the database server's share left out",
            "ratio": None,
            "goal": None,
            "met": None,
        },
        {
            "figure": f"import: {big['rows']:,}-row file end to end (read, preview, commit)",
            "value": round(big["total_s"], 2),
            "unit": "s",
            "reference": None,
            "ratio": None,
            "goal": None,
            "met": None,
        },
        {
            "figure": f"import: peak memory, {big['rows']:,}-row file",
            "value": round(big["peak_mb"]),
            "unit": "MB RSS",
            "reference": f"{round(new['peak_mb'])} MB for the province file",
            "ratio": None,
            "goal": "bounded (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS)",
            "met": None,
        },
        {
            "figure": f"import: province file ({changed['rows']:,} rows), every level changed, end to end",
            "value": round(changed["total_s"], 2),
            "unit": "s",
            "reference": None,
            "ratio": None,
            "goal": f"< {GOAL_PROVINCE_CHANGED_S:g} s",
            "met": changed["total_s"] < GOAL_PROVINCE_CHANGED_S,
        },
    ]
    if floor:
        floor_rate = floor["copy_floor_rows"] / floor["copy_floor_s"]
        rows.append(
            {
                "figure": "bare COPY on this machine now (same rows, no index, constraint or check)",
                "value": round(floor_rate),
                "unit": "rows/s",
                "reference": f"this import commits at {rate / floor_rate:.0%} of it",
                "ratio": round(rate / floor_rate, 2),
                "goal": None,
                "met": None,
            }
        )
    if floor and floor.get("table_floor_s"):
        table_rate = floor["copy_floor_rows"] / floor["table_floor_s"]
        rows.append(
            {
                "figure": "COPY into the real rating and audit tables now (indexes, foreign keys)",
                "value": round(table_rate),
                "unit": "rows/s",
                "reference": f"this import commits at {rate / table_rate:.0%} of it",
                "ratio": round(rate / table_rate, 2),
                "goal": None,
                "met": None,
            }
        )
    for name, their in theirs.items():
        ours_row = mine.get(name)
        if ours_row is None:
            continue
        rows.append(
            {
                "figure": f"import: {name}, end to end, against django-import-export's default import",
                "value": round(ours_row["total_s"], 2),
                "unit": "s",
                "reference": f"{their['total_s']:.2f} s django-import-export",
                "ratio": round(their["total_s"] / ours_row["total_s"], 1),
                "goal": None,
                "met": None,
            }
        )
    return rows


def machine() -> str:
    setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {version} ({connection.vendor})"
    )


def report(results, sizes):
    ours_rows = [r for r in results if "counts" in r]
    theirs_rows = [r for r in results if "scenario" in r and "counts" not in r]
    floor = next((r for r in results if "copy_floor_s" in r), None)
    print(f"Machine: {machine()}\n")
    print("### This import (imports app)\n")
    print(
        "| scenario | rows | file | read | preview | commit | end to end | commit rows/s "
        "| commit rows/s of this process's CPU | peak RSS |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in ours_rows:
        rate = r["written"] / r["commit_s"] if r["written"] else 0
        cpu_rate = r["written"] / r["commit_cpu_s"] if r["written"] and r.get("commit_cpu_s") else 0
        print(
            f"| {r['scenario']} | {r['rows']:,} | {r['bytes'] / 2**20:.1f} MB | {r['read_s']:.2f} s | "
            f"{r['preview_s']:.2f} s | {r['commit_s']:.2f} s | {r['total_s']:.2f} s | "
            f"{f'{rate:,.0f}' if rate else '—'} | {f'{cpu_rate:,.0f}' if cpu_rate else '—'} | "
            f"{r['peak_mb']:.0f} MB |"
        )
    if floor:
        print(
            f"\nBare COPY now, same machine: {floor['copy_floor_rows']:,} rating-like and as many audit-like "
            f"rows into tables without index or constraint, {floor['copy_floor_s']:.2f} s "
            f"({floor['copy_floor_rows'] / floor['copy_floor_s']:,.0f} rows/s)."
        )
        if floor.get("table_floor_s"):
            print(
                f"The same COPY into the real rating and audit tables (their indexes, foreign keys checked "
                f"immediately), rolled back: {floor['table_floor_s']:.2f} s "
                f"({floor['copy_floor_rows'] / floor['table_floor_s']:,.0f} rows/s): the database's share of "
                "a commit, with no check in Python."
            )
    print("\n### django-import-export, default ModelResource, same rows\n")
    print("| scenario | rows | read | dry run (preview) | import | end to end | import rows/s | peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in theirs_rows:
        print(
            f"| {r['scenario']} | {r['rows']:,} | {r['read_s']:.2f} s | {r['preview_s']:.2f} s | "
            f"{r['commit_s']:.2f} s | {r['total_s']:.2f} s | {r['rows'] / r['commit_s']:,.0f} | "
            f"{r['peak_mb']:.0f} MB |"
        )
    print("\n### Ratio (django-import-export time ÷ this import's time, all new rows)\n")
    print("| scenario | preview | commit | end to end |")
    print("| --- | ---: | ---: | ---: |")
    for theirs_row in theirs_rows:
        mine = next(r for r in ours_rows if r["scenario"] == theirs_row["scenario"])
        their_preview = theirs_row["read_s"] + theirs_row["preview_s"]
        my_preview = mine["read_s"] + mine["preview_s"]
        print(
            f"| {theirs_row['scenario']} | {their_preview:.2f} / {my_preview:.2f} s = "
            f"{their_preview / my_preview:.1f}× | "
            f"{theirs_row['commit_s']:.2f} / {mine['commit_s']:.2f} s = "
            f"{theirs_row['commit_s'] / mine['commit_s']:.1f}× | "
            f"{theirs_row['total_s']:.2f} / {mine['total_s']:.2f} s = "
            f"{theirs_row['total_s'] / mine['total_s']:.1f}× |"
        )
    print(f"\n(sizes: {json.dumps(sizes)})")
