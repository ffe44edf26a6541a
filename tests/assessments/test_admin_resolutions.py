"""The admin lists resolutions, their targets and counted levels, read only: they are written on
the app's resolution pages (the service's checks and audit), to which the admin links."""

import pytest
from django.urls import reverse

from assessments.models import CountedLevel, Resolution, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(superuser)
    return client


@pytest.fixture
def resolution():
    return Resolution.objects.in_force(2015)  # the shipped 2015–2020 resolution


def test_a_resolution_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, resolution):
    change = reverse("admin:assessments_resolution_change", args=[resolution.pk])
    assert admin_client.get(reverse("admin:assessments_resolution_add")).status_code == 403
    assert admin_client.post(change, {"title": "Đổi tên", "term": "2015–2020"}).status_code == 403
    delete = reverse("admin:assessments_resolution_delete", args=[resolution.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    resolution.refresh_from_db()
    assert resolution.title != "Đổi tên"


@pytest.mark.parametrize("model", [Target, CountedLevel])
def test_targets_and_counted_levels_are_read_only_too(admin_client, resolution, model):
    row = model.objects.filter(resolution=resolution).first()
    name = model._meta.model_name
    assert admin_client.get(reverse(f"admin:assessments_{name}_add")).status_code == 403
    assert (
        admin_client.post(reverse(f"admin:assessments_{name}_change", args=[row.pk]), {}).status_code == 403
    )


def test_the_admin_links_to_the_resolution_pages_and_shows_years_plainly(admin_client, resolution):
    listing = admin_client.get(reverse("admin:assessments_resolution_changelist")).content.decode()
    assert f'href="{reverse("assessments:resolutions")}"' in listing
    page = admin_client.get(reverse("admin:assessments_resolution_change", args=[resolution.pk]))
    html = page.content.decode()
    assert f'href="{reverse("assessments:resolution-edit", args=[resolution.first_year])}"' in html
    assert "2015" in html and "2.015" not in html and "2,015" not in html
