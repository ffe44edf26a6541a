"""The season pages: submit, approve, return with a reason; lock and unlock years."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import seasons
from assessments.models import AuditEntry, Rating, RatingYear, Status, Submission
from assessments.season import approve, set_year_lock, submit
from assessments.services import RatingChange, save_ratings
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(committee_a):
    """Committee A with every unit rated in 2015 (tests/conftest.py names the tree and the users)."""
    for code, level in (("A-001", "TSVM"), ("A-001-01", "HTNV"), ("A-001-02", "HTTNV"), ("A-002", "HTTNV")):
        b.rate(b.unit(code), 2015, level)
    return committee_a


@pytest.fixture
def other(committee_b):
    b.rate(b.unit("B-001"), 2015, "TSVM")
    return committee_b


CONFIRMED = {"confirmed": "yes"}


def url(name, year=2015, committee=None):
    path = reverse(name, args=[year])
    return f"{path}?committee={committee}" if committee else path


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def status_of(committee, year=2015):
    submission = Submission.objects.filter(committee=committee, year=year).first()
    return submission.status if submission else Status.DRAFT


def test_submit_approve_and_return_are_audited_and_shown_on_the_status_page(
    client, staff, province_staff, committee
):
    client.force_login(staff)
    response = client.post(url("assessments:submit"))
    assert response.status_code == 302 and response.url == url("assessments:rating-grid", committee="A")
    assert status_of(committee) == Status.SUBMITTED

    client.force_login(province_staff)
    page = html(client.get(url("assessments:season-status")))
    assert "Đã gửi" in page or "Chờ duyệt" in page
    assert client.post(url("assessments:approve", committee="A"), CONFIRMED).status_code == 302
    assert status_of(committee) == Status.APPROVED
    page = html(client.get(url("assessments:season-status")))
    assert "Nguyễn Văn An" in page  # who approved

    response = client.post(
        url("assessments:return", committee="A"), {"reason": "Thiếu số quyết định"}, follow=True
    )
    assert "Thiếu số quyết định" in html(response)
    assert status_of(committee) == Status.DRAFT
    page = html(client.get(url("assessments:season-status")))
    assert "Thiếu số quyết định" in page
    entries = AuditEntry.objects.filter(action__startswith="submission.").order_by("pk")
    assert [(e.action, e.user.username) for e in entries] == [
        ("submission.submitted", staff.username),
        ("submission.approved", province_staff.username),
        ("submission.draft", province_staff.username),
    ]
    assert entries.last().reason == "Thiếu số quyết định"


def test_the_status_page_counts_units_and_shows_buttons_only_on_submitted_committees(
    client, province_staff, committee, other, staff
):
    submit(user=staff, committee=committee, year=2015)
    client.force_login(province_staff)
    response = client.get(url("assessments:season-status"))
    rows = {c.code: (c.rated, c.to_rate, s.status) for c, s in response.context["rows"]}
    assert rows == {"A": (4, 4, Status.SUBMITTED), "B": (1, 1, Status.DRAFT)}
    page = html(response)
    assert page.count(reverse("assessments:approve", args=[2015])) == 1
    assert f"{reverse('assessments:rating-grid', args=[2015])}?committee=B" in page
    assert f"{reverse('assessments:member-grid', args=[2015])}?committee=A" in page


def test_approving_from_the_status_page_comes_back_to_it(client, province_staff, committee, staff):
    submit(user=staff, committee=committee, year=2015)
    client.force_login(province_staff)
    back = url("assessments:season-status")
    response = client.post(url("assessments:approve", committee="A"), {"next": back} | CONFIRMED)
    assert response.url == back
    response = client.post(
        url("assessments:approve", committee="A"), {"next": "https://evil.example/"} | CONFIRMED
    )
    assert response.url == url("assessments:rating-grid", committee="A")


def test_committee_staff_see_only_their_own_committee(client, staff, other):
    client.force_login(staff)
    response = client.get(url("assessments:season-status"))
    assert [c.code for c, _ in response.context["rows"]] == ["A"]
    page = html(response)
    assert other.name not in page
    assert reverse("assessments:approve", args=[2015]) not in page  # no approve buttons for them


def test_it_refuses_approval_by_committee_staff(client, staff, committee):
    submit(user=staff, committee=committee, year=2015)
    client.force_login(staff)
    assert client.post(url("assessments:approve")).status_code == 403
    assert client.post(url("assessments:return"), {"reason": "x"}).status_code == 403
    assert status_of(committee) == Status.SUBMITTED


def test_it_refuses_approval_by_the_leader(client, leader, staff, committee):
    submit(user=staff, committee=committee, year=2015)
    client.force_login(leader)
    assert client.post(url("assessments:approve", committee="A")).status_code == 403
    assert status_of(committee) == Status.SUBMITTED


def test_it_rejects_other_committee(client, staff, other):
    client.force_login(staff)
    assert client.post(url("assessments:submit", committee="B")).status_code == 404
    assert status_of(other) == Status.DRAFT
    assert not AuditEntry.objects.filter(action__startswith="submission.").exists()


def test_provincial_staff_must_name_the_committee(client, province_staff, committee):
    client.force_login(province_staff)
    assert client.post(url("assessments:approve")).status_code == 404
    assert client.post(url("assessments:approve", committee="NOPE")).status_code == 404


def test_the_actions_take_post_only(client, staff):
    client.force_login(staff)
    assert client.get(url("assessments:submit")).status_code == 405


def test_it_refuses_a_return_without_reason_in_vietnamese(client, province_staff, committee, staff):
    submit(user=staff, committee=committee, year=2015)
    client.force_login(province_staff)
    response = client.post(url("assessments:return", committee="A"), {"reason": "   "}, follow=True)
    assert "Phải ghi rõ lý do trả lại" in html(response)
    assert status_of(committee) == Status.SUBMITTED
    assert not AuditEntry.objects.filter(action="submission.draft").exists()


def test_a_refused_transition_is_an_error_message(client, province_staff, committee):
    client.force_login(province_staff)
    response = client.post(url("assessments:approve", committee="A"), CONFIRMED, follow=True)
    assert "Chỉ phê duyệt được kết quả đã gửi duyệt" in html(response)
    assert status_of(committee) == Status.DRAFT


def test_lock_and_unlock_with_a_reason_from_the_years_page(client, province_staff, committee):
    client.force_login(province_staff)
    page = html(client.get(reverse("assessments:years")))
    assert reverse("assessments:lock-year", args=[2015]) in page
    response = client.post(reverse("assessments:lock-year", args=[2015]), CONFIRMED, follow=True)
    assert "Năm 2015 đã khóa" in html(response)
    year = RatingYear.objects.get(year=2015)
    assert (year.is_locked, year.locked_by) == (True, province_staff)
    page = html(client.get(reverse("assessments:years")))
    assert "Nguyễn Văn An" in page and reverse("assessments:unlock-year", args=[2015]) in page

    response = client.post(reverse("assessments:unlock-year", args=[2015]), {"reason": ""}, follow=True)
    assert "Mở khóa một năm phải ghi rõ lý do" in html(response)
    assert RatingYear.objects.get(year=2015).is_locked

    client.post(reverse("assessments:unlock-year", args=[2015]), {"reason": "Sửa sai sót theo Công văn 12"})
    assert not RatingYear.objects.get(year=2015).is_locked
    unlock = AuditEntry.objects.get(action="year.unlock")
    assert (unlock.user, unlock.reason) == (province_staff, "Sửa sai sót theo Công văn 12")


def test_the_years_page_lists_every_year_from_the_first_rated_to_the_working_season(
    client, leader, committee
):
    client.force_login(leader)
    response = client.get(reverse("assessments:years"))
    years = [row[0] for row in response.context["rows"]]
    assert years == list(range(seasons.calendar_year(), 2014, -1))  # no gap between 2015 and now
    assert reverse("assessments:lock-year", args=[2015]) not in html(response)  # the leader reads only
    assert client.post(reverse("assessments:lock-year", args=[2015])).status_code == 403


def test_the_years_page_counts_the_units_reported_as_the_season_status_does(
    client, leader, staff, committee_a
):
    """A row only self-assessed is not reported: the years page counted every rating row."""
    b.season(2015)
    change = RatingChange(unit=b.unit("A-002"), level=None, self_level=b.level(2015, "TSVM"), decided=False)
    save_ratings(user=staff, committee=committee_a, year=2015, changes=[change])
    b.rate(b.unit("A-001-01"), 2015, "TSVM")
    client.force_login(leader)
    rows = {row[0]: row[1] for row in client.get(reverse("assessments:years")).context["rows"]}
    assert rows[2015] == seasons.reporting(2015).reported == 1


def test_committee_staff_do_not_see_the_years_page(client, staff):
    client.force_login(staff)
    assert client.get(reverse("assessments:years")).status_code == 404
    assert client.post(reverse("assessments:lock-year", args=[2015])).status_code == 403
    assert not RatingYear.objects.exists()


def test_after_lock_the_rating_grid_refuses_to_save(client, province_staff, staff, committee):
    set_year_lock(user=province_staff, year=2015, locked=True)
    client.force_login(staff)
    page = client.get(url("assessments:rating-grid"))
    assert "Năm 2015 đã khóa" in html(page)
    unit = committee.scoped_units.get(code="A-001")
    rows = dict(page.context["rows"])
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-unit": str(unit.pk)}
    data |= {
        "form-0-version": str(rows[unit].initial["version"]),
        "form-0-level": str(b.level(2015, "HTNV").pk),
    }
    response = client.post(url("assessments:rating-grid"), data)
    assert response.status_code == 400
    assert "Năm 2015 đã khóa" in response.content.decode()
    assert Rating.objects.get(unit=unit, year=2015).level.code == "TSVM"


def test_after_lock_the_member_grid_is_read_only(client, province_staff, staff, committee):
    set_year_lock(user=province_staff, year=2015, locked=True)
    client.force_login(staff)
    page = html(client.get(url("assessments:member-grid")))
    assert "Năm 2015 đã khóa" in page
    assert 'id="save-grid"' not in page and "disabled" in page


@pytest.mark.usefixtures("no_report_cache")
def test_the_status_page_takes_the_same_queries_for_2_and_5_committees(client, province_staff, staff):
    client.force_login(province_staff)

    def count():
        client.get(url("assessments:season-status"))  # warm: the session's clock, the working year
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("assessments:season-status")).status_code == 200
        return len(ctx.captured_queries)

    b.committee_with("C", 2015, base_levels=["TSVM"], cell_levels=["HTNV"])
    submit(user=staff, committee=staff.committee, year=2015)
    approve(user=province_staff, committee=staff.committee, year=2015)
    two = count()
    for code in ("D", "E", "F"):
        submit(
            user=province_staff,
            committee=b.committee_with(code, 2015, base_levels=["HTNV", "TSVM"]),
            year=2015,
        )
    assert count() == two


# The season's steps: open, confirmations with the numbers, withdraw ---------------------------------


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_submitting_with_units_left_names_how_many_and_asks_again(client, staff, committee_a):
    b.rate(b.unit("A-002"), 2015, "TSVM")  # 1 of 4 units entered
    client.force_login(staff)
    page = html(english(client).post(url("assessments:submit", committee="A")))
    assert "3 units have no rating yet." in page and 'name="confirmed" value="yes"' in page
    assert status_of(committee_a) == Status.DRAFT  # nothing submitted yet
    response = client.post(url("assessments:submit", committee="A"), CONFIRMED)
    assert response.status_code == 302 and status_of(committee_a) == Status.SUBMITTED


def test_approving_first_shows_the_committees_completeness(client, staff, province_staff, committee):
    submit(user=staff, committee=committee, year=2015)
    client.force_login(province_staff)
    page = html(english(client).post(url("assessments:approve", committee="A")))
    assert "Units rated: 4 of 4" in page and "count as final" in page
    assert status_of(committee) == Status.SUBMITTED


def test_locking_lists_the_committees_not_approved_and_asks_again(client, province_staff, committee, other):
    client.force_login(province_staff)
    response = english(client).post(reverse("assessments:lock-year", args=[2015]))
    assert [c.code for c in response.context["not_approved"]] == ["A", "B"]
    assert "2 committees are not approved yet" in html(response)
    assert not RatingYear.objects.get(year=2015).is_locked


def test_committee_staff_withdraw_from_the_status_page(client, staff, committee):
    submit(user=staff, committee=committee, year=2015)
    client.force_login(staff)
    page = html(client.get(url("assessments:season-status")))
    assert reverse("assessments:withdraw", args=[2015]) in page
    response = english(client).post(url("assessments:withdraw", committee="A"), follow=True)
    assert "was withdrawn: the ratings are a draft again" in html(response)
    assert status_of(committee) == Status.DRAFT
    assert AuditEntry.objects.filter(action="submission.withdrawn").count() == 1


def test_provincial_staff_open_a_season_from_its_page(client, province_staff, committee_a):
    client.force_login(province_staff)
    page = html(english(client).get(reverse("assessments:open-season", args=[2016])))
    assert "Open the season 2016" in page and "Hướng dẫn" in page  # the scheme by its name
    response = client.post(reverse("assessments:open-season", args=[2016]), {"deadline": "2017-01-31"})
    assert response.status_code == 302
    season = RatingYear.objects.get(year=2016)
    assert (season.opened_by, season.deadline.isoformat()) == (province_staff, "2017-01-31")


def test_a_year_with_no_target_says_so(client, province_staff, committee_a):
    client.force_login(province_staff)
    page = html(english(client).get(reverse("assessments:open-season", args=[2026])))
    assert "No resolution target applies to 2026" in page


def test_the_grid_of_a_season_not_opened_is_read_only_and_says_who_opens_it(client, staff, committee_a):
    client.force_login(staff)
    page = html(english(client).get(url("assessments:rating-grid", year=2016)))
    assert "the provincial organizing committee opens it" in page


def test_the_status_page_names_people_not_usernames(client, staff, province_staff, committee):
    submit(user=staff, committee=committee, year=2015)
    client.force_login(province_staff)
    page = html(client.get(url("assessments:season-status")))
    assert "Trần Thị Bình" in page and ">staff-a<" not in page


def test_the_committee_history_shows_its_season(client, staff, province_staff, committee):
    submit(user=staff, committee=committee, year=2015)
    client.force_login(staff)
    client.post(url("assessments:withdraw", committee="A"))
    set_year_lock(user=province_staff, year=2015, locked=True)
    response = client.get(reverse("assessments:unit-history", args=["A"]))
    actions = [entry.action for entry, _, _ in response.context["entries"]]
    assert {"submission.submitted", "submission.withdrawn", "year.lock"} <= set(actions)


def test_a_season_opens_without_a_deadline_too(client, province_staff, committee_a):
    client.force_login(province_staff)
    assert client.post(reverse("assessments:open-season", args=[2016])).status_code == 302
    assert RatingYear.objects.get(year=2016).is_opened


def test_a_submitted_grid_offers_its_committee_staff_to_withdraw_and_names_who_submitted(
    client, staff, committee_a
):
    from assessments import season as season_service
    from tests import builders

    builders.season(2019)
    staff.first_name, staff.last_name = "Nguyễn Văn", "A"
    staff.save()
    season_service.submit(user=staff, committee=committee_a, year=2019)
    client.force_login(staff)
    page = client.get(reverse("assessments:rating-grid", args=[2019])).content.decode()
    assert 'id="withdraw-ratings"' in page
    assert "Nguyễn Văn A" in page


def test_a_future_year_is_never_offered_to_open(client, province_staff, committee_a):
    """What the pages offer is what open_season accepts: next year is listed (it has a season
    row) but offered nowhere, and its open page says why instead of showing a doomed button."""
    future = timezone.localdate().year + 1
    RatingYear.objects.create(year=future)
    open_url = reverse("assessments:open-season", args=[future])
    client.force_login(province_staff)
    assert f'data-year="{future}"' in html(client.get(reverse("assessments:years")))
    assert open_url not in html(client.get(url("assessments:season-status", year=future)))
    response = english(client).get(open_url, follow=True)
    assert "is in the future" in html(response) and 'id="open-season"' not in html(response)
    assert not RatingYear.objects.get(year=future).is_opened
