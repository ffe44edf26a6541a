"""The admin's one import, the organization tree: every change is written through the services,
audited. (Ratings and member statistics are imported only through the app's page:
tests/web/test_web_admin.py.)
"""

import pytest
import tablib

from accounts.models import Role, User
from assessments.models import AuditEntry
from organizations.resources import UnitResource

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return User.objects.create(username="root", role=Role.PROVINCE_STAFF, is_staff=True, is_superuser=True)


def test_a_registry_import_that_moves_a_unit_carries_its_cells_along(tree, root):
    base, new_committee = tree["base"], tree["b"]
    data = UnitResource().export()
    data = tablib.Dataset(
        *[
            [*row[:5], new_committee.code if row[0] == base.code else row[5], *row[6:]]
            for row in data
            if row[0] == base.code
        ],
        headers=data.headers,
    )
    result = UnitResource().import_data(data, dry_run=False, user=root, file_name="chuyen.xlsx")
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    base.refresh_from_db()
    assert base.committee == new_committee
    assert {c.committee_id for c in base.children.all()} == {new_committee.pk}
    moves = AuditEntry.objects.filter(action="unit.move", channel="import", source="chuyen.xlsx")
    assert sorted(e.unit.code for e in moves) == ["A-001", "A-001-01", "A-001-02"]
