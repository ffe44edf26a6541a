"""The database's floor for the import benchmark (benchmarks/spreadsheet_import.py runs it as
its `copy_floor` phase): what COPY alone costs on the same machine at the same moment, into bare
tables and into the real rating and audit tables, so that the commit's rate reads against it."""

from __future__ import annotations

import time

from spreadsheet_import import province_user, setup_django


def copy_floor(rows: str):
    """The floor on this machine now: COPY of as many rating-like rows (and as many audit-like
    rows) into bare temporary tables, no index, no constraint, no check, then COMMIT."""
    setup_django()
    import io

    from django.db import connection, transaction

    n = int(rows)
    rating = "".join(f"{i}\t2015\t7\tbase\tcommune\t3\tf\t\\N\t\\N\t\tthử tải\t1\n" for i in range(n))
    changes = '{"level": [null, "TSVM"], "note": ["", "thử tải"]}'
    audit = "".join(
        f"2026-01-01T00:00:00+00:00\t1\timport\tbig.xlsx\trating.create\t{i}\t7\t2015\t{changes}\n"
        for i in range(n)
    )
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE floor_rating (unit_id int, year int, committee_id int, tier text,"
            " place_type text, level_id int, not_rated bool, self_level_id int, appraised_level_id int,"
            " reason text, note text, version int) ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMP TABLE floor_audit (at timestamptz, user_id int, channel text, source text,"
            " action text, unit_id int, committee_id int, year int, changes jsonb) ON COMMIT DROP"
        )
        cursor.cursor.copy_expert("COPY floor_rating FROM STDIN", io.StringIO(rating))
        cursor.cursor.copy_expert("COPY floor_audit FROM STDIN", io.StringIO(audit))
    seconds = time.perf_counter() - start
    return {"copy_floor_rows": n, "copy_floor_s": seconds, "table_floor_s": _table_floor(n)}


def _table_floor(n: int) -> float:
    """COPY of n rows into the real rating and audit tables (their indexes, and their foreign keys
    checked before the end: SET CONSTRAINTS ALL IMMEDIATE), rolled back: the database's share of
    a commit that checks nothing in Python."""
    from django.db import connection, transaction

    from assessments.bulk import copy_in
    from assessments.models import AuditEntry, Rating, RatingLevel
    from organizations.models import Unit

    units = list(Unit.objects.filter(code__startswith="BENCH-").values_list("pk", "committee_id"))
    level = RatingLevel.objects.values_list("pk", flat=True).first()
    user = province_user().pk
    stamp = "2026-01-01T00:00:00+00:00"
    ratings, audits = [], []
    for i in range(n):
        unit, committee = units[i % len(units)]
        year = 3000 + i // len(units)  # years no import uses
        ratings.append(f"{unit}\t{year}\t{committee}\tbase\tagency\t{level}\tf\t\t\t\t{user}\t{stamp}\t1")
        audits.append(
            f"{stamp}\t{user}\timport\tbig.xlsx\trating.create\t{unit}\t{committee}\t{year}\t{{}}\t"
        )
    start = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        rating_columns = ["unit_id", "year", "committee_id", "tier", "place_type", "level_id", "not_rated"]
        rating_columns += ["not_rated_reason", "note", "decision_number"]
        copy_in(Rating, [*rating_columns, "changed_by_id", "changed_at", "version"], ratings)
        audit_columns = ["at", "user_id", "channel", "source", "action", "unit_id", "committee_id", "year"]
        copy_in(AuditEntry, [*audit_columns, "changes", "reason"], audits)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds
