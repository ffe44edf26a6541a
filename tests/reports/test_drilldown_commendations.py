"""The drill-down behind an exemplary figure counted by commendation: the organizations commended
that year, in the scope of the request (the engine's cases: tests/reports/test_engine_commendations)."""

import pytest

from organizations.access import Scope
from organizations.models import Unit
from reports.drilldown import DrillFilter, drill_rows
from tests import builders as b
from tests.reports import test_engine_commendations as cases

pytestmark = pytest.mark.django_db
YEAR = cases.YEAR
resolution, rated = cases.resolution, cases.rated  # the engine's fixtures


def codes(user, committee=None):
    rows = drill_rows(
        Scope(user=user, committee=committee), YEAR, DrillFilter(tier="base", level="exemplary")
    )
    return [row.unit.code for row in rows]


def test_exemplary_lists_the_commended_organizations(rated, province_staff):
    assert codes(province_staff) == ["A-001", "B-001"]  # A-002 is HTXSNV, not commended


def test_a_committee_lists_only_its_own(rated, province_staff):
    assert codes(province_staff, Unit.objects.get(code="B")) == ["B-001"]


def test_committee_staff_see_only_their_committee(rated):
    assert codes(b.staff_of(Unit.objects.get(code="A"))) == ["A-001"]
