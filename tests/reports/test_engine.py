from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import MEMBER_COUNT_MAX
from organizations.services import move_unit
from reports.engine import build_report
from reports.figures import percent, units_required
from tests import builders as b

pytestmark = pytest.mark.django_db

TB, TSVM, HTTNV, HTNV, YK = "TSVM_TB", "TSVM", "HTTNV", "HTNV", "YK"


def target(report, code):
    return next(t for t in report.targets if t.code == code)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 3, "33.33"),
        (2, 3, "66.67"),
        (1, 32, "3.13"),
        (3, 32, "9.38"),
        (389, 684, "56.87"),
        (162, 969, "16.72"),
        (85, 1810, "4.70"),
        (0, 5, "0.00"),
        (5, 5, "100.00"),
    ],
)
def test_percent_rounds_half_up_to_two_places(part, whole, expected):
    assert percent(part, whole) == Decimal(expected)


def test_percent_of_nothing_is_none():
    assert percent(0, 0) is None


@pytest.mark.parametrize(
    ("threshold", "comparator", "denominator", "expected"),
    [
        ("50", ">=", 684, 342),
        ("60", ">", 1810, 1087),
        ("50", ">=", 10, 5),
        ("60", ">", 10, 7),
        ("60", ">=", 10, 6),
        ("15", ">", 389, 59),
        ("5000", ">", None, 5001),
        ("70", ">", 3, 3),
    ],
)
def test_units_required_is_exact(threshold, comparator, denominator, expected):
    assert (
        units_required(threshold=Decimal(threshold), comparator=comparator, denominator=denominator)
        == expected
    )


def test_exactly_fifty_percent_meets_the_greater_or_equal_target():
    b.committee_with("A", 2015, base_levels=[TSVM, TB, HTTNV, HTNV])
    result = target(build_report(2015), "TCCSD_TSVM")
    assert (result.actual, result.met, result.margin_units, result.shortfall_units) == (
        Decimal("50.00"),
        True,
        0,
        0,
    )


def test_exactly_sixty_percent_does_not_meet_the_greater_than_target():
    b.committee_with("A", 2015, base_levels=[TSVM], cell_levels=[TSVM] * 6 + [HTTNV] * 4)
    result = target(build_report(2015), "CHIBO_TSVM")
    assert (result.actual, result.met, result.shortfall_units, result.margin_units) == (
        Decimal("60.00"),
        False,
        1,
        0,
    )


def test_one_more_clean_strong_cell_meets_the_cell_target():
    b.committee_with("A", 2015, base_levels=[TSVM], cell_levels=[TSVM] * 7 + [HTTNV] * 3)
    result = target(build_report(2015), "CHIBO_TSVM")
    assert (result.met, result.margin_units, result.shortfall_units) == (True, 0, 0)


def test_level_counts_and_shares():
    b.committee_with("A", 2015, base_levels=[TB, TSVM, TSVM, HTTNV, HTNV, YK, HTTNV, TSVM])
    base = build_report(2015).base
    counts = {lv.code: (lv.count, lv.percent) for lv in base.levels}
    assert counts == {
        TB: (1, Decimal("12.50")),
        TSVM: (3, Decimal("37.50")),
        HTTNV: (2, Decimal("25.00")),
        HTNV: (1, Decimal("12.50")),
        YK: (1, Decimal("12.50")),
    }
    assert (base.total, base.rated, base.clean_strong, base.exemplary) == (8, 8, 4, 1)
    data = base.as_dict()
    assert data["exemplary"] == {"count": 1, "percent_of_clean_strong": 25.0, "percent_of_total": 12.5}


def test_not_rated_and_pending_units_count_in_the_total_but_not_as_rated():
    parent = b.committee_with("A", 2015, base_levels=[TSVM, None])
    b.base_org(parent, "A-900")  # no rating row yet: pending
    report = build_report(2015)
    assert (report.base.total, report.base.rated, report.base.not_rated, report.base.pending) == (3, 1, 1, 1)
    assert target(report, "TCCSD_TSVM").actual == Decimal("33.33")
    assert target(report, "TCCSD_TSVM").shortfall_units == 1


def test_units_founded_after_or_dissolved_before_the_year_are_not_pending():
    import datetime

    parent = b.committee("A")
    b.base_org(parent, "A-001", founded=datetime.date(2016, 3, 1))
    b.base_org(parent, "A-002", dissolved=datetime.date(2014, 12, 31))
    b.base_org(parent, "A-003", dissolved=datetime.date(2015, 6, 30))  # gone before the year's end
    b.base_org(parent, "A-004", dissolved=datetime.date(2015, 12, 31))
    assert build_report(2015).base.pending == 1


def test_an_empty_scope_has_no_data_and_judges_no_target():
    b.committee_with("A", 2015, base_levels=[TSVM])
    empty = b.committee("EMPTY")
    report = build_report(2015, empty)
    assert not report.has_data
    assert report.base.total == report.cells.total == 0
    assert all(t.met is None and t.actual is None for t in report.targets if t.denominator is not None)
    assert report.as_dict()["base_organizations"]["clean_strong"] == {"count": 0, "percent": None}


def test_committee_scope_counts_only_that_committee():
    a = b.committee_with("A", 2015, base_levels=[TSVM, HTTNV])
    b.committee_with("B", 2015, base_levels=[TB, TB, TB])
    report = build_report(2015, a)
    assert (report.base.total, report.base.clean_strong) == (2, 1)
    assert report.as_dict()["committee"] == "A"


