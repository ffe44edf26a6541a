"""`assessments.resolution_files`: whether a resolution's exemplary targets count the commendation
"TSVM tiêu biểu" (`exemplary_by_commendation`) travels through a file as its other fields do — a
JSON true/false, a sheet's "Tiêu biểu theo công nhận" column (Có/Không) — is stored, audited old
to new, found unchanged when the same file comes again, kept when a file leaves it out, and
refused with its row and column when it is neither yes nor no."""

import csv
import io

import openpyxl
import pytest
from django.utils import translation

from assessments.models import AuditEntry, Resolution
from assessments.resolution_entries import TargetFileRefused
from assessments.resolution_files import read_document, read_path_data
from assessments.resolution_import import import_entries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the msgids), whatever the catalogs translate."""
    with translation.override("en"):
        yield


def document(**fields) -> list[dict]:
    return [
        {
            "issuing_body": "Ban Thường vụ Tỉnh ủy",
            "number": "03-NQ/TU",
            "title": "Nghị quyết nhiệm kỳ 2020–2025",
            "term": "2020–2025",
            "first_year": 2021,
            "last_year": 2025,
            "counted_levels": {"HTNV-2018": "TSVM = HTXSNV + HTTNV"},
            **fields,
        }
    ]


HEADER = ["Số nghị quyết", "Cơ quan ban hành", "Tên nghị quyết", "Nhiệm kỳ", "Từ năm", "Đến năm"]
ROW = ["03-NQ/TU", "Ban Thường vụ Tỉnh ủy", "Nghị quyết nhiệm kỳ 2020–2025", "2020–2025", "2021", "2025"]
TARGET_HEADER = ["Mã chỉ tiêu", "Tên chỉ tiêu", "Chỉ số", "So sánh", "Ngưỡng", "Mẫu số", "Chỉ tiêu từ năm"]
TARGET = ["NQ03_TIEUBIEU", "TCCSĐ tiêu biểu", "base_exemplary", "≥", "3,5", "clean_strong_units", "2021"]


def csv_bytes(rows) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def load(entries):
    return import_entries(entries, user=None, source="test")


def flag() -> bool:
    return Resolution.objects.get(number="03-NQ/TU").exemplary_by_commendation


def test_a_json_true_is_stored_and_audited_and_the_same_file_again_changes_nothing():
    load(read_document(document(exemplary_by_commendation=True)))
    assert flag() is True
    created = AuditEntry.objects.get(action="resolution.create")
    assert created.changes["exemplary_by_commendation"] == [None, True]
    before = AuditEntry.objects.count()
    (outcome,) = load(read_document(document(exemplary_by_commendation=True)))
    assert not outcome.changed and AuditEntry.objects.count() == before


def test_a_json_false_turns_it_off_old_to_new():
    load(read_document(document(exemplary_by_commendation=True)))
    (outcome,) = load(read_document(document(exemplary_by_commendation=False)))
    assert outcome.changed and flag() is False
    update = AuditEntry.objects.get(action="resolution.update")
    assert update.changes == {"exemplary_by_commendation": [True, False]}


def test_a_file_leaving_it_out_keeps_the_stored_flag_and_a_new_resolution_has_it_off():
    load(read_document(document()))
    assert flag() is False
    load(read_document(document(exemplary_by_commendation=True)))
    (outcome,) = load(read_document(document()))
    assert not outcome.changed and flag() is True


@pytest.mark.parametrize("kind,write", [("csv", csv_bytes), ("xlsx", xlsx_bytes)])
def test_a_sheet_says_it_in_its_column_with_co_or_khong(kind, write):
    header = [*HEADER, "Tiêu biểu theo công nhận", *TARGET_HEADER]
    data = write([header, [*ROW, "Có", *TARGET]])
    load(read_path_data(data, f"chi-tieu.{kind}"))
    assert flag() is True
    target = Resolution.objects.get(number="03-NQ/TU").targets.get()
    assert (target.metric, str(target.threshold)) == ("base_exemplary", "3.50")
    load(read_path_data(write([header, [*ROW, "Không", *TARGET]]), f"chi-tieu.{kind}"))
    assert flag() is False


def test_a_sheet_without_the_column_keeps_the_stored_flag():
    load(read_document(document(exemplary_by_commendation=True)))
    load(read_path_data(csv_bytes([[*HEADER, *TARGET_HEADER], [*ROW, *TARGET]]), "chi-tieu.csv"))
    assert flag() is True


def test_a_value_neither_yes_nor_no_is_refused_with_its_row_and_column():
    header = [*HEADER, "Tieu bieu theo cong nhan", *TARGET_HEADER]  # without diacritics: found too
    with pytest.raises(TargetFileRefused) as refused:
        read_path_data(csv_bytes([header, [*ROW, "có lẽ", *TARGET]]), "chi-tieu.csv")
    (message,) = refused.value.messages
    assert "row 2" in message and "Tieu bieu theo cong nhan" in message and "Có" in message
    with pytest.raises(TargetFileRefused) as refused:
        read_document(document(exemplary_by_commendation=[True]))
    assert "exemplary_by_commendation" in refused.value.messages[0]
    assert not Resolution.objects.filter(number="03-NQ/TU").exists()


def test_counting_the_commendation_and_an_exemplary_level_is_refused_and_nothing_is_written():
    levels = {"HTNV-2018": "TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV"}
    entries = read_document(document(exemplary_by_commendation=True, counted_levels=levels))
    with pytest.raises(TargetFileRefused) as refused:
        load(entries)
    assert "commended “TSVM tiêu biểu”" in refused.value.messages[0]
    assert not Resolution.objects.filter(number="03-NQ/TU").exists()
