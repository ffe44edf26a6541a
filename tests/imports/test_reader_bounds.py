"""The reader's bounds on what a file makes it build: columns, rows, cells, text, sheets, time.

Every hostile file is made here, a few hundred bytes of hand-written XML. Those that would make a
reader without the bounds allocate gigabytes are read in a fresh interpreter held to 2 GiB of
address space and a timeout (`guarded`), so that a regression fails its test instead of taking
the test run, or the machine, down.
"""

import codecs
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from imports import limits, odsscan, reader, xlsxscan, zipscan
from imports.limits import FileRefused
from imports.reader import check_file, read_file
from tests.imports.files import (
    csv_text,
    ods,
    ods_cell,
    ods_from_xml,
    ods_row,
    xlsx,
    xlsx_from_xml,
    zip_of,
)

ROOT = Path(__file__).resolve().parents[2]
MEMORY = 2 << 30  # address space of the guarded interpreter
TIMEOUT = 60  # seconds; a fixed reader takes a few

GUARDED = r"""
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontum_party.settings")
import django
django.setup()
from django.utils import translation
from imports import reader
name, call = sys.argv[1], sys.argv[2]
data = sys.stdin.buffer.read()
with translation.override("en"):
    try:
        sheets = getattr(reader, call)(data, name) or []
        print(json.dumps({"read": [[sheet.name, len(sheet.rows)] for sheet in sheets]}))
    except reader.FileRefused as refused:
        print(json.dumps({"refused": str(refused)}))
"""


