"""The tree-file pages: upload → preview → confirm, provincial staff only; nothing written before
the confirmation, all or nothing at it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from organizations.history import Reorganization
from organizations.models import Unit
from tests import builders
from tests.imports.files import csv_text

UNITS = csv_text(
    ["Mã", "Tên", "Mã cấp trên", "Loại", "Loại hình"],
    ["A-003", "Chi bộ Trường", "A", "Chi bộ cơ sở", "Trường học"],
)
RENAME = csv_text(
    ["Mã cũ", "Thao tác", "Ngày hiệu lực", "Tên mới"], ["A-002", "đổi tên", "01/03/2025", "Chi bộ Mới"]
)


@pytest.fixture
def english(client, settings):
    """Pages and messages read in English (the msgids): the language cookie, as the switch sets it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def upload(client, kind, text, name="file.csv"):
    return client.post(
        reverse(f"organizations:bulk-{kind}"), {"file": SimpleUploadedFile(name, text.encode())}
    )


def test_units_upload_preview_and_confirm(client, committee_a, province_staff):
    builders.login(client, province_staff)
    uploaded = upload(client, "units", UNITS)
    assert uploaded.status_code == 302
    preview = client.get(uploaded["Location"])
    assert preview.status_code == 200 and 'data-status="new"' in preview.content.decode()
    assert not Unit.objects.filter(code="A-003").exists()
    confirmed = client.post(uploaded["Location"], {"confirm": "1", "digest": preview.context["digest"]})
    assert confirmed.status_code == 302
    assert builders.unit("A-003").parent.code == "A"


def test_mapping_preview_shows_the_consequences_then_confirm_writes(
    client, committee_a, province_staff, english
):
    builders.login(client, province_staff)
    uploaded = upload(client, "mapping", RENAME)
    preview = client.get(uploaded["Location"])
    assert "is renamed Chi bộ Mới from 01/03/2025" in preview.content.decode()
    client.post(uploaded["Location"], {"confirm": "1", "digest": preview.context["digest"]})
    assert builders.unit("A-002").name == "Chi bộ Mới" and Reorganization.objects.count() == 1


def test_a_file_with_errors_cannot_be_confirmed(client, committee_a, province_staff):
    builders.login(client, province_staff)
    bad = csv_text(["Mã", "Tên", "Mã cấp trên", "Loại"], ["A-003", "X", "KHONG", "Chi bộ cơ sở"])
    uploaded = upload(client, "units", bad)
    preview = client.get(uploaded["Location"])
    assert 'data-status="error"' in preview.content.decode()
    response = client.post(uploaded["Location"], {"confirm": "1", "digest": preview.context["digest"]})
    assert response.status_code == 400 and not Unit.objects.filter(code="A-003").exists()


def test_a_stale_preview_is_shown_again(client, committee_a, province_staff):
    builders.login(client, province_staff)
    uploaded = upload(client, "units", UNITS)
    response = client.post(uploaded["Location"], {"confirm": "1", "digest": "old"})
    assert response.status_code == 409 and not Unit.objects.filter(code="A-003").exists()


def test_an_unreadable_file_is_refused_on_the_form(client, province_staff):
    builders.login(client, province_staff)
    response = upload(client, "units", "", name="tree.pdf")
    assert response.status_code == 400


def test_cancel_forgets_the_upload(client, committee_a, province_staff):
    builders.login(client, province_staff)
    uploaded = upload(client, "units", UNITS)
    client.post(uploaded["Location"], {"cancel": "1"})
    assert client.get(uploaded["Location"]).status_code == 404


def test_a_token_of_one_kind_is_not_one_of_the_other(client, committee_a, province_staff):
    builders.login(client, province_staff)
    token = upload(client, "units", UNITS)["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert client.get(reverse("organizations:bulk-mapping-confirm", args=[token])).status_code == 404


@pytest.mark.parametrize("who,status", [("staff", 404), ("leader", 403)])
def test_only_provincial_staff_reach_the_pages(client, committee_a, staff, leader, who, status):
    builders.login(client, {"staff": staff, "leader": leader}[who])
    for kind in ("units", "mapping"):
        assert client.get(reverse(f"organizations:bulk-{kind}")).status_code == status
