import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AuditEntry, MemberStats, Rating
from assessments.season import set_year_lock
from organizations.models import Unit
from tests import builders as b
from tests.assessments.grid_page import accessible_name, posted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """Pages are read in English (the msgids): the language cookie, as the language switch sets it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def open_seasons(db):
    """The seasons these tests enter, opened by provincial staff."""
    for year in (2015, 2019):
        b.season(year)


def grid_url(year=2015, committee=None, name="assessments:rating-grid"):
    url = reverse(name, args=[year])
    return f"{url}?committee={committee}" if committee else url


def post_data(response, **rows):
    """The grid as the browser would post it, with `rows` = {unit code: {field: value}} changed."""
    formset = response.context["formset"]
    if formset.is_bound:  # a page shown again after a refused save: post what it shows
        data = formset.data.dict()
        for i, (unit, _form) in enumerate(response.context["rows"]):
            for name, value in rows.get(unit.code, {}).items():
                data[f"form-{i}-{name}"] = value
        return data
    data = {f"form-{key}": value for key, value in formset.management_form.initial.items()}
    for i, (unit, form) in enumerate(response.context["rows"]):
        for name in form.fields:
            value = form.initial.get(name, "")
            if isinstance(value, datetime.date):
                value = value.strftime("%d/%m/%Y")
            data[f"form-{i}-{name}"] = "" if value is None else value
        for name, value in rows.get(unit.code, {}).items():
            data[f"form-{i}-{name}"] = value
    return data


def level_pk(year, code):
    return str(b.level(year, code).pk)


def test_the_grid_lists_every_unit_with_cells_under_their_organization(client, staff):
    client.force_login(staff)
    response = client.get(grid_url())
    assert [unit.code for unit, _ in response.context["rows"]] == ["A-001", "A-001-01", "A-001-02", "A-002"]
    assert (response.context["done"], response.context["total"]) == (0, 4)


def test_one_save_stores_every_changed_row_with_its_audit(client, staff):
    client.force_login(staff)
    page = client.get(grid_url())
    data = post_data(
        page,
        **{
            "A-001": {
                "level": level_pk(2015, "TSVM"),
                "decision_number": "12-QĐ/HU",
                "decision_date": "15/01/2016",
            },
            "A-001-01": {"level": level_pk(2015, "HTTNV")},
            "A-002": {"level": "not_rated", "not_rated_reason": "Mới thành lập"},
        },
    )
    response = client.post(grid_url(), data)
    assert response.status_code == 302
    stored = {r.unit.code: r for r in Rating.objects.select_related("unit", "level")}
    assert set(stored) == {"A-001", "A-001-01", "A-002"}
    assert (stored["A-001"].decision_date, stored["A-002"].not_rated) == (datetime.date(2016, 1, 15), True)
    assert AuditEntry.objects.filter(channel="form", user=staff).count() == 3
    assert client.get(grid_url()).context["done"] == 3


def test_it_rejects_other_committee_by_url(client, staff, committee_b):
    client.force_login(staff)
    assert client.get(grid_url(committee="B")).status_code == 404


def test_it_rejects_other_committees_unit_in_a_crafted_post(client, staff, committee_b):
    client.force_login(staff)
    data = post_data(client.get(grid_url()), **{"A-001": {"level": level_pk(2015, "TSVM")}})
    data["form-0-unit"] = str(committee_b.scoped_units.get(code="B-001").pk)
    assert client.post(grid_url(), data).status_code == 404
    assert not Rating.objects.exists()


def test_a_level_of_another_scheme_is_refused_and_nothing_is_saved(client, staff):
    client.force_login(staff)
    data = post_data(
        client.get(grid_url()),
        **{"A-001": {"level": level_pk(2015, "TSVM")}, "A-002": {"level": level_pk(2019, "HTXSNV")}},
    )
    response = client.post(grid_url(), data)
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_not_rated_without_a_reason_is_refused(client, staff):
    client.force_login(staff)
    data = post_data(client.get(grid_url()), **{"A-002": {"level": "not_rated"}})
    response = client.post(grid_url(), data)
    assert response.status_code == 400 and not Rating.objects.exists()


def test_a_locked_year_is_read_only_and_refuses_a_save(client, staff, province_staff):
    client.force_login(staff)
    data = post_data(client.get(grid_url()), **{"A-001": {"level": level_pk(2015, "TSVM")}})
    set_year_lock(user=province_staff, year=2015, locked=True)
    response = client.post(grid_url(), data)
    assert response.status_code == 400 and not Rating.objects.exists()
    assert "2015" in response.context["read_only_reason"]
    assert all(field.disabled for _, form in response.context["rows"] for field in form.fields.values())


def test_a_future_year_is_read_only(client, staff):
    client.force_login(staff)
    year = datetime.date.today().year + 1
    response = client.get(grid_url(year))
    assert response.status_code == 200 and str(year) in response.context["read_only_reason"]


def test_a_year_outside_the_range_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get(grid_url(1800)).status_code == 404


def test_the_second_editor_is_told_of_the_conflict_and_shown_the_stored_value(client, staff, province_staff):
    client.force_login(staff)
    b.rate(staff.committee.scoped_units.get(code="A-001"), 2015, "TSVM")
    stale = client.get(grid_url())
    b.rate(staff.committee.scoped_units.get(code="A-001"), 2015, "HTNV", by=province_staff)
    response = client.post(grid_url(), post_data(stale, **{"A-001": {"level": level_pk(2015, "YK")}}))
    assert response.status_code == 409
    unit = staff.committee.scoped_units.get(code="A-001")
    assert response.context["conflicts"][unit.pk].level.code == "HTNV"
    assert "HTNV" in response.content.decode()
    assert Rating.objects.get(unit=unit).level.code == "HTNV"


def test_leaders_read_the_grid_but_cannot_save(client, leader, committee_a):
    client.force_login(leader)
    page = client.get(grid_url(committee="A"))
    assert page.status_code == 200 and page.context["read_only_reason"]
    assert client.post(grid_url(committee="A"), post_data(page)).status_code == 403


def test_provincial_staff_choose_a_committee_first(client, province_staff, committee_a, committee_b):
    client.force_login(province_staff)
    response = client.get(grid_url())
    assert [c.code for c in response.context["committees"]] == ["A", "B"]
    assert client.get(grid_url(committee="B")).status_code == 200
    assert client.get(grid_url(committee="NOPE")).status_code == 404


def test_filters_narrow_the_rows(client, staff):
    client.force_login(staff)
    b.rate(staff.committee.scoped_units.get(code="A-001"), 2015, "TSVM")
    rows = client.get(grid_url() + "?kind=subordinate_cell").context["rows"]
    assert [u.code for u, _ in rows] == ["A-001-01", "A-001-02"]
    rows = client.get(grid_url() + "?only_empty=1").context["rows"]
    assert [u.code for u, _ in rows] == ["A-001-01", "A-001-02", "A-002"]


def count_save_queries(client, staff, n_cells):
    base = b.base_org(staff.committee, f"A-{n_cells:03d}X")
    for j in range(n_cells):
        b.cell(base, f"{base.code}-{j:03d}")
    page = client.get(grid_url())
    pk = level_pk(2015, "HTTNV")
    data = post_data(page, **{u.code: {"level": pk} for u, _ in page.context["rows"]})
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(grid_url(), data).status_code == 302
    Rating.objects.all().delete()
    return len(ctx.captured_queries)


def test_saving_the_grid_costs_the_same_queries_at_two_sizes(client, staff):
    # Both sizes fit one bulk-insert batch on SQLite, which caps a statement at 999 parameters
    # (about 45 ratings of 22 columns: the committee has 6 more units); PostgreSQL takes a whole
    # committee in one statement.
    client.force_login(staff)
    assert count_save_queries(client, staff, 5) == count_save_queries(client, staff, 30)


def test_member_statistics_are_saved_and_checked(client, staff):
    client.force_login(staff)
    url = grid_url(name="assessments:member-grid")
    page = client.get(url)
    assert [u.code for u, _ in page.context["rows"]] == ["A-001", "A-002"]
    bad = post_data(page, **{"A-001": {"member_count": "10", "good": "8", "completed": "5"}})
    assert client.post(url, bad).status_code == 400 and not MemberStats.objects.exists()
    negative = post_data(page, **{"A-001": {"member_count": "10", "good": "-1"}})
    assert client.post(url, negative).status_code == 400 and not MemberStats.objects.exists()
    good = post_data(
        page,
        **{"A-001": {"member_count": "10", "excellent": "1", "good": "7", "completed": "2", "admitted": "1"}},
    )
    assert client.post(url, good).status_code == 302
    assert MemberStats.objects.get().good == 7


def test_the_excellent_cap_is_a_warning_with_the_numbers(client, staff):
    client.force_login(staff)
    base = staff.committee.scoped_units.get(code="A-001")
    b.member_stats(base, 2019, members=20, excellent=5, good=10, completed=5)
    response = client.get(grid_url(2019, name="assessments:member-grid"))
    warning = response.context["warnings"][base.pk]
    assert "5 members" in warning and "at most 2" in warning


def test_saving_again_after_a_conflict_keeps_the_users_value(client, staff, province_staff):
    client.force_login(staff)
    unit = staff.committee.scoped_units.get(code="A-001")
    b.rate(unit, 2015, "TSVM")
    stale = client.get(grid_url())
    b.rate(unit, 2015, "HTNV", by=province_staff)
    conflict = client.post(grid_url(), post_data(stale, **{"A-001": {"level": level_pk(2015, "YK")}}))
    assert conflict.status_code == 409
    again = client.post(grid_url(), post_data(conflict, **{"A-001": {"level": level_pk(2015, "YK")}}))
    assert again.status_code == 302
    assert Rating.objects.get(unit=unit).level.code == "YK"


def test_a_tampered_form_count_is_a_bad_request_and_changes_nothing(client, staff):
    client.force_login(staff)
    data = post_data(client.get(grid_url()), **{"A-001": {"level": level_pk(2015, "TSVM")}})
    data["form-TOTAL_FORMS"] = "1"
    assert client.post(grid_url(), data).status_code == 400
    assert not Rating.objects.exists()


def test_two_editors_of_different_rows_do_not_conflict(client, staff, province_staff):
    client.force_login(staff)
    page = client.get(grid_url())
    other_unit = staff.committee.scoped_units.get(code="A-002")
    b.rate(other_unit, 2015, "HTNV", by=province_staff)  # somebody else saves another row meanwhile
    response = client.post(grid_url(), post_data(page, **{"A-001": {"level": level_pk(2015, "TSVM")}}))
    assert response.status_code == 302
    stored = {r.unit.code: r.level.code for r in Rating.objects.select_related("unit", "level")}
    assert stored == {"A-001": "TSVM", "A-002": "HTNV"}


# A row's unit comes from its own posted field (regression: field order and duplicates) ----------


def _note_post(client, staff):
    client.force_login(staff)
    page = client.get(grid_url())
    return post_data(
        page,
        **{
            "A-001": {"level": level_pk(2015, "TSVM"), "note": "for A-001"},
            "A-002": {"level": level_pk(2015, "HTNV"), "note": "for A-002"},
        },
    )


def test_rows_posted_in_reverse_field_order_keep_each_note_on_its_own_unit(client, staff):
    data = _note_post(client, staff)
    reversed_data = dict(reversed(list(data.items())))
    assert client.post(grid_url(), reversed_data).status_code == 302
    notes = dict(Rating.objects.values_list("unit__code", "note"))
    assert notes == {"A-001": "for A-001", "A-002": "for A-002"}


def test_the_same_unit_in_two_rows_is_refused_and_nothing_is_written(client, staff):
    data = _note_post(client, staff)
    a001, a002 = (Unit.objects.get(code=code).pk for code in ("A-001", "A-002"))
    row_of_a002 = next(k for k, v in data.items() if k.endswith("-unit") and v == a002)
    data[row_of_a002] = a001
    response = client.post(grid_url(), data)
    assert response.status_code == 400
    assert "twice" in response.content.decode()
    assert not Rating.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("value", ["²", "①", "١٢", "1 ", "0x1", "-1", ""])
def test_a_unit_field_that_is_not_plain_digits_is_a_bad_request(client, staff, value):
    data = _note_post(client, staff)
    first_unit = next(k for k in data if k.endswith("-unit"))
    data[first_unit] = value
    assert client.post(grid_url(), data).status_code == 400
    assert not Rating.objects.exists()


def test_a_unit_field_posted_twice_is_a_bad_request(client, staff):
    data = _note_post(client, staff)
    first_unit = next(k for k in data if k.endswith("-unit"))
    response = client.post(grid_url(), {**data, first_unit: [data[first_unit], data[first_unit]]})
    assert response.status_code == 400
    assert not Rating.objects.exists()


# The page as a clerk meets it (issue #11) -------------------------------------------------------


def page_html(client, url=None) -> str:
    return client.get(url or grid_url()).content.decode()


def test_levels_are_named_in_full_and_no_input_is_checked_by_the_browser(client, staff):
    client.force_login(staff)
    page = page_html(client, grid_url(2019))
    assert (
        "Hoàn thành xuất sắc nhiệm vụ (HTXSNV)</option>" in page
        or ">Hoàn thành xuất sắc nhiệm vụ (HTXSNV)<" in page
    )
    assert 'type="number"' not in page and 'type="date"' not in page


def test_each_input_is_named_by_its_unit_and_column(client, staff):
    client.force_login(staff)
    page = page_html(client)
    assert accessible_name(page, "rating-grid", "form-1-decision_date").startswith(
        "Chi bộ A-001-01 Decision date"
    )


def test_cells_whose_organization_the_filter_hides_are_listed_under_its_name(client, staff):
    client.force_login(staff)
    page = page_html(client, grid_url() + "?kind=subordinate_cell")
    heading = page[page.index('<tr class="gh">') :][:300]
    assert "Đảng bộ A-001" in heading and "A-001" in heading


@pytest.mark.parametrize(
    ("typed", "date"),
    [
        ("20/1/22", datetime.date(2022, 1, 20)),
        ("44581", datetime.date(2022, 1, 20)),
        ("5-2-2016", datetime.date(2016, 2, 5)),
    ],
)
def test_a_decision_date_typed_as_offices_write_it_is_saved(client, staff, typed, date):
    client.force_login(staff)
    data = posted(page_html(client), "rating-grid")
    data |= {"form-0-level": level_pk(2015, "TSVM"), "form-0-decision_date": typed}
    assert client.post(grid_url(), data).status_code == 302
    assert Rating.objects.get().decision_date == date


def test_an_impossible_date_is_refused_and_the_summary_leads_to_its_row(client, staff):
    client.force_login(staff)
    data = posted(page_html(client), "rating-grid")
    data |= {
        "form-1-level": level_pk(2015, "TSVM"),
        "form-1-decision_date": "31/2/2016",
        "form-3-level": level_pk(2015, "HTNV"),
    }
    response = client.post(grid_url(), data)
    assert response.status_code == 400 and not Rating.objects.exists()
    page = response.content.decode()
    cell = Unit.objects.get(code="A-001-01")
    summary = page[page.index('id="grid-errors"') :][:1500]
    assert f'href="#n{cell.pk}"' in summary and "Decision date: Enter the date as day/month/year" in summary
    assert summary.count("<li>") == 1
    assert posted(page, "rating-grid")["form-1-decision_date"] == "31/2/2016"  # shown again as typed
    assert re.search(r'name="form-1-decision_date" value="31/2/2016"[^>]*aria-invalid="true"', page)


def test_a_page_posted_back_unchanged_saves_nothing(client, staff):
    b.rate(b.unit("A-001"), 2015, "TSVM")
    client.force_login(staff)
    response = client.post(grid_url(), posted(page_html(client), "rating-grid"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(channel="form").count() == 0
    assert Rating.objects.get().version == 1


def count_one_row_save_queries(client, staff, n_cells):
    base = b.base_org(staff.committee, f"A-{n_cells:03d}X")
    for j in range(n_cells):
        b.cell(base, f"{base.code}-{j:03d}")
    data = posted(page_html(client), "rating-grid")
    data["form-0-level"] = level_pk(2015, "HTTNV")
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(grid_url(), data).status_code == 302
    Rating.objects.all().delete()
    return len(ctx.captured_queries)


def test_saving_one_changed_row_costs_the_same_queries_at_two_sizes(client, staff):
    client.force_login(staff)
    assert count_one_row_save_queries(client, staff, 5) == count_one_row_save_queries(client, staff, 60)


def count_page_queries(client, staff, n_cells):
    base = b.base_org(staff.committee, f"A-{n_cells:03d}Y")
    for j in range(n_cells):
        b.rate(b.cell(base, f"{base.code}-{j:03d}"), 2015, "HTTNV")
    client.get(grid_url())  # warm: the session's idle clock, the navigation's working year
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(grid_url()).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("no_report_cache")
def test_the_page_costs_the_same_queries_at_two_sizes(client, staff):
    client.force_login(staff)
    assert count_page_queries(client, staff, 5) == count_page_queries(client, staff, 40)


# Export what I see ----------------------------------------------------------------------------------


def sheet_rows(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_the_export_is_the_filtered_grid_with_its_columns(client, staff):
    b.rate(b.unit("A-001-01"), 2015, "TSVM", note="=HYPERLINK(1)", decision_date=datetime.date(2016, 1, 15))
    client.force_login(staff)
    response = client.get(reverse("assessments:grid-xlsx", args=[2015]) + "?kind=subordinate_cell")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="xep-loai-2015-A.xlsx"'
    rows = sheet_rows(response)
    header = next(i for i, row in enumerate(rows) if row[0] == "Code")
    assert rows[header][:6] == [
        "Code",
        "Unit",
        "Kind",
        "Grassroots organization",
        "Code of the grassroots organization",
        "Level",
    ]
    body = rows[header + 1 :]
    assert [row[0] for row in body] == ["A-001-01", "A-001-02"]
    first = dict(zip(rows[header], body[0], strict=True))
    assert (
        first["Level"] == "Trong sạch vững mạnh (TSVM)"
        and first["Grassroots organization"] == "Đảng bộ A-001"
    )
    assert first["Note"] == "'=HYPERLINK(1)" and first["Decision date"] == datetime.datetime(2016, 1, 15)


def test_the_page_links_to_the_export_of_what_it_shows(client, staff):
    client.force_login(staff)
    page = page_html(client, grid_url() + "?only_empty=1")
    assert f'href="{reverse("assessments:grid-xlsx", args=[2015])}?only_empty=1&amp;committee=A"' in page


def test_the_progress_of_an_unfiltered_page_is_the_committees(client, staff):
    client.force_login(staff)
    b.rate(staff.committee.scoped_units.get(code="A-001"), 2015, "TSVM")
    b.rate(staff.committee.scoped_units.get(code="A-002"), 2015, None)
    whole = client.get(grid_url()).context
    filtered = client.get(grid_url() + "?kind=subordinate_cell").context
    assert (whole["done"], whole["total"]) == (filtered["done"], filtered["total"]) == (2, 4)


def test_the_row_counts_are_posted_unlocalized(client, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "vi"
    html = page_html(client)
    assert 'name="form-MAX_NUM_FORMS" value="3000"' in html
    assert re.search(r'name="form-TOTAL_FORMS" value="\d+"', html)
