"""The demo generator: its arithmetic, the tree and accounts it builds, the same on every run."""

import hashlib

import pytest
from django.db import transaction

from accounts.models import Role, User
from assessments.models import MemberStats, Rating
from demo.generator import apportion, load_demo
from organizations.models import Unit
from reports.engine import build_report

pytestmark = pytest.mark.django_db


def digest() -> str:
    rows = Rating.objects.order_by("unit__code", "year").values_list(
        "unit__code", "unit__name", "year", "level__code", "committee__code", "decision_number"
    )
    stats = MemberStats.objects.order_by("unit__code", "year").values_list(
        "unit__code", "year", "member_count"
    )
    return hashlib.sha256(repr((list(rows), list(stats))).encode()).hexdigest()


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [(10, [1, 1, 1], [4, 3, 3]), (7, [0.5, 0.25, 0.25], [3, 2, 2]), (0, [1, 2], [0, 0])],
)
def test_apportion_splits_exactly(total, weights, expected):
    assert apportion(total, weights) == expected


def test_the_demo_tree_matches_the_brief():
    load_demo()
    committees = Unit.objects.committees()
    assert committees.count() == 15 and committees.active_in(2020).count() == 14
    assert Unit.objects.base_organizations().active_in(2015).count() == 684
    assert Unit.objects.cells().active_in(2015).count() == 1810
    assert Unit.objects.base_organizations().active_in(2020).count() == 660
    village = Unit.objects.get(name="Chi bộ thôn 1A")
    assert (village.parent.name, village.committee.code) == ("Đảng bộ xã Đăk La", "DAKHA")


def test_units_moved_out_of_a_dissolved_committee_keep_their_history():
    load_demo()
    bloc = Unit.objects.get(code="KHOIDN")
    moved = Unit.objects.base_organizations().filter(code__startswith="KHOIDN-", dissolved__isnull=True)
    assert moved.count() == 24 and set(moved.values_list("committee__code", flat=True)) == {"KONTUM"}
    # 2019: the 24 later moved plus the 4 dissolved at the end of 2019, all counted under the bloc.
    assert build_report(2019, bloc).base.rated == 28
    assert build_report(2020, bloc).base.total == 0

    def counted_under(year):
        return set(Rating.objects.filter(unit__in=moved, year=year).values_list("committee__code", flat=True))

    assert (counted_under(2019), counted_under(2020)) == ({"KHOIDN"}, {"KONTUM"})


def test_the_demo_accounts_have_their_roles_and_the_printed_password():
    load_demo()
    users = {u.username: u for u in User.objects.all()}
    assert (users["province"].role, users["province"].is_superuser) == (Role.PROVINCE_STAFF, True)
    assert (users["leader"].role, users["leader"].is_staff) == (Role.LEADER, False)
    assert (users["dakha"].role, users["dakha"].committee.code) == (Role.COMMITTEE_STAFF, "DAKHA")
    assert all(u.check_password("demo-KonTum-2015") for u in users.values())


def test_the_demo_is_the_same_on_every_run():
    with transaction.atomic():
        load_demo()
        first = digest()
        transaction.set_rollback(True)
    assert not Unit.objects.exists()
    load_demo()
    assert digest() == first
