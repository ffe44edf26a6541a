"""The reorganization pages: each operation previews (nothing written), then runs on confirm;
refusals are shown with nothing written; provincial staff only, except committee staff founding a
subordinate cell under their own grassroots organization."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import AuditEntry, Channel, Submission
from assessments.season import set_year_lock
from organizations.history import Lineage, Reorganization
from organizations.models import Kind, PlaceType, Tier, Unit
from tests import builders as b

pytestmark = pytest.mark.django_db
D = datetime.date
DECISION = {"on": "1/7/2025", "decision_number": "12-QĐ/TU", "decision_date": "20/6/2025", "note": ""}


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def written() -> tuple:
    return (
        Reorganization.objects.count(),
        AuditEntry.objects.count(),
        sorted(Unit.objects.values_list("code", "name", "parent__code", "dissolved")),
    )


def preview_then_confirm(client, url, data):
    """POST (the preview: nothing written), then confirm with the preview's digest."""
    before = written()
    preview = client.post(url, data)
    assert preview.status_code == 200, preview.content.decode()[:2000]
    assert preview.context["lines"], (preview.context["refused"], preview.context["form"].errors)
    assert written() == before
    confirmed = client.post(url, {**data, "confirm": "1", "digest": preview.context["digest"]})
    assert confirmed.status_code == 302
    return preview, confirmed


@pytest.fixture
def provincial(client, province_staff, committee_a, committee_b):
    return b.login(client, province_staff)


def test_merge_previews_its_lines_then_confirms_and_shows_the_timeline(provincial):
    url = reverse("organizations:merge")
    data = {**DECISION, "unit_codes": "A-001-01", "into": "A-001-02"}
    preview, confirmed = preview_then_confirm(provincial, url, data)
    assert any("merges into Chi bộ A-001-02" in line for line in preview.context["lines"])
    assert confirmed["Location"] == reverse("organizations:timeline", args=["A-001-02"])
    assert b.unit("A-001-01").dissolved == D(2025, 6, 30)
    assert AuditEntry.objects.filter(unit__code="A-001-01", channel=Channel.FORM).exists()
    timeline = provincial.get(confirmed["Location"]).content.decode()
    assert "Chi bộ A-001-01 merges into" in timeline  # the success message
    assert "Chi bộ A-001-01 merged into it." in timeline and "12-QĐ/TU" in timeline


def test_merge_into_a_new_unit(provincial):
    data = {
        **DECISION,
        "unit_codes": "A-001 B-001",
        "new_code": "XA1",
        "new_name": "Đảng bộ xã Mới",
        "new_kind": Kind.GRASSROOTS_COMMITTEE,
        "new_parent": "TINH",
        "new_place_type": PlaceType.COMMUNE,
    }
    _preview, confirmed = preview_then_confirm(provincial, reverse("organizations:merge"), data)
    assert confirmed["Location"] == reverse("organizations:timeline", args=["XA1"])
    assert b.unit("A-001-01").parent.code == "XA1"


def test_found(provincial):
    data = {**DECISION, "code": "A-003", "name": "Chi bộ Trường học", "kind": Kind.GRASSROOTS_CELL}
    data.update(parent="A", place_type=PlaceType.SCHOOL)
    preview, _confirmed = preview_then_confirm(provincial, reverse("organizations:found"), data)
    assert "Chi bộ Trường học is founded under Huyện ủy Alpha from 01/07/2025." in preview.context["lines"]
    assert b.unit("A-003").tier == Tier.BASE and b.unit("A-003").founded == D(2025, 7, 1)


def test_rename(provincial):
    data = {**DECISION, "unit_code": "a-001", "name": "Đảng bộ xã Đăk La"}
    preview_then_confirm(provincial, reverse("organizations:rename"), data)
    assert b.unit("A-001").name == "Đảng bộ xã Đăk La"


def test_move_tells_where_the_ratings_stay_counted(provincial):
    b.rate(b.unit("A-001-01"), 2024, "HTTNV")
    data = {**DECISION, "unit_codes": "A-001-01\nA-001-02", "parent": "B-001"}
    preview, _confirmed = preview_then_confirm(provincial, reverse("organizations:move"), data)
    assert any(
        "their 2024 ratings stay counted under Huyện ủy Alpha" in line for line in preview.context["lines"]
    )
    assert b.unit("A-001-02").committee.code == "B"


def test_split(provincial):
    data = {**DECISION, "unit_code": "A-002", "successors": "A-003 Chi bộ Một\nA-004 Chi bộ Hai", "heir": "2"}
    _preview, confirmed = preview_then_confirm(provincial, reverse("organizations:split"), data)
    assert confirmed["Location"] == reverse("organizations:timeline", args=["A-004"])
    assert Lineage.objects.get(predecessor__code="A-002", carries_history=True).successor.code == "A-004"


def test_dissolve(provincial):
    preview_then_confirm(provincial, reverse("organizations:dissolve"), {**DECISION, "unit_code": "A-002"})
    assert b.unit("A-002").dissolved == D(2025, 6, 30)


