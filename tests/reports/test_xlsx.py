"""The year's XLSX report, opened with openpyxl as a user's spreadsheet would read it: a title block
on every sheet, a frozen header, widths that fit, numbers with their formats, verdicts in words, one
shortfall per target as the engine computes it, and every formula-like text escaped."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from accounts.models import User
from demo.generator import load_demo
from organizations.models import Unit
from reports.dashboard import counted, short_name
from reports.engine import build_report, build_reports
from reports.export import FORMULA_PREFIXES
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(committee_a, committee_b):
    """2015: A has 2 grassroots organizations (TSVM, HTTNV) and 3 cells (TSVM, HTNV, HTTNV); B has
    one grassroots organization (TSVM_TB) with one cell (TSVM)."""
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
    b.member_stats(b.unit("A-001"), 2015, members=40, good=30, excellent=5, completed=5, admitted=3)
    return committee_a


def download(client, user, query="", language="vi"):
    client.force_login(user)
    response = client.get(reverse("reports:report-xlsx", args=[2015]) + query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def header_row(ws) -> int:
    """The header is the row just above the frozen pane."""
    return ws[ws.freeze_panes].row - 1


def table(ws) -> tuple[list[str], list[list]]:
    """The sheet's table: its headers and rows of cells."""
    row = header_row(ws)
    headers = [cell.value for cell in ws[row]]
    return headers, [list(cells) for cells in ws.iter_rows(min_row=row + 1)]


def column(ws, header: str) -> list:
    headers, rows = table(ws)
    index = headers.index(header)
    return [cells[index] for cells in rows]


def test_every_sheet_opens_with_the_title_block_and_a_frozen_header(client, rated, province_staff):
    book = download(client, province_staff)
    with translation.override("vi"):
        names = [_("Targets"), _("Rating levels"), _("By committee"), _("By type of place"), _("Unit list")]
        title = _("Quality ratings of party organizations, %(year)s") % {"year": 2015}
        scope = _("Scope: %(scope)s") % {"scope": _("Whole province")}
    assert book.sheetnames == [name[:31] for name in names]
    for ws in book.worksheets:
        block = [ws.cell(row=r, column=1).value for r in range(1, header_row(ws))]
        assert block[0] == title and ws["A1"].font.bold
        text = "\n".join(str(line) for line in block if line)
        assert "2015" in text and scope in text
        assert "Nghị quyết" in text  # the resolution in force, by its Vietnamese name
        assert "Hướng dẫn 27-HD/BTCTW" in text  # the scheme, by its regulation
        assert "Nguyễn Văn An (province)" in text  # who made it
        row = header_row(ws)
        assert row > len(block) and ws.freeze_panes[0] in "BC"  # the header and the names stay in view
        assert all(cell.font.bold for cell in ws[row] if cell.value)


def test_numbers_are_numbers_with_percent_and_thousands_formats(client, rated, province_staff):
    book = download(client, province_staff)
    ws = book.worksheets[0]
    with translation.override("vi"):
        headers, rows = table(ws)
        by_code = {row[0].value: row for row in rows}
        base = by_code["TCCSĐ đạt trong sạch vững mạnh hằng năm"]
        cells = by_code["Chi bộ trực thuộc đạt trong sạch vững mạnh hằng năm"]
        index = {
            name: headers.index(name) for name in (_("Comparator"), _("Threshold"), _("Actual"), _("Count"))
        }
        assert base[index[_("Comparator")]].value == "≥" and cells[index[_("Comparator")]].value == ">"
        assert base[index[_("Threshold")]].value == 0.5 and base[index[_("Threshold")]].number_format == "0%"
        # 2 of 3 grassroots organizations clean and strong: 66.67%, written as a fraction.
        actual = base[index[_("Actual")]]
        assert actual.value == pytest.approx(0.6667) and actual.number_format == "0.00%"
        count = base[index[_("Count")]]
        assert count.value == 2 and isinstance(count.value, int) and count.number_format == "#,##0"
        assert {row[headers.index(_("Result"))].value for row in rows} <= {
            _("Met"),
            _("Not met"),
            _("In progress"),
            _("No data"),
            _("Set for the whole province"),
        }
        assert base[headers.index(_("Result"))].value == _("Met")
        # 2 of 4 cells: not more than 60%.
        assert cells[headers.index(_("Result"))].value == _("Not met")
        assert cells[headers.index(_("Short"))].value == 1
        assert cells[headers.index(_("Counted in"))].value == pgettext("unit of count", "cells") == "chi bộ"


def test_the_widths_fit_the_longest_value(client, rated, province_staff):
    book = download(client, province_staff)
    ws = book[book.sheetnames[4]]
    headers, rows = table(ws)
    for index, header in enumerate(headers):
        letter = ws.cell(row=1, column=index + 1).column_letter
        width = ws.column_dimensions[letter].width
        values = [str(row[index].value) for row in rows if row[index].value is not None]
        longest = max(map(len, values), default=0)
        assert 6 <= width <= 62, header
        if longest < 58 and all(isinstance(row[index].value, str | type(None)) for row in rows):
            assert width >= longest, header


