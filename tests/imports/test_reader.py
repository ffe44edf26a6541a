"""Reading files: formats, encodings, and the protections, each refused with a clear message and
the database unchanged."""

import codecs
import io
import zipfile

import pytest

from imports import limits, services
from imports.limits import FileRefused
from imports.reader import read_file
from imports.rows import NEW
from tests.imports.conftest import db_state
from tests.imports.files import csv_text, ods, to_cp1258, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["Mã đơn vị", "Tên đơn vị", "Năm", "Xếp loại"]
ROW = ["A-001", "Đảng bộ A-001", "2015", "Hoàn thành tốt nhiệm vụ"]


def levels_of(prev):
    return [(r.unit.code, r.values["level"].code) for r in prev.rows if r.status == NEW]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.csv", csv_text(HEADERS, ROW).encode("utf-8")),
        ("bom.csv", csv_text(HEADERS, ROW).encode("utf-8-sig")),
        ("semicolons.csv", csv_text(HEADERS, ROW, delimiter=";").encode("utf-8-sig")),
        ("windows-1258.csv", to_cp1258(csv_text(HEADERS, ROW))),
        ("utf16.csv", csv_text(HEADERS, ROW, delimiter="\t").encode("utf-16")),
        ("book.xlsx", xlsx(HEADERS, [*ROW[:2], 2015, ROW[3]])),
        ("book.ods", ods(HEADERS, [*ROW[:2], 2015, ROW[3]])),
    ],
)
def test_formats_and_encodings(tree, staff, name, data):
    prev = services.preview(data, name, user=staff)
    assert levels_of(prev) == [("A-001", "HTTNV")]
    assert prev.rows[0].unit.name == "Đảng bộ A-001"


def test_windows_1258_names_are_read_back_as_nfc(tree, staff):
    sheets = read_file(to_cp1258(csv_text(["Tên đơn vị"], ["Đảng bộ xã Đăk La – thôn Kon Rờ Bàng"])), "x.csv")
    assert sheets[0].rows[1] == ["Đảng bộ xã Đăk La – thôn Kon Rờ Bàng"]


def test_several_sheets_and_a_sheet_without_a_table(tree, staff):
    data = xlsx(
        sheets={
            "Hướng dẫn": [["Điền mức xếp loại vào cột Xếp loại"]],
            "Cơ sở": [HEADERS, ["A-001", "", 2015, "TSVM"]],
            "Chi bộ": [
                ["Danh sách chi bộ"],
                HEADERS,
                ["A-001-01", "", 2015, "HTNV"],
                ["A-001-02", "", 2015, "?"],
            ],
        }
    )
    prev = services.preview(data, "book.xlsx", user=staff)
    assert levels_of(prev) == [("A-001", "TSVM"), ("A-001-01", "HTNV")]
    (error,) = prev.errors
    assert (error.sheet, error.row, error.column, error.value) == ("Chi bộ", 4, "Xếp loại", "?")
    assert prev.ignored_sheets == ["Hướng dẫn"]


def test_a_formula_is_read_as_its_stored_value_never_evaluated(tree, staff):
    data = xlsx(HEADERS, ["A-001", "", 2015, '="TS"&"VM"'])
    # Give the formula a stored result that differs from what evaluating it would give.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<c r="D2">', b'<c r="D2" t="str">').replace(
                    b"<v></v>", b"<v>HTNV</v>"
                )
                content = content.replace(b"<v />", b"<v>HTNV</v>")
            target.writestr(item, content)
    prev = services.preview(out.getvalue(), "book.xlsx", user=staff)
    assert levels_of(prev) == [("A-001", "HTNV")]


# Protection -------------------------------------------------------------------------------------


def refused(user, data, name, **kwargs):
    before = db_state()
    with pytest.raises(FileRefused) as error:
        prev = services.preview(data, name, user=user, **kwargs)
        services.commit(prev, user=user)
    assert db_state() == before
    return str(error.value)


def test_a_file_over_the_size_limit(tree, staff, settings):
    settings.IMPORT_MAX_BYTES = 1000
    message = refused(staff, csv_text(HEADERS, *[ROW] * 40).encode(), "big.csv")
    assert "big.csv" in message and "MB" in message


