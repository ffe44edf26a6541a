"""Changes to the tree: found, rename, move, dissolve, merge — each audited with the unit, the
action and old → new, in the same transaction; cells follow their grassroots organization."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse

from accounts.models import Role, User
from assessments.models import AuditEntry
from organizations import services
from organizations.history import UnitPlace
from organizations.models import Kind, PlaceType, Tier, Unit
from tests import builders as b

pytestmark = pytest.mark.django_db

EARLIEST_FIRST = F("valid_from").asc(nulls_first=True)  # an unknown start is the earliest

END_2018 = datetime.date(2018, 12, 31)
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def tree():
    a, other = b.committee("A"), b.committee("B")
    base = b.base_org(a, "A-001")
    cells = [b.cell(base, "A-001-01"), b.cell(base, "A-001-02")]
    return {"a": a, "b": other, "base": base, "cells": cells, "successor": b.base_org(a, "A-002")}


@pytest.fixture
def province():
    return User.objects.create_user(
        username="btc", password="x", role=Role.PROVINCE_STAFF, is_staff=True, is_superuser=True
    )


def entries(unit, action=None):
    found = AuditEntry.objects.filter(unit=unit).order_by("pk")
    return list(found.filter(action=action) if action else found)


def test_founding_a_unit_is_audited(tree, province):
    unit = services.create_unit(
        user=province,
        code="A-003",
        name="Chi bộ Trường THPT",
        tier=Tier.BASE,
        kind=Kind.GRASSROOTS_CELL,
        parent=tree["a"],
        place_type=PlaceType.SCHOOL,
        founded=datetime.date(2019, 3, 1),
        channel="admin",
    )
    (entry,) = entries(unit)
    assert (entry.action, entry.user, entry.channel, entry.committee) == (
        "unit.create",
        province,
        "admin",
        tree["a"],
    )
    assert entry.changes == {
        "code": [None, "A-003"],
        "name": [None, "Chi bộ Trường THPT"],
        "tier": [None, "base"],
        "kind": [None, "grassroots_cell"],
        "place_type": [None, "school"],
        "parent": [None, "A"],
        "committee": [None, "A"],
        "founded": [None, "2019-03-01"],
    }


def test_a_rename_records_old_and_new(tree, province):
    services.rename_unit(user=province, unit=tree["base"], name="Đảng bộ xã Đăk La", channel="admin")
    (entry,) = entries(tree["base"])
    assert (entry.action, entry.changes) == ("unit.update", {"name": ["Đảng bộ A-001", "Đảng bộ xã Đăk La"]})


def test_a_move_is_audited_and_the_cells_follow(tree, province):
    base, cells = tree["base"], tree["cells"]
    services.move_unit(user=province, unit=base, new_parent=tree["b"], channel="admin")
    assert base.committee == tree["b"]
    (entry,) = entries(base)
    assert (entry.action, entry.changes) == ("unit.move", {"parent": ["A", "B"], "committee": ["A", "B"]})
    for cell in cells:
        cell.refresh_from_db()
        assert cell.committee == tree["b"]
        (moved,) = entries(cell)
        assert (moved.action, moved.changes, moved.user) == ("unit.move", {"committee": ["A", "B"]}, province)


def test_a_merger_is_audited_on_both_units_and_dissolves_the_cells(tree, province):
    base, successor = tree["base"], tree["successor"]
    services.dissolve_unit(user=province, unit=base, on=END_2018, merged_into=successor, channel="import")
    assert (base.dissolved, base.merged_into) == (END_2018, successor)
    (entry,) = entries(base)
    assert (entry.action, entry.channel) == ("unit.dissolve", "import")
    assert entry.changes == {"dissolved": [None, "2018-12-31"], "merged_into": [None, "A-002"]}
    (merge,) = entries(successor)
    assert (merge.action, merge.changes) == ("unit.merge", {"merged_from": [None, "A-001"]})
    for cell in tree["cells"]:
        cell.refresh_from_db()
        assert cell.dissolved == END_2018
        assert [(e.action, e.changes) for e in entries(cell)] == [
            ("unit.dissolve", {"dissolved": [None, "2018-12-31"]})
        ]


def test_a_cell_dissolved_earlier_keeps_its_date(tree, province):
    earlier = datetime.date(2017, 6, 30)
    services.dissolve_unit(user=province, unit=tree["cells"][0], on=earlier)
    services.dissolve_unit(user=province, unit=tree["base"], on=END_2018)
    tree["cells"][0].refresh_from_db()
    assert tree["cells"][0].dissolved == earlier
    assert len(entries(tree["cells"][0], "unit.dissolve")) == 1


def test_a_refused_change_writes_nothing(tree, province):
    with pytest.raises(ValidationError):
        services.dissolve_unit(user=province, unit=tree["base"], on=END_2018, merged_into=tree["a"])
    with pytest.raises(ValidationError):
        services.move_unit(user=province, unit=tree["base"], new_parent=tree["cells"][1])
    assert not AuditEntry.objects.exists()
    tree["base"].refresh_from_db()
    assert (tree["base"].dissolved, tree["base"].parent) == (None, tree["a"])
    assert Unit.objects.filter(dissolved__isnull=False).count() == 0


def test_saving_an_unchanged_unit_records_nothing(tree, province):
    services.save_unit(user=province, unit=Unit.objects.get(pk=tree["base"].pk), channel="admin")
    assert not AuditEntry.objects.exists()


def test_the_history_page_shows_moves_and_mergers(client, tree, province):
    services.move_unit(user=province, unit=tree["base"], new_parent=tree["b"], channel="admin")
    services.dissolve_unit(
        user=province,
        unit=tree["base"],
        on=END_2018,
        merged_into=b.base_org(tree["b"], "B-001"),
        channel="admin",
    )
    client.force_login(province)
    response = client.get(reverse("assessments:unit-history", args=["A-001"]))
    assert [e.action for e, _label, _changes in response.context["entries"]] == ["unit.dissolve", "unit.move"]
    html = response.content.decode()
    assert "A → B" in html and "— → 31/12/2018" in html and "— → B-001" in html
    cell_page = client.get(reverse("assessments:unit-history", args=["A-001-01"])).content.decode()
    assert 'data-action="unit.move"' in cell_page and 'data-action="unit.dissolve"' in cell_page
    successor = client.get(reverse("assessments:unit-history", args=["B-001"]))
    assert [e.action for e, _label, _changes in successor.context["entries"]] == ["unit.merge"]


def test_the_cells_carried_along_keep_their_places_dated(tree, province):
    on = datetime.date(2026, 7, 1)
    moved = Unit.objects.get(pk=tree["base"].pk)
    moved.parent = tree["b"]
    services.save_unit(user=province, unit=moved, on=on)
    for cell in tree["cells"]:
        places = UnitPlace.objects.filter(unit=cell).order_by(EARLIEST_FIRST)
        assert [(p.valid_to, p.committee.code) for p in places] == [(on - ONE_DAY, "A"), (None, "B")]
    services.dissolve_unit(user=province, unit=moved, on=on + ONE_DAY)
    for cell in tree["cells"]:
        assert UnitPlace.objects.filter(unit=cell).order_by(EARLIEST_FIRST).last().valid_to == on + ONE_DAY


def committee_with_cells(n: int) -> Unit:
    base = b.base_org(b.committee("A"), "A-001")
    for i in range(n):
        b.cell(base, f"A-001-{i:02d}")
    b.committee("B")
    return b.unit("A-001")


@pytest.mark.parametrize("cells", [2, 20])
def test_moving_or_dissolving_a_unit_costs_the_same_queries_whatever_its_cells(
    django_assert_num_queries, cells
):
    base, other = committee_with_cells(cells), b.unit("B")
    with django_assert_num_queries(28):  # the unit's own save and audit; its cells in bulk
        services.move_unit(unit=base, new_parent=other)
    base = b.unit("A-001")
    with django_assert_num_queries(27):
        services.dissolve_unit(unit=base, on=datetime.date(2027, 1, 1))
