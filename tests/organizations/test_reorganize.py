"""Each reorganization: what it writes (places, lineage, audit) and what it refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessments.models import AuditEntry, Rating
from organizations import reorganize
from organizations.history import Lineage, UnitPlace
from organizations.lineage import committees_on, heirs_on
from organizations.models import Kind, PlaceType, Tier, Unit
from organizations.reorganize import Decision, NewUnit
from tests import builders

D = datetime.date
DECISION = Decision(number="01-QĐ/TU", date=D(2025, 6, 20))


@pytest.fixture
def tree(db):
    """Two districts: A with commune A-001 (cells A-001-01, -02) and cell A-002; B likewise."""
    return builders.small_committee("A"), builders.small_committee("B")


def new_commune(code="XA1", name="Đảng bộ xã Mới"):
    return NewUnit(
        code=code,
        name=name,
        tier=Tier.BASE,
        kind=Kind.GRASSROOTS_COMMITTEE,
        parent=builders.province_unit(),
        place_type=PlaceType.COMMUNE,
    )


def test_a_commune_directly_under_the_province_is_its_own_committee(tree):
    outcome = reorganize.found(user=None, unit=new_commune(), on=D(2025, 7, 1), decision=DECISION)
    commune = outcome.units[0]
    assert commune.committee_id == commune.pk
    assert commune.is_reporting_committee
    assert Unit.objects.committees().filter(pk=commune.pk).exists()


def test_merge_moves_the_cells_and_links_each_predecessor(tree):
    a1, b1 = builders.unit("A-001"), builders.unit("B-001")
    outcome = reorganize.merge(
        user=None, units=[a1, b1], into=new_commune(), on=D(2025, 7, 1), decision=DECISION
    )
    commune = outcome.units[0]
    assert set(Unit.objects.filter(parent=commune).values_list("code", flat=True)) == {
        "A-001-01",
        "A-001-02",
        "B-001-01",
        "B-001-02",
    }
    assert builders.unit("A-001").dissolved == D(2025, 6, 30)
    assert set(Lineage.objects.values_list("predecessor__code", "successor__code")) == {
        ("A-001", "XA1"),
        ("B-001", "XA1"),
    }
    assert AuditEntry.objects.filter(unit=a1, reason__contains="01-QĐ/TU").exists()


def test_the_tree_on_a_date_before_and_after_a_merge(tree):
    a1 = builders.unit("A-001")
    reorganize.merge(user=None, units=[a1], into=new_commune(), on=D(2025, 7, 1), decision=DECISION)
    before, after = committees_on(D(2025, 6, 30)), committees_on(D(2025, 7, 1))
    cell = builders.unit("A-001-01")
    assert before[cell.pk] == builders.unit("A").pk
    assert after[cell.pk] == builders.unit("XA1").pk
    assert a1.pk in before and a1.pk not in after
    assert UnitPlace.objects.on(D(2025, 7, 1)).filter(unit=cell, parent__code="XA1").exists()


def test_heirs_follow_the_links_that_carry_history(tree):
    a1 = builders.unit("A-001")
    reorganize.merge(user=None, units=[a1], into=new_commune(), on=D(2025, 7, 1), decision=DECISION)
    heirs = heirs_on(D(2025, 12, 31))
    assert heirs[a1.pk] == builders.unit("XA1").pk
    assert a1.pk not in heirs_on(D(2025, 7, 1)) or heirs_on(D(2025, 7, 1))[a1.pk] != a1.pk


def test_a_split_gives_the_history_to_one_successor(tree):
    a1 = builders.unit("A-001")
    reorganize.split(
        user=None,
        unit=a1,
        into=[new_commune("X1", "Xã 1"), new_commune("X2", "Xã 2")],
        heir=1,
        on=D(2025, 7, 1),
        decision=DECISION,
    )
    links = dict(Lineage.objects.values_list("successor__code", "carries_history"))
    assert links == {"X1": False, "X2": True}
    assert heirs_on(D(2026, 1, 1))[a1.pk] == builders.unit("X2").pk


def test_a_move_keeps_the_ratings_counted_where_they_were(tree):
    a2 = builders.unit("A-002")
    builders.season(2024)
    builders.rate(a2, 2024, "HTTNV")
    outcome = reorganize.move(
        user=None, units=[a2], parent=builders.unit("B"), on=D(2025, 1, 1), decision=DECISION
    )
    assert "2024" in outcome.lines[0] and "A" in outcome.lines[0]
    assert Rating.objects.get(unit=a2, year=2024).committee.code == "A"
    assert builders.unit("A-002").committee.code == "B"


def test_preview_writes_nothing(tree):
    a1 = builders.unit("A-001")
    outcome = reorganize.preview(
        reorganize.merge, user=None, units=[a1], into=new_commune(), on=D(2025, 7, 1), decision=DECISION
    )
    assert outcome.lines
    assert not Unit.objects.filter(code="XA1").exists()
    assert builders.unit("A-001").dissolved is None


def test_refuses_a_cycle(tree):
    a1 = builders.unit("A-001")
    with pytest.raises(ValidationError):
        reorganize.move(user=None, units=[builders.unit("A")], parent=a1, on=D(2025, 1, 1), decision=DECISION)


def test_refuses_a_merge_into_a_dissolved_unit(tree):
    a1, a2 = builders.unit("A-001"), builders.unit("A-002")
    reorganize.dissolve(user=None, unit=a2, on=D(2025, 1, 1), decision=DECISION)
    with pytest.raises(ValidationError, match="dissolved|giải thể"):
        reorganize.merge(user=None, units=[a1], into=a2, on=D(2025, 7, 1), decision=DECISION)
    assert builders.unit("A-001").dissolved is None


def test_refuses_a_date_inside_a_submitted_year(tree):
    from assessments.models import Status, Submission

    Submission.objects.create(committee=builders.unit("A"), year=2025, status=Status.SUBMITTED)
    with pytest.raises(ValidationError):
        reorganize.dissolve(user=None, unit=builders.unit("A-002"), on=D(2025, 7, 1), decision=DECISION)
    assert builders.unit("A-002").dissolved is None


def test_refuses_an_end_that_leaves_ratings_after_it(tree):
    a2 = builders.unit("A-002")
    builders.rate(a2, 2024, "HTTNV")
    with pytest.raises(ValidationError):
        reorganize.dissolve(user=None, unit=a2, on=D(2024, 1, 1), decision=DECISION)
    assert not Lineage.objects.exists()


def test_refound_moves_what_was_under_it_and_carries_history(tree):
    a1 = builders.unit("A-001")
    outcome = reorganize.refound(
        user=None,
        unit=a1,
        as_unit=NewUnit(
            code="A-001N",
            name="Đảng bộ mới",
            tier=Tier.BASE,
            kind=Kind.GRASSROOTS_COMMITTEE,
            parent=builders.unit("B"),
        ),
        on=D(2025, 3, 1),
        decision=DECISION,
    )
    new = outcome.units[0]
    assert new.children.count() == 2
    assert heirs_on(D(2025, 3, 1))[a1.pk] == new.pk


def test_a_corrected_founding_date_moves_the_start_of_the_first_place(tree):
    unit = builders.unit("A-002")
    unit.founded = D(2016, 3, 1)
    unit.save()
    assert not UnitPlace.objects.on(D(2015, 12, 31)).filter(unit=unit).exists()
    assert UnitPlace.objects.on(D(2016, 3, 1)).filter(unit=unit).exists()


def test_dissolving_a_committee_refuses_a_cell_rated_after_the_end(tree):
    """A cell two levels down (under commune A-001, under district A) counts like a direct child."""
    builders.rate(builders.unit("A-001-01"), 2024, "HTTNV")
    with pytest.raises(ValidationError, match="A-001-01|2024"):
        reorganize.dissolve(user=None, unit=builders.unit("A"), on=D(2024, 1, 1), decision=DECISION)
    assert builders.unit("A").dissolved is None
