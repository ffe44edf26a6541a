"""Odd input refused at the door: a NUL character anywhere in the address is a 400, never a 500."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return User.objects.create_superuser(username="admin", password="x")


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/2015/?committee=A%00",
        "/dashboard/2015/units/?level=TSVM%00",
        "/dashboard/2015/units/?tier=base&place_type=%00",
        "/units/A-001%00/history/",
        "/ratings/2015/?committee=%00A",
        "/admin/organizations/unit/?q=%00",
        "/api/reports/2015/?committee=A%00",
        "/imports/template/?year=2015&committee=A%00",
        "/?%00=1",
    ],
)
def test_a_nul_character_in_the_address_is_a_bad_request(client, admin, url):
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_an_address_without_nul_is_served(client, admin):
    client.force_login(admin)
    assert client.get("/dashboard/2015/units/?level=TSVM").status_code == 200
