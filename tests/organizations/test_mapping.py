"""The mapping file: rows grouped into reorganizations, tried in order and rolled back for the
plan, then carried out in one transaction, or nothing."""

import datetime

import pytest
from django.utils import translation

from assessments.models import AuditEntry, Channel
from organizations import mapping
from organizations.bulk_files import BulkRefused
from organizations.history import Lineage, Reorganization
from organizations.lineage import committees_on
from organizations.models import Unit
from tests import builders
from tests.imports.files import csv_text

D = datetime.date
HEADER = ["Mã cũ", "Mã mới", "Hình thức", "Ngày hiệu lực", "Số quyết định", "Ngày quyết định", "Tên mới",
          "Mã cấp trên mới", "Loại", "Kế thừa"]  # fmt: skip


@pytest.fixture
def tree(db):
    return builders.small_committee("A"), builders.small_committee("B")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def plan(rows, user, name="sap-xep.csv"):
    return mapping.plan(csv_text(HEADER, *rows).encode(), name, user=user)


DECIDED = ["100-QĐ/TU", "20/06/2025"]
MERGER = [
    ["A-001", "XA1", "sáp nhập", "01/07/2025", *DECIDED, "Đảng bộ xã Mới", "TINH", "Đảng bộ cơ sở", ""],
    ["B-001", "XA1", "Sáp nhập", "1/7/2025", *DECIDED, "", "", "", ""],
]


def test_rows_with_the_same_new_code_are_one_merger_founding_the_new_unit(tree, province_staff):
    prepared = plan(MERGER, province_staff)
    assert not prepared.errors and len(prepared.steps) == 1
    assert not Unit.objects.filter(code="XA1").exists()  # the plan wrote nothing
    mapping.apply(prepared, user=province_staff)
    commune = builders.unit("XA1")
    assert commune.is_reporting_committee and commune.name == "Đảng bộ xã Mới"
    assert set(Lineage.objects.values_list("predecessor__code", flat=True)) == {"A-001", "B-001"}
    assert committees_on(D(2025, 7, 1))[builders.unit("B-001-01").pk] == commune.pk
    assert Reorganization.objects.get().decision_number == "100-QĐ/TU"


def test_the_plan_shows_the_consequences(tree, province_staff, english):
    (step,) = plan(MERGER, province_staff).steps
    assert any("merges into Đảng bộ xã Mới from 01/07/2025" in line for line in step.lines)


def test_the_audit_carries_the_user_the_import_channel_and_the_file(tree, province_staff):
    mapping.apply(plan(MERGER, province_staff), user=province_staff)
    entries = AuditEntry.objects.filter(unit__code="A-001")
    assert entries.exists()
    assert set(entries.values_list("user__username", "channel", "source")) == {
        ("province", Channel.IMPORT, "sap-xep.csv")
    }


def test_split_rows_with_the_same_old_code_are_one_split_and_the_marked_row_carries_history(
    tree, province_staff
):
    rows = [
        ["A-001", "A-011", "chia tách", "01/01/2024", "", "", "Đảng bộ xã Một", "", "", ""],
        ["A-001", "A-012", "chia tach", "01/01/2024", "", "", "Đảng bộ xã Hai", "", "", "x"],
    ]
    mapping.apply(plan(rows, province_staff), user=province_staff)
    heirs = dict(
        Lineage.objects.filter(carries_history=True).values_list("predecessor__code", "successor__code")
    )
    assert heirs == {"A-001": "A-012"}
    assert builders.unit("A-011").committee.code == "A"


def test_later_rows_see_what_earlier_rows_did(tree, province_staff):
    rows = [
        ["", "XA2", "thành lập", "01/07/2025", "", "", "Đảng bộ xã Hai", "TINH", "Đảng bộ cơ sở", ""],
        ["A-002", "", "chuyển", "01/07/2025", "", "", "", "XA2", "Chi bộ trực thuộc", ""],
        ["A", "", "giải thể", "01/07/2025", "", "", "", "", "", ""],
    ]
    prepared = plan(rows, province_staff)
    assert not prepared.errors, [str(e) for e in prepared.errors]
    mapping.apply(prepared, user=province_staff)
    assert builders.unit("A-002").parent.code == "XA2"
    assert builders.unit("A").dissolved == D(2025, 6, 30)


def test_rename_and_refound(tree, province_staff):
    rows = [
        ["A-002", "", "đổi tên", "01/03/2025", "", "", "Chi bộ Văn phòng", "", "", ""],
        ["B-001", "B-101", "thành lập lại", "01/03/2025", "", "", "", "A", "", ""],
    ]
    mapping.apply(plan(rows, province_staff), user=province_staff)
    assert builders.unit("A-002").name == "Chi bộ Văn phòng"
    assert builders.unit("B-101").parent.code == "A"
    assert builders.unit("B-001-01").parent.code == "B-101"


def test_every_problem_is_listed_and_nothing_is_written(tree, province_staff, english):
    rows = [
        ["A-001", "XA1", "sáp nhập", "01/07/2025", "", "", "Đảng bộ xã Mới", "TINH", "", ""],
        ["KHONG", "", "giải thể", "01/07/2025", "", "", "", "", "", ""],
        ["A-002", "", "nhảy", "01/07/2025", "", "", "", "", "", ""],
        ["A-002", "", "giải thể", "", "", "", "", "", "", ""],
    ]
    prepared = plan(rows, province_staff)
    messages = [str(e) for e in prepared.errors]
    assert len(messages) == 3
    assert any("row 3, column “Mã cũ”, value “KHONG”: No unit has this code." in m for m in messages)
    assert any("row 4, column “Hình thức”, value “nhảy”: Not an operation" in m for m in messages)
    assert any("row 5, column “Ngày hiệu lực”" in m for m in messages)
    with pytest.raises(BulkRefused):
        mapping.apply(prepared, user=province_staff)
    assert not Unit.objects.filter(code="XA1").exists() and not Reorganization.objects.exists()


def test_a_refusal_of_the_service_is_shown_on_the_row(tree, province_staff, english):
    builders.season(2025, locked=True)
    prepared = plan(MERGER, province_staff)
    assert "row 2, column “Hình thức”, value “sáp nhập”: Year 2025 is locked" in str(prepared.errors[0])


def test_an_xlsx_with_one_sheet_per_district_is_one_list(tree, province_staff):
    from tests.imports.files import xlsx

    merged = ["XA1", "sáp nhập", "01/07/2025", "", "", "Đảng bộ xã Mới", "TINH", "Đảng bộ cơ sở", ""]
    data = xlsx(sheets={"Huyện A": [HEADER, ["A-001", *merged]], "Huyện B": [HEADER, ["B-001", *merged]]})
    prepared = mapping.plan(data, "sap-xep.xlsx", user=province_staff)
    assert not prepared.errors and len(prepared.steps) == 1 and len(prepared.steps[0].rows) == 2
