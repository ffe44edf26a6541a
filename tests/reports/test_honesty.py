"""The honesty figures as the API and the command give them."""

import pytest

from reports.honesty import as_dict
from tests import builders as b

pytestmark = pytest.mark.django_db


def test_a_committees_figures_are_set_beside_the_province_only_in_the_provinces_scope(
    committee_a, committee_b
):
    b.rate(b.unit("A-001"), 2015, "TSVM_TB")
    b.rate(b.unit("B-001"), 2015, "HTTNV")
    province = as_dict(2015)["committees"]
    assert [c["province_top_level_percent"] for c in province] == [50.0, 50.0]
    (own,) = as_dict(2015, committee_a)["committees"]
    assert own["top_level"]["percent"] == 100.0 and own["province_top_level_percent"] is None
