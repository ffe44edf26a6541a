"""The admin's import (django-import-export) goes through the imports app: same scope, checks, audit."""

import re

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role, User
from assessments.models import AuditEntry, Rating
from assessments.resources import MemberStatsResource, RatingResource
from tests import builders as b
from tests.imports.conftest import db_state

pytestmark = pytest.mark.django_db


def dataset(*rows, headers=("unit", "year", "level", "note")):
    return tablib.Dataset(*rows, headers=list(headers))


def test_levels_are_read_any_way_and_written_through_the_services(tree, province_staff):
    data = dataset(
        ["A-001", 2015, "trong sach vung manh", ""], ["A-002", "2015", "Hoàn thành tốt nhiệm vụ", "x"]
    )
    before = db_state()
    preview = RatingResource().import_data(data, dry_run=True, user=province_staff, file_name="admin.xlsx")
    assert not preview.has_errors() and not preview.has_validation_errors()
    assert preview.totals["new"] == 2
    assert db_state() == before
    result = RatingResource().import_data(data, dry_run=False, user=province_staff, file_name="admin.xlsx")
    assert not result.has_errors()
    assert dict(Rating.objects.values_list("unit__code", "level__code")) == {
        "A-001": "TSVM",
        "A-002": "HTTNV",
    }
    assert set(AuditEntry.objects.values_list("channel", "source")) == {("import", "admin.xlsx")}


def test_bad_rows_are_invalid_and_nothing_is_written(tree, province_staff):
    data = dataset(["A-001", 2015, "TSVM", ""], ["A-002", 2015, "Giỏi", ""])
    before = db_state()
    result = RatingResource().import_data(data, dry_run=False, user=province_staff, file_name="x.csv")
    assert result.has_validation_errors()
    (invalid,) = result.invalid_rows
    assert invalid.number == 3 and "Giỏi" in " ".join(invalid.error.messages)
    assert db_state() == before


def test_scope_applies_in_the_admin_too(tree, staff):
    result = RatingResource().import_data(dataset(["B-001", 2015, "TSVM", ""]), dry_run=False, user=staff)
    assert result.has_validation_errors()
    assert not Rating.objects.exists()


def test_without_a_user_nothing_is_imported(tree):
    result = MemberStatsResource().import_data(
        dataset(["A-001", 2015, 10], headers=("unit", "year", "member_count")), dry_run=False
    )
    assert result.has_errors()
    assert not tree["base"].member_stats.exists()


def test_the_admin_export_imports_back_unchanged(tree, province_staff):
    b.rate(tree["base"], 2015, "TSVM_TB", note="=SUM(A1)")
    b.rate(tree["other"], 2015, None, reason="Mới thành lập")
    exported = RatingResource().export()
    assert "TSVM tiêu biểu" in exported.csv
    result = RatingResource().import_data(exported, dry_run=True, user=province_staff)
    assert not result.has_validation_errors() and result.totals["skip"] == 2


def test_the_admin_import_pages(client, tree):
    admin = User.objects.create(username="root", role=Role.PROVINCE_STAFF, is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:assessments_rating_import")
    page = client.get(url)
    formats = dict(
        (label, value)
        for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page.content.decode())
    )
    upload = SimpleUploadedFile("admin.csv", b"unit,year,level\nA-001,2015,TSVM\n")
    response = client.post(url, {"import_file": upload, "format": formats["csv"], "resource": "0"})
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    assert "A-001" in html and not Rating.objects.exists()
    confirm = {
        name: value for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    }
    response = client.post(reverse("admin:assessments_rating_process_import"), confirm)
    assert response.status_code == 302
    assert Rating.objects.get().level.code == "TSVM"
    assert AuditEntry.objects.get().source == "admin.csv"


def test_a_registry_import_that_moves_a_unit_carries_its_cells_along(tree):
    from organizations.resources import UnitResource

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
    result = UnitResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    base.refresh_from_db()
    assert base.committee == new_committee
    assert {c.committee_id for c in base.children.all()} == {new_committee.pk}