def guarded(data: bytes, name: str, call: str = "read_file") -> dict:
    """reader.<call>(data, name) in a fresh interpreter limited to MEMORY and TIMEOUT:
    {"refused": message} or {"read": [[sheet, rows], …]}; a crash or a timeout fails the test."""

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    env = {k: v for k, v in os.environ.items() if not k.startswith("IMPORT_")}
    try:
        done = subprocess.run(
            [sys.executable, "-c", GUARDED, name, call],
            input=data,
            capture_output=True,
            timeout=TIMEOUT,
            preexec_fn=limit,
            cwd=ROOT,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {name} took more than {TIMEOUT} s")
    if done.returncode != 0:
        pytest.fail(f"reading {name} crashed (exit {done.returncode}): {done.stderr.decode()[-800:]}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def guarded_refusal(data: bytes, name: str) -> str:
    result = guarded(data, name)
    assert "refused" in result, f"{name} was read: {result}"
    return result["refused"]


def refused(data: bytes, name: str) -> str:
    """The message, the same from check_file and read_file."""
    with pytest.raises(FileRefused) as checked:
        check_file(data, name)
    with pytest.raises(FileRefused) as read:
        read_file(data, name)
    assert str(read.value) == str(checked.value)
    return str(checked.value)


def value(ref: str) -> str:
    return f'<c r="{ref}"><v>1</v></c>'


# xlsx ---------------------------------------------------------------------------------------


def test_xlsx_reaching_column_xfd_is_refused_before_reading():
    """1.5 kB asking a dense reader for 17 billion cells (512 GiB)."""
    data = xlsx_from_xml(
        {"Xếp loại": f'<row r="1">{value("A1")}</row><row r="1048576">{value("XFD1048576")}</row>'}
    )
    assert len(data) < 2000
    message = guarded_refusal(data, "far.xlsx")
    assert "“far.xlsx”" in message and "“Xếp loại”" in message
    assert "column XFD" in message and "256 columns (A to IV)" in message


def test_xlsx_reaching_row_1048576_is_refused_before_reading():
    data = xlsx_from_xml({"S": f'<row r="1">{value("A1")}</row><row r="1048576">{value("B1048576")}</row>'})
    message = guarded_refusal(data, "deep.xlsx")
    assert "sheet “S” reaches row 1.048.576" in message and "at most 200.020" in message


def test_xlsx_cells_without_a_reference_are_counted_in_order():
    """A cell without r is the one after the previous; 300 of them reach column KN."""
    data = xlsx_from_xml({"S": "<row>" + "<c><v>1</v></c>" * 300 + "</row>"})
    assert "column KN" in refused(data, "order.xlsx")


def test_xlsx_rows_without_a_reference_and_empty_rows_are_counted(settings):
    settings.IMPORT_MAX_ROWS = 10  # 2 × 10 + 20 rows in all
    data = xlsx_from_xml({"S": "<row/>" * 50 + "<row><c><v>1</v></c></row>"})
    assert "reaches row 51" in refused(data, "rows.xlsx")


def test_xlsx_dimension_wider_than_the_column_limit_is_refused():
    """openpyxl (the admin's import) pads every row to the <dimension>'s last column."""
    data = xlsx_from_xml({"S": f'<row r="1">{value("A1")}</row>'}, head='<dimension ref="A1:XFD1"/>')
    assert "column XFD" in refused(data, "wide.xlsx")


def test_xlsx_used_area_over_the_cell_limit_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 1000)
    data = xlsx_from_xml({"S": f'<row r="1">{value("A1")}</row><row r="100">{value("Z100")}</row>'})
    message = refused(data, "area.xlsx")
    assert "spans 2.600 cells" in message and "reaches cell Z100" in message and "1.000" in message


def test_the_bounds_add_up_over_the_sheets(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 1000)
    sheet = f'<row r="1">{value("A1")}</row><row r="30">{value("T30")}</row>'  # 600 cells
    data = xlsx_from_xml({"Một": sheet, "Hai": sheet})
    assert "spans 1.200 cells in all (sheet “Hai”" in refused(data, "two.xlsx")


def test_sheets_reading_the_same_part_count_each_time(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 1000)
    sheet = f'<row r="1">{value("A1")}</row><row r="25">{value("T25")}</row>'  # 500 cells
    data = xlsx_from_xml({"S": sheet}, aliases={"S2": "S", "S3": "S"})
    assert "spans 1.500 cells in all (sheet “S”" in refused(data, "alias.xlsx")
    many = xlsx_from_xml({"S": value("A1")}, aliases={f"S{i}": "S" for i in range(2, 202)})
    assert "more than 200 sheets" in refused(many, "many.xlsx")


def test_xlsx_shared_string_copied_into_every_cell_counts_each_time():
    """A shared string is copied into every cell showing it: 100 kB × 20,000 cells = 2 GB."""
    cells = "".join(f'<c r="A{i}" t="s"><v>0</v></c>' for i in range(1, 20_001))
    data = xlsx_from_xml({"S": f"<row>{cells}</row>"}, shared_strings=["x" * 100_000])
    message = guarded_refusal(data, "copies.xlsx")
    assert "characters of text in all" in message and "sheet “S”" in message


def test_xlsx_shared_strings_claiming_ten_billion_are_refused():
    """calamine reserves room for uniqueCount strings before reading one: 240 GB."""
    data = xlsx_from_xml(
        {"S": '<row><c r="A1" t="s"><v>0</v></c></row>'}, shared_strings=["x"], unique_count="10000000000"
    )
    assert "it is damaged or of another kind" in guarded_refusal(data, "count.xlsx")


def test_a_sheet_part_the_workbook_does_not_name_is_bounded_too():
    """Another reader may find sheets otherwise (openpyxl goes through [Content_Types].xml)."""
    hidden = f"<worksheet><sheetData><row>{value('XFD1')}</row></sheetData></worksheet>"
    data = xlsx_from_xml({"S": value("A1")}, extra={"xl/worksheets/other.xml": hidden})
    with pytest.raises(FileRefused, match="column XFD"):
        check_file(data, "hidden.xlsx")


@pytest.mark.parametrize(
    "sheet",
    [
        f"<row>{value('A1')}",  # not closed
        "<row><c r='A1' r='B1'><v>1</v></c></row>",  # an attribute twice
        "<row><c r='A0'><v>1</v></c></row>",  # a reference calamine refuses
    ],
)
def test_an_xlsx_sheet_that_is_not_well_formed_is_refused(sheet):
    data = xlsx_from_xml({"S": sheet})
    assert "“bad.xlsx” cannot be read as a .xlsx spreadsheet" in refused(data, "bad.xlsx")


def test_an_xlsx_sheet_with_a_doctype_is_refused():
    """Its entities could expand without bound, in any reader that expands them."""
    data = xlsx_from_xml({"S": value("A1")})
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {i.filename: source.read(i) for i in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"].replace(
        b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1
    )
    assert "cannot be read as a .xlsx spreadsheet" in refused(zip_of(members), "dtd.xlsx")


def test_an_xlsx_whose_parts_are_broken_is_not_read_as_the_ods_it_also_holds():
    """Given bytes, calamine tries xlsx, then xlsb, then ods: named .xlsx, only xlsx is tried."""
    bomb = zipfile.ZipFile(io.BytesIO(ods_from_xml({"S": ods_row(ods_cell(1, repeat=100), repeat=300_000)})))
    inner = {info.filename: bomb.read(info) for info in bomb.infolist()}
    data = xlsx_from_xml({"S": value("A1")}, leave_out=("_rels/.rels",), extra=inner)
    assert "cannot be read as a .xlsx spreadsheet" in guarded_refusal(data, "both.xlsx")


@pytest.mark.parametrize("case", ["case", "ampersand", "unicode path"])
def test_zip_member_names_a_reader_could_read_otherwise_are_refused(case):
    data = xlsx_from_xml({"S": value("A1")})
    source = zipfile.ZipFile(io.BytesIO(data))
    members = [(i, source.read(i)) for i in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in members:
            target.writestr(info, content)
        if case == "case":
            target.writestr("xl/Worksheets/Sheet1.xml", content)
        elif case == "ampersand":
            target.writestr("xl/worksheets/sheet&#49;.xml", content)
        else:
            other = zipfile.ZipInfo("xl/worksheets/x.xml")
            name = b"xl/worksheets/sheet1.xml"
            other.extra = b"\x75\x70" + len(name).to_bytes(2, "little") + name  # 0x7075, no version/CRC
            target.writestr(other, content)
    assert "“names.xlsx” is damaged: it cannot be opened" in refused(out.getvalue(), "names.xlsx")


# ods ----------------------------------------------------------------------------------------


def test_ods_row_repeated_300000_times_is_refused_before_reading():
    """838 bytes expanding to 30 million cells (28 s and 4.6 GB before this fix)."""
    data = ods_from_xml({"Xếp loại": ods_row(ods_cell(1, repeat=100), repeat=300_000)})
    assert len(data) < 1200
    message = guarded_refusal(data, "repeat.ods")
    assert "“repeat.ods” reaches 300.000 rows" in message and "sheet “Xếp loại”" in message


def test_ods_cells_repeated_across_the_column_limit_are_refused():
    data = ods_from_xml({"S": ods_row(ods_cell("x", repeat=300))})
    assert "column KN" in refused(data, "wide.ods")


def test_ods_wide_rows_repeated_are_refused_before_reading():
    data = ods_from_xml({"S": ods_row(ods_cell(1, repeat=20_000), repeat=5_000)})
    assert "column ACOF" in guarded_refusal(data, "block.ods")


def test_ods_empty_cells_before_another_cell_count_even_in_empty_rows():
    """calamine keeps the empty cells before any cell of a row (16,384 a row, 2 kB → 1.8 GB)."""
    row = ods_row(ods_cell(), ods_cell(repeat=1_000_000), ods_cell())
    data = ods_from_xml({"S": row * 2000 + ods_row(ods_cell(1))})
    assert "cells in all (sheet “S”" in guarded_refusal(data, "gaps.ods")


def test_ods_empty_rows_between_values_are_counted(settings):
    settings.IMPORT_MAX_ROWS = 10
    data = ods_from_xml({"S": ods_row(ods_cell(1)) + ods_row(ods_cell(), repeat=100) + ods_row(ods_cell(2))})
    assert "reaches row 102" in refused(data, "middle.ods")


def test_ods_repeated_spaces_count_as_text():
    """<text:s text:c="n"/> is n spaces, in every repetition of its cell: 2 billion here."""
    spaces = ods_cell("x", repeat=100, inner='<text:p><text:s text:c="1000000"/></text:p>')
    data = ods_from_xml({"S": ods_row(spaces, repeat=20)})
    assert "characters of text" in guarded_refusal(data, "spaces.ods")


def test_an_ods_cell_holding_a_table_is_refused():
    nested = ods_row(ods_cell(1)) + ods_row(ods_cell(1, repeat=100), repeat=300_000)
    cell = ods_cell("x", inner=f'<text:p>x</text:p><table:table table:name="in">{nested}</table:table>')
    data = ods_from_xml({"S": ods_row(cell)})
    assert "cannot be read as a .ods spreadsheet" in refused(data, "nested.ods")


def test_libreoffice_ods_ending_in_rows_repeated_to_the_last_row_is_read():
    """LibreOffice pads every row to its last column and every sheet to row 1,048,576."""
    rows = [["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", 2015, "TSVM"], ["A-002", 2015, "HTNV"]]
    data = ods_from_xml(
        {
            "Xếp loại": ods_row(ods_cell(repeat=1024))
            + "".join(ods_row(*(ods_cell(v) for v in row), ods_cell(repeat=1021)) for row in rows)
            + ods_row(ods_cell(repeat=16384), repeat=1_048_572),
            "Trống": ods_row(ods_cell(repeat=1024), repeat=1_048_576),
        }
    )
    result = guarded(data, "libreoffice.ods")
    assert result == {"read": [["Xếp loại", 4], ["Trống", 0]]}
    sheets = read_file(data, "libreoffice.ods")
    assert sheets[0].rows == [["", "", ""], *[[str(v) for v in row] for row in rows]]


def test_an_ods_as_pandas_writes_it_is_read():
    assert read_file(ods(["Mã đơn vị", "Năm"], ["A-001", 2015]), "a.ods")[0].rows == [
        ["Mã đơn vị", "Năm"],
        ["A-001", "2015"],
    ]


# csv ----------------------------------------------------------------------------------------


def test_csv_of_blank_lines_is_refused_early():
    """9.9 MB of blank lines: 14–20 s and 1.1 GB before blank lines counted."""
    message = guarded_refusal(b"\n" * 9_900_000, "blank.csv")
    assert "more than 200.020 lines (blank lines included)" in message


def test_csv_line_with_more_columns_than_the_limit_is_refused():
    data = csv_text(["a"] * 10, ["x"] * 300).encode()
    assert "line 2: more than 256 columns" in refused(data, "wide.csv")


def test_csv_over_the_cell_limit_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 100)
    assert "more than 100 cells" in refused(csv_text(*[["a"] * 5] * 30).encode(), "cells.csv")


# check_file ---------------------------------------------------------------------------------


def test_read_file_runs_check_file_first(monkeypatch):
    calls = []

    def check(data, name):
        calls.append((data, name))
        raise FileRefused("checked")

    monkeypatch.setattr(reader, "check_file", check)
    with pytest.raises(FileRefused, match="checked"):
        read_file(b"a,b\r\n", "x.csv")
    assert calls == [(b"a,b\r\n", "x.csv")]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ok.xlsx", xlsx(["Mã đơn vị", "Năm"], ["A-001", 2015])),
        ("ok.ods", ods(["Mã đơn vị", "Năm"], ["A-001", 2015])),
        ("ok.csv", csv_text(["Mã đơn vị", "Năm"], ["A-001", "2015"]).encode("utf-8-sig")),
        ("ok16.csv", codecs.BOM_UTF16_LE + csv_text(["a"], ["b"]).encode("utf-16-le")),
    ],
)
def test_check_file_passes_a_legitimate_file(name, data):
    assert check_file(data, name) is None


