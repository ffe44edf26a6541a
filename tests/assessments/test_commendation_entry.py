"""Commendations "TSVM tiêu biểu" granted and withdrawn many at a time: all or nothing, audited,
the same decision again writes nothing, a fixed number of queries whatever the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import commendations
from assessments.commendation_entry import commend_many, withdraw_many
from assessments.models import AuditEntry, Commendation
from assessments.policy import EditRefused
from assessments.services import RowErrors
from tests import builders as b

pytestmark = pytest.mark.django_db

YEAR = 2019
DAY = datetime.date(2020, 1, 9)


def top_rated(count, *, code="HTXSNV"):
    parent = b.unit("A")
    units = [b.base_org(parent, f"A-{code[:3]}{count}{j:02d}", with_cells=False) for j in range(count)]
    return [b.rate(unit, YEAR, code) for unit in units]


def test_each_rating_is_commended_with_its_decision_and_audited(committee_a, staff):
    ratings = top_rated(2)
    count = commend_many(user=staff, ratings_with_decisions=[(r, "12-QĐ/HU", DAY) for r in ratings])
    assert count == 2
    assert set(Commendation.objects.values_list("decision_number", "decision_date")) == {("12-QĐ/HU", DAY)}
    assert AuditEntry.objects.filter(action="rating.commend").count() == 2


def test_one_rating_below_the_best_level_refuses_them_all(committee_a, staff):
    good, lower = top_rated(1)[0], top_rated(1, code="HTTNV")[0]
    with pytest.raises(RowErrors) as refused:
        commend_many(user=staff, ratings_with_decisions=[(good, "", None), (lower, "", None)])
    assert list(refused.value.by_unit) == [lower.unit]
    assert not Commendation.objects.exists()


def test_a_cell_is_refused(committee_a, staff):
    rating = b.rate(b.unit("A-001-01"), YEAR, "HTXSNV")
    with pytest.raises(RowErrors):
        commend_many(user=staff, ratings_with_decisions=[(rating, "", None)])


def test_a_locked_year_is_refused(committee_a, staff):
    rating = top_rated(1)[0]
    b.season(YEAR, locked=True)
    with pytest.raises(EditRefused):
        commend_many(user=staff, ratings_with_decisions=[(rating, "", None)])


def test_the_same_decision_again_writes_nothing(committee_a, staff):
    rating = top_rated(1)[0]
    commend_many(user=staff, ratings_with_decisions=[(rating, "12-QĐ/HU", DAY)])
    assert commend_many(user=staff, ratings_with_decisions=[(rating, "12-QĐ/HU", DAY)]) == 0
    assert AuditEntry.objects.filter(action="rating.commend").count() == 1


def test_a_new_decision_is_audited_old_to_new_as_one_grant_is(committee_a, staff):
    rating = top_rated(1)[0]
    commendations.commend(user=staff, rating=rating, decision_number="12-QĐ/HU")
    commend_many(user=staff, ratings_with_decisions=[(rating, "15-QĐ/HU", DAY)])
    assert Commendation.objects.get().decision_number == "15-QĐ/HU"
    assert AuditEntry.objects.filter(action="rating.commend").order_by("pk").last().changes == {
        "decision_number": ["12-QĐ/HU", "15-QĐ/HU"],
        "decision_date": [None, "2020-01-09"],
    }


def test_withdrawal_is_audited_with_its_reason_and_skips_the_uncommended(committee_a, staff):
    commended, other = top_rated(2)
    commend_many(user=staff, ratings_with_decisions=[(commended, "", None)])
    assert withdraw_many(user=staff, ratings=[commended, other], reason="Bỏ chọn") == 1
    assert not Commendation.objects.exists()
    assert AuditEntry.objects.get(action="rating.uncommend").reason == "Bỏ chọn"


def test_withdrawing_in_a_locked_year_is_refused(committee_a, staff):
    rating = top_rated(1)[0]
    commend_many(user=staff, ratings_with_decisions=[(rating, "", None)])
    b.season(YEAR, locked=True)
    with pytest.raises(EditRefused):
        withdraw_many(user=staff, ratings=[rating], reason="Bỏ chọn")
    assert Commendation.objects.exists()


def count_queries(staff, size):
    ratings = top_rated(size)
    with CaptureQueriesContext(connection) as granted:
        commend_many(user=staff, ratings_with_decisions=[(r, "1-QĐ", DAY) for r in ratings])
    with CaptureQueriesContext(connection) as withdrawn:
        withdraw_many(user=staff, ratings=ratings, reason="Bỏ chọn")
    return len(granted.captured_queries), len(withdrawn.captured_queries)


def test_queries_are_the_same_at_any_size(committee_a, staff):
    assert count_queries(staff, 2) == count_queries(staff, 7)