@pytest.mark.parametrize("name", ["many.csv", "many.xlsx"])
def test_a_file_over_the_row_limit(tree, staff, settings, name):
    settings.IMPORT_MAX_ROWS = 5
    rows = [["A-001", "", "2015", "TSVM"]] * 6
    data = csv_text(HEADERS, *rows).encode() if name.endswith(".csv") else xlsx(HEADERS, *rows)
    message = refused(staff, data, name)
    assert name in message and "5" in message
    # Far over the limit, the reader stops before the rows are even checked.
    data = csv_text(HEADERS, *rows * 10).encode()
    assert "5" in refused(staff, data, "huge.csv")


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "xlsx"),
        ("text.xlsx", csv_text(HEADERS, ROW).encode(), "xlsx"),
        ("book.csv", xlsx(HEADERS, ROW), "csv"),
        ("book.ods", xlsx(HEADERS, ROW), "ods"),
        ("book.xlsx", ods(HEADERS, ROW), "xlsx"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "xlsx"),
        ("report.pdf", b"%PDF-1.4", ".pdf"),
        ("table.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        ("empty.csv", b"", "empty.csv"),
    ],
)
def test_a_file_that_is_not_what_its_extension_says(tree, staff, name, data, says):
    message = refused(staff, data, name)
    assert name in message and says in message


def test_a_damaged_xlsx(tree, staff):
    data = xlsx(HEADERS, ROW)
    message = refused(staff, data[: len(data) // 2], "cut.xlsx")
    assert "cut.xlsx" in message


def zip_bomb(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"<row/>" * (1024 * 1024 // 6)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def test_an_xlsx_zip_bomb_by_ratio(tree, staff):
    data = zip_bomb(40 * 1024 * 1024)  # 40 MB of XML in a few kilobytes
    assert len(data) < 200_000
    assert "bomb" in refused(staff, data, "bomb.xlsx")


def test_an_xlsx_zip_bomb_by_total_size(tree, staff, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 3 * 1024 * 1024)
    monkeypatch.setattr(limits, "MAX_RATIO", 10**9)
    assert "bomb" in refused(staff, zip_bomb(5 * 1024 * 1024), "bomb.xlsx")


def test_a_zip_whose_headers_lie_about_the_size(tree, staff):
    """A member declaring 1 kB that inflates to 40 MB is refused, not trusted."""
    import struct

    data = bytearray(zip_bomb(40 * 1024 * 1024))
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        position = 0
        while (position := data.find(signature, position)) >= 0:
            if data[position + name_offset : position + name_offset + len(name)] == name:
                struct.pack_into("<I", data, position + size_offset, 1000)
            position += 4
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name.decode()).file_size == 1000
    message = refused(staff, bytes(data), "liar.xlsx")
    assert "liar.xlsx" in message


# Text that is not what it claims to be ----------------------------------------------------------

UTF16_BROKEN = [
    ("odd-le.csv", codecs.BOM_UTF16_LE + csv_text(HEADERS, ROW).encode("utf-16-le") + b"x"),
    ("odd-be.csv", codecs.BOM_UTF16_BE + csv_text(HEADERS, ROW).encode("utf-16-be") + b"x"),
    ("high-le.csv", codecs.BOM_UTF16_LE + "a,".encode("utf-16-le") + b"\x00\xd8" + "b".encode("utf-16-le")),
    ("low-be.csv", codecs.BOM_UTF16_BE + "a,".encode("utf-16-be") + b"\xdc\x00" + "b".encode("utf-16-be")),
    ("utf32.csv", codecs.BOM_UTF32_LE + b"\x00\xd8\x00\x00"),
]


@pytest.mark.parametrize(("name", "data"), UTF16_BROKEN)
def test_a_csv_that_is_not_valid_utf16_after_its_bom_is_refused(tree, staff, name, data):
    message = refused(staff, data, name)
    assert name in message and "not valid UTF-16" in message and "CSV UTF-8" in message


def test_a_csv_in_utf8_holding_a_lone_surrogate_is_refused(tree, staff):
    data = csv_text(HEADERS, ROW).encode() + b"\xed\xa0\x80,x\r\n"  # U+D800 as UTF-8 (CESU-8)
    assert "lone surrogate" in refused(staff, data, "cesu.csv")


def test_the_import_command_reports_a_broken_utf16_csv(tree, staff, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "odd.csv"
    path.write_bytes(UTF16_BROKEN[0][1])
    with pytest.raises(CommandError, match="not valid UTF-16"):
        call_command(
            "import_ratings", str(path), user=staff.username, stdout=io.StringIO(), stderr=io.StringIO()
        )
