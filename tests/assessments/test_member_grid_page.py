"""The member statistics grid page as rendered: labels, warnings, read-only state, conflicts."""

import re

import pytest
from django.urls import reverse

from assessments.models import MEMBER_COUNT_MAX, MemberStats
from assessments.season import set_year_lock
from assessments.services import MemberChange, save_member_stats
from tests import builders as b

pytestmark = pytest.mark.django_db


def url(year=2019):
    return reverse("assessments:member-grid", args=[year])


def rendered_form(page: str) -> dict:
    """What the browser would post back: every enabled input of the grid form with its value."""
    form = page[page.index('id="member-grid"') :]
    return dict(re.findall(r'<input type="(?:hidden|number)" name="(form-[^"]+)" value="([^"]*)"', form)) | {
        name: "" for name in re.findall(r'<input type="number" name="(form-[^"]+)"(?! value)', form)
    }


def test_each_input_is_labelled_with_its_unit_and_field(client, staff):
    client.force_login(staff)
    page = client.get(url()).content.decode()
    assert (
        '<label class="visually-hidden" for="id_form-0-good">Đảng bộ A-001: hoàn thành tốt nhiệm vụ</label>'
        in page
    )
    assert page.count('type="submit" class="btn btn-primary" id="save-grid"') == 1


def test_the_excellent_cap_is_shown_beside_the_row_as_a_warning(client, staff):
    b.member_stats(b.unit("A-001"), 2019, members=20, excellent=5, good=10, completed=5)
    client.force_login(staff)
    page = client.get(url()).content.decode()
    warning = page[page.index('class="small text-warning-emphasis member-warning"') :][:400]
    assert "Cảnh báo" in warning and "5" in warning and "10" in warning


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
