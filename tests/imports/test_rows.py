"""Row checks: every bad row is named by sheet, row, column and value; nothing is written by a check."""

import pytest

from assessments.models import Rating, RatingYear, Submission
from imports import services
from imports.limits import FileRefused
from imports.rows import CHANGED, ERROR, NEW, SKIPPED, UNCHANGED
from tests import builders as b
from tests.imports.conftest import db_state
from tests.imports.files import csv_text, xlsx

pytestmark = pytest.mark.django_db


def preview(user, *rows, name="xep-loai.csv", **kwargs):
    return services.preview(csv_text(*rows).encode(), name, user=user, **kwargs)


def only_error(prev):
    (error,) = prev.errors
    return error


def test_new_changed_unchanged_and_blank_rows(tree, staff):
    b.rate(tree["base"], 2015, "TSVM")
    b.rate(tree["other"], 2015, "HTNV")
    prev = preview(
        staff,
        ["Mã đơn vị", "Năm", "Xếp loại"],
        ["A-001", "2015", "TSVM"],
        ["A-002", "2015", "Hoàn thành tốt nhiệm vụ"],
        ["", "", ""],
        ["A-001-01", "2015", "htnv"],
        ["A-001-02", "2015", ""],
    )
    assert [(r.number, r.status) for r in prev.rows] == [
        (2, UNCHANGED),
        (3, CHANGED),
        (4, SKIPPED),
        (5, NEW),
        (6, SKIPPED),
    ]
    # As it will be stored: the levels' full names.
    assert prev.rows[1].changes == {"Xếp loại": ("Hoàn thành nhiệm vụ", "Hoàn thành tốt nhiệm vụ")}
    assert prev.rows[3].changes == {"Xếp loại": ("", "Hoàn thành nhiệm vụ")}
    assert prev.rows[2].note == "Blank row."
    assert Rating.objects.count() == 2  # a preview writes nothing


def test_titles_above_the_table_and_columns_in_any_order_with_extra_ones(tree, staff):
    data = xlsx(
        ["BẢNG TỔNG HỢP XẾP LOẠI NĂM 2015"],
        ["Đảng bộ huyện Đắk Hà"],
        [],
        ["STT", "Xep loai", "Ghi chu", "Cột thêm", "MA DON VI", "nam"],
        [1, "TSVM", "ghi chú", "bỏ qua", "A-001", 2015],
    )
    prev = services.preview(data, "dakha.xlsx", user=staff)
    (row,) = prev.rows
    assert (row.number, row.status, row.values["note"]) == (5, NEW, "ghi chú")


def test_english_headers(tree, staff):
    prev = preview(staff, ["Unit code", "Year", "Level", "Note"], ["A-001", "2015", "TSVM", "x"])
    assert prev.rows[0].status == NEW


def test_units_by_exact_name_without_a_code_column(tree, staff):
    prev = preview(
        staff,
        ["Tên đơn vị", "Năm", "Xếp loại"],
        ["Đảng bộ A-001", "2015", "TSVM"],
        ["Không có", "2015", "TSVM"],
    )
    assert prev.rows[0].unit == tree["base"]
    error = prev.rows[1].errors[0]
    assert (error.row, error.column, error.value) == (3, "Tên đơn vị", "Không có")


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        (["X-999", "2015", "TSVM"], "Mã đơn vị", "X-999"),  # unknown unit
        (["B-001", "2015", "TSVM"], "Mã đơn vị", "B-001"),  # outside the user's scope
        (["A-001", "1999", "TSVM"], "Năm", "1999"),  # outside the range
        (["A-001", "2999", "TSVM"], "Năm", "2999"),
        (["A-001", "năm ngoái", "TSVM"], "Năm", "năm ngoái"),
        (["A-001", "2019", "TSVM"], "Xếp loại", "TSVM"),  # not in that year's scheme
        (["A-001", "2015", "Tốt lắm"], "Xếp loại", "Tốt lắm"),
        (["A-001", "2015", ""], "Xếp loại", ""),  # an empty required cell (other cells filled)
        (["", "2015", "TSVM"], "Mã đơn vị", ""),
        (["A-001", "", "TSVM"], "Năm", ""),
        (["A", "2015", "TSVM"], "Mã đơn vị", "A"),  # a committee is not rated
    ],
)
def test_each_bad_row_names_sheet_row_column_and_value(tree, staff, row, column, value):
    before = db_state()
    cells = ["Mã đơn vị", "Năm", "Xếp loại", "Ghi chú"]
    prev = preview(staff, cells, ["A-002", "2015", "TSVM", ""], [*row, "có ghi chú"])
    error = only_error(prev)
    assert (error.sheet, error.row, error.column, error.value) == ("xep-loai", 3, column, value)
    assert "row 3" in str(error) or "dòng 3" in str(error)
    assert prev.rows[1].status == ERROR and prev.rows[0].status == NEW
    with pytest.raises(services.ImportRefused):
        services.commit(prev, user=staff)
    assert db_state() == before


