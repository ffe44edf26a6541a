"""Reports counted once per change of what they count (reports.cache): served again while the
stamps stand, counted afresh as soon as any write moves one, whatever wrote it."""

import importlib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments.models import Rating, RatingYear
from reports.cache import RESTORE_JUMP, kept, move_past_kept_reports
from reports.engine import build_report
from reports.honesty import honesty
from reports.models import RULES_STAMP, SummaryStamp
from tests import builders as b

rules_migration = importlib.import_module("reports.migrations.0004_rules_stamp")

pytestmark = pytest.mark.django_db


STAMPS_SQL = (
    'SELECT "reports_summarystamp"."year" AS "year", "reports_summarystamp"."version" AS "version" '
    'FROM "reports_summarystamp"'
)


def clean_strong(report) -> int:
    return report.base.clean_strong


def test_a_report_asked_again_reads_only_the_stamps():
    b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"])
    build_report(2015)
    with CaptureQueriesContext(connection) as queries:
        build_report(2015)
    assert [q["sql"] for q in queries.captured_queries] == [STAMPS_SQL]


def test_a_rating_written_without_the_services_is_counted_at_once():
    b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"])
    assert clean_strong(build_report(2015)) == 1
    Rating.objects.filter(year=2015).update(level=b.level(2015, "TSVM"))  # no service, no signal
    assert clean_strong(build_report(2015)) == 2


def test_another_years_rating_leaves_the_report_as_kept():
    b.committee_with("A", 2015, base_levels=["TSVM"])
    b.season(2016)
    build_report(2015)
    b.rate(b.unit("A-001"), 2016, "TSVM")
    with CaptureQueriesContext(connection) as queries:
        build_report(2015)
    assert len(queries) == 1


def test_a_target_changed_by_raw_sql_is_counted_at_once():
    b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"])
    target = next(t for t in build_report(2015).targets if t.code.startswith("TCCSD"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE assessments_target SET threshold = 99 WHERE code = %s", [target.code])
    changed = next(t for t in build_report(2015).targets if t.code == target.code)
    assert changed.threshold != target.threshold


def rules_version() -> int:
    return SummaryStamp.objects.filter(year=RULES_STAMP).values_list("version", flat=True).first() or 0


@pytest.mark.parametrize("table", rules_migration.TABLES)
def test_every_write_to_a_rule_table_moves_the_rules_stamp(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        rows = cursor.fetchone()[0]
        before = rules_version()
        cursor.execute(f"UPDATE {table} SET id = id")  # rewrites every row, changes nothing
    # PostgreSQL's statement-level triggers fire for any statement; SQLite's row-level ones for
    # each row written (the migrations seed schemes, levels, resolutions and targets).
    assert rules_version() > before or (connection.vendor == "sqlite" and rows == 0)


def test_a_season_locked_moves_the_rules_stamp():
    b.season(2015)
    before = rules_version()
    RatingYear.objects.filter(year=2015).update(is_locked=True)
    assert rules_version() > before


def test_inside_a_transaction_nothing_is_kept_or_served():
    b.committee_with("A", 2015, base_levels=["TSVM"])
    with transaction.atomic():
        build_report(2015)
        with CaptureQueriesContext(connection) as queries:
            build_report(2015)
    assert len(queries) > 1  # counted again: a stamp bumped in a transaction may be rolled back


def test_each_language_has_its_own_report():
    b.committee_with("A", 2015, base_levels=["TSVM"])
    with translation.override("vi"):
        vietnamese = build_report(2015).mapping
    with translation.override("en"):
        english = build_report(2015).mapping
    assert vietnamese != english


def test_the_honesty_figures_are_kept_per_committee():
    c = b.committee_with("C", 2015, base_levels=["TSVM", "HTNV"])
    d = b.committee_with("D", 2015, base_levels=["TSVM"])
    assert honesty(2015, c)[0].decided == 2
    assert honesty(2015, d)[0].decided == 1


def test_a_dashboard_read_again_costs_a_fixed_few_queries(client, province_staff):
    b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"], cell_levels=["TSVM"])
    client.force_login(province_staff)
    url = reverse("reports:dashboard", args=[2015])
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    stamps = [q for q in warm.captured_queries if q["sql"] == STAMPS_SQL]
    assert len(stamps) == 1  # once for the whole page
    b.committee_with("B", 2015, base_levels=["TSVM"] * 10, cell_levels=["HTNV"] * 20)
    client.get(url)
    with CaptureQueriesContext(connection) as larger:
        assert client.get(url).status_code == 200
    assert len(larger) == len(warm)


def test_after_a_restore_no_report_kept_before_is_served():
    b.committee_with("A", 2015, base_levels=["TSVM"])
    build_report(2015)
    before = dict(SummaryStamp.objects.values_list("year", "version"))
    move_past_kept_reports()  # ops.backup.restore, once the backup is in
    after = dict(SummaryStamp.objects.values_list("year", "version"))
    assert all(after[year] >= version + RESTORE_JUMP for year, version in before.items())
    with CaptureQueriesContext(connection) as queries:
        build_report(2015)
    assert len(queries) > 1


def test_a_process_keeps_at_most_reports_kept_results(settings):
    settings.REPORTS_KEPT = 2
    b.committee_with("A", 2015, base_levels=["TSVM"])
    b.season(2016)
    first = build_report(2015)
    assert build_report(2015) is first  # the kept objects themselves: no copy is made
    build_report(2016)
    honesty(2016)
    assert len(kept) == 2 and build_report(2015) is not first  # the least recently used went
