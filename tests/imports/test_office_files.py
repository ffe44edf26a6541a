"""An office's own file, as offices fill it: titles, blank rows, a total, the signature block, names
without codes, dates as Excel stores them."""

import datetime

import pytest

from imports import services
from imports.rows import ERROR, NEW, SKIPPED
from tests import builders as b
from tests.imports.files import csv_text, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["STT", "Mã đơn vị", "Tên đơn vị", "Năm", "Xếp loại", "Ghi chú"]


def preview(user, *rows, name="xep-loai.csv"):
    return services.preview(csv_text(*rows).encode(), name, user=user)


def test_blank_total_and_signature_rows_are_skipped_and_listed_not_errors(tree, staff):
    prev = preview(
        staff,
        ["BẢNG TỔNG HỢP KẾT QUẢ XẾP LOẠI NĂM 2015"],
        HEADERS,
        ["1", "A-001", "Đảng bộ A-001", "2015", "TSVM", ""],
        ["", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["2", "A-002", "Đảng bộ A-002", "2015", "HTNV", "Cộng đồng dân cư"],
        ["", "", "Tổng cộng: 11 tổ chức", "", "2", ""],
        ["", "", "", "", "", ""],
        ["", "", "", "", "Kon Tum, ngày 15 tháng 01 năm 2016", ""],
        ["", "NGƯỜI LẬP BIỂU", "", "", "T/M BAN THƯỜNG VỤ", ""],
        ["", "(Ký, ghi rõ họ tên)", "", "", "BÍ THƯ", ""],
        ["", "Nguyễn Văn A", "", "", "Trần Văn B", ""],
    )
    assert not prev.errors
    assert [(r.number, r.status) for r in prev.rows] == [
        (3, NEW),
        (4, SKIPPED),
        (6, NEW),
        (7, SKIPPED),
        (8, SKIPPED),
        (9, SKIPPED),
        (10, SKIPPED),
        (11, SKIPPED),
        (12, SKIPPED),
    ]
    notes = {r.number: r.note for r in prev.rows if r.status == SKIPPED}
    assert notes[4] == "Blank rows 4–5." and notes[7] == "Total row: not a unit."
    assert notes[10] == notes[12] == "Signature block: not a unit."


def test_a_row_without_a_code_is_found_by_its_name_whatever_its_diacritics_and_case(tree, staff):
    prev = preview(staff, HEADERS, ["", "", "DANG BO  a-001", "2015", "TSVM", ""])
    assert (prev.rows[0].status, prev.rows[0].unit) == (NEW, tree["base"])


def test_an_unknown_name_is_refused_with_the_closest_names_of_the_scope(tree, staff):
    prev = preview(staff, HEADERS, ["", "", "Chi bộ A-001-1", "2015", "TSVM", ""])
    (error,) = prev.errors
    assert error.column == "Tên đơn vị" and error.value == "Chi bộ A-001-1"
    assert "“Chi bộ A-001-01” (A-001-01)" in error.message
    assert "B-001" not in error.message  # another committee's units are never offered


def test_a_name_two_units_share_is_refused_naming_both(tree, staff):
    b.base_org(tree["committee"], "A-003", name="Chi bộ A-001-01", with_cells=False)
    prev = preview(staff, HEADERS, ["", "", "chi bo a-001-01", "2015", "TSVM", ""])
    (error,) = prev.errors
    assert prev.rows[0].status == ERROR
    assert "(A-001-01)" in error.message and "(A-003)" in error.message and "Mã đơn vị" in error.message


def test_a_decision_date_stored_by_excel_as_a_number_is_read(tree, staff):
    data = xlsx(["Mã đơn vị", "Năm", "Xếp loại", "Ngày quyết định"], ["A-001", 2015, "TSVM", 42384])
    (row,) = services.preview(data, "dakha.xlsx", user=staff).rows
    assert row.values["decision_date"] == datetime.date(2016, 1, 15)
    assert row.changes["Ngày quyết định"] == ("", "15/01/2016")  # shown as it will be stored


@pytest.mark.parametrize("text", ["15/1/2016", "15/01/16", "15-01-2016"])
def test_decision_dates_as_offices_type_them(tree, staff, text):
    headers = ["Mã đơn vị", "Năm", "Xếp loại", "Ngày quyết định"]
    prev = preview(staff, headers, ["A-001", "2015", "TSVM", text])
    assert prev.rows[0].values["decision_date"] == datetime.date(2016, 1, 15)
