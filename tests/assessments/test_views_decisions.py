"""Cancelling a decided rating from the unit's history: the page names what is cancelled, a reason
is required, the service audits it; a locked year or a submitted committee-year is refused."""

import pytest
from django.urls import reverse

from assessments.models import AuditEntry, Rating
from assessments.season import submit
from tests import builders as b

pytestmark = pytest.mark.django_db

YEAR = 2015


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def decided(committee_a):
    return b.rate(b.unit("A-001"), YEAR, "TSVM", decision_number="12-QĐ/HU")


def cancel_url(code="A-001"):
    return reverse("assessments:cancel-decision", args=[YEAR, code])


def history_url(code="A-001"):
    return reverse("assessments:unit-history", args=[code])


def test_the_page_names_the_unit_the_year_and_the_level_cancelled(client, staff, decided):
    client.force_login(staff)
    html = client.get(cancel_url()).content.decode()
    assert "Đảng bộ A-001" in html and "2015" in html and "2.015" not in html
    assert "(TSVM)" in html and "12-QĐ/HU" in html and 'name="reason"' in html


def test_a_reason_cancels_the_decision_audited_and_back_to_the_history(client, staff, decided):
    client.force_login(staff)
    response = client.post(cancel_url(), {"reason": "Chấm lại theo kết quả thẩm định"})
    assert response.status_code == 302 and response["Location"] == history_url()
    assert not Rating.objects.filter(unit__code="A-001", year=YEAR).exists()  # no first steps: gone
    entry = AuditEntry.objects.get(action="rating.cancel")
    assert entry.reason == "Chấm lại theo kết quả thẩm định" and entry.user == staff
    assert "was cancelled" in client.get(response["Location"]).content.decode()


def test_without_a_reason_nothing_is_cancelled_and_the_page_says_so(client, staff, decided):
    client.force_login(staff)
    response = client.post(cancel_url(), {"reason": "   "})
    assert response.status_code == 200
    assert "Write the reason for cancelling the decision." in response.content.decode()
    assert Rating.objects.get(unit__code="A-001", year=YEAR).level.code == "TSVM"
    assert not AuditEntry.objects.filter(action="rating.cancel").exists()


def test_a_locked_year_is_refused_with_no_form(client, province_staff, decided):
    b.season(YEAR, locked=True)
    client.force_login(province_staff)
    page = client.get(cancel_url()).content.decode()
    assert "is locked" in page and 'name="reason"' not in page
    client.post(cancel_url(), {"reason": "Sai"})
    assert Rating.objects.get(unit__code="A-001", year=YEAR).level.code == "TSVM"
    assert "cancel-decision" not in client.get(history_url()).content.decode()


def test_committee_staff_are_refused_once_their_ratings_are_submitted(client, staff, decided):
    submit(user=staff, committee=decided.committee, year=YEAR)
    client.force_login(staff)
    client.post(cancel_url(), {"reason": "Sai"})
    assert Rating.objects.get(unit__code="A-001", year=YEAR).is_decided


def test_a_leader_is_refused_and_offered_no_link(client, leader, decided):
    client.force_login(leader)
    assert client.get(cancel_url()).status_code == 403
    assert "cancel-decision" not in client.get(history_url()).content.decode()


def test_a_rating_without_a_decision_is_not_found_and_another_committee_gets_a_404(
    client, staff, other_staff, decided
):
    client.force_login(staff)
    assert client.get(cancel_url("A-002")).status_code == 404  # no rating of 2015
    client.force_login(other_staff)
    assert client.get(cancel_url()).status_code == 404


def test_the_history_offers_the_link_on_a_decided_rating(client, staff, decided):
    client.force_login(staff)
    html = client.get(history_url()).content.decode()
    assert f'href="{cancel_url()}"' in html
