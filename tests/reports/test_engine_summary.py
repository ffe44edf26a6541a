"""The year's summaries the engine reads (reports.summary) never go stale silently: whatever writes
ratings, member statistics or units (the services, a queryset update, raw SQL as a COPY import
would), the next report counts the change."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import MemberStats, Rating, RatingTally
from organizations.models import Unit
from reports import summary
from reports.engine import build_report, build_report_set
from reports.honesty import honesty
from reports.models import RatingCount
from tests import builders as b

pytestmark = pytest.mark.django_db


def counts(report):
    return {lv.code: lv.count for lv in report.base.levels if lv.count} | {
        "not_rated": report.base.not_rated,
        "pending": report.base.pending,
    }


def test_the_summary_counts_as_the_ratings_do():
    b.committee_with("A", 2015, base_levels=["TSVM", "TSVM", "HTNV", None])
    b.base_org(Unit.objects.get(code="A"), "A-900")  # pending
    assert counts(build_report(2015)) == {"TSVM": 2, "HTNV": 1, "not_rated": 1, "pending": 1}
    live = Rating.objects.filter(year=2015).count()
    assert sum(r.n for r in RatingCount.objects.filter(year=2015, pending=False)) == live


def test_a_queryset_update_of_ratings_is_counted():
    b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"])
    assert counts(build_report(2015))["TSVM"] == 1
    Rating.objects.filter(year=2015).update(level=b.level(2015, "TSVM"))  # no service, no signal
    assert counts(build_report(2015))["TSVM"] == 2


def test_raw_sql_writes_of_ratings_are_counted_and_mark_the_trend_stale():
    b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"])
    build_report(2015)
    RatingTally.fresh()
    assert not RatingTally.objects.get(year=2015).stale
    with connection.cursor() as cursor:  # as an import by COPY, or a fix by hand, would write
        cursor.execute("DELETE FROM assessments_rating WHERE level_id = %s", [b.level(2015, "HTNV").pk])
    assert RatingTally.objects.get(year=2015).stale
    report = build_report(2015)
    assert counts(report) == {"TSVM": 1, "not_rated": 0, "pending": 1}  # its unit is pending again


def test_units_changed_by_a_queryset_update_change_the_pending_units():
    parent = b.committee("A")
    b.base_org(parent, "A-001")
    b.base_org(parent, "A-002")
    assert build_report(2015).base.pending == 2
    Unit.objects.filter(code="A-002").update(founded=datetime.date(2016, 1, 1))
    assert build_report(2015).base.pending == 1


def test_member_statistics_updated_in_bulk_are_counted():
    parent = b.committee("A")
    base = b.base_org(parent, "A-001")
    b.member_stats(base, 2015, members=10, good=5, completed=5)
    assert build_report(2015).members.total == 10
    MemberStats.objects.filter(year=2015).update(member_count=12)
    assert build_report(2015).members.total == 12


def test_a_fresh_summary_is_not_recounted_and_a_stale_one_only_for_its_year():
    b.committee_with("A", 2015, base_levels=["TSVM"])
    b.committee_with("B", 2016, base_levels=["HTNV"])
    build_report(2015), build_report(2016)
    with CaptureQueriesContext(connection) as fresh:
        build_report(2015)
    b.rate(Unit.objects.get(code="B-001"), 2016, "TSVM")
    with CaptureQueriesContext(connection) as after_2016_changed:
        build_report(2015)
    assert len(after_2016_changed) == len(fresh)
    assert not any("INSERT" in q["sql"] for q in fresh.captured_queries)


def test_the_honesty_figures_read_the_summary():
    parent = b.committee("A")
    for i in range(6):
        b.rate(b.base_org(parent, f"A-{i:03d}"), 2015, "TSVM")
    whole, by_committee = honesty(2015)
    assert whole.decided == 6 and by_committee[0].committee.code == "A"
    Rating.objects.filter(unit__code="A-000").delete()
    assert honesty(2015)[0].decided == 5


def test_groupings_add_up_to_the_whole_scope():
    b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"], cell_levels=["TSVM"])
    b.committee_with("B", 2015, base_levels=["TSVM", None], cell_levels=["YK", "TSVM"])
    sets = build_report_set(2015, groups=(None, "committee", "place_type"))
    whole = sets[None][None]
    for grouping in ("committee", "place_type"):
        parts = sets[grouping].values()
        assert sum(r.base.total for r in parts) == whole.base.total
        assert sum(r.cells.clean_strong for r in parts) == whole.cells.clean_strong


def test_fetch_gives_the_columns_in_the_order_asked():
    b.committee_with("A", 2015, base_levels=["TSVM"])
    summary.ensure_fresh([2015])
    from django.db.models import F, Sum

    rows = RatingCount.objects.filter(year=2015, pending=False).values(t=F("tier"), k=F("committee_id"))
    assert summary.fetch(rows.annotate(n=Sum("n")).order_by()) == [("base", Unit.objects.get(code="A").pk, 1)]


def test_a_unit_place_written_alone_stamps_the_summaries():
    from organizations.models import UnitPlace
    from reports.models import UNITS_STAMP, SummaryStamp

    b.committee_with("A", 2015, base_levels=["TSVM"])
    before = SummaryStamp.objects.get(year=UNITS_STAMP).version
    UnitPlace.objects.filter(unit__code="A-001").update(name="Đảng bộ A-001 (đổi tên)")
    assert SummaryStamp.objects.get(year=UNITS_STAMP).version > before
