"""Data entry of a committee-year (assessments.entry): the units a grid lists, what each row shows,
which posted rows are read, the choices' names."""

import pytest
from django.db import connection
from django.http import Http404, QueryDict
from django.test.utils import CaptureQueriesContext

from assessments.entry import Grid, GridFilter, level_label
from assessments.member_entry import MemberGrid
from assessments.models import RatingLevel
from organizations.models import Kind
from tests import builders as b

pytestmark = pytest.mark.django_db


def grid(user, year=2019, cls=Grid):
    return cls(user=user, committee=user.committee, year=year)


def posted_back(page_grid, units, changes=None) -> QueryDict:
    """The rows as the page shows them, posted back with `changes` = {row index: {field: text}}."""
    rows = page_grid.rows_by_unit(units)
    _initial, lines = page_grid.shown(units, rows)
    data = QueryDict(mutable=True)
    for line in lines:
        prefix = f"form-{line.index}-"
        data[prefix + "unit"] = str(line.unit.pk)
        if line.shown:
            data[prefix + "shown"] = f"{line.version}.{line.shown}"
        for name, text in {**line.texts, **(changes or {}).get(line.index, {})}.items():
            data[prefix + name] = text
    return data


def test_a_level_is_named_in_full_with_its_abbreviation():
    assert level_label(RatingLevel(name="Hoàn thành xuất sắc nhiệm vụ", abbreviation="HTXSNV")) == (
        "Hoàn thành xuất sắc nhiệm vụ (HTXSNV)"
    )


def test_a_level_whose_name_holds_its_abbreviation_is_not_named_twice():
    level = RatingLevel(name="Yếu kém (không hoàn thành nhiệm vụ)", abbreviation="Yếu kém")
    assert level_label(level) == "Yếu kém (không hoàn thành nhiệm vụ)"


def test_the_choices_of_a_row_name_every_level_in_full(staff):
    choices = dict(grid(staff).prototype.fields["level"].choices)
    assert "Hoàn thành xuất sắc nhiệm vụ (HTXSNV)" in choices.values()
    assert "Không hoàn thành nhiệm vụ (KHTNV)" in choices.values()


def test_cells_come_under_their_organization_in_tree_order(staff):
    assert [u.code for u in grid(staff).units(GridFilter())] == ["A-001", "A-001-01", "A-001-02", "A-002"]


def test_a_cell_knows_its_organization_without_a_query_even_when_the_filter_hides_it(staff):
    units = grid(staff).units(GridFilter(kind=Kind.SUBORDINATE_CELL))
    with CaptureQueriesContext(connection) as queries:
        names = {u.parent.name for u in units}
    assert names == {"Đảng bộ A-001"} and len(queries) == 0


def test_a_grassroots_organization_directly_under_the_province_enters_its_own_cells(db):
    commune = b.base_org(b.province_unit(), "XA-DAKLA", name="Đảng ủy xã Đăk La")
    b.cell(commune, "XA-DAKLA-01")
    clerk = b.staff_of(commune, "clerk-dakla")
    assert [u.code for u in grid(clerk, 2025).units(GridFilter())] == ["XA-DAKLA", "XA-DAKLA-01"]


def test_an_empty_row_is_shown_without_a_digest_and_a_stored_one_with_it(staff):
    b.rate(b.unit("A-001"), 2019, "HTTNV")
    page_grid = grid(staff)
    units = page_grid.units(GridFilter())
    initial, lines = page_grid.shown(units, page_grid.rows_by_unit(units))
    assert lines[0].shown and lines[0].shown == initial[0]["shown"] and lines[0].version == "1"
    assert lines[1].shown == "" and lines[1].version == "0"
    assert lines[0].texts["level"] == str(b.level(2019, "HTTNV").pk)


def test_only_the_rows_posted_with_other_texts_than_shown_are_read(staff):
    b.rate(b.unit("A-001"), 2019, "HTTNV")
    page_grid = grid(staff)
    units = page_grid.units(GridFilter())
    data = posted_back(page_grid, units, {2: {"note": "mới"}})
    assert page_grid.touched(data, len(units)) == [2]
    assert page_grid.touched(posted_back(page_grid, units), len(units)) == []


def test_a_posted_unit_the_grid_does_not_list_is_not_found(staff, committee_b):
    page_grid = grid(staff)
    page_grid.check_posted([u.pk for u in page_grid.units(GridFilter())])
    with pytest.raises(Http404):
        page_grid.check_posted([b.unit("B-001").pk])


def test_the_member_grid_lists_grassroots_organizations_only(staff):
    assert [u.code for u in grid(staff, cls=MemberGrid).units(GridFilter())] == ["A-001", "A-002"]


def test_a_member_row_shows_its_counts_as_typed(staff):
    b.member_stats(b.unit("A-001"), 2019, members=1234, good=1000)
    page_grid = grid(staff, cls=MemberGrid)
    units = page_grid.units(GridFilter())
    _initial, lines = page_grid.shown(units, page_grid.rows_by_unit(units))
    assert (lines[0].texts["member_count"], lines[0].texts["good"]) == ("1234", "1000")


def test_the_error_summary_links_to_a_row_by_its_plain_key_whatever_the_language():
    """An anchor written as "#n13.557" (a key localized with thousands dots) leads nowhere."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    unit = SimpleNamespace(pk=13557, name="Chi bộ thôn 3", code="A-001-03")
    with translation.override("vi"):
        html = render_to_string(
            "assessments/_grid_summary_item.html", {"item": SimpleNamespace(listed=True, unit=unit, text="…")}
        )
    assert 'href="#n13557"' in html
