import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from demo.generator import load_demo
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(committee_a, committee_b):
    """2015 in committees A and B (tests/conftest.py), with a third cell in A-001 and one in B-001.

    A: 2 grassroots organizations (TSVM, HTTNV), 3 cells (TSVM, HTNV, HTTNV);
    B: 1 grassroots organization (TSVM_TB), 1 cell (TSVM).
    """
    b.cell(b.unit("A-001"), "A-001-03")
    b.cell(b.unit("B-001"), "B-001-01")
    for code, level in [
        ("A-001", "TSVM"),
        ("A-002", "HTTNV"),
        ("A-001-01", "TSVM"),
        ("A-001-02", "HTNV"),
        ("A-001-03", "HTTNV"),
        ("B-001", "TSVM_TB"),
        ("B-001-01", "TSVM"),
    ]:
        b.rate(b.unit(code), 2015, level)
    return committee_a


def test_the_2015_dashboard_shows_the_articles_figures(client):
    load_demo()
    client.force_login(User.objects.get(username="leader"))
    response = client.get(reverse("reports:dashboard", args=[2015]), HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert "56,87%" in html and "53,54%" in html and "22,88%" in html
    cell_target = next(t for t in response.context["report"].targets if t.code == "CHIBO_TSVM")
    assert (cell_target.met, cell_target.shortfall_units) == (False, 118)
    assert "118" in html
    assert len(response.context["by_committee"]) == 15
    assert "24.321" in html


def test_the_dashboard_defaults_to_the_latest_year(client, rated, staff):
    client.force_login(staff)
    response = client.get(reverse("reports:dashboard-latest"))
    assert response.status_code == 302 and response.url.endswith("/dashboard/2015/")


def test_committee_staff_see_only_their_committee(client, rated, staff):
    client.force_login(staff)
    response = client.get(reverse("reports:dashboard", args=[2015]))
    assert response.context["committee"].code == "A"
    assert response.context["report"].base.total == 2
    assert response.context["by_committee"] == []


def test_it_rejects_other_committee_on_the_dashboard(client, rated, staff):
    client.force_login(staff)
    assert client.get(reverse("reports:dashboard", args=[2015]) + "?committee=B").status_code == 404
    assert client.get(reverse("reports:drilldown", args=[2015]) + "?committee=B").status_code == 404
    assert client.get(reverse("reports:api-report", args=[2015]) + "?committee=B").status_code == 404


def test_provincial_users_pick_any_committee(client, province_staff, rated):
    client.force_login(province_staff)
    response = client.get(reverse("reports:dashboard", args=[2015]) + "?committee=B")
    assert response.context["report"].base.exemplary == 1


def test_the_api_needs_a_session(client, rated):
    response = client.get(reverse("reports:api-report", args=[2015]))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_the_api_and_the_command_agree(client, province_staff, rated):
    client.force_login(province_staff)
    for suffix, args in (("", []), ("?committee=A", ["--committee", "A"])):
        api = client.get(reverse("reports:api-report", args=[2015]) + suffix).json()
        out = io.StringIO()
        call_command("quality_report", "--year", "2015", "--format", "json", *args, stdout=out)
        season = api.pop("season")  # the API's own addition: the year's season and reporting rate
        assert api == json.loads(out.getvalue())
        assert season["state"] == "open" and season["reported"] <= season["total"]


def test_the_api_says_when_a_year_has_no_data(client, province_staff, rated):
    client.force_login(province_staff)
    assert client.get(reverse("reports:api-report", args=[2003])).status_code == 404


def test_drilldown_lists_the_units_behind_a_count(client, province_staff, rated):
    client.force_login(province_staff)
    response = client.get(reverse("reports:drilldown", args=[2015]) + "?tier=cell&level=clean_strong")
    assert sorted(row.unit.code for row in response.context["rows"]) == ["A-001-01", "B-001-01"]


def test_drilldown_export_escapes_formulas(client, province_staff, rated):
    unit = b.unit("A-001")
    b.rate(unit, 2015, "TSVM", note='=HYPERLINK("http://x")')
    client.force_login(province_staff)
    response = client.get(reverse("reports:drilldown", args=[2015]) + "?committee=A&format=csv")
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body


def count_dashboard_queries(client, url):
    client.get(url)  # warm: the session's idle clock, the navigation's working year
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("no_report_cache")
@pytest.mark.parametrize("name", ["reports:dashboard", "reports:api-report"])
def test_dashboard_and_api_queries_do_not_grow_with_the_units(client, province_staff, rated, name):
    client.force_login(province_staff)
    url = reverse(name, args=[2015])
    before = count_dashboard_queries(client, url)
    b.committee_with("C", 2015, base_levels=["TSVM", "HTNV"] * 10, cell_levels=["TSVM", "YK", "HTTNV"] * 15)
    assert count_dashboard_queries(client, url) == before


def test_the_print_view_has_no_navigation(client, province_staff, rated):
    client.force_login(province_staff)
    html = client.get(reverse("reports:dashboard-print", args=[2015])).content.decode()
    assert "<nav" not in html and "print.css" in html


def test_a_committee_is_not_judged_against_the_provinces_count_target(client, rated, staff):
    client.force_login(staff)
    report = client.get(reverse("reports:dashboard", args=[2015])).context["report"]
    admissions = next(t for t in report.targets if t.code == "KETNAP_NHIEMKY")
    assert admissions.province_only and admissions.met is None


def test_the_xlsx_report_has_five_sheets_and_escapes_formulas(client, province_staff, rated):
    from openpyxl import load_workbook

    b.rate(b.unit("A-001"), 2015, "TSVM", note="@SUM(A1)")
    client.force_login(province_staff)
    response = client.get(reverse("reports:report-xlsx", args=[2015]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 5  # targets, levels, by committee, by type of place, units
    units = book.worksheets[4]
    header = units[units.freeze_panes].row - 1
    assert units.max_row - header == 7
    assert "'@SUM(A1)" in [cell.value for row in units.iter_rows() for cell in row]
    by_committee = book.worksheets[2]
    header = by_committee[by_committee.freeze_panes].row - 1
    assert [row[0].value for row in by_committee.iter_rows(min_row=header + 1)] == ["A", "B"]


def test_it_rejects_other_committee_on_the_xlsx_report(client, rated, staff):
    client.force_login(staff)
    assert client.get(reverse("reports:report-xlsx", args=[2015]) + "?committee=B").status_code == 404


def test_the_committee_table_names_its_targets_and_each_shortfall_with_its_unit(client, leader, rated):
    client.force_login(leader)
    response = client.get(reverse("reports:dashboard", args=[2015]), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    table = html[html.index('id="by-committee"') : html.index("</table>", html.index('id="by-committee"'))]
    for heading in (
        "Organizations clean and strong",
        "Cells clean and strong",
        "Organizations exemplary",
        "Members completing duties well",
        "Members admitted over the term",
        "≥ 50%",
        "&gt; 60%",
        "&gt; 5,000",
    ):
        assert heading in table, heading
    assert "<abbr" not in table  # no target known only by its number
    # A: 1 of 3 cells clean and strong; more than 60% of 3 needs 2: one cell short, said so.
    row = table[table.index('data-committee="A"') :]
    row = row[: row.index("</tr>")]
    assert "1 cell short" in row and "✗" in row and "Not met" in row
    assert [c.column.short for c in response.context["by_committee"][0].cells][:2] == [
        "Organizations clean and strong",
        "Cells clean and strong",
    ]


def test_the_committee_table_escapes_what_it_writes(client, leader, rated):
    """Its rows are written in Python (reports.dashboard_tables.committee_table_rows), not by a template."""
    type(rated).objects.filter(pk=rated.pk).update(name='Huyện ủy <b>"Alpha"</b>', code="A&1")
    client.force_login(leader)
    html = client.get(reverse("reports:dashboard", args=[2015])).content.decode()
    row = html[html.index('data-committee="A&amp;1"') :]
    assert "?committee=A%261" in row and "Huyện ủy &lt;b&gt;&quot;Alpha&quot;&lt;/b&gt;" in row
    assert "<b>" not in html


def test_a_committee_appears_only_in_the_years_it_existed(client, leader, rated):
    import datetime

    gone = b.committee("Z", name="Đảng bộ Khối đã giải thể")
    base = b.base_org(gone, "Z-001")
    b.rate(base, 2015, "TSVM")
    b.member_stats(base, 2015, members=10, good=8, admitted=2)
    gone.dissolved = datetime.date(2015, 12, 31)
    gone.save()
    base.dissolved = datetime.date(2015, 12, 31)
    base.save()
    b.rate(b.unit("A-001"), 2016, "TSVM")
    client.force_login(leader)
    dashboard = reverse("reports:dashboard", args=[2015])
    assert "Z" in [row.committee.code for row in client.get(dashboard).context["by_committee"]]
    later = client.get(reverse("reports:dashboard", args=[2016]))
    assert "Z" not in [row.committee.code for row in later.context["by_committee"]]
    assert "Z" not in [c.code for c in later.context["committees"]]  # nor in the committee selector
    assert "Đảng bộ Khối đã giải thể" not in later.content.decode()


def test_schemes_and_resolutions_by_their_names_and_captions_above_their_charts(client, leader, rated):
    client.force_login(leader)
    html = client.get(reverse("reports:dashboard", args=[2015])).content.decode()
    assert "TSVM-2015" not in html and "HTNV-2018" not in html
    assert "Hướng dẫn 27-HD/BTCTW" in html
    assert "Nghị quyết của Ban Thường vụ Tỉnh ủy (khóa XV)" in html
    figure = html[html.index('<figure class="trend-figure') :]
    assert figure.index("<figcaption") < figure.index("<svg")
    table = html[html.index('id="trend-table"') :]
    assert table.index("<caption>") < table.index("<thead>")


def test_the_print_view_carries_its_page_headers_and_a_print_button(client, province_staff, rated):
    client.force_login(province_staff)
    html = client.get(
        reverse("reports:dashboard-print", args=[2015]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-print-title="Targets dashboard 2015 — Whole province"' in html
    assert 'data-print-printed="Printed ' in html and 'data-print-page="Page"' in html
    assert "data-print-now" in html and "reports.js" in html
    assert "style=" not in html and "<style" not in html and "onclick" not in html
    assert html.count('class="print-page') == 3  # summary; committees (landscape); trends (landscape)


@pytest.mark.usefixtures("no_report_cache")
@pytest.mark.parametrize("name", ["reports:dashboard-print", "reports:report-xlsx"])
def test_the_print_view_and_the_xlsx_report_queries_do_not_grow_with_the_units(
    client, province_staff, rated, name
):
    client.force_login(province_staff)
    url = reverse(name, args=[2015])
    before = count_dashboard_queries(client, url)
    b.committee_with("C", 2015, base_levels=["TSVM", "HTNV"] * 10, cell_levels=["TSVM", "YK", "HTTNV"] * 15)
    assert count_dashboard_queries(client, url) == before


@pytest.mark.usefixtures("no_report_cache")
def test_the_committee_xlsx_report_queries_do_not_grow_with_the_units(client, staff, rated):
    client.force_login(staff)
    url = reverse("reports:report-xlsx", args=[2015])
    before = count_dashboard_queries(client, url)
    for i in range(3, 13):
        base = b.base_org(b.unit("A"), f"A-{i:03d}")
        b.rate(base, 2015, "TSVM")
        b.rate(b.cell(base, f"A-{i:03d}-01"), 2015, "HTNV")
        b.member_stats(base, 2015, members=12, good=9)
    assert count_dashboard_queries(client, url) == before
