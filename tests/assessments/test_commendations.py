"""The commendation "TSVM tiêu biểu": granted on a top-level grassroots organization's rating,
audited, refused otherwise; five years running derived."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessments import commendations
from assessments.models import AuditEntry, Commendation
from assessments.policy import EditRefused
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    return builders.small_committee("A")


def test_a_top_level_organization_is_commended_with_its_decision(tree, province_staff):
    rating = builders.rate(builders.unit("A-002"), 2019, "HTXSNV")
    commendations.commend(user=province_staff, rating=rating, decision_number="12-QĐ/HU")
    assert Commendation.objects.get(rating=rating).decision_number == "12-QĐ/HU"
    assert AuditEntry.objects.filter(action="rating.commend", unit=rating.unit, year=2019).exists()


def test_a_lower_level_is_refused(tree, province_staff):
    rating = builders.rate(builders.unit("A-002"), 2019, "HTTNV")
    with pytest.raises(ValidationError):
        commendations.commend(user=province_staff, rating=rating)
    assert not Commendation.objects.exists()


def test_a_subordinate_cell_is_refused(tree, province_staff):
    rating = builders.rate(builders.unit("A-001-01"), 2019, "HTXSNV")
    with pytest.raises(ValidationError):
        commendations.commend(user=province_staff, rating=rating)


def test_a_locked_year_is_refused(tree, province_staff):
    rating = builders.rate(builders.unit("A-002"), 2019, "HTXSNV")
    builders.season(2019, locked=True)
    with pytest.raises(EditRefused):
        commendations.commend(user=province_staff, rating=rating)


def test_withdrawal_is_audited_with_its_reason(tree, province_staff):
    rating = builders.rate(builders.unit("A-002"), 2019, "HTXSNV")
    commendations.commend(user=province_staff, rating=rating)
    commendations.withdraw_commendation(user=province_staff, rating=rating, reason="Nhầm đơn vị")
    assert not Commendation.objects.exists()
    assert AuditEntry.objects.get(action="rating.uncommend").reason == "Nhầm đơn vị"


def test_five_years_running_needs_each_of_the_five_years(tree, province_staff):
    unit, other = builders.unit("A-002"), builders.unit("A-001")
    for year in range(2018, 2023):
        commendations.commend(user=province_staff, rating=builders.rate(unit, year, "HTXSNV"))
        if year != 2020:
            commendations.commend(user=province_staff, rating=builders.rate(other, year, "HTXSNV"))
    assert list(Commendation.objects.five_years_running(2022)) == [unit.pk]
    assert list(Commendation.objects.five_years_running(2021)) == []


def test_a_new_decision_is_audited_old_to_new(tree, province_staff):
    rating = builders.rate(builders.unit("A-002"), 2019, "HTXSNV")
    commendations.commend(user=province_staff, rating=rating, decision_number="12-QĐ/HU")
    commendations.commend(
        user=province_staff,
        rating=rating,
        decision_number="15-QĐ/HU",
        decision_date=datetime.date(2020, 1, 9),
    )
    first, second = AuditEntry.objects.filter(action="rating.commend").order_by("pk")
    assert first.changes == {
        "commendation": [None, "TSVM tiêu biểu"],
        "decision_number": [None, "12-QĐ/HU"],
        "decision_date": [None, None],
    }
    assert second.changes == {
        "decision_number": ["12-QĐ/HU", "15-QĐ/HU"],
        "decision_date": [None, "2020-01-09"],
    }


def test_the_same_decision_again_changes_nothing(tree, province_staff):
    rating = builders.rate(builders.unit("A-002"), 2019, "HTXSNV")
    commendations.commend(user=province_staff, rating=rating, decision_number="12-QĐ/HU")
    commendations.commend(user=province_staff, rating=rating, decision_number="12-QĐ/HU")
    assert AuditEntry.objects.filter(action="rating.commend").count() == 1


def test_withdrawal_records_the_decision_taken_back(tree, province_staff):
    rating = builders.rate(builders.unit("A-002"), 2019, "HTXSNV")
    commendations.commend(user=province_staff, rating=rating, decision_number="12-QĐ/HU")
    commendations.withdraw_commendation(user=province_staff, rating=rating, reason="Nhầm đơn vị")
    assert AuditEntry.objects.get(action="rating.uncommend").changes == {
        "commendation": ["TSVM tiêu biểu", None],
        "decision_number": ["12-QĐ/HU", None],
    }
