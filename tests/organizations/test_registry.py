"""The registry file: every row checked first (new, changed, unchanged, error naming the cell), then
written through save_unit in one transaction, or nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from assessments.models import AuditEntry, Channel
from organizations import registry
from organizations.bulk_files import BulkRefused
from organizations.lineage import places_on
from organizations.models import Kind, PlaceType, Tier, Unit
from tests import builders
from tests.imports.files import csv_text, xlsx

HEADER = ["Mã", "Tên", "Mã cấp trên", "Loại", "Loại hình", "Ngày thành lập", "Ngày giải thể"]
TREE = [
    HEADER,
    ["TINH", "Đảng bộ tỉnh Mới", "", "Đảng bộ tỉnh", "", "", ""],
    ["H1", "Huyện ủy Một", "TINH", "Huyện ủy", "", "01/01/2010", ""],
    ["H1-X1", "Đảng bộ xã Một", "H1", "Đảng bộ cơ sở", "xã", "1/1/2010", ""],
    ["H1-X1-T1", "Chi bộ thôn 1", "H1-X1", "Chi bộ trực thuộc", "thôn", "", ""],
    ["H1-CQ", "Chi bộ Phòng Nội vụ", "H1", "chi bo co so", "Cơ quan", "", "31/12/2019"],
]


def plan(rows, user, name="don-vi.csv"):
    return registry.plan(csv_text(*rows).encode(), name, user=user)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_new_tree_is_read_as_offices_write_it(province_staff):
    prepared = plan(TREE, province_staff)
    assert prepared.counts == {"new": 5, "changed": 0, "unchanged": 0, "error": 0}
    registry.apply(prepared, user=province_staff)
    commune, village, agency = (builders.unit(c) for c in ("H1-X1", "H1-X1-T1", "H1-CQ"))
    assert (commune.tier, commune.kind, commune.place_type) == (
        Tier.BASE,
        Kind.GRASSROOTS_COMMITTEE,
        PlaceType.COMMUNE,
    )
    assert (village.kind, village.place_type, village.committee.code) == (
        Kind.SUBORDINATE_CELL,
        PlaceType.VILLAGE,
        "H1",
    )
    assert agency.kind == Kind.GRASSROOTS_CELL and agency.dissolved == datetime.date(2019, 12, 31)


def test_the_tree_on_a_date_follows_the_founding_and_dissolution_dates(province_staff):
    registry.apply(plan(TREE, province_staff), user=province_staff)
    codes = lambda day: set(places_on(day).values_list("unit__code", flat=True))  # noqa: E731
    assert "H1-CQ" in codes(datetime.date(2019, 12, 31)) and "H1-CQ" not in codes(datetime.date(2020, 1, 1))
    assert "H1-X1" not in codes(datetime.date(2009, 12, 31))


def test_every_write_is_audited_with_the_user_the_import_channel_and_the_file(province_staff):
    registry.apply(plan(TREE, province_staff, name="C:\\so\\don-vi.csv"), user=province_staff)
    entries = AuditEntry.objects.filter(action="unit.create")
    assert entries.count() == 5
    assert set(entries.values_list("user__username", "channel", "source")) == {
        ("province", Channel.IMPORT, "don-vi.csv")
    }


def test_a_file_loaded_twice_changes_nothing_the_second_time(province_staff):
    registry.apply(plan(TREE, province_staff), user=province_staff)
    again = plan(TREE, province_staff)
    assert again.counts["unchanged"] == 5 and again.writes == 0


def test_a_changed_name_and_a_move_show_old_and_new(committee_a, committee_b, province_staff, english):
    prepared = plan([["Mã", "Tên", "Mã cấp trên"], ["A-002", "Chi bộ Mới", "B"]], province_staff)
    (row,) = prepared.rows
    assert row.status == "changed"
    assert row.changes == {"Tên": ("Đảng bộ A-002", "Chi bộ Mới"), "Mã cấp trên": ("A", "B")}
    registry.apply(prepared, user=province_staff)
    assert builders.unit("A-002").committee.code == "B"


def test_errors_name_the_sheet_row_column_and_value_and_nothing_is_written(province_staff, english):
    rows = [
        HEADER,
        ["TINH", "Đảng bộ tỉnh", "", "Đảng bộ tỉnh", "", "", ""],
        ["H1", "Huyện ủy Một", "TINH", "Huyện cấp", "", "", ""],
        ["H2", "Huyện ủy Hai", "TINH", "Huyện ủy", "", "32/01/2010", ""],
        ["X9", "Đảng bộ xã Chín", "KHONG-CO", "Đảng bộ cơ sở", "xã", "", ""],
        ["H2", "Trùng mã", "TINH", "Huyện ủy", "", "", ""],
    ]
    prepared = plan(rows, province_staff)
    messages = [str(e) for e in prepared.errors]
    assert messages[0].startswith("Sheet “don-vi”, row 3, column “Loại”, value “Huyện cấp”: Not a kind")
    assert any("row 4, column “Ngày thành lập”, value “32/01/2010”" in m for m in messages)
    assert any("row 5, column “Mã cấp trên”, value “KHONG-CO”: No unit has this code" in m for m in messages)
    assert any("row 6, column “Mã”, value “H2”: This code is already" in m for m in messages)
    with pytest.raises(BulkRefused):
        registry.apply(prepared, user=province_staff)
    assert not Unit.objects.exists()


def test_a_unit_under_a_parent_of_the_wrong_tier_is_refused(committee_a, province_staff, english):
    prepared = plan(
        [["Mã", "Tên", "Mã cấp trên", "Loại"], ["C1", "Chi bộ", "A", "Chi bộ trực thuộc"]], province_staff
    )
    assert "must sit under a Grassroots organization" in str(prepared.errors[0])


def test_a_grassroots_organization_may_sit_directly_under_the_province(province_unit, province_staff):
    rows = [
        ["Mã", "Tên", "Mã cấp trên", "Loại", "Loại hình"],
        ["XA", "Đảng bộ xã A", "TINH", "Đảng bộ cơ sở", "Xã"],
    ]
    registry.apply(plan(rows, province_staff), user=province_staff)
    assert builders.unit("XA").is_reporting_committee


def test_a_cycle_is_refused(committee_a, province_staff, english):
    rows = [["Mã", "Tên", "Mã cấp trên", "Loại"], ["A-001", "", "A-001-01", "Chi bộ trực thuộc"],
            ["A-001-01", "", "A-001", ""]]  # fmt: skip
    assert plan(rows, province_staff).has_errors


def test_an_xlsx_with_a_title_above_the_table_and_english_headers(province_unit, province_staff):
    data = xlsx(
        ["DANH SÁCH TỔ CHỨC ĐẢNG"],
        [],
        ["Code", "Name", "Parent code", "Kind"],
        ["H1", "Huyện ủy Một", "TINH", "district"],
    )
    prepared = registry.plan(data, "tree.xlsx", user=province_staff)
    assert prepared.counts["new"] == 1


def test_only_provincial_staff_change_the_tree(committee_a, staff, leader):
    for user in (staff, leader):
        with pytest.raises(PermissionDenied):
            plan(TREE, user)


def test_the_admins_export_comes_back_unchanged(committee_a, province_staff):
    from organizations.resources import UnitResource

    exported = UnitResource().export().csv
    prepared = registry.plan(exported.encode(), "units.csv", user=province_staff)
    assert not prepared.errors and prepared.counts["unchanged"] == Unit.objects.count()


def test_a_file_of_codes_and_one_column_changes_that_column_only(committee_a, province_staff):
    prepared = plan([["Mã", "Loại hình"], ["A-001", "Phường"]], province_staff)
    assert not prepared.errors and prepared.counts["changed"] == 1
    registry.apply(prepared, user=province_staff)
    unit = builders.unit("A-001")
    assert (unit.place_type, unit.parent.code, unit.name) == (PlaceType.WARD, "A", "Đảng bộ A-001")
