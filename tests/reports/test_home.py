"""The defaults that never mislead: home, dashboard and API show the latest closed season, a year
in progress only when asked for, and then marked with its reporting rate; the home page per role."""

import pytest
from django.urls import reverse

from assessments.season import set_year_lock, submit
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def seasons(committee_a, committee_b, province_staff):
    """2015 complete and locked (closed); 2016 opened with one unit of five entered (in progress)."""
    for code, level in [("A-001", "TSVM"), ("A-002", "HTTNV"), ("A-001-01", "TSVM"), ("A-001-02", "HTNV")]:
        b.rate(b.unit(code), 2015, level)
    b.rate(b.unit("B-001"), 2015, "TSVM")
    set_year_lock(user=province_staff, year=2015, locked=True)
    b.rate(b.unit("A-002"), 2016, "TSVM")


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("who", ["staff", "leader", "province_staff"])
def test_a_partial_year_never_becomes_the_default_of_home_dashboard_or_api(client, seasons, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reports:home")).context["report"].year == 2015
    assert client.get(reverse("reports:dashboard-latest")).url.endswith("/dashboard/2015/")
    assert client.get(reverse("reports:api-report-latest")).json()["year"] == 2015


def test_the_api_gives_each_year_its_season(client, seasons, leader):
    client.force_login(leader)
    assert client.get(reverse("reports:api-report", args=[2015])).json()["season"] == {
        "state": "closed",
        "reported": 5,
        "total": 5,
    }
    assert client.get(reverse("reports:api-report", args=[2016])).json()["season"] == {
        "state": "open",
        "reported": 1,
        "total": 5,
    }


def test_a_year_in_progress_is_marked_with_its_reporting_rate(client, seasons, leader):
    page = english(client, leader).get(reverse("reports:dashboard", args=[2016])).content.decode()
    assert 'id="year-in-progress"' in page and "1 of 5 units reported" in page
    closed = client.get(reverse("reports:dashboard", args=[2015])).content.decode()
    assert 'id="year-in-progress"' not in closed


def test_the_trend_chart_draws_the_year_in_progress_apart(client, seasons, leader):
    response = english(client, leader).get(reverse("reports:dashboard", args=[2015]))
    page = response.content.decode()
    assert [r.year for r in response.context["partial_years"]] == [2016]
    assert 'class="series partial series-base"' in page and 'stroke-dasharray="6 4"' in page
    assert "2016 is still in progress (1 of 5 units reported)" in page


def test_the_clerk_sees_the_work_left_in_the_open_season(client, seasons, staff):
    page = english(client, staff).get(reverse("reports:home")).content.decode()
    assert "Rating season 2016: what is left to do" in page
    assert "3 units still to rate" in page  # A has four units, one entered
    assert reverse("assessments:rating-grid", args=[2016]) + "?committee=A" in page


def test_provincial_staff_see_who_has_not_submitted_and_who_awaits_approval(
    client, seasons, staff, province_staff
):
    submit(user=staff, committee=staff.committee, year=2016)
    response = english(client, province_staff).get(reverse("reports:home"))
    page = response.content.decode()
    assert "1 committee has not submitted" in page and "1 committee awaits approval" in page
    assert [c.code for c in response.context["work"]["awaiting"]] == ["A"]


def test_the_leader_sees_the_latest_closed_season_only(client, seasons, leader):
    response = english(client, leader).get(reverse("reports:home"))
    assert response.context["work"] is None and response.context["report"].year == 2015


def test_without_any_closed_season_the_home_page_says_the_year_is_in_progress(client, committee_a, leader):
    b.rate(b.unit("A-002"), 2016, "TSVM")
    page = english(client, leader).get(reverse("reports:home")).content.decode()
    assert "No season is closed yet: 2016 is still in progress, 1 of 4 units reported" in page


def test_a_clerk_whose_committee_has_nothing_to_rate_is_told_so(client, seasons):
    empty = b.staff_of(b.committee("Z"), "staff-z")
    page = english(client, empty).get(reverse("reports:home")).content.decode()
    assert "Your committee has no unit to rate in 2016." in page
