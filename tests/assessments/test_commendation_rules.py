"""A commendation "TSVM tiêu biểu" stands only on a rating decided at the best level: the writers
that lower, unrate, cancel or delete the rating withdraw it in the same transaction, audited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessments import commendations
from assessments.models import AuditEntry, Channel, Commendation
from assessments.removal import cancel_decision, delete_ratings
from assessments.services import RatingChange, save_ratings
from imports import services as imports
from tests import builders as b
from tests.imports.files import csv_text

pytestmark = pytest.mark.django_db

YEAR = 2019


@pytest.fixture
def commended(committee_a, province_staff):
    """A-002 rated HTXSNV in 2019 and commended."""
    rating = b.rate(b.unit("A-002"), YEAR, "HTXSNV")
    commendations.commend(user=province_staff, rating=rating, decision_number="12-QĐ/HU")
    return rating


def save(user, *changes):
    return save_ratings(user=user, committee=b.unit("A"), year=YEAR, changes=list(changes))


def withdrawal():
    return AuditEntry.objects.get(action="rating.uncommend")


def test_lowering_through_the_grid_withdraws_it_audited(commended, staff):
    with translation.override("vi"):
        result = save(staff, RatingChange(unit=commended.unit, level=b.level(YEAR, "HTTNV")))
    assert not Commendation.objects.exists()
    assert result.withdrawn == 1
    entry = withdrawal()
    assert (entry.user, entry.unit, entry.year) == (staff, commended.unit, YEAR)
    assert entry.changes == {"commendation": ["TSVM tiêu biểu", None], "decision_number": ["12-QĐ/HU", None]}
    assert entry.reason == "Mức xếp loại không còn là “Hoàn thành xuất sắc nhiệm vụ”"


def test_the_user_is_told_how_many_were_withdrawn_in_vietnamese():
    with translation.override("vi"):
        assert commendations.withdrawn_message(2) == "2 khen “TSVM tiêu biểu” bị thu hồi."
        assert commendations.withdrawn_message(0) == ""


def test_marking_not_rated_withdraws_it(commended, staff):
    save(staff, RatingChange(unit=commended.unit, level=None, not_rated_reason="Giải thể"))
    assert not Commendation.objects.exists()


def test_the_same_level_with_another_note_keeps_it(commended, staff):
    result = save(staff, RatingChange(unit=commended.unit, level=b.level(YEAR, "HTXSNV"), note="ghi chú"))
    assert Commendation.objects.filter(rating=commended).exists()
    assert result.withdrawn == 0
    assert not AuditEntry.objects.filter(action="rating.uncommend").exists()


def test_lowering_through_the_import_withdraws_it(commended, staff):
    data = csv_text(["Mã đơn vị", "Năm", "Xếp loại"], ["A-002", str(YEAR), "HTTNV"]).encode()
    imports.commit(imports.preview(data, "xep-loai.csv", user=staff), user=staff)
    assert not Commendation.objects.exists()
    assert withdrawal().channel == Channel.IMPORT


def test_cancelling_the_decision_withdraws_it(commended, province_staff):
    cancel_decision(user=province_staff, rating=commended, reason="Đánh giá lại")
    assert not Commendation.objects.exists()
    assert withdrawal().unit == commended.unit


def test_deleting_the_rating_audits_the_withdrawal(commended, province_staff):
    delete_ratings(user=province_staff, ratings=[commended], channel=Channel.ADMIN)
    assert not Commendation.objects.exists()
    assert withdrawal().channel == Channel.ADMIN


def count_lowering_queries(staff, province_staff, size, *, commend=True, top="HTXSNV"):
    parent = b.unit("A")
    units = [b.base_org(parent, f"A-{size}{j:02d}", with_cells=False) for j in range(size)]
    for unit in units:
        rating = b.rate(unit, YEAR, top)
        if commend:
            commendations.commend(user=province_staff, rating=rating)
    lower = [RatingChange(unit=unit, level=b.level(YEAR, "HTNV")) for unit in units]
    with CaptureQueriesContext(connection) as ctx:
        result = save(staff, *lower)
    assert result.withdrawn == (size if commend else 0)
    return len(ctx.captured_queries)


def test_withdrawing_takes_the_same_number_of_queries_at_any_size(committee_a, staff, province_staff):
    small, large = (count_lowering_queries(staff, province_staff, size) for size in (2, 7))
    assert small == large


def test_rows_without_a_commendation_add_one_query_per_save_at_most(committee_a, staff, province_staff):
    below_best = count_lowering_queries(staff, province_staff, 3, commend=False, top="HTTNV")
    uncommended = count_lowering_queries(staff, province_staff, 4, commend=False)
    commended = count_lowering_queries(staff, province_staff, 5)
    assert uncommended - below_best == 1  # the one find: none was at the best level, no query
    assert commended - uncommended == 2  # the delete and the audit insert
