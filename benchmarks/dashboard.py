"""Time the report API and the dashboard against the bare SQL aggregates the engine issues.

    DATABASE_URL=postgres://... python manage.py seed_synthetic --base-orgs 55000 --cells 270000 --years 10
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/dashboard.py --year 2025 [--repeat 9]

Prints a Markdown table (medians of --repeat runs, after one warm-up) for BENCHMARKS.md.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontum_party.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from assessments.models import Rating  # noqa: E402
from organizations.models import Unit  # noqa: E402
from reports.engine import build_report  # noqa: E402


def median_ms(action, repeat):
    action()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    user, _ = User.objects.get_or_create(username="bench-province", defaults={"role": Role.PROVINCE_STAFF})
    client = Client()
    client.force_login(user)

    with CaptureQueriesContext(connection) as ctx:
        build_report(args.year)
    statements = [q["sql"] for q in ctx.captured_queries]

    def bare_sql():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    def api():
        assert client.get(f"/api/reports/{args.year}/").status_code == 200

    def page():
        assert client.get(f"/dashboard/{args.year}/").status_code == 200

    sql_ms = median_ms(bare_sql, args.repeat)
    engine_ms = median_ms(lambda: build_report(args.year), args.repeat)
    api_ms = median_ms(api, args.repeat)
    page_ms = median_ms(page, args.repeat)
    units = Unit.objects.rated_tiers().count()
    ratings = Rating.objects.count()
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}"
    )
    print(
        f"Data: {units:,} rated units, {ratings:,} ratings; year {args.year}; median of {args.repeat} runs\n"
    )
    print("| measure | ms |\n| --- | ---: |")
    print(f"| bare SQL aggregates the engine issues ({len(statements)} statements) | {sql_ms:.0f} |")
    print(f"| engine `build_report` | {engine_ms:.0f} |")
    print(f"| `GET /api/reports/{args.year}/` | {api_ms:.0f} |")
    print(f"| `GET /dashboard/{args.year}/` | {page_ms:.0f} |")
    print(f"| API / bare SQL | {api_ms / sql_ms:.2f}× |")


if __name__ == "__main__":
    main()
