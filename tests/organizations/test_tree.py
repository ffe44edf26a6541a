"""organizations.tree: one tree on a date, shown on the page and counted by org_tree alike."""

import datetime

import pytest

from organizations.models import Tier
from organizations.tree import tree_for, tree_on
from tests import builders as b

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def province_tree(committee_a, committee_b):
    """Districts A (a commune with two cells, a grassroots cell) and B, and a commune directly
    under the province with one cell (its own committee)."""
    commune = b.base_org(b.province_unit(), "XA-1", name="Đảng bộ xã Một")
    b.cell(commune, "XA-1-01")
    return commune


def test_org_tree_counts_what_the_page_shows_under_each_committee(province_tree, province_staff):
    (province,) = tree_for(province_staff, TODAY).roots
    shown = {node.code: (node.bases + (node.tier == Tier.BASE), node.cells) for node in province.children}
    counted = tree_on(TODAY)
    assert {c.code: (c.grassroots, c.cells) for c in counted.committees} == shown
    assert shown == {"A": (2, 2), "B": (1, 0), "XA-1": (1, 1)}
    assert (counted.province.grassroots, counted.province.cells) == (province.bases, province.cells)
    assert counted.directly_under_province == 3


def test_a_committee_user_sees_only_its_branch_of_the_same_tree(province_tree, staff):
    (root,) = tree_for(staff, TODAY).roots
    assert (root.code, root.bases, root.cells) == ("A", 2, 2)