# The scan against calamine ------------------------------------------------------------------


def random_xlsx(rnd: random.Random) -> bytes:
    """Rows and cells with and without references, self-closing, empty or not, outside rows."""
    parts = []
    for _ in range(rnd.randint(1, 12)):
        if rnd.random() < 0.15:
            parts.append(rnd.choice(["<row/>", f'<row r="{rnd.randint(1, 40)}"/>']))
            continue
        cells = []
        for _ in range(rnd.randint(0, 6)):
            ref = (
                f' r="{zipscan.column_name(rnd.randint(1, 30))}{rnd.randint(1, 40)}"'
                if rnd.random() < 0.5
                else ""
            )
            body = rnd.choice(["", "<v>1</v>", "<v></v>", "<f>1</f>", "<is><t>x</t></is>"])
            kind = ' t="inlineStr"' if "is" in body else ""
            cells.append(f"<c{ref}{kind}>{body}</c>" if body else f"<c{ref}/>")
        if rnd.random() < 0.15:
            parts.extend(cells)
        else:
            ref = f' r="{rnd.randint(1, 40)}"' if rnd.random() < 0.5 else ""
            parts.append(f"<row{ref}>{''.join(cells)}</row>")
    return xlsx_from_xml({"S": "".join(parts)})


def random_ods(rnd: random.Random) -> bytes:
    rows = []
    for _ in range(rnd.randint(1, 10)):
        cells = [
            ods_cell(rnd.choice([None, None, 1, "x"]), repeat=rnd.choice([None, 2, 50]))
            for _ in range(rnd.randint(0, 6))
        ]
        rows.append(ods_row(*cells, repeat=rnd.choice([None, None, 2, 100])))
    return ods_from_xml({"S": "".join(rows)})


def scanned_extents(data: bytes, name: str) -> list[tuple[int, int]]:
    ext = reader.extension(name)
    archive, holding = zipscan.check_zip(data, name, ext)
    budget, extents = zipscan.Budget(name, ext), []
    budget.add = lambda extent, times=1: extents.append((extent.rows, extent.columns))
    (xlsxscan.check_xlsx if ext == ".xlsx" else odsscan.check_ods)(archive, holding, budget)
    return extents


@pytest.mark.parametrize(("name", "make"), [("random.xlsx", random_xlsx), ("random.ods", random_ods)])
def test_the_scan_never_counts_less_than_calamine_builds(name, make):
    from python_calamine import load_workbook

    for seed in range(150):
        data = make(random.Random(seed))
        with tempfile.NamedTemporaryFile(suffix=reader.extension(name)) as file:
            file.write(data)
            file.flush()
            sheet = load_workbook(file.name).get_sheet_by_name("S")
        built = (0, 0) if sheet.end is None else (sheet.end[0] + 1, sheet.end[1] + 1)
        ((rows, columns),) = scanned_extents(data, name)
        assert built[0] <= rows and built[1] <= columns, (seed, built, (rows, columns))
