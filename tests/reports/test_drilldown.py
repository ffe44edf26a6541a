"""The drill-down list behind every dashboard count: a title that says what was selected, filters as
named choices, the parent organization, a way back, pages of 100 with the total, and CSV and XLSX
of the whole selection."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import User
from demo.generator import load_demo
from tests import builders as b

pytestmark = pytest.mark.django_db

URL = reverse("reports:drilldown", args=[2015])


@pytest.fixture
def rated(committee_a, committee_b):
    b.cell(b.unit("B-001"), "B-001-01")
    for code, level in [
        ("A-001", "TSVM"),
        ("A-002", "HTTNV"),
        ("A-001-01", "TSVM"),
        ("A-001-02", "HTNV"),
        ("B-001", "TSVM_TB"),
        ("B-001-01", "TSVM"),
    ]:
        b.rate(b.unit(code), 2015, level)
    return committee_a


def test_the_demos_clean_and_strong_cells_in_pages_of_100_with_the_total(client):
    load_demo()
    client.force_login(User.objects.get(username="province"))
    query = "?tier=cell&level=clean_strong"
    response = client.get(URL + query, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "Subordinate cells clean and strong in 2015 — Whole province: 969" in html
    assert len(response.context["rows"]) == 100
    assert "Units 1–100 of 969" in html
    last = client.get(URL + query + "&page=10", HTTP_ACCEPT_LANGUAGE="en")
    assert len(last.context["rows"]) == 69 and "Units 901–969 of 969" in last.content.decode()
    assert client.get(URL + query + "&page=99").context["page"].number == 10  # past the end: the last

    vi = client.get(URL + query, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Chi bộ trực thuộc đạt TSVM năm 2015 — Toàn Đảng bộ tỉnh: 969" in vi

    # The exports hold the whole selection, whatever the page.
    body = client.get(URL + query + "&page=3&format=csv").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(body)))) == 1 + 969
    book = load_workbook(io.BytesIO(client.get(URL + query + "&page=3&format=xlsx").content))
    ws = book.worksheets[0]
    header = ws[ws.freeze_panes].row - 1
    assert ws.max_row - header == 969
    assert "969" not in str(ws["A1"].value) and "2015" in str(ws["A1"].value)


def test_filters_are_choices_with_names(client, rated, province_staff):
    client.force_login(province_staff)
    response = client.get(URL + "?tier=cell&level=TSVM", HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert 'name="level"' in html and '<input class="form-control form-control-sm" name="level"' not in html
    values = [value for value, _label in response.context["level_choices"]]
    assert values[:2] == ["clean_strong", "exemplary"] and "TSVM_TB" in values and "pending" in values
    labels = dict(response.context["level_choices"])
    assert labels["TSVM_TB"] == "Trong sạch vững mạnh tiêu biểu"  # the level's name, not its code
    assert '<option value="TSVM" selected>Trong sạch vững mạnh</option>' in html
    assert '<option value="cell" selected>' in html
    with translation.override("vi"):
        assert _("Subordinate cells") in html and _("Type of place") in html


def test_a_level_code_of_another_scheme_is_no_filter(client, rated, province_staff):
    client.force_login(province_staff)
    response = client.get(URL + "?level=KHTNV")  # a 2018 level, asked of 2015
    assert response.context["drill"].level == ""
    assert response.context["page"].paginator.count == 6


def test_each_row_names_its_parent_and_the_page_links_back(client, rated, province_staff):
    client.force_login(province_staff)
    response = client.get(URL + "?committee=A&tier=cell", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(response.context["rows"])
    assert [(row.unit.code, row.parent.code) for row in rows] == [
        ("A-001-01", "A-001"),
        ("A-001-02", "A-001"),
    ]
    html = response.content.decode()
    assert "Đảng bộ A-001" in html and "Parent organization" in html
    back = reverse("reports:dashboard", args=[2015]) + "?committee=A"
    assert f'href="{back}" id="back-to-dashboard"' in html
    assert "Subordinate cells in 2015 — Huyện ủy Alpha: 2" in html


def test_the_title_says_what_was_selected(client, rated, province_staff):
    client.force_login(province_staff)
    for query, title in [
        ("?tier=base&level=exemplary", "Grassroots organizations exemplary clean and strong in 2015"),
        ("?level=pending", "Grassroots organizations and subordinate cells not yet entered for 2015"),
        ("?tier=cell&level=HTNV", "Subordinate cells rated “Hoàn thành nhiệm vụ” in 2015"),
        ("?tier=cell&place_type=village", "Subordinate cells (Village (thôn, làng)) in 2015"),
    ]:
        html = client.get(URL + query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert title in html, query


def test_the_xlsx_of_a_selection_has_the_title_block_tier_and_parent(client, rated, staff):
    b.rate(b.unit("A-001-02"), 2015, "HTNV", note="=1+1")
    client.force_login(staff)
    response = client.get(URL + "?tier=cell&format=xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Disposition"] == 'attachment; filename="don-vi-2015-A.xlsx"'
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    block = [ws.cell(row=r, column=1).value for r in range(1, 8)]
    assert block[0] == "Subordinate cells in 2015" and "Scope: Huyện ủy Alpha" in block
    assert any(str(line).startswith("Made on ") and "staff-a" in str(line) for line in block)
    header = ws[ws.freeze_panes].row - 1
    headers = [cell.value for cell in ws[header]]
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=header + 1)]
    assert headers[:5] == ["Code", "Unit", "Tier", "Parent organization", "Counted under committee"]
    assert [row[:4] for row in rows] == [
        ["A-001-01", "Chi bộ A-001-01", "Subordinate cell", "Đảng bộ A-001"],
        ["A-001-02", "Chi bộ A-001-02", "Subordinate cell", "Đảng bộ A-001"],
    ]
    assert "'=1+1" in rows[1]
    csv_response = client.get(URL + "?tier=cell&format=csv")
    assert csv_response["Content-Disposition"] == 'attachment; filename="don-vi-2015-A.csv"'


def test_committee_staff_cannot_widen_the_selection(client, rated, staff):
    client.force_login(staff)
    assert client.get(URL + "?committee=B").status_code == 404
    response = client.get(URL)
    assert {row.committee.code for row in response.context["rows"]} == {"A"}
    assert response.context["committees"] == []


def count_queries(client, url):
    """The queries of a page as users get it: the navigation's working year already worked out
    (assessments.templatetags.season_tags keeps it between requests until what it reads moves)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["?tier=cell&level=clean_strong", "?level=pending", "?level=TSVM", ""])
def test_a_page_costs_the_same_queries_whatever_the_number_of_units(client, rated, province_staff, query):
    client.force_login(province_staff)
    b.cell(b.unit("A-001"), "A-001-09")  # one unit pending from the start
    before = count_queries(client, URL + query)
    c = b.committee_with("C", 2015, base_levels=["TSVM", "HTNV"] * 60, cell_levels=["TSVM", "YK"] * 80)
    for i in range(1, 30):
        b.cell(b.unit("C-002"), f"C-002-{i:02d}")  # pending
    assert c.code == "C"
    assert count_queries(client, URL + query) == before
    assert count_queries(client, URL + (f"{query}&" if query else "?") + "page=2") == before
