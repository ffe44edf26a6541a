"""organizations.lineage: whose history a unit carries, read within the scope asked about."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations import reorganize
from organizations.lineage import heirs_on, predecessors_of
from organizations.models import EVER, Unit
from organizations.reorganize import Decision
from tests import builders as b

pytestmark = pytest.mark.django_db

D = datetime.date
DECISION = Decision(number="01-QĐ/TU", date=D(2025, 2, 20))


@pytest.fixture
def merged(committee_a):
    """Two steps of mergers across the districts: B-001-01 → B-001-02 → A-001-01 (a chain ending
    in A); B-002 → A-002 → B-001 (a unit once in A whose history left it)."""

    b.small_committee("B")

    def merge(code, into, on):
        reorganize.merge(user=None, units=[b.unit(code)], into=b.unit(into), on=on, decision=DECISION)

    merge("B-001-01", "B-001-02", D(2025, 3, 1))
    merge("B-002", "A-002", D(2025, 3, 1))
    merge("B-001-02", "A-001-01", D(2025, 7, 1))
    merge("A-002", "B-001", D(2025, 7, 1))


def codes(units):
    return sorted(units.values_list("code", flat=True))


def test_a_committee_reads_the_chain_it_carries_and_not_a_history_that_left_it(merged, staff):
    assert codes(Unit.objects.for_user(staff, on=EVER)) == [
        "A",
        "A-001",
        "A-001-01",
        "A-001-02",
        "A-002",  # once under A (its own history), though B-001 carries it now
        "B-001-01",
        "B-001-02",
    ]


def test_predecessors_agree_with_the_heirs_of_the_whole_province(merged):
    today = datetime.date.today()
    for held in (
        {b.unit("A-001-01").pk},
        {b.unit("B-001").pk},
        {b.unit("A-002").pk, b.unit("A-001").pk},
    ):
        whole = {pk for pk, heir in heirs_on(today).items() if heir in held} | held
        assert predecessors_of(held, today) == whole


def test_the_history_of_a_scope_reads_only_the_lineage_and_places_of_that_scope(merged, staff):
    with CaptureQueriesContext(connection) as read:
        list(Unit.objects.for_user(staff, on=EVER))
    scoped = ('"successor_id" IN', '"unit_id" IN', '"unit_id" =', '"committee_id" =')
    unbounded = [
        q["sql"]
        for q in read.captured_queries
        if any(f'FROM "organizations_{table}"' in q["sql"] for table in ("lineage", "unitplace"))
        and not any(bound in q["sql"] for bound in scoped)
    ]
    assert not unbounded
