"""The engine under a resolution that counts the commendation "TSVM tiêu biểu" as exemplary
(`Resolution.exemplary_by_commendation`): its exemplary figures are the grassroots organizations
commended that year (rated, decided, in scope), not a level; without the flag nothing moves.

2021: committee A holds A-001…A-004 (HTXSNV, HTXSNV, HTTNV, HTNV), B holds B-001 (HTXSNV); A-001
and B-001 are commended. The test resolution judges 2021–2025 and counts HTXSNV + HTTNV as TSVM.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import commendations
from assessments.models import CountedAs, CountedLevel, Rating, Resolution, Target
from organizations import reorganize
from organizations.models import Unit
from reports.engine import build_report, build_report_set
from tests import builders as b

pytestmark = pytest.mark.django_db

YEAR = 2021


@pytest.fixture
def resolution():
    resolution = Resolution.objects.create(
        issuing_body="Ban Thường vụ Tỉnh ủy",
        number="01-NQ/TU",
        title="Nghị quyết thử",
        term="2020–2025",
        first_year=2021,
        last_year=2025,
        exemplary_by_commendation=True,
    )
    for code in ("HTXSNV", "HTTNV"):
        CountedLevel.objects.create(
            resolution=resolution, level=b.level(YEAR, code), counted_as=CountedAs.CLEAN_STRONG
        )
    # A level counted as exemplary too: the commendation takes its place.
    CountedLevel.objects.create(
        resolution=resolution, level=b.level(YEAR, "HTXSNV"), counted_as=CountedAs.EXEMPLARY
    )
    Target.objects.create(
        code="TIEUBIEU",
        label="TCCSĐ TSVM tiêu biểu",
        resolution=resolution,
        metric="base_exemplary",
        comparator=">=",
        threshold=20,
        denominator="clean_strong_units",
        start_year=2021,
        end_year=2025,
    )
    return resolution


@pytest.fixture
def rated(resolution, province_staff):
    b.committee_with("A", YEAR, base_levels=["HTXSNV", "HTXSNV", "HTTNV", "HTNV"])
    b.committee_with("B", YEAR, base_levels=["HTXSNV"])
    for code in ("A-001", "B-001"):
        commend(province_staff, code)


def commend(user, code, year=YEAR):
    rating = Rating.objects.get(unit__code=code, year=year)
    return commendations.commend(user=user, rating=rating, decision_number="05-QĐ/HU")


def test_exemplary_is_the_commended_organizations_not_the_level(rated):
    report = build_report(YEAR)
    assert (report.base.clean_strong, report.base.exemplary) == (4, 2)  # the level would say 3
    assert not any(level.is_exemplary for level in report.base.levels)
    result = report.targets[0]
    assert (result.count, result.denominator, result.met) == (2, 4, True)


def test_the_report_says_exemplary_is_the_commendation(rated):
    document = build_report(YEAR).as_dict()
    assert document["resolution"]["exemplary_counted_by"] == "commendation"
    assert document["base_organizations"]["exemplary"]["count"] == 2
    assert "TSVM tiêu biểu" in document["resolution"]["mapping"]


def test_a_committee_counts_only_its_own_commended_organizations(rated):
    assert build_report(YEAR, Unit.objects.get(code="A")).base.exemplary == 1
    sets = build_report_set(YEAR, groups=(None, "committee", "place_type"))
    by_committee = {key: report.base.exemplary for key, report in sets["committee"].items()}
    assert by_committee == {Unit.objects.get(code="A").pk: 1, Unit.objects.get(code="B").pk: 1}
    assert sum(report.base.exemplary for report in sets["place_type"].values()) == 2


def test_a_commendation_left_on_a_rating_since_lowered_is_not_counted(rated):
    Rating.objects.filter(unit__code="A-001", year=YEAR).update(level=b.level(YEAR, "HTTNV"))
    assert build_report(YEAR).base.exemplary == 1


def test_without_the_flag_a_commendation_changes_nothing(rated, resolution):
    Resolution.objects.filter(pk=resolution.pk).update(exemplary_by_commendation=False)
    report = build_report(YEAR)
    assert report.base.exemplary == 3  # HTXSNV, as the resolution counts it
    assert report.as_dict()["resolution"]["exemplary_counted_by"] == "levels"


def test_the_2015_to_2020_resolution_still_counts_a_level(province_staff):
    b.committee_with("A", 2019, base_levels=["HTXSNV", "HTXSNV", "HTTNV"])
    commend(province_staff, "A-001", 2019)
    assert build_report(2019).base.exemplary == 2


def test_the_restated_view_counts_the_commended_where_their_history_went(rated):
    on = datetime.date(2025, 7, 1)
    decision = reorganize.Decision(number="01-QĐ/TU", date=on)
    b.season(2025)
    reorganize.move(
        user=None,
        units=[Unit.objects.get(code="B-001")],
        parent=Unit.objects.get(code="A"),
        on=on,
        decision=decision,
    )
    a = Unit.objects.get(code="A")
    assert build_report(YEAR, a).base.exemplary == 1  # as counted in 2021
    assert build_report(YEAR, a, structure_of=datetime.date(2025, 12, 31)).base.exemplary == 2
    assert build_report(YEAR, structure_of=datetime.date(2025, 12, 31)).base.exemplary == 2


@pytest.mark.usefixtures("no_report_cache")
def test_one_query_more_whatever_the_size(rated, province_staff):
    build_report(YEAR)
    with CaptureQueriesContext(connection) as small:
        build_report_set(YEAR, groups=(None, "committee", "place_type"))
    b.committee_with("C", YEAR, base_levels=["HTXSNV", "HTTNV"] * 10)
    for i in range(1, 20, 2):
        commend(province_staff, f"C-{i:03d}")
    build_report(YEAR)  # the summary recounted
    with CaptureQueriesContext(connection) as large:
        report = build_report_set(YEAR, groups=(None, "committee", "place_type"))[None][None]
    assert len(small) == len(large)
    assert report.base.exemplary == 12
    with CaptureQueriesContext(connection) as single:
        build_report(YEAR)
    assert len(single) == 8  # the engine's seven, and the commended organizations
