"""A unit's history page: read only, scoped, with old → new of every change."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.season import approve, submit
from assessments.services import RatingChange, save_ratings
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def season_2015(db):
    """The season these tests write in, opened (nothing is entered before provincial staff open it)."""
    return b.season(2015)


@pytest.fixture
def unit(committee_a):
    return b.unit("A-001")


def history(client, code="A-001"):
    return client.get(reverse("assessments:unit-history", args=[code]))


def rate(user, unit, code, **extra):
    change = RatingChange(unit=unit, level=b.level(2015, code), **extra)
    save_ratings(user=user, committee=unit.committee, year=2015, changes=[change])


def test_it_lists_a_change_with_old_and_new_values(client, staff, unit):
    rate(staff, unit, "TSVM")
    rate(staff, unit, "HTNV", decision_number="12-QĐ/HU")
    client.force_login(staff)
    response = history(client)
    assert response.status_code == 200
    page = response.content.decode()
    assert "TSVM → HTNV" in page
    assert "Số quyết định: — → 12-QĐ/HU" in page
    assert "Trần Thị Bình" in page and "Biểu mẫu" in page
    actions = [entry.action for entry, _, _ in response.context["entries"]]
    assert actions == ["rating.update", "rating.create"]  # newest first


def test_it_escapes_what_was_entered(client, staff, unit):
    rate(staff, unit, "TSVM", note="<script>alert(1)</script>")
    client.force_login(staff)
    page = history(client).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_it_is_read_only(client, staff, unit):
    rate(staff, unit, "TSVM")
    client.force_login(staff)
    page = history(client).content.decode()
    # The page itself (the footer's language switch posts, as on every page).
    assert 'method="post"' not in page.split('id="main"')[1].split("</main>")[0]
    assert client.post(reverse("assessments:unit-history", args=["A-001"])).status_code == 405


def test_it_rejects_other_committee_units_for_committee_staff(client, staff, committee_b):
    rate(None, b.unit("B-001"), "TSVM")
    client.force_login(staff)
    assert history(client, "B-001").status_code == 404


def test_the_leader_sees_every_unit(client, staff, leader, unit):
    rate(staff, unit, "TSVM")
    client.force_login(leader)
    assert "TSVM" in history(client).content.decode()


def test_it_shows_who_approved_and_when(client, staff, province_staff, unit, committee_a):
    rate(staff, unit, "TSVM")
    submit(user=staff, committee=committee_a, year=2015)
    submission = approve(user=province_staff, committee=committee_a, year=2015)
    client.force_login(staff)
    response = history(client)
    page = response.content.decode()
    assert "Nguyễn Văn An" in page
    assert timezone.localtime(submission.approved_at).strftime("%d/%m/%Y %H:%M") in page
    actions = [entry.action for entry, _, _ in response.context["entries"]]
    assert actions[:2] == ["submission.approved", "submission.submitted"]
    assert [(r.year, s.approved_by) for r, s in response.context["ratings"]] == [(2015, province_staff)]


def test_the_committee_history_lists_its_workflow(client, staff, province_staff, unit, committee_a):
    rate(staff, unit, "TSVM")
    submit(user=staff, committee=committee_a, year=2015)
    client.force_login(province_staff)
    response = history(client, "A")
    assert [entry.action for entry, _, _ in response.context["entries"]] == ["submission.submitted"]
