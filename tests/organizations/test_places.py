"""organizations.places: a unit's dated places follow its row, at the cost of one read."""

import datetime

import pytest
from django.db.models import F

from organizations import places
from organizations.history import UnitPlace
from tests import builders as b

pytestmark = pytest.mark.django_db

EARLIEST_FIRST = F("valid_from").asc(nulls_first=True)  # an unknown start is the earliest

D = datetime.date


def test_a_change_of_place_reads_the_places_once_and_writes_two_rows(django_assert_num_queries):
    cell = b.cell(b.base_org(b.committee("A"), "A-001"), "A-001-01")
    cell.name = "Chi bộ thôn 5"
    with django_assert_num_queries(3):  # read its places; close the open one; open the new one
        places.keep(cell, on=D(2026, 7, 1))
    rows = UnitPlace.objects.filter(unit=cell).order_by(EARLIEST_FIRST)
    assert [(p.valid_from, p.valid_to, p.name) for p in rows] == [
        (None, D(2026, 6, 30), "Chi bộ A-001-01"),
        (D(2026, 7, 1), None, "Chi bộ thôn 5"),
    ]


def test_an_unchanged_save_only_reads(django_assert_num_queries):
    unit = b.committee("A")
    with django_assert_num_queries(1):
        places.keep(unit, on=D(2026, 7, 1))


def test_a_dissolution_ends_the_place_in_one_write(django_assert_num_queries):
    unit = b.committee("A")
    unit.dissolved = D(2025, 6, 30)
    with django_assert_num_queries(2):
        places.keep(unit, on=D(2025, 7, 1))
    assert UnitPlace.objects.get(unit=unit).valid_to == D(2025, 6, 30)
