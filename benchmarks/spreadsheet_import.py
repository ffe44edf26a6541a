"""Time the spreadsheet import (imports app) against django-import-export's default import.

    bash benchmarks/spreadsheet_import.sh [--small]   # throw-away PostgreSQL cluster, then `all`
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/spreadsheet_import.py all [--small]
    # from benchmarks/run.py (make bench): run(small) -> [{figure, value, unit, reference, ratio, goal, met}]

Scenarios, each phase in its own process (so that its peak memory is its own), DEBUG off:
- province: the demo province (every rated unit of 2015, about 2,500 rows) as .xlsx: read +
  preview, commit (all new), the same file again (all unchanged), and every level changed (all
  updates) — the goal: under 1 s end to end;
- big: 100,000 rows (10,000 synthetic grassroots organizations × 10 years; 20,000 rows with
  --small), levels written many ways, as .xlsx: read, preview, commit — the goal: at least
  20,000 rows/s committed on PostgreSQL (the shared writer's COPY; before it: 3,363 rows/s);
- django-import-export: the same province rows in its own column format (.xlsx, tablib), its
  default ModelResource, dry run (its preview) and import, in the same run: the ratio of its
  time to this import's (the big file too without --small, unless --skip-big-baseline: 25 min).

Every check, the scope and the audit are kept: the commit is `imports.services.commit`, the
page's and the command's. Writes into the database it is given: use a throw-away one
(benchmarks/spreadsheet_import.sh makes one; benchmarks/run.py gives each module its own).
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))  # spreadsheet_import_report
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontum_party.settings")

WORK = Path(os.environ.get("BENCH_DIR") or Path(tempfile.gettempdir()) / "kontum-import-bench")
PROVINCE_YEAR = 2015
BIG_ROWS = 100_000
SMALL_BIG_ROWS = 20_000
GOAL_ROWS_PER_S = 20_000
GOAL_PROVINCE_CHANGED_S = 1.0
BEFORE_ROWS_PER_S = 3_363  # BENCHMARKS.md, 27 Nov 2026: the writer before COPY
BIG_UNITS = 10_000
# The years of a scheme rated by level, not by points (the points' columns would be required).
BIG_YEARS = list(range(2014, 2025))
SPELLINGS = [
    lambda level: level.abbreviation,
    lambda level: level.name,
    lambda level: level.name.upper(),
    lambda level: _plain(level.name),
    lambda level: f"  {level.abbreviation.lower()} ",
]


def _plain(text):
    from imports.cells import strip_diacritics

    return strip_diacritics(text)


def setup_django():
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action):
    start = time.perf_counter()
    value = action()
    return value, time.perf_counter() - start


def province_user():
    from accounts.models import Role, User

    user, _ = User.objects.get_or_create(username="bench-province", defaults={"role": Role.PROVINCE_STAFF})
    return user


# Data ------------------------------------------------------------------------------------------


def prepare(big_rows=BIG_ROWS):
    """The demo province, 10,000 synthetic grassroots organizations, the seasons opened, the files."""
    setup_django()
    from django.db import transaction
    from django.utils import timezone

    from assessments.models import RatingLevel, RatingScheme, RatingYear
    from demo import generator
    from imports import columns as C
    from imports.levels import LevelParser
    from organizations.models import Kind, PlaceType, Tier, Unit, UnitPlace

    bulk_found = generator.DemoBuilder.bulk_found
    WORK.mkdir(parents=True, exist_ok=True)
    if not generator.demo_loaded():
        generator.load_demo()
    reset([PROVINCE_YEAR, *BIG_YEARS])
    for year in {PROVINCE_YEAR, *BIG_YEARS}:  # opened by provincial staff, not locked
        RatingYear.objects.update_or_create(
            year=year, defaults={"opened_at": timezone.now(), "is_locked": False}
        )
    committees = list(Unit.objects.committees().order_by("code"))
    have = set(Unit.objects.filter(code__startswith="BENCH-").values_list("code", flat=True))
    if len(have) < BIG_UNITS:
        with transaction.atomic():
            bulk_found(
                [
                    Unit(
                        code=f"BENCH-{i:05d}",
                        name=f"Đảng bộ thử tải {i}",
                        tier=Tier.BASE,
                        kind=Kind.GRASSROOTS_CELL,
                        place_type=PlaceType.AGENCY,
                        parent=committees[i % len(committees)],
                        committee=committees[i % len(committees)],
                    )
                    for i in range(1, BIG_UNITS + 1)
                    if f"BENCH-{i:05d}" not in have
                ]
            )
    # Units of an earlier run made without their dated places (the writer checks where each unit
    # sat at the year's end): given them now.
    placeless = Unit.objects.filter(code__startswith="BENCH-", places__isnull=True)
    UnitPlace.bulk_first_of(list(placeless))
    rng = random.Random(2015)
    levels = {
        year: list(RatingLevel.objects.filter(scheme=RatingScheme.objects.in_force(year)))
        for year in BIG_YEARS
    }
    headers = [C.CODE.header, C.NAME.header, C.YEAR.header, C.LEVEL.header, C.NOTE.header]

    province_units = list(
        Unit.objects.rated_tiers()
        .exclude(code__startswith="BENCH-")
        .active_in(PROVINCE_YEAR)
        .order_by("code")
    )
    rows = [
        [
            u.code,
            u.name,
            PROVINCE_YEAR,
            rng.choice(SPELLINGS)(rng.choice(levels[PROVINCE_YEAR])),
            "nhập từ tệp",
        ]
        for u in province_units
    ]
    _write_pair("province", headers, rows)
    # The same units with every level moved one rank: all updates.
    ranked = sorted(levels[PROVINCE_YEAR], key=lambda level: level.rank)
    parser = LevelParser.build(PROVINCE_YEAR)
    changed = []
    for row in rows:
        current = parser.parse(row[3]).level
        changed.append([*row[:3], ranked[(ranked.index(current) + 1) % len(ranked)].abbreviation, "đổi"])
    _write_pair("province-changed", headers, changed)

    big_units = list(Unit.objects.filter(code__startswith="BENCH-").order_by("code"))
    big = []
    for year in BIG_YEARS:
        for unit in big_units:
            if len(big) == int(big_rows):
                break
            big.append(
                [unit.code, unit.name, year, rng.choice(SPELLINGS)(rng.choice(levels[year])), "thử tải"]
            )
    _write_pair("big", headers, big)
    (WORK / "sizes.json").write_text(
        json.dumps({"province": len(rows), "big": len(big), "committees": len(committees)})
    )


def _write_pair(name, headers, rows):
    """Our format (with a title above the table) and import-export's format, same rows."""
    from openpyxl import Workbook

    from assessments.models import RatingLevel, RatingScheme
    from imports.levels import LevelParser
    from organizations.models import Unit

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Xếp loại")
    sheet.append(["BẢNG XẾP LOẠI CHẤT LƯỢNG TỔ CHỨC ĐẢNG (thử tải)"])
    sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(WORK / f"{name}.xlsx")

    units = {
        u.code: u for u in Unit.objects.filter(code__in=[r[0] for r in rows]).select_related("committee")
    }
    parsers = {}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rating")
    # Only the columns that hold something: openpyxl reads an empty cell as None, which
    # django-import-export's default widgets would write into the NOT NULL text columns.
    sheet.append(["unit", "year", "committee", "tier", "level", "not_rated", "note"])
    for code, _name, year, level_text, note in rows:
        if year not in parsers:
            scheme = RatingScheme.objects.in_force(year)
            parsers[year] = LevelParser(year, scheme, list(RatingLevel.objects.filter(scheme=scheme)))
        unit = units[code]
        level = parsers[year].parse(level_text).level
        sheet.append([code, year, unit.committee.code, unit.tier, level.pk, 0, note])
    workbook.save(WORK / f"{name}-import-export.xlsx")


