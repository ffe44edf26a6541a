"""Exports and templates: every cell a spreadsheet could run as a formula is escaped."""

import io

import pytest
from openpyxl import load_workbook

from imports import export, services
from reports.export import safe_cell
from tests import builders as b

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_safe_cell(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["TSVM", "Ghi chú = tốt", "", 2015, None])
def test_harmless_cells_are_left_alone(value):
    assert safe_cell(value) == value


def test_xlsx_export_writes_text_never_formulas(tree, staff):
    for unit, note in zip([tree["base"], tree["other"], *tree["cells"]], DANGEROUS, strict=False):
        b.rate(unit, 2015, "TSVM", note=note)
    data = export.write(export.export_table(kind="ratings", year=2015), "xlsx", "Xếp loại 2015")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    notes = [row[9] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in notes)
    # And the import takes the export back as it was.
    prev = services.preview(data, "x.xlsx", user=staff)
    assert prev.counts == {"new": 0, "changed": 0, "unchanged": 4, "skipped": 0, "error": 0}


def test_the_template_lists_every_unit_with_what_is_stored(tree):
    b.rate(tree["cells"][0], 2015, "HTNV")
    table = export.template_table(
        kind="ratings", year=2015, committee=tree["committee"], units=tree["committee"].scoped_units.all()
    )
    assert [row[0] for row in table.rows] == [
        "A-001",
        "A-001-01",
        "A-001-02",
        "A-002",
    ]  # cells under their base
    assert [row[5] for row in table.rows] == ["", "HTNV", "", ""]
    assert table.title and any("TSVM" in " ".join(map(str, line)) for line in table.notes)


def test_the_members_template(tree, staff):
    b.member_stats(tree["base"], 2015, members=30, good=20, completed=10)
    table = export.template_table(
        kind="members", year=2015, committee=tree["committee"], units=tree["committee"].scoped_units.all()
    )
    assert [row[0] for row in table.rows] == ["A-001", "A-002"]
    data = export.write(table, "csv", "x")
    prev = services.preview(data, "mau.csv", user=staff, kind="members")
    assert prev.counts == {"new": 0, "changed": 0, "unchanged": 1, "skipped": 1, "error": 0}