def test_the_committee_sheet_has_each_targets_shortfall_as_the_engine_computes_it(client):
    """The demo's 2015: one value, one verdict and one shortfall per target and committee, never
    two targets' shortfalls added together."""
    load_demo()
    book = download(client, User.objects.get(username="leader"))
    ws = book[book.sheetnames[2]]
    headers, rows = table(ws)
    by_committee = build_reports(2015, group="committee")
    committees = {row[0].value: row for row in rows}
    assert len(committees) == 15
    report = build_report(2015)
    checked = 0
    with translation.override("vi"):
        for code, cells in committees.items():
            engine = by_committee[Unit.objects.get(code=code).pk]
            for target in engine.targets:
                short = _("%(target)s: short (%(unit)s)") % {
                    "target": short_name(target.metric),
                    "unit": counted(target.metric),
                }
                value = cells[headers.index(short)].value
                if target.met is False:
                    assert value == target.shortfall_units, (code, target.code)
                    checked += 1
                elif target.met:
                    assert value == 0
                else:
                    assert value is None
    assert checked > 10
    # Kon Plông misses two targets: 3 grassroots organizations and 8 cells, in their own columns.
    konplong = committees["KONPLONG"]
    shorts = [cell.value for header, cell in zip(headers, konplong, strict=True) if "(" in str(header)]
    assert 3 in shorts and 8 in shorts and 11 not in shorts
    # The province's own targets sheet agrees with the engine too.
    targets = {row[0].value: row for row in table(book.worksheets[0])[1]}
    with translation.override("vi"):
        short_index = table(book.worksheets[0])[0].index(_("Short"))
        actual_index = table(book.worksheets[0])[0].index(_("Actual"))
    for target in report.targets:
        assert targets[target.label][short_index].value == target.shortfall_units
    assert targets["TCCSĐ đạt trong sạch vững mạnh hằng năm"][actual_index].value == pytest.approx(0.5687)
    assert targets["Chi bộ trực thuộc đạt trong sạch vững mạnh hằng năm"][short_index].value == 118


def test_a_committees_report_lists_its_grassroots_organizations(client, rated, staff):
    book = download(client, staff)
    with translation.override("vi"):
        assert book.sheetnames[2] == _("By grassroots organization")[:31]
        ws = book.worksheets[2]
        headers, rows = table(ws)
        by_code = {row[0].value: row for row in rows}
        assert list(by_code) == ["A-001", "A-002"]
        a001 = by_code["A-001"]
        assert a001[headers.index(_("Level"))].value == "Trong sạch vững mạnh"
        assert a001[headers.index(_("Clean and strong"))].value == _("yes")
        assert a001[headers.index(_("Subordinate cells"))].value == 3
        assert a001[headers.index(_("Cells clean and strong"))].value == 1
        share = a001[headers.index(_("Share of cells clean and strong"))]
        assert share.value == pytest.approx(0.3333) and share.number_format == "0.00%"
        assert a001[headers.index(_("Members"))].value == 40
        assert by_code["A-002"][headers.index(_("Clean and strong"))].value == _("no")
        assert "Huyện ủy Alpha" in ws["A3"].value


def test_the_unit_sheet_tells_same_named_cells_apart_by_tier_and_parent(client, rated, province_staff):
    b.cell(b.unit("B-001"), "B-001-02", name="Chi bộ Đơn vị 1")
    b.rate(b.unit("B-001-02"), 2015, "TSVM")
    b.cell(b.unit("A-001"), "A-001-04", name="Chi bộ Đơn vị 1")
    b.rate(b.unit("A-001-04"), 2015, "HTNV")
    book = download(client, province_staff)
    ws = book.worksheets[4]
    with translation.override("vi"):
        headers, rows = table(ws)
        same = [row for row in rows if row[headers.index(_("Unit"))].value == "Chi bộ Đơn vị 1"]
        parents = {row[headers.index(_("Parent organization"))].value for row in same}
        tiers = {row[headers.index(_("Tier"))].value for row in same}
    assert parents == {"Đảng bộ A-001", "Đảng bộ B-001"} and tiers == {_("Subordinate cell")}
    assert len(rows) == 9


def test_every_text_that_a_spreadsheet_would_run_is_escaped(client, rated, province_staff):
    b.rate(b.unit("A-001"), 2015, "TSVM", note="@SUM(A1)")
    b.rate(b.unit("A-002"), 2015, "HTTNV", note='=HYPERLINK("http://x")', decision_number="+1")
    unit = b.unit("B-001-01")
    unit.name = "-2+3"
    unit.save()
    book = download(client, province_staff)
    texts = [
        cell.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert "'@SUM(A1)" in texts and "'-2+3" in texts and "'+1" in texts
    assert not [text for text in texts if text.startswith(FORMULA_PREFIXES)]


def test_the_report_speaks_english_in_english(client, rated, province_staff):
    book = download(client, province_staff, language="en")
    assert book.sheetnames[0] == "Targets"
    assert book.worksheets[0]["A1"].value == "Quality ratings of party organizations, 2015"
    headers, rows = table(book.worksheets[0])
    assert {"Target", "Comparator", "Result", "Short", "Counted in"} <= set(headers)
    assert {row[headers.index("Result")].value for row in rows} & {"Met", "Not met"}