# Our import --------------------------------------------------------------------------------


def ours(name: str, label: str):
    setup_django()
    from imports import services
    from imports.reader import read_file
    from imports.rows import check

    user = province_user()
    path = WORK / f"{name}.xlsx"
    data = path.read_bytes()
    sheets, read_s = timed(lambda: read_file(data, path.name))
    read_mb = peak_mb()
    prev, check_s = timed(lambda: check(sheets, user=user, file_name=path.name))
    preview_mb = peak_mb()
    assert not prev.has_errors, [str(e) for e in prev.errors[:5]]
    cpu = time.process_time()
    result, commit_s = timed(lambda: services.commit(prev, user=user))
    commit_cpu_s = time.process_time() - cpu
    return {
        "scenario": label,
        "rows": len(prev.rows),
        "bytes": len(data),
        "counts": prev.counts,
        "written": result.created + result.updated,
        "read_s": read_s,
        "preview_s": check_s,
        "commit_s": commit_s,
        "commit_cpu_s": commit_cpu_s,  # this process only (the database server's share apart)
        "total_s": read_s + check_s + commit_s,
        "peak_read_mb": read_mb,
        "peak_preview_mb": preview_mb,
        "peak_mb": peak_mb(),
    }


def reset(years):
    """Plain SQL: no signal of another app runs while the benchmark cleans up between runs."""
    setup_django()
    from django.db import connection, transaction

    from assessments.models import AuditEntry, Commendation, Rating

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table}")
        # Commendations hang on the ratings of their year (the demo grants some from 2018).
        cursor.execute(
            f"DELETE FROM {Commendation._meta.db_table} WHERE rating_id IN"
            f" (SELECT id FROM {Rating._meta.db_table} WHERE year = ANY(%s))",
            [list(years)],
        )
        cursor.execute(f"DELETE FROM {Rating._meta.db_table} WHERE year = ANY(%s)", [list(years)])
    return {}


# django-import-export -------------------------------------------------------------------------


