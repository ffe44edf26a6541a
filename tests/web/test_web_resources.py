"""The minimal spreadsheet resources behind the admin's import/export buttons."""

import pytest
import tablib

from assessments.models import Rating
from assessments.resources import MemberStatsResource, RatingResource
from organizations.models import Unit
from organizations.resources import UnitResource

pytestmark = pytest.mark.django_db


def dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


def test_units_refer_to_their_parent_by_code(dakha):
    data = dataset(
        ["code", "name", "tier", "kind", "place_type", "parent", "founded", "dissolved"],
        ["DAKHA.DAKLA", "Đảng bộ xã Đăk La", "base", "grassroots_committee", "commune", "DAKHA", "", ""],
        ["DAKHA.DAKLA.1A", "Chi bộ thôn 1A", "cell", "subordinate_cell", "village", "DAKHA.DAKLA", "", ""],
    )
    result = UnitResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    cell = Unit.objects.get(code="DAKHA.DAKLA.1A")
    assert cell.parent.code == "DAKHA.DAKLA" and cell.committee == dakha


def test_unit_import_validates_kind_against_tier(dakha):
    data = dataset(
        ["code", "name", "tier", "kind", "place_type", "parent", "founded", "dissolved"],
        ["DAKHA.X", "Sai loại hình", "base", "subordinate_cell", "", "DAKHA", "", ""],
    )
    result = UnitResource().import_data(data, dry_run=True)
    assert result.has_validation_errors()


def test_ratings_round_trip_by_unit_code(ratings_2015, scheme_2015, superuser):
    exported = RatingResource().export()
    assert "DAKHA.DAKLA" in exported.csv
    Rating.objects.all().delete()
    result = RatingResource().import_data(exported, dry_run=False, user=superuser)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert Rating.objects.count() == 4
    assert set(Rating.objects.values_list("changed_by", flat=True)) == {superuser.pk}


def test_member_stats_import(dakha, ratings_2015, superuser):
    data = dataset(
        [
            "unit",
            "year",
            "committee",
            "member_count",
            "excellent",
            "good",
            "completed",
            "not_completed",
            "not_rated",
            "admitted",
        ],
        ["DAKHA.DAKLA", 2015, "DAKHA", 120, 10, 90, 15, 3, 2, 4],
    )
    # The admin always passes the user: its scope and rights apply, as on the import page.
    result = MemberStatsResource().import_data(data, dry_run=False, user=superuser)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Unit.objects.get(code="DAKHA.DAKLA").member_stats.get(year=2015).admitted == 4
