"""The demo's commendations "TSVM tiêu biểu" (demo.commendations): from 2018, about a fifth of the
grassroots organizations decided at the best level, a steady core five years running, the season in
progress through the audited service; the invented resolutions count them as exemplary.

The demo is loaded once for this module (inside a transaction rolled back at the end)."""

import pytest
from django.db import transaction

from assessments.models import AuditEntry, Commendation, Rating
from demo import commendations
from demo.generator import load_demo
from organizations.models import Tier
from reports.engine import build_report

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def builder(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def commended(year):
    return Commendation.objects.filter(rating__year=year)


def best_rated(year):
    return Rating.objects.filter(year=year, tier=Tier.BASE, level__rank=1)


def test_nothing_is_commended_before_2018(builder):
    assert not Commendation.objects.filter(rating__year__lt=2018).exists()


@pytest.mark.parametrize("year", range(2018, 2026))
def test_about_a_fifth_of_the_best_rated_are_commended_each_year(builder, year):
    n, best = commended(year).count(), best_rated(year).count()
    assert 0.15 * best <= n <= 0.25 * best
    assert commended(year).filter(rating__in=best_rated(year)).count() == n  # only the best rated
    assert commended(year).exclude(decision_number="").count() == n  # with their decision


def test_a_core_is_commended_five_years_running(builder):
    running = len(Commendation.objects.five_years_running(2022))
    assert 1 <= running <= commended(2022).count()


def test_the_season_in_progress_commends_through_the_audited_service(builder):
    n = commended(2026).count()
    assert n > 0
    assert AuditEntry.objects.filter(action="rating.commend", year=2026, source="load_demo").count() == n


def test_the_choice_is_drawn_from_the_data_alone(builder):
    for year in (2018, 2022, 2025):
        ratings = list(best_rated(year).order_by("unit_id"))
        again = {rating.pk for rating in commendations._chosen(builder, year, ratings)}
        assert set(commended(year).values_list("rating_id", flat=True)) == again


def test_the_invented_resolutions_count_the_commended_as_exemplary(builder):
    report = build_report(2022)
    assert report.as_dict()["resolution"]["exemplary_counted_by"] == "commendation"
    assert report.base.exemplary == commended(2022).count()
    assert build_report(2019).as_dict()["resolution"]["exemplary_counted_by"] == "levels"  # 2015–2020
