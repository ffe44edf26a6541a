"""The error pages: translated, inside the site's layout; the 500 page needs no request. (Read in
English, the msgids: the Vietnamese is the catalogs'.)"""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_an_outsider_gets_the_404_page_in_vietnamese_inside_the_layout(client, other_staff, committee_a):
    client.force_login(other_staff)
    response = client.get(reverse("assessments:unit-history", args=["A-001"]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in page and 'class="navbar' in page


def test_a_refusal_gets_the_403_page_inside_the_layout(client, leader, committee_a):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("assessments:lock-year", args=[2015]))
    page = response.content.decode()
    assert response.status_code == 403 and "Not allowed" in page and 'class="navbar' in page


def test_the_500_page_renders_without_the_request(db):
    with translation.override("en"):
        page = render_to_string("500.html")
    assert "Server error" in page and 'class="navbar' in page
