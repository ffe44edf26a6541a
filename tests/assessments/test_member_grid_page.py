"""The member statistics grid page as rendered: labels, warnings, read-only state, conflicts."""

import re

import pytest
from django.urls import reverse

from assessments.models import MEMBER_COUNT_MAX, MemberStats
from assessments.season import set_year_lock
from assessments.services import MemberChange, save_member_stats
from tests import builders as b
from tests.assessments.grid_page import accessible_name, posted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def open_season(db):
    b.season(2019)


def url(year=2019):
    return reverse("assessments:member-grid", args=[year])


def rendered_form(page: str) -> dict:
    """What the browser would post back: every enabled input of the grid form with its value."""
    return posted(page, "member-grid")


def test_each_input_is_named_by_its_unit_and_field(client, staff):
    client.force_login(staff)
    page = client.get(url()).content.decode()
    name = accessible_name(page, "member-grid", "form-0-good")
    assert name.startswith("Đảng bộ A-001 ") and name.lower().endswith("hoàn thành tốt nhiệm vụ")
    assert page.count('type="submit" class="btn btn-primary" id="save-grid"') == 1


def test_counts_are_text_inputs_for_numbers_without_browser_checks(client, staff):
    client.force_login(staff)
    page = client.get(url()).content.decode()
    assert 'type="number"' not in page and " min=" not in page and " max=" not in page
    assert re.search(r'<input name="form-0-member_count" inputmode="numeric"', page)


def test_a_count_with_a_thousands_dot_is_read_as_thousands(client, staff):
    client.force_login(staff)
    data = rendered_form(client.get(url()).content.decode())
    data |= {"form-0-member_count": "1.234", "form-0-good": "1 000"}
    assert client.post(url(), data).status_code == 302
    stored = MemberStats.objects.get()
    assert (stored.member_count, stored.good) == (1234, 1000)


@pytest.mark.parametrize("value", ["1,5", "1.5", "12.0", "1.2345"])
def test_a_count_that_is_not_whole_is_refused_with_the_sites_message(client, staff, value):
    client.force_login(staff)
    data = rendered_form(client.get(url()).content.decode())
    response = client.post(url(), {**data, "form-0-member_count": value})
    assert response.status_code == 400
    assert "1.234" in response.content.decode()  # our message gives the example, in the page's language


def test_the_excellent_cap_is_shown_beside_the_row_as_a_warning(client, staff):
    b.member_stats(b.unit("A-001"), 2019, members=20, excellent=5, good=10, completed=5)
    client.force_login(staff)
    page = client.get(url()).content.decode()
    warning = page[page.index("member-warning") :][:400]
    assert "Cảnh báo" in warning and "5" in warning


def test_a_locked_year_shows_disabled_inputs_and_no_save_button(client, staff, province_staff):
    set_year_lock(user=province_staff, year=2019, locked=True)
    client.force_login(staff)
    page = client.get(url()).content.decode()
    assert "Năm 2019 đã khóa" in page and 'id="save-grid"' not in page
    assert re.search(r'name="form-0-member_count"[^>]*disabled', page)


def test_after_a_conflict_saving_again_keeps_the_editors_values(client, staff, province_staff, committee_a):
    unit = b.unit("A-001")
    b.member_stats(unit, 2019, members=20, good=10)
    client.force_login(staff)
    data = rendered_form(client.get(url()).content.decode())
    mine = {**data, "form-0-member_count": "25", "form-0-good": "12"}
    change = MemberChange(unit=unit, values={"member_count": 30, "good": 20}, expected_version=1)
    save_member_stats(user=province_staff, committee=committee_a, year=2019, changes=[change])

    response = client.post(url(), mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="conflict-' in page and "30" in page[page.index('id="conflict-') :][:600]
    again = rendered_form(page)
    assert again["form-0-member_count"] == "25"
    assert client.post(url(), again).status_code == 302
    stored = MemberStats.objects.get(unit=unit, year=2019)
    assert (stored.member_count, stored.good, stored.version) == (25, 12, 3)


@pytest.mark.parametrize("value", ["9223372036854775807", "100001", "①", "²"])
def test_a_count_beyond_any_grassroots_organization_or_not_a_number_is_refused(client, staff, value):
    client.force_login(staff)
    data = rendered_form(client.get(url()).content.decode())
    response = client.post(url(), {**data, "form-0-member_count": value})
    assert response.status_code == 400
    assert not MemberStats.objects.exists()


def test_the_largest_plausible_count_is_accepted(client, staff):
    client.force_login(staff)
    data = rendered_form(client.get(url()).content.decode())
    assert client.post(url(), {**data, "form-0-member_count": str(MEMBER_COUNT_MAX)}).status_code == 302
    assert MemberStats.objects.get().member_count == MEMBER_COUNT_MAX
