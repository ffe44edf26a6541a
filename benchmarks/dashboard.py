"""The report API, the dashboard and the trend at national scale, each timed beside the bare SQL
it issues (issue #13, goal 3).

    DATABASE_URL=postgres://… python manage.py seed_synthetic --base-orgs 55000 --cells 270000 --years 10
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/dashboard.py [--year 2025] [--repeat 9]
        [--breakdown]   (also: where each page's time goes, part by part)
    (or through benchmarks/run.py: `make bench`, `make bench FULL=1`, which seed their own database)

For each measure the statements it issues are captured once, then the measure and those
statements replayed raw through the cursor ("bare SQL") are timed alternately, median of --repeat
runs after one warm-up, in-process (Django test client: no HTTP server). Goals: the report API for
one year under 150 ms and within 1.5× its bare SQL; the dashboard page under 300 ms; the trend
read from tallies that are fresh (a stale year would be recounted, not shown stale).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontum_party.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

SCALES = {  # seed_synthetic arguments
    True: {"base_orgs": 5000, "cells": 25000, "years": 3},
    False: {"base_orgs": 55000, "cells": 270000, "years": 10},
}
API_GOAL_MS, API_GOAL_RATIO, PAGE_GOAL_MS = 150, 1.5, 300


def setup():
    import django

    django.setup()


def seed(small: bool) -> None:
    """Seed the synthetic data set once; a database seeded before (same scale) is reused."""
    from django.core.management import call_command
    from django.db import connection

    from organizations.models import Tier, Unit

    scale = SCALES[small]
    have = Unit.objects.filter(code__startswith="SYN-", tier__in=[Tier.BASE, Tier.CELL]).count()
    if have == scale["base_orgs"] + scale["cells"]:
        return
    if have:
        raise RuntimeError(f"the database holds another synthetic data set ({have:,} units): drop it first")
    started = time.monotonic()
    call_command("seed_synthetic", stdout=sys.stderr, **scale)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded in {time.monotonic() - started:.0f} s", file=sys.stderr)


def timed_beside_sql(action, repeat: int, *, cold: bool = False) -> tuple[float, float, int]:
    """(median ms of `action`, median ms of the statements it issues run raw, statement count).
    `cold`: the kept reports (reports.cache) emptied before each run, as after any write to what
    they count; else each run is served what the one before kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.cache import kept

    def forget():
        if cold:
            kept.clear()

    action()  # warm-up (and fresh tallies)
    forget()
    with CaptureQueriesContext(connection) as ctx:
        action()
    statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]

    def bare():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()

    bare()
    times, sql_times = [], []
    for _ in range(repeat):
        forget()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        bare()
        sql_times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.median(sql_times), len(statements)


