"""A property of the tree through time: whatever sequence of valid reorganizations follows, the
as-counted report of a past year — the province's and each committee's — never changes.

Each example builds nothing: the tree and its 2019 ratings are made once per test; every example
runs its operations inside a transaction that is rolled back. Operations the services refuse (a
cycle, a merger into a dissolved unit...) are part of the sequence too: refused, they write
nothing, which the same comparison shows.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organizations import reorganize
from organizations.models import Kind, Tier, Unit
from organizations.reorganize import Decision, NewUnit
from reports.engine import build_reports, report_document
from tests import builders

pytestmark = pytest.mark.django_db

YEAR = 2019
DECISION = Decision(number="99-QĐ/TU")
OPERATIONS = ("move", "merge", "split", "dissolve", "refound", "rename")


def as_counted() -> dict:
    """The past year's reports, whole province and by committee (as it was counted)."""
    documents = {None: report_document(build_reports(YEAR)[None])}
    for key, report in build_reports(YEAR, group="committee").items():
        documents[key] = report.as_dict()
    return documents


@pytest.fixture
def rated_tree(db):
    for code in ("A", "B", "C"):
        builders.small_committee(code)
    for unit in Unit.objects.rated_tiers():
        builders.rate(unit, YEAR, "HTTNV" if unit.pk % 3 else "HTXSNV")
    return as_counted()


def _alive(on, tier):
    return list(Unit.objects.on(on).filter(tier=tier).order_by("code"))


def _apply(step: int, operation: str, pick: int, on: datetime.date) -> None:
    bases, committees = _alive(on, Tier.BASE), _alive(on, Tier.COMMITTEE)
    if not bases or not committees:
        return
    base, other = bases[pick % len(bases)], bases[(pick + 1) % len(bases)]
    committee = committees[pick % len(committees)]
    new = NewUnit(
        code=f"N{step}",
        name=f"Đảng bộ mới {step}",
        tier=Tier.BASE,
        kind=Kind.GRASSROOTS_COMMITTEE,
        parent=committee,
    )
    if operation == "move":
        reorganize.move(user=None, units=[base], parent=committee, on=on, decision=DECISION)
    elif operation == "merge":
        reorganize.merge(
            user=None, units=[base, other] if base != other else [base], into=new, on=on, decision=DECISION
        )
    elif operation == "split":
        twin = NewUnit(**{**new.__dict__, "code": f"M{step}", "name": f"Đảng bộ tách {step}"})
        reorganize.split(user=None, unit=base, into=[new, twin], heir=pick % 2, on=on, decision=DECISION)
    elif operation == "dissolve":
        reorganize.dissolve(user=None, unit=base, on=on, decision=DECISION)
    elif operation == "refound":
        reorganize.refound(user=None, unit=base, as_unit=new, on=on, decision=DECISION)
    else:
        reorganize.rename(user=None, unit=committee, name=f"Tên mới {step}", on=on, decision=DECISION)


steps = st.lists(
    st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 50), st.integers(0, 1400)), min_size=1, max_size=6
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_no_sequence_of_reorganizations_changes_a_past_years_report(rated_tree, sequence):
    with transaction.atomic():
        for step, (operation, pick, day) in enumerate(sequence):
            on = datetime.date(2021, 1, 1) + datetime.timedelta(days=day)
            try:
                with transaction.atomic():
                    _apply(step, operation, pick, on)
            except ValidationError:
                pass
        assert as_counted() == rated_tree
        transaction.set_rollback(True)
