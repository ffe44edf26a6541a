"""The layout says whose site it is from the environment's SITE_OWNER, never a hard-coded province."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_header_names_the_owner_from_the_settings(client, leader, settings):
    settings.SITE_OWNER = "Ban Tổ chức Tỉnh ủy Quảng Ngãi"
    client.force_login(leader)
    assert "Ban Tổ chức Tỉnh ủy Quảng Ngãi" in client.get(reverse("reports:home")).content.decode()


def test_without_an_owner_the_header_says_the_provincial_organizing_committee(client, leader, settings):
    settings.SITE_OWNER = ""
    client.force_login(leader)
    page = client.get(reverse("reports:home")).content.decode()
    assert "Ban Tổ chức Tỉnh ủy" in page and "Kon Tum" not in page.split("<main")[0]