def measure(year: int | None, repeat: int) -> list[dict]:
    from django.test import Client

    from accounts.models import Role, User
    from assessments.models import Rating, RatingTally
    from reports import dashboard

    year = year or Rating.objects.order_by("-year").values_list("year", flat=True).first()
    user, _ = User.objects.get_or_create(username="bench-province", defaults={"role": Role.PROVINCE_STAFF})
    client = Client()
    client.force_login(user)

    def get(url):
        def action():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return action

    api = get(f"/api/reports/{year}/")
    page = get(f"/dashboard/{year}/")
    api_ms, api_sql, api_n = timed_beside_sql(api, repeat, cold=True)
    page_ms, page_sql, page_n = timed_beside_sql(page, repeat, cold=True)
    trend_ms, trend_sql, trend_n = timed_beside_sql(lambda: dashboard.trends(None), repeat, cold=True)
    kept_api_ms, kept_api_sql, kept_api_n = timed_beside_sql(api, repeat)
    kept_page_ms, kept_page_sql, kept_page_n = timed_beside_sql(page, repeat)
    years = len(dashboard.trends(None))
    stale = RatingTally.objects.filter(stale=True).count()
    ratings = Rating.objects.filter(year=year).count()
    scale = f"{ratings:,} ratings in {year}"
    return [
        {
            "figure": f"report API, whole province, counted afresh ({scale}; {api_n} statements)",
            "value": api_ms,
            "unit": "ms",
            "reference": api_sql,
            "ratio": api_ms / api_sql,
            "goal": f"< {API_GOAL_MS} ms and ≤ {API_GOAL_RATIO}× its SQL",
            "met": api_ms < API_GOAL_MS and api_ms <= API_GOAL_RATIO * api_sql,
        },
        {
            "figure": f"dashboard page, whole province, counted afresh ({page_n} statements)",
            "value": page_ms,
            "unit": "ms",
            "reference": page_sql,
            "ratio": page_ms / page_sql,
            "goal": f"< {PAGE_GOAL_MS} ms",
            "met": page_ms < PAGE_GOAL_MS,
        },
        {
            "figure": f"report API, whole province, kept report served ({kept_api_n} statements)",
            "value": kept_api_ms,
            "unit": "ms",
            "reference": kept_api_sql,
            "ratio": kept_api_ms / kept_api_sql,
            "goal": f"< {API_GOAL_MS} ms and ≤ {API_GOAL_RATIO}× its SQL",
            "met": kept_api_ms < API_GOAL_MS and kept_api_ms <= API_GOAL_RATIO * kept_api_sql,
        },
        {
            "figure": f"dashboard page, whole province, kept reports served ({kept_page_n} statements)",
            "value": kept_page_ms,
            "unit": "ms",
            "reference": kept_page_sql,
            "ratio": kept_page_ms / kept_page_sql,
            "goal": f"< {PAGE_GOAL_MS} ms",
            "met": kept_page_ms < PAGE_GOAL_MS,
        },
        {
            "figure": f"trend, {years} years from the tallies ({trend_n} statements; {stale} stale after)",
            "value": trend_ms,
            "unit": "ms",
            "reference": trend_sql,
            "ratio": trend_ms / trend_sql,
            "goal": "fresh tallies",
            "met": stale == 0,
        },
    ]


def breakdown(year: int | None, repeat: int) -> None:
    """Where each page's time goes: the median per request of the parts the views call (wrapped
    here, in this process only), printed beside the page's own median."""
    import collections

    from django.test import Client

    from accounts.models import Role, User
    from assessments import seasons
    from assessments.models import Rating
    from reports import dashboard as dash
    from reports import honesty, views

    year = year or Rating.objects.order_by("-year").values_list("year", flat=True).first()
    spent = collections.defaultdict(float)

    def wrap(module, name, label):
        function = getattr(module, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += (time.perf_counter() - start) * 1000

        setattr(module, name, timed)
        return lambda: setattr(module, name, function)

    parts = [
        (dash, "figures", "dashboard.figures (engine and committee rows)"),
        (dash, "trends", "dashboard.trends"),
        (views, "committees_of_year", "committees_of_year (the committee picker)"),
        (views, "render", "the template (render, with what it reads lazily)"),
        (views, "build_report", "engine.build_report"),
        (honesty, "as_dict", "honesty.as_dict"),
        (seasons, "reporting", "seasons.reporting"),
        (seasons, "reporting_of", "seasons.reporting_of"),
        (seasons, "states", "seasons.states (every call)"),
    ]
    unwrap = [wrap(*part) for part in parts]
    user, _ = User.objects.get_or_create(username="bench-province", defaults={"role": Role.PROVINCE_STAFF})
    client = Client()
    client.force_login(user)
    try:
        for url in (f"/api/reports/{year}/", f"/dashboard/{year}/"):
            client.get(url)
            spent.clear()
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{url}: {statistics.median(times):.0f} ms (median of {repeat}); of which, on average:")
            for label, ms in sorted(spent.items(), key=lambda item: -item[1]):
                print(f"  {ms / repeat:7.1f} ms  {label}")
    finally:
        for undo in reversed(unwrap):
            undo()


def run(small: bool) -> list[dict]:
    """For benchmarks/run.py: seed this database at the scale asked for (once), then measure."""
    setup()
    seed(small)
    return measure(None, repeat=5 if small else 9)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--breakdown", action="store_true", help="also print where each page's time goes")
    args = parser.parse_args()
    setup()
    if args.breakdown:
        breakdown(args.year, args.repeat)
    for row in measure(args.year, args.repeat):
        print(
            f"{row['figure']}: {row['value']:.0f} ms, bare SQL {row['reference']:.0f} ms "
            f"({row['ratio']:.2f}×); goal {row['goal']}: {'met' if row['met'] else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