def test_a_code_outside_the_scope_reads_exactly_like_an_unknown_code(tree, staff):
    # Another committee's code must not be told apart from a code that does not exist: an upload
    # of every guessable code would otherwise list which units the other committee has.
    prev = preview(
        staff, ["Mã đơn vị", "Năm", "Xếp loại"], ["X-999", "2015", "TSVM"], ["B-001", "2015", "TSVM"]
    )
    unknown, outside = prev.errors
    assert (unknown.column, unknown.message) == (outside.column, outside.message)
    assert "B-001" not in outside.message


def test_a_file_for_a_locked_year_is_refused_at_upload_saying_so(tree, staff):
    RatingYear.objects.filter(year=2015).update(is_locked=True)
    before = db_state()
    with pytest.raises(FileRefused) as refused:
        preview(staff, ["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", "2015", "TSVM"])
    assert "cannot be imported" in str(refused.value) and "2015 is locked" in str(refused.value)
    assert db_state() == before


def test_a_file_for_a_submitted_committee_year_is_refused_at_upload_saying_so(tree, staff):
    Submission.objects.create(committee=tree["committee"], year=2015, status="submitted")
    before = db_state()
    with pytest.raises(FileRefused) as refused:
        preview(staff, ["Tên đơn vị", "Xếp loại"], ["Đảng bộ A-001", "TSVM"], default_year=2015)
    assert "Huyện ủy Alpha for 2015 are submitted" in str(refused.value)
    assert db_state() == before


def test_a_locked_year_re_read_unchanged_is_no_refusal(tree, staff):
    b.rate(tree["base"], 2015, "TSVM")
    RatingYear.objects.filter(year=2015).update(is_locked=True)
    prev = preview(staff, ["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", "2015", "TSVM"])
    assert [r.status for r in prev.rows] == [UNCHANGED]


def test_a_unit_not_yet_founded(tree, staff):
    import datetime

    unit = tree["other"]
    unit.founded = datetime.date(2017, 3, 1)
    unit.save()
    prev = preview(staff, ["Mã đơn vị", "Năm", "Xếp loại"], ["A-002", "2015", "TSVM"])
    assert (only_error(prev).column, only_error(prev).value) == ("Năm", "2015")


def test_not_rated_needs_a_reason(tree, staff):
    prev = preview(
        staff,
        ["Mã đơn vị", "Năm", "Xếp loại", "Lý do không xếp loại"],
        ["A-001", "2015", "Không xếp loại", ""],
        ["A-002", "2015", "Không xếp loại", "Mới thành lập"],
    )
    error = only_error(prev)
    assert (error.row, error.column) == (2, "Lý do không xếp loại")
    assert prev.rows[1].status == NEW


def test_the_same_unit_year_twice(tree, staff):
    before = db_state()
    prev = preview(
        staff,
        ["Mã đơn vị", "Năm", "Xếp loại"],
        ["A-001", "2015", "TSVM"],
        ["A-002", "2015", "TSVM"],
        ["A-002", "2015", "Trong sạch vững mạnh"],  # the same values: skipped
        ["A-001", "2015", "HTNV"],  # other values: both rows are errors
    )
    assert [r.status for r in prev.rows] == [ERROR, NEW, SKIPPED, ERROR]
    first, second = prev.errors
    assert (first.row, second.row) == (2, 5)
    assert "5" in first.message and "2" in second.message
    with pytest.raises(services.ImportRefused):
        services.commit(prev, user=staff)
    assert db_state() == before


def test_a_missing_required_column_is_named(tree, staff):
    before = db_state()
    with pytest.raises(FileRefused) as refused:
        preview(staff, ["Mã đơn vị", "Năm", "Ghi chú"], ["A-001", "2015", "x"])
    assert "Xếp loại" in str(refused.value)
    with pytest.raises(FileRefused) as refused:
        preview(staff, ["Năm", "Xếp loại", "Ghi chú"], ["2015", "TSVM", "x"])
    assert "Mã đơn vị" in str(refused.value) and "Tên đơn vị" in str(refused.value)
    assert db_state() == before


def test_a_file_without_a_year_column_takes_the_year_given(tree, staff):
    with pytest.raises(FileRefused) as refused:
        preview(staff, ["Mã đơn vị", "Xếp loại"], ["A-001", "TSVM"])
    assert "Năm" in str(refused.value)
    prev = preview(staff, ["Mã đơn vị", "Xếp loại"], ["A-001", "TSVM"], default_year=2015)
    assert (prev.rows[0].year, prev.rows[0].status) == (2015, NEW)


def test_no_table_at_all(tree, staff):
    with pytest.raises(FileRefused):
        preview(staff, ["Họ tên", "Tuổi"], ["An", "30"])


