"""Two first entries of the same unit-year at once: the second is told of the conflict, no 500.

Both saves find no stored row; the database's unique constraint lets one insert through and makes
the other wait for it. On PostgreSQL that second insert then fails, and must come back as a
`ConflictError` carrying the row now stored (the grid shows it with a 409). Real connections in
two threads, on the real server.
"""

import threading

import pytest
from django.db import connection, transaction

from assessments.models import MemberStats, Rating
from assessments.services import ConflictError, MemberChange, RatingChange, save_member_stats, save_ratings
from tests import builders as b

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two concurrent connections need a real server (SQLite's in-memory test database is shared)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keeps the shipped schemes
]


@pytest.fixture(autouse=True)
def seasons_open():
    """The years written here are opened rating seasons (provincial staff open one first)."""
    from django.utils import timezone

    from assessments.models import RatingYear

    for year in (2015, 2019):
        RatingYear.objects.update_or_create(year=year, defaults={"opened_at": timezone.now()})


def first_entry_race(save_first, save_second):
    """Run `save_first` in a transaction held open until `save_second` is waiting on it."""
    wrote, failures = threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                save_first()
                wrote.set()
                # Hold the transaction until the second save has had time to block on the index.
                threading.Event().wait(1.0)
        except Exception as error:  # reported below: a thread's exception would be lost
            failures.append(error)
            wrote.set()
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert wrote.wait(10)
    try:
        with pytest.raises(ConflictError) as conflict:
            save_second()
    finally:
        thread.join(10)
    assert not failures
    return conflict.value


@pytest.fixture
def second_staff(committee_a):
    """Another member of committee A's staff, who enters the same unit at the same time."""
    return b.staff_of(committee_a, "staff-a2")


def test_the_second_first_entry_of_member_statistics_is_a_conflict(committee_a, staff, second_staff):
    unit = b.unit("A-001")

    def save(user, members):
        change = MemberChange(unit=unit, values={"member_count": members}, expected_version=0)
        return lambda: save_member_stats(user=user, committee=committee_a, year=2019, changes=[change])

    conflict = first_entry_race(save(staff, 20), save(second_staff, 30))
    (stored,) = [c.stored for c in conflict.conflicts]
    assert stored.member_count == 20
    assert MemberStats.objects.get().member_count == 20


def test_the_second_first_entry_of_a_rating_is_a_conflict(committee_a, staff, second_staff):
    unit = b.unit("A-001")

    def save(user, code):
        change = RatingChange(unit=unit, level=b.level(2015, code), expected_version=0)
        return lambda: save_ratings(user=user, committee=committee_a, year=2015, changes=[change])

    conflict = first_entry_race(save(staff, "TSVM"), save(second_staff, "HTNV"))
    (stored,) = [c.stored for c in conflict.conflicts]
    assert stored.level.code == "TSVM"
    assert Rating.objects.get().level.code == "TSVM"
