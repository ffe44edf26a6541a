import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from organizations.models import KINDS_BY_TIER, TIER_OF_KIND, Kind, Tier, Unit
from organizations.services import dissolve_unit, move_unit
from tests import builders as b

pytestmark = pytest.mark.django_db


def test_a_unit_gets_its_committee_from_its_parent():
    dakha = b.committee("DAKHA")
    base = b.base_org(dakha, "DAKHA-001")
    cell = b.cell(base, "DAKHA-001-01")
    assert (base.committee, cell.committee, dakha.committee) == (dakha, dakha, None)


def test_the_database_refuses_a_kind_of_another_tier():
    with pytest.raises(IntegrityError):
        Unit.objects.create(code="X", name="X", tier=Tier.CELL, kind=Kind.DISTRICT, parent=b.province_unit())


def test_the_database_refuses_a_second_root():
    b.province_unit()
    with pytest.raises(IntegrityError):
        Unit.objects.create(code="Y", name="Y", tier=Tier.COMMITTEE, kind=Kind.DISTRICT)


def test_the_database_refuses_dissolution_before_foundation():
    with pytest.raises(IntegrityError):
        b.committee("A").__class__.objects.filter(code="A").update(
            founded=datetime.date(2015, 1, 1), dissolved=datetime.date(2014, 1, 1)
        )


def test_codes_are_unique():
    b.committee("A")
    with pytest.raises(IntegrityError):
        b.committee("A")


def test_a_cell_cannot_sit_directly_under_a_committee():
    unit = Unit(code="C", name="C", tier=Tier.CELL, kind=Kind.SUBORDINATE_CELL, parent=b.committee("A"))
    with pytest.raises(ValidationError, match="parent"):
        unit.full_clean()


def test_moving_a_grassroots_organization_takes_its_cells_along():
    base = b.base_org(b.committee("A"), "A-001")
    cell = b.cell(base, "A-001-01")
    other = b.committee("B")
    move_unit(unit=base, new_parent=other)
    cell.refresh_from_db()
    assert (base.committee, cell.committee) == (other, other)


def test_dissolving_a_unit_dissolves_its_cells_and_records_the_merger():
    parent = b.committee("A")
    base, successor = b.base_org(parent, "A-001"), b.base_org(parent, "A-002")
    cell = b.cell(base, "A-001-01")
    dissolve_unit(unit=base, on=datetime.date(2018, 12, 31), merged_into=successor)
    cell.refresh_from_db()
    assert cell.dissolved == datetime.date(2018, 12, 31)
    assert list(successor.merged_from.all()) == [base]
    assert (base.is_active_in(2018), base.is_active_in(2019)) == (True, False)


def test_a_unit_cannot_merge_into_a_unit_of_another_tier():
    base = b.base_org(b.committee("A"), "A-001")
    with pytest.raises(ValidationError):
        dissolve_unit(unit=base, on=datetime.date(2018, 12, 31), merged_into=base.parent)


EVERY_UNIT = {"TINH", "A", "B", "A-001", "A-001-01", "A-001-02", "A-002", "B-001"}


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("province_staff", EVERY_UNIT),
        ("leader", EVERY_UNIT),
        ("staff", {"A", "A-001", "A-001-01", "A-001-02", "A-002"}),
    ],
)
def test_for_user_scopes_units_by_role(request, committee_a, committee_b, actor, expected):
    viewer = request.getfixturevalue(actor)
    assert set(Unit.objects.for_user(viewer).values_list("code", flat=True)) == expected


def test_it_rejects_other_committee(committee_a, committee_b, staff):
    assert not Unit.objects.for_user(staff).filter(code__startswith="B").exists()


def test_anonymous_and_inactive_users_see_nothing(committee_a, committee_b, anonymous, province_staff):
    province_staff.is_active = False
    assert not Unit.objects.for_user(anonymous).exists()
    assert not Unit.objects.for_user(province_staff).exists()


def test_active_in_a_year():
    parent = b.committee("A")
    b.base_org(parent, "OLD", dissolved=datetime.date(2016, 12, 31))
    b.base_org(parent, "NEW", founded=datetime.date(2019, 7, 1))
    active = {
        y: set(Unit.objects.base_organizations().active_in(y).values_list("code", flat=True))
        for y in (2016, 2017, 2019)
    }
    assert active == {2016: {"OLD"}, 2017: set(), 2019: {"NEW"}}


def test_each_kind_belongs_to_one_tier():
    assert set(TIER_OF_KIND) == set(Kind)
    assert all(kind in KINDS_BY_TIER[tier] for kind, tier in TIER_OF_KIND.items())
    assert TIER_OF_KIND[Kind.GRASSROOTS_COMMITTEE] == Tier.BASE