def test_a_column_the_file_does_not_have_keeps_the_stored_value(tree, staff):
    b.rate(tree["base"], 2015, "TSVM", note="Giữ nguyên", decision_number="12-QĐ/HU")
    prev = preview(staff, ["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", "2015", "HTTNV"])
    services.commit(prev, user=staff)
    rating = Rating.objects.get(unit=tree["base"], year=2015)
    assert (rating.level.code, rating.note, rating.decision_number) == ("HTTNV", "Giữ nguyên", "12-QĐ/HU")


def test_commit_writes_all_committees_and_years_in_one_go_with_the_import_audit(tree, province_staff):
    from assessments.models import AuditEntry

    b.base_org(tree["b"], "B-002")
    prev = preview(
        province_staff,
        ["Mã đơn vị", "Năm", "Xếp loại", "Số quyết định", "Ngày quyết định", "Ghi chú"],
        ["A-001", "2015", "TSVM", "12-QĐ/HU", "15/01/2016", "=cmd|' /C calc'!A0"],
        ["B-001", "2015", "HTNV", "", "", ""],
        ["B-001", "2019", "HTXSNV", "", "2020-01-10", ""],
    )
    result = services.commit(prev, user=province_staff)
    assert (result.created, result.updated) == (3, 0)
    entry = AuditEntry.objects.get(unit__code="A-001")
    assert (entry.channel, entry.source, entry.user) == ("import", "xep-loai.csv", province_staff)
    rating = Rating.objects.get(unit__code="A-001", year=2015)
    assert rating.note == "=cmd|' /C calc'!A0"  # stored as text; escaped on export, shown escaped
    assert str(rating.decision_date) == "2016-01-15"


def test_valid_rows_only_when_asked(tree, staff):
    prev = preview(staff, ["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", "2015", "TSVM"], ["A-002", "2015", "?"])
    with pytest.raises(services.ImportRefused):
        services.commit(prev, user=staff)
    assert not Rating.objects.exists()
    result = services.commit(prev, user=staff, valid_only=True)
    assert (result.created, result.errors) == (1, 1)
    assert list(Rating.objects.values_list("unit__code", flat=True)) == ["A-001"]


def test_a_leader_cannot_import(tree, leader):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        preview(leader, ["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", "2015", "TSVM"])


def test_somebody_saving_between_check_and_commit_rolls_everything_back(tree, staff):
    prev = preview(
        staff, ["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", "2015", "TSVM"], ["A-002", "2015", "TSVM"]
    )
    b.rate(tree["other"], 2015, "HTNV")
    before = db_state()
    with pytest.raises(services.ImportRefused):
        services.commit(prev, user=staff)
    assert db_state() == before


def test_member_statistics(tree, staff):
    prev = preview(
        staff,
        ["Mã đơn vị", "Năm", "Số đảng viên", "HTXSNV", "HTTNV", "HTNV", "KHTNV", "Kết nạp mới"],
        ["A-001", "2019", "120", "10", "90", "15", "3", "4"],
        ["A-002", "2019", "10", "5", "5", "5", "0", "0"],  # 15 rated out of 10 members
        ["A-001-01", "2019", "5", "", "", "", "", ""],  # a cell has no member statistics
        ["A-001", "2018", "1.200", "x", "", "", "", ""],
        kind="members",
    )
    assert prev.rows[0].status == NEW
    assert [(e.row, e.column) for e in prev.errors] == [
        (3, "Số đảng viên"),
        (4, "Mã đơn vị"),
        (5, "HTXSNV"),
    ]
    result = services.commit(prev, user=staff, valid_only=True)
    assert result.created == 1
    stats = tree["base"].member_stats.get(year=2019)
    assert (stats.member_count, stats.good, stats.admitted) == (120, 90, 4)


@pytest.mark.parametrize("value", ["9223372036854775807", "100001", "①", "²", "١٢"])
def test_a_member_count_beyond_the_bound_or_in_other_digits_is_a_row_error(tree, staff, value):
    prev = preview(
        staff,
        ["Mã đơn vị", "Năm", "Số đảng viên"],
        ["A-001", "2019", value],
        name="dang-vien.csv",
        kind="members",
    )
    error = only_error(prev)
    assert (error.column, error.value) == ("Số đảng viên", value)


def test_a_grassroots_organization_directly_under_the_province_is_its_own_committee(tree, province_staff):
    direct = b.base_org(b.province_unit(), "P-001", with_cells=False)
    assert direct.committee_id == direct.pk
    prev = preview(province_staff, ["Mã đơn vị", "Năm", "Xếp loại"], ["P-001", "2015", "TSVM"])
    assert [r.status for r in prev.rows] == [NEW]
    services.commit(prev, user=province_staff)
    assert Rating.objects.get(unit=direct).committee_id == direct.pk
