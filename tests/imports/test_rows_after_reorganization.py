"""A file of a past year after a reorganization: its rows belong to the committee each unit counted
under at that year's end, whatever committee the unit sits under today."""

import datetime

import pytest

from assessments.models import Rating
from imports import services
from organizations import reorganize
from tests import builders as b
from tests.imports.files import csv_text

pytestmark = pytest.mark.django_db

HEADERS = ["Mã đơn vị", "Năm", "Xếp loại"]


@pytest.fixture
def moved(tree):
    """A-002, rated for 2019 under A, moved to B on 1/1/2020."""
    b.rate(tree["other"], 2019, "HTTNV")
    reorganize.move(
        user=None,
        units=[tree["other"]],
        parent=tree["b"],
        on=datetime.date(2020, 1, 1),
        decision=reorganize.Decision(number="05-QĐ/TU"),
    )
    return tree


def preview(user, *rows):
    return services.preview(csv_text(HEADERS, *rows).encode(), "xep-loai-2019.csv", user=user)


def test_a_past_years_row_is_written_for_the_committee_it_counted_under(moved, province_staff):
    prev = preview(province_staff, ["A-002", "2019", "HTXSNV"])
    assert not prev.errors
    services.commit(prev, user=province_staff)
    rating = Rating.objects.get(unit=moved["other"], year=2019)
    assert (rating.level.code, rating.committee.code) == ("HTXSNV", "A")


def test_the_new_committees_staff_cannot_change_a_year_counted_under_another(moved, other_staff):
    prev = preview(other_staff, ["A-002", "2019", "HTXSNV"])
    assert prev.errors and "2019" in str(prev.errors[0].message)
    assert Rating.objects.get(unit=moved["other"], year=2019).level.code == "HTTNV"
