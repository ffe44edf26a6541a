"""The schemes pages: the list (each scheme by its regulation, its years and levels) for everyone
who sees the whole province; the form on which provincial staff add a scheme (leaders 403,
committee staff 404); refusals shown on the page with nothing written; the link from the
resolutions page."""

import pytest
from django.urls import reverse

from assessments.models import AuditEntry, RatingLevel, RatingScheme
from tests import builders as b

pytestmark = pytest.mark.django_db

LIST = reverse("assessments:schemes")
NEW = reverse("assessments:scheme-new")


def body(**changes) -> dict:
    data = {
        "levels-TOTAL_FORMS": "8",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "8",
        "regulation": "Quy định 999-QĐ/TW",
        "regulation_date": "01/06/2030",
        "guidance": "Hướng dẫn 99-HD/BTCTW",
        "code": "QD999-2031",
        "name": "Xếp loại theo Quy định 999-QĐ/TW",
        "valid_from": "2031",
        "levels-0-code": "A",
        "levels-0-name": "Hoàn thành xuất sắc nhiệm vụ",
        "levels-0-abbreviation": "HTXSNV",
        # row 1 left blank: ignored
        "levels-2-code": "B",
        "levels-2-name": "Không hoàn thành nhiệm vụ",
        "levels-2-abbreviation": "KHTNV",
    }
    data.update(changes)
    return data


def written():
    return (RatingScheme.objects.count(), RatingLevel.objects.count(), AuditEntry.objects.count())


def test_the_list_names_each_scheme_by_its_regulation_with_years_and_levels(client, leader):
    b.login(client, leader)
    page = client.get(LIST).content.decode()
    assert "Quy định 366-QĐ/TW" in page and "2025–<" in page.replace(" ", "")
    assert "HTXSNV" in page and 'id="new-scheme"' not in page


def test_the_resolutions_page_links_to_the_schemes(client, province_staff):
    b.login(client, province_staff)
    page = client.get(reverse("assessments:resolutions")).content.decode()
    assert f'href="{LIST}"' in page and "Thang xếp loại" in page


def test_provincial_staff_add_a_scheme_and_return_to_the_list(client, province_staff):
    b.login(client, province_staff)
    response = client.post(NEW, body(), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    scheme = RatingScheme.objects.get(code="QD999-2031")
    assert [(lv.rank, lv.code) for lv in scheme.ordered_levels] == [(1, "A"), (2, "B")]
    assert RatingScheme.objects.in_force(2030).valid_to == 2030
    page = response.content.decode()
    assert "Quy định 999-QĐ/TW" in page and "đã được thêm" in page


def test_a_refusal_is_shown_on_the_page_and_writes_nothing(client, province_staff):
    b.login(client, province_staff)
    before = written()
    response = client.post(NEW, body(**{"levels-2-code": "a"}))
    assert response.status_code == 200 and written() == before
    assert "hai lần" in response.content.decode()


def test_a_year_already_opened_is_refused_on_its_field(client, province_staff):
    b.season(2031)
    b.login(client, province_staff)
    response = client.post(NEW, body())
    assert response.status_code == 200 and not RatingScheme.objects.filter(code="QD999-2031").exists()
    assert "2031" in " ".join(response.context["form"].errors["valid_from"])


def test_a_leader_is_refused_the_form(client, leader):
    b.login(client, leader)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, body()).status_code == 403
    assert not RatingScheme.objects.filter(code="QD999-2031").exists()


def test_committee_staff_see_neither_page(client, staff):
    b.login(client, staff)
    assert client.get(LIST).status_code == 404
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, body()).status_code == 404
