"""Odd input refused at the door: a NUL character anywhere in the address is a 400, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


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
def test_a_nul_character_in_the_address_is_a_bad_request(client, superuser, url):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_an_address_without_nul_is_served(client, superuser):
    client.force_login(superuser)
    assert client.get("/dashboard/2015/units/?level=TSVM").status_code == 200