def test_a_moved_unit_keeps_its_old_rating_where_it_was_counted():
    a = b.committee_with("A", 2015, base_levels=[TSVM])
    other = b.committee("B")
    unit = a.scoped_units.get(code="A-001")
    move_unit(unit=unit, new_parent=other)
    assert build_report(2015, a).base.clean_strong == 1
    assert build_report(2015, other).base.rated == 0
    # A rating of a year before the move (it takes effect today) counts where the unit sat then.
    b.rate(unit, 2016, TSVM)
    assert build_report(2016, a).base.clean_strong == 1
    assert build_report(2016, other).base.rated == 0


def test_exemplary_target_divides_by_clean_strong_units():
    b.committee_with("A", 2015, base_levels=[TB] + [TSVM] * 5 + [HTTNV] * 4)
    result = target(build_report(2015), "TCCSD_TIEUBIEU")
    # 1 of 6 clean-and-strong = 16.67% > 15%: met; with 0 exemplary it would be 0 of 6.
    assert (result.denominator, result.actual, result.met, result.margin_units) == (
        6,
        Decimal("16.67"),
        True,
        0,
    )


def test_members_share_and_term_admissions():
    a = b.committee_with("A", 2015, base_levels=[TSVM, HTTNV])
    first, second = a.scoped_units.order_by("code")
    b.member_stats(
        first,
        2015,
        members=100,
        excellent=10,
        good=60,
        completed=25,
        not_completed=3,
        not_rated=2,
        admitted=7,
    )
    b.member_stats(second, 2015, members=50, good=20, completed=30, admitted=3)
    b.member_stats(first, 2016, members=104, good=100, completed=4, admitted=4990)
    report = build_report(2016)
    members = target(report, "DANGVIEN_HTTNV")
    assert (members.count, members.denominator, members.actual) == (100, 104, Decimal("96.15"))
    admissions = target(report, "KETNAP_NHIEMKY")
    assert (
        admissions.count,
        admissions.met,
        admissions.shortfall_units,
        admissions.years_left,
        admissions.pace_needed_per_year,
    ) == (5000, False, 1, 4, 1)
    first_year = build_report(2015)
    assert first_year.members.rated == 148
    assert target(first_year, "DANGVIEN_HTTNV").actual == Decimal("60.81")  # (10 + 60 + 20) of 148
    assert first_year.as_dict()["admissions"]["term"]["count"] == 10


def test_targets_outside_their_years_are_not_reported():
    b.committee_with("A", 2021, base_levels=["HTXSNV"])
    assert build_report(2021).targets == []


@pytest.mark.usefixtures("no_report_cache")
def test_the_engine_runs_the_same_few_queries_whatever_the_size(django_assert_num_queries):
    # A stale summary is recounted in a fixed handful of statements (reports.summary), whatever
    # the size; then: levels, the resolution's counted levels, the summary's stamps, rating
    # counts, targets, the member years' stamps, member sums.
    b.committee_with("A", 2015, base_levels=[TSVM, HTTNV], cell_levels=[TSVM])
    with CaptureQueriesContext(connection) as stale_small:
        small = build_report(2015)
    with django_assert_num_queries(7):
        build_report(2015)
    b.committee_with("B", 2015, base_levels=[TSVM, HTNV] * 15, cell_levels=[TB, HTTNV, YK] * 20)
    with CaptureQueriesContext(connection) as stale_large:
        large = build_report(2015)
    with django_assert_num_queries(7):
        build_report(2015)
    assert len(stale_small) == len(stale_large)
    assert (small.cells.total, large.cells.total) == (1, 61)


def test_the_largest_member_counts_of_many_organizations_sum_without_overflow():
    parent = b.committee("A")
    for i in range(3):
        b.member_stats(
            b.base_org(parent, f"A-{i:03d}"), 2019, members=MEMBER_COUNT_MAX, good=MEMBER_COUNT_MAX
        )
    report = build_report(2019)
    assert report.members.total == 3 * MEMBER_COUNT_MAX


def test_the_report_names_its_scheme_by_regulation_and_its_resolution():
    b.committee_with("A", 2019, base_levels=["HTXSNV", "HTTNV", "HTNV"])
    document = build_report(2019).as_dict()
    assert document["scheme"]["regulation"] == "Quy định 132-QĐ/TW"
    assert document["scheme"]["years"] == [2018, 2022]
    assert document["resolution"]["term"] == "2015–2020"
    assert "TSVM = HTXSNV + HTTNV" in document["resolution"]["mapping"]


def test_clean_and_strong_is_what_the_resolution_counts_not_a_property_of_the_level():
    from assessments.models import CountedLevel

    b.committee_with("A", 2019, base_levels=["HTXSNV", "HTTNV", "HTNV"])
    assert build_report(2019).base.clean_strong == 2
    CountedLevel.objects.filter(level__code="HTTNV", counted_as="clean_strong").delete()
    assert build_report(2019).base.clean_strong == 1


def test_a_year_no_resolution_judges_has_no_resolution_and_counts_nothing_as_clean_and_strong():
    b.committee_with("A", 2021, base_levels=["HTXSNV", "HTTNV"])
    report = build_report(2021)
    assert report.resolution is None and report.as_dict()["resolution"] is None
    assert report.base.clean_strong == 0 and report.targets == []