def test_refound(provincial):
    data = {
        **DECISION,
        "unit_code": "A-001",
        "new_code": "XA2",
        "new_name": "Đảng bộ xã Hai",
        "parent": "TINH",
    }
    preview_then_confirm(provincial, reverse("organizations:refound"), data)
    assert b.unit("XA2").committee_id == b.unit("XA2").pk
    assert b.unit("A-001-01").parent.code == "XA2"


def test_a_refusal_is_shown_and_nothing_is_written(provincial, province_staff):
    set_year_lock(user=province_staff, year=2025, locked=True)
    before = written()
    data = {**DECISION, "unit_codes": "A-001-01", "into": "A-001-02"}
    response = provincial.post(reverse("organizations:merge"), {**data, "confirm": "1", "digest": "x"})
    assert response.status_code == 200 and not response.context["lines"]
    assert "Year 2025 is locked" in " ".join(response.context["refused"])
    assert "Confirm" not in response.content.decode()
    assert written() == before


def test_a_confirm_with_other_values_than_previewed_is_previewed_again(provincial):
    url = reverse("organizations:dissolve")
    preview = provincial.post(url, {**DECISION, "unit_code": "A-002"})
    again = provincial.post(
        url, {**DECISION, "unit_code": "A-001", "confirm": "1", "digest": preview.context["digest"]}
    )
    assert again.status_code == 200 and again.context["lines"]
    assert b.unit("A-001").dissolved is None


def test_bad_input_names_what_is_wrong(provincial):
    data = {**DECISION, "on": "32/1/2025", "unit_codes": "A-001-01 ZZZ", "into": "A-001-02"}
    form = provincial.post(reverse("organizations:merge"), data).context["form"]
    assert "“32/1/2025” is not a date" in form.errors["on"][0]
    assert form.errors["unit_codes"] == ["No unit has the code ZZZ."]


def test_an_unreadable_date_in_the_link_is_said_as_on_the_tree(provincial):
    page = provincial.get(reverse("organizations:merge"), {"on": "31/02/2025"})
    assert "“31/02/2025” is not a date" in page.content.decode()
    assert page.context["on"] == datetime.date.today()


def test_the_datalist_offers_the_units_alive_on_the_date(provincial):
    b.cell(b.unit("A-001"), "A-001-09", founded=D(2026, 1, 1))
    page = provincial.get(reverse("organizations:merge"), {"on": "1/7/2025"})
    codes = [code for code, _name in page.context["datalists"]["units"]]
    assert "A-001-01" in codes and "A-001-09" not in codes


@pytest.mark.parametrize("who,status", [("staff", 404), ("leader", 403)])
def test_the_operations_are_the_provinces(client, request, committee_a, who, status):
    client = b.login(client, request.getfixturevalue(who))
    before = written()
    data = {**DECISION, "unit_code": "A-002", "confirm": "1"}
    assert client.get(reverse("organizations:dissolve")).status_code == status
    assert client.post(reverse("organizations:dissolve"), data).status_code == status
    assert written() == before


def found_cell_url(code="A-001"):
    return reverse("organizations:found-cell", args=[code])


def test_committee_staff_found_a_cell_under_their_organization(client, staff):
    client = b.login(client, staff)
    data = {**DECISION, "code": "A-001-03", "name": "Chi bộ thôn 3", "place_type": PlaceType.VILLAGE}
    _preview, confirmed = preview_then_confirm(client, found_cell_url(), data)
    cell = b.unit("A-001-03")
    assert (cell.tier, cell.parent.code, cell.committee.code) == (Tier.CELL, "A-001", "A")
    assert confirmed["Location"] == reverse("organizations:timeline", args=["A-001-03"])


def test_a_grassroots_committee_user_founds_its_own_cell(client, province_unit):
    commune = b.base_org(province_unit, "XA9", name="Đảng bộ xã Chín")
    client = b.login(client, b.staff_of(commune, "staff-xa9"))
    data = {**DECISION, "code": "XA9-01", "name": "Chi bộ thôn 1"}
    preview_then_confirm(client, found_cell_url("XA9"), data)
    assert b.unit("XA9-01").committee.code == "XA9"


def test_founding_a_cell_elsewhere_is_a_404(client, other_staff, committee_a):
    client = b.login(client, other_staff)
    before = written()
    assert client.get(found_cell_url()).status_code == 404
    assert client.post(found_cell_url(), {**DECISION, "code": "A-001-03", "name": "X"}).status_code == 404
    assert written() == before


def test_no_cell_under_a_grassroots_cell(client, staff):
    assert b.login(client, staff).get(found_cell_url("A-002")).status_code == 404


def test_a_submitted_season_refuses_a_new_cell(client, staff):
    b.season(2025)
    Submission.objects.create(committee=b.unit("A"), year=2025, status="submitted")
    response = b.login(client, staff).post(found_cell_url(), {**DECISION, "code": "A-001-03", "name": "X"})
    assert "already submitted" in " ".join(response.context["refused"])
    assert not Unit.objects.filter(code="A-001-03").exists()


def test_a_confirm_without_csrf_token_is_refused(committee_a, province_staff):
    client = b.login(Client(enforce_csrf_checks=True), province_staff)
    before = written()
    data = {**DECISION, "unit_code": "A-002", "confirm": "1"}
    assert client.post(reverse("organizations:dissolve"), data).status_code == 403
    assert written() == before