def theirs(name: str, label: str):
    setup_django()
    from import_export import fields, resources
    from import_export.formats.base_formats import XLSX
    from import_export.widgets import ForeignKeyWidget

    from assessments.models import Rating
    from organizations.models import Unit

    class DefaultRatingResource(resources.ModelResource):
        """django-import-export's default: a ModelResource, units and committees by code."""

        unit = fields.Field(attribute="unit", column_name="unit", widget=ForeignKeyWidget(Unit, field="code"))
        committee = fields.Field(
            attribute="committee", column_name="committee", widget=ForeignKeyWidget(Unit, field="code")
        )

        class Meta:
            model = Rating
            fields = ("unit", "year", "committee", "tier", "level", "not_rated", "note")
            import_id_fields = ("unit", "year")

    path = WORK / f"{name}-import-export.xlsx"
    data = path.read_bytes()
    dataset, read_s = timed(lambda: XLSX().create_dataset(data))
    dry, dry_s = timed(lambda: DefaultRatingResource().import_data(dataset, dry_run=True))
    assert not dry.has_errors() and not dry.has_validation_errors(), _errors(dry)
    done, import_s = timed(lambda: DefaultRatingResource().import_data(dataset, dry_run=False))
    assert not done.has_errors() and not done.has_validation_errors(), _errors(done)
    return {
        "scenario": label,
        "rows": len(dataset),
        "read_s": read_s,
        "preview_s": dry_s,
        "commit_s": import_s,
        "total_s": read_s + dry_s + import_s,
        "peak_mb": peak_mb(),
    }


def _errors(result):
    base = [(row, [str(e.error) for e in errors]) for row, errors in result.row_errors()[:3]]
    invalid = [(row.number, row.error_dict) for row in result.invalid_rows[:3]]
    return base, invalid


# Driver -----------------------------------------------------------------------------------------


def phase(*args) -> dict:
    """Run one phase in its own process, DEBUG off; keep a measurement as soon as it is taken."""
    env = {**os.environ, "DEBUG": "False", "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS", "localhost")}
    env.setdefault("SECRET_KEY", "benchmark-only-not-a-secret-0123456789abcdefghij")
    completed = subprocess.run(
        [sys.executable, __file__, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env=env,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"phase {args} failed")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result:
        kept = WORK / "results.jsonl"
        with kept.open("a") as stream:
            stream.write(json.dumps(result) + "\n")
    return result


def measure(*, small: bool, big_baseline: bool) -> tuple[list[dict], dict]:
    """Every scenario, in order; the measurements and the sizes."""
    big_rows = SMALL_BIG_ROWS if small else BIG_ROWS
    big_label = f"{big_rows:,} rows, all new"
    print("Preparing data and files…", file=sys.stderr)
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "results.jsonl").unlink(missing_ok=True)
    phase("prepare", big_rows)
    sizes = json.loads((WORK / "sizes.json").read_text())
    results = []
    print("province…", file=sys.stderr)
    results.append(phase("ours", "province", "province, all new"))
    results.append(phase("ours", "province", "province, same file again (all unchanged)"))
    results.append(phase("ours", "province-changed", "province, every level changed"))
    phase("reset", PROVINCE_YEAR)
    print("province, django-import-export…", file=sys.stderr)
    results.append(phase("theirs", "province", "province, all new"))
    phase("reset", PROVINCE_YEAR)
    print(f"{big_label}…", file=sys.stderr)
    results.append(phase("ours", "big", big_label))
    phase("reset", *BIG_YEARS)
    results.append(phase("copy_floor", big_rows))
    if big_baseline:
        print(f"{big_label}, django-import-export…", file=sys.stderr)
        results.append(phase("theirs", "big", big_label))
        phase("reset", *BIG_YEARS)
    return results, sizes


def run(small: bool) -> list[dict]:
    """For benchmarks/run.py (make bench): every scenario on the database of DATABASE_URL (a
    throw-away one: the benchmark deletes its years' ratings and every audit entry)."""
    from spreadsheet_import_report import figures

    results, _sizes = measure(small=small, big_baseline=False)
    return figures(results)


def main_all(*, small=False, skip_big_baseline=False):
    from spreadsheet_import_report import report

    results, sizes = measure(small=small, big_baseline=not (small or skip_big_baseline))
    report(results, sizes)


def main(argv):
    command, *rest = argv or ["all"]
    if command == "all":
        return main_all(small="--small" in rest, skip_big_baseline="--skip-big-baseline" in rest)
    if command == "report":  # again, from the measurements kept so far
        from spreadsheet_import_report import report

        kept = (WORK / "results.jsonl").read_text().splitlines()
        return report([json.loads(line) for line in kept], json.loads((WORK / "sizes.json").read_text()))
    if command == "prepare":
        prepare(*rest)
        result = {}
    elif command == "ours":
        result = ours(*rest)
    elif command == "theirs":
        result = theirs(*rest)
    elif command == "copy_floor":
        from spreadsheet_import_floor import copy_floor

        result = copy_floor(*rest)
    elif command == "reset":
        result = reset([int(y) for y in rest])
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
