"""The "Tổ chức" reading pages: the tree on a date (search without diacritics, counts, scope) and
a unit's timeline (founded, renamed, moved, merged, with the decision)."""

import datetime

import pytest
from django.urls import reverse

from organizations import reorganize
from organizations.reorganize import Decision
from tests import builders as b

pytestmark = pytest.mark.django_db
D = datetime.date
DECISION = Decision(number="15-QĐ/TU", date=D(2025, 6, 20), note="Sắp xếp thôn")


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def tree(client, **query):
    return client.get(reverse("organizations:tree"), query)


def shown(response) -> set[str]:
    return {row.node.code for row in response.context["tree"].rows() if row.node}


def test_provincial_staff_see_the_whole_tree_with_counts(client, province_staff, committee_a, committee_b):
    response = tree(b.login(client, province_staff))
    assert response.status_code == 200
    assert {"TINH", "A", "A-001", "A-001-01", "B", "B-001"} <= shown(response)
    alpha = next(r.node for r in response.context["tree"].rows() if r.node and r.node.code == "A")
    assert (alpha.bases, alpha.cells) == (2, 2)
    assert "2 grassroots organizations, 2 cells" in response.content.decode()


def test_the_search_ignores_diacritics_and_case(client, province_staff, committee_a):
    b.cell(b.unit("A-001"), "A-001-03", name="Chi bộ thôn Đăk Lấp")
    response = tree(b.login(client, province_staff), q="dak lap")
    assert response.context["tree"].found == 1
    assert shown(response) == {"TINH", "A", "A-001", "A-001-03"}
    assert tree(client, q="a-001-0").context["tree"].found == 3  # by code, too


def test_the_tree_on_a_past_date_is_the_tree_of_that_day(client, province_staff, committee_a):
    b.cell(b.unit("A-001"), "A-001-09", founded=D(2020, 1, 1))
    client = b.login(client, province_staff)
    assert "A-001-09" not in shown(tree(client, on="31/12/2019"))
    assert "A-001-09" in shown(tree(client, on="1/1/2020"))


def test_an_unreadable_date_is_said_and_today_shown(client, province_staff, committee_a):
    response = tree(b.login(client, province_staff), on="31/02/2020")
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_committee_staff_see_their_own_committee_only(client, staff, committee_b):
    response = tree(b.login(client, staff))
    assert "A-001" in shown(response) and not {"B", "B-001"} & shown(response)


def test_the_timeline_tells_a_merger_with_its_decision(client, province_staff, committee_a):
    a1, a2 = b.unit("A-001-01"), b.unit("A-001-02")
    reorganize.merge(user=None, units=[a1], into=a2, on=D(2025, 7, 1), decision=DECISION)
    client = b.login(client, province_staff)
    page = client.get(reverse("organizations:timeline", args=["A-001-02"])).content.decode()
    assert "Chi bộ A-001-01 merged into it." in page and "15-QĐ/TU" in page
    merged = client.get(reverse("organizations:timeline", args=["A-001-01"])).content.decode()
    assert "Merged into Chi bộ A-001-02." in merged


def test_the_timeline_tells_a_rename_and_a_move(client, province_staff, committee_a, committee_b):
    cell = b.unit("A-001-01")
    reorganize.rename(user=None, unit=cell, name="Chi bộ thôn Mới", on=D(2024, 3, 1), decision=DECISION)
    reorganize.move(user=None, units=[cell], parent=b.unit("B-001"), on=D(2025, 1, 1), decision=DECISION)
    response = b.login(client, province_staff).get(reverse("organizations:timeline", args=["A-001-01"]))
    kinds = [event.kind for event in response.context["events"]]
    assert kinds == ["found", "rename", "move"]
    assert response.context["events"][1].decision.decision_number == "15-QĐ/TU"
    assert "Moved from Đảng bộ A-001 to Đảng bộ B-001." in response.content.decode()


def test_the_timeline_of_another_committee_is_a_404(client, other_staff, committee_a):
    response = b.login(client, other_staff).get(reverse("organizations:timeline", args=["A-001"]))
    assert response.status_code == 404


def test_committee_staff_are_offered_to_found_a_cell_only(client, staff):
    page = b.login(client, staff).get(reverse("organizations:timeline", args=["A-001"]))
    assert page.context["can_found_cell"] and not page.context["can_operate"]
    assert reverse("organizations:found-cell", args=["A-001"]) in page.content.decode()
    assert reverse("organizations:merge") not in page.content.decode()


def test_provincial_staff_are_offered_every_operation_on_a_unit(client, province_staff, committee_a):
    page = b.login(client, province_staff).get(reverse("organizations:timeline", args=["A-001"]))
    html = page.content.decode()
    assert f'{reverse("organizations:merge")}?unit=A-001">Merge units</a>' in html
    assert "Found a subordinate cell" in html
