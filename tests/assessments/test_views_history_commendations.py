"""A unit's history lists its commendations "TSVM tiêu biểu" with their decision, says "five
years running" where the unit was commended in each of the five years up to it, and shows each
grant and withdrawal old → new."""

import pytest
from django.urls import reverse

from assessments import commendations
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(committee_a):
    return b.unit("A-001")


def page(client, user, code="A-001"):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse("assessments:unit-history", args=[code])).content.decode()


def commend(user, unit, year, number="05-QĐ/HU"):
    rating = b.rate(unit, year, "HTXSNV")
    return commendations.commend(user=user, rating=rating, decision_number=number)


def row(html, year):
    return html.split(f'data-year="{year}"')[1].split("</tr>")[0]


def test_each_commended_year_shows_the_commendation_and_its_decision(client, province_staff, unit):
    commend(province_staff, unit, 2019)
    b.rate(unit, 2020, "HTXSNV")
    html = page(client, province_staff)
    assert "Commended “TSVM tiêu biểu”: 05-QĐ/HU" in row(html, 2019)
    assert "TSVM tiêu biểu" not in row(html, 2020)


def test_five_years_running_is_shown_from_the_fifth_year(client, province_staff, unit):
    for year in range(2018, 2023):
        commend(province_staff, unit, year)
    html = page(client, province_staff)
    assert "five years running" in row(html, 2022)
    assert "five years running" not in row(html, 2021)


def test_a_grant_changed_then_withdrawn_is_in_the_changes(client, province_staff, unit):
    commendation = commend(province_staff, unit, 2019)
    commend(province_staff, unit, 2019, number="07-QĐ/HU")
    commendations.withdraw_commendation(user=province_staff, rating=commendation.rating, reason="Nhầm")
    html = page(client, province_staff)
    assert "Commendation “TSVM tiêu biểu” withdrawn" in html
    assert "05-QĐ/HU → 07-QĐ/HU" in html
    assert "Commendation: — → TSVM tiêu biểu" in html
