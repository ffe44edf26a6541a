"""The admin's one import, the organization tree: every file passes `imports.reader.check_file`
before django-import-export parses it, and every change is written through the services, audited.
(Ratings and member statistics are imported only through the app's page: tests/web/test_web_admin.py.)
"""

import io
import re
import tempfile
import uuid
import zipfile
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from import_export.formats import base_formats

from accounts.models import Role, User
from assessments.models import AuditEntry
from imports import reader
from organizations.models import Unit
from organizations.resources import UnitResource
from tests.imports import files

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:organizations_unit_import"
CONFIRM_URL = "admin:organizations_unit_process_import"
UNIT_HEADERS = ["code", "name", "tier", "kind", "place_type", "parent", "founded", "dissolved"]


@pytest.fixture
def root(db):
    return User.objects.create(username="root", role=Role.PROVINCE_STAFF, is_staff=True, is_superuser=True)


@pytest.fixture
def logged_in(client, root):
    client.force_login(root)
    return client


def format_index(title: str) -> str:
    formats = admin.site.get_model_admin(Unit).get_import_formats()
    return next(str(i) for i, f in enumerate(formats) if f().get_title() == title)


def hostile_xlsx(cell: str) -> bytes:
    """A small, valid xlsx whose sheet names a cell far away: a reader that trusts the sheet's size
    would build millions of empty rows (or columns) before reading the one cell."""
    source = zipfile.ZipFile(io.BytesIO(files.xlsx(["code", "name"], ["A-009", "x"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{cell}"/>', text)
                far = f'<row r="{cell_row(cell)}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'
                text = text.replace("</sheetData>", far + "</sheetData>")
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def cell_row(cell: str) -> str:
    return re.sub(r"^[A-Z]+", "", cell)


def refusal(data: bytes, name: str) -> str:
    """The reader's message, in the language the admin pages speak (Vietnamese)."""
    with translation.override(settings.LANGUAGE_CODE), pytest.raises(reader.FileRefused) as refused:
        reader.check_file(data, name)
    return str(refused.value)


@pytest.fixture
def never_parsed(monkeypatch):
    """Fails the test if django-import-export parses a file or the resource imports anything."""

    def boom(*args, **kwargs):
        raise AssertionError("a refused file was parsed")

    for fmt in (base_formats.XLSX, base_formats.CSV, base_formats.ODS):
        monkeypatch.setattr(fmt, "create_dataset", boom)
    monkeypatch.setattr(UnitResource, "import_data", boom)


@pytest.mark.parametrize("cell", ["Z100000", "XFD1048576"])
def test_a_hostile_xlsx_is_refused_with_the_readers_message_and_never_parsed(
    logged_in, tree, cell, never_parsed
):
    data = hostile_xlsx(cell)
    message = refusal(data, "to-chuc.xlsx")
    before = Unit.objects.count()
    response = logged_in.post(
        reverse(IMPORT_URL),
        {
            "import_file": SimpleUploadedFile("to-chuc.xlsx", data),
            "format": format_index("xlsx"),
            "resource": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [message]
    assert "confirm_form" not in response.context
    assert Unit.objects.count() == before and not AuditEntry.objects.exists()


def test_a_file_too_large_is_refused_before_it_is_read(logged_in, tree, settings, never_parsed):
    settings.IMPORT_MAX_BYTES = 1000
    data = files.csv_text(
        UNIT_HEADERS,
        *[[f"A-1{i:03d}", "x" * 50, "base", "grassroots_cell", "", "A", "", ""] for i in range(50)],
    ).encode()
    response = logged_in.post(
        reverse(IMPORT_URL),
        {
            "import_file": SimpleUploadedFile("to-chuc.csv", data),
            "format": format_index("csv"),
            "resource": "0",
        },
    )
    assert response.context["form"].errors["import_file"] == [refusal(data, "to-chuc.csv")]


def test_a_file_whose_content_is_not_its_extension_is_refused(logged_in, tree, never_parsed):
    data = b"%PDF-1.7 not a spreadsheet"
    response = logged_in.post(
        reverse(IMPORT_URL),
        {
            "import_file": SimpleUploadedFile("to-chuc.xlsx", data),
            "format": format_index("xlsx"),
            "resource": "0",
        },
    )
    assert response.context["form"].errors["import_file"] == [refusal(data, "to-chuc.xlsx")]


def test_the_confirm_step_checks_the_stored_file_again(logged_in, tree, never_parsed):
    """A stored file swapped (or named) behind the preview's back is refused too, and not parsed."""
    name = f"kontum-test-{uuid.uuid4().hex}"
    path = Path(tempfile.gettempdir()) / name
    path.write_bytes(hostile_xlsx("XFD1048576"))
    try:
        response = logged_in.post(
            reverse(CONFIRM_URL),
            {
                "import_file_name": name,
                "original_file_name": "to-chuc.xlsx",
                "format": format_index("xlsx"),
                "resource": "0",
            },
            follow=True,
        )
    finally:
        path.unlink(missing_ok=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not AuditEntry.objects.exists()


def test_the_admin_unit_import_previews_then_writes_through_the_services(logged_in, tree, root):
    data = files.csv_text(
        UNIT_HEADERS,
        ["A-003", "=Chi bộ mới", "base", "grassroots_cell", "agency", "A", "2019-01-01", ""],
        ["A-002", "Chi bộ A-002 <b>đổi tên</b>", "base", "grassroots_cell", "commune", "A", "", ""],
    ).encode("utf-8-sig")
    response = logged_in.post(
        reverse(IMPORT_URL),
        {
            "import_file": SimpleUploadedFile("to-chuc.csv", data),
            "format": format_index("csv"),
            "resource": "0",
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "confirm_form" in response.context, response.context["form"].errors
    assert not Unit.objects.filter(code="A-003").exists() and not AuditEntry.objects.exists()
    html = response.content.decode()
    # The preview keeps to the Content-Security-Policy: its old → new has no inline style.
    assert "<ins>" in html and "<del>" in html and "&lt;b&gt;" in html
    assert not re.search(r"<[^>]+\s(?:on[a-z]+|style)\s*=", html)
    assert not re.search(r"<script\b(?![^>]*\bsrc=)[^>]*>", html)
    assert "css/admin_import_export.css" in html
    confirm = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    response = logged_in.post(reverse(CONFIRM_URL), confirm)
    assert response.status_code == 302
    unit = Unit.objects.get(code="A-003")
    assert (unit.committee, unit.name) == (tree["committee"], "=Chi bộ mới")
    renamed = AuditEntry.objects.get(action="unit.update")
    assert renamed.changes == {"name": ["Đảng bộ A-002", "Chi bộ A-002 <b>đổi tên</b>"]}
    (entry,) = AuditEntry.objects.filter(action="unit.create")
    assert (entry.action, entry.channel, entry.source, entry.user, entry.unit) == (
        "unit.create",
        "import",
        "to-chuc.csv",
        root,
        unit,
    )


def test_an_xlsx_unit_import_is_read(logged_in, tree):
    data = files.xlsx(UNIT_HEADERS, ["A-004", "Chi bộ xlsx", "base", "grassroots_cell", "", "A", None, None])
    response = logged_in.post(
        reverse(IMPORT_URL),
        {
            "import_file": SimpleUploadedFile("to-chuc.xlsx", data),
            "format": format_index("xlsx"),
            "resource": "0",
        },
    )
    assert "confirm_form" in response.context, response.context["form"].errors


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


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_a_csv_is_read_in_the_encodings_the_reader_accepts(logged_in, tree, encoding):
    text = files.csv_text(
        UNIT_HEADERS, ["A-005", "Chi bộ thôn Kon Rờ Bàng", "base", "grassroots_cell", "", "A", "", ""]
    )
    data = files.to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    response = logged_in.post(
        reverse(IMPORT_URL),
        {
            "import_file": SimpleUploadedFile("to-chuc.csv", data),
            "format": format_index("csv"),
            "resource": "0",
        },
    )
    assert "confirm_form" in response.context, response.context["form"].errors
    confirm = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', response.content.decode())
    )
    assert logged_in.post(reverse(CONFIRM_URL), confirm).status_code == 302
    assert Unit.objects.get(code="A-005").name == "Chi bộ thôn Kon Rờ Bàng"


def test_the_admin_has_no_import_for_ratings_or_member_statistics_but_keeps_their_export():
    from django.urls import NoReverseMatch, reverse

    for model in ("rating", "memberstats"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:assessments_{model}_import")
        assert reverse(f"admin:assessments_{model}_export")
