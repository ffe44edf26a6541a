"""Reading an uploaded spreadsheet into sheets of text cells, safely.

- .xlsx and .ods with python-calamine (a fast Rust reader that reads a formula's stored result
  and never evaluates it), from a temporary file named with the extension, so that calamine uses
  that format's reader and no other (given bytes, it tries xls, xlsx, xlsb and ods in turn);
  .csv with the standard csv module (rows of any length: titles above a table are common),
  UTF-8 with or without BOM, UTF-16 with a BOM, else Windows-1258 (what Excel writes on
  Vietnamese Windows).
- `check_file` runs every check that must pass before a dense read, by this reader or another
  (the admin's, django-import-export with openpyxl): the size (settings.IMPORT_MAX_BYTES), that
  the content is what the extension says, for the zip formats the real uncompressed size and
  ratio of every member (decompressed in bounded chunks, so a lying zip header cannot hide a
  bomb), then the bounds on what a dense reader builds. That is not the file's size: a 1.5 kB
  xlsx holding A1 and XFD1048576 asks for 17 billion cells, an 838-byte ods repeating a row
  300,000 times for 30 million. So every sheet's XML is streamed (expat, in chunks: bounded
  memory; refused unless well-formed and without DTD) and what calamine would build is counted
  as calamine builds it, never less: the rows and columns its cells reach (their references,
  cells and rows without one counted in order; in ods the repeated rows and cells expanded,
  not the empty ones ending a row or a sheet, which calamine does not expand: LibreOffice ends
  every sheet so), the empty cells it fills in, the text it copies (a shared string into every
  cell showing it, a repeated ods cell into every repetition), the sheets, the XML tags. The
  bounds: MAX_COLUMNS, MAX_CELLS, MAX_TEXT, MAX_SHEETS, MAX_XML_TAGS, max_physical_rows(). A CSV
  is bounded likewise while it is read (blank lines count).
- Checked after: the number of rows holding data (settings.IMPORT_MAX_ROWS).

Every cell comes back as NFC text without leading or trailing white space; row numbers are the ones the
spreadsheet shows (1-based, blank rows counted).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from datetime import date, datetime

from django.utils.translation import gettext as _

from imports import limits
from imports.cells import cell_text
from imports.limits import (
    HEADER_ALLOWANCE,
    SUPPORTED,
    FileRefused,
    Sheet,
    as_mb,
    grouped,
    looks_binary,
    max_bytes,
    max_physical_rows,
    max_rows,
    mismatch,
    sniff,
)
from imports.odsscan import check_ods
from imports.xlsxscan import check_xlsx
from imports.zipscan import Budget, check_zip


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def check_file(data: bytes, name: str) -> None:
    """Every check that must pass before the file is read densely (by this module or another
    reader, such as the admin's): extension and content, size, zip bomb, bounds on rows,
    columns, cells and text. Raises FileRefused with a message for the user."""
    ext = extension(name)
    if ext not in SUPPORTED:
        raise FileRefused(
            _("“%(name)s” is not a spreadsheet this page reads: use .xlsx, .ods or .csv.") % {"name": name}
        )
    limit = max_bytes()
    if len(data) > limit:
        raise FileRefused(
            _("“%(name)s” is %(size)s MB; files of at most %(limit)s MB are accepted.")
            % {"name": name, "size": as_mb(len(data)), "limit": as_mb(limit)}
        )
    if not data:
        raise FileRefused(_("“%(name)s” is empty.") % {"name": name})
    if ext == ".csv":
        for _row in _csv_rows(_decode(data, name), name, convert=False):
            pass
        return
    archive, holding = check_zip(data, name, ext)
    budget = Budget(name, ext)
    if ext == ".xlsx":
        check_xlsx(archive, holding, budget)
    else:
        check_ods(archive, holding, budget)


def read_file(data: bytes, name: str) -> list[Sheet]:
    """The sheets of a file given as bytes, or FileRefused with a message for the user."""
    check_file(data, name)
    ext = extension(name)
    if ext == ".csv":
        rows = list(_csv_rows(_decode(data, name), name))
        sheets = [Sheet(name=os.path.splitext(os.path.basename(name))[0] or "CSV", rows=rows)]
    else:
        sheets = _read_workbook(data, name, ext)
    _check_rows(sheets, name)
    _check_nul(sheets, name)
    return sheets


# CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:  # an odd number of bytes, a lone surrogate
            raise FileRefused(
                _(
                    "“%(name)s” begins like UTF-16 text but is not valid UTF-16 from byte %(position)s "
                    "on (a character cut in half or a lone surrogate). Save it again as “CSV UTF-8” "
                    "and upload that."
                )
                % {"name": name, "position": error.start}
            ) from None
    if looks_binary(data):
        raise mismatch(name, ".csv", sniff(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        try:
            data.decode("utf-8-sig", "surrogatepass")
        except UnicodeDecodeError:
            pass
        else:  # UTF-8 but for a lone surrogate (CESU-8): not Windows-1258 text either
            raise FileRefused(
                _(
                    "“%(name)s” is UTF-8 text holding an invalid character (a lone surrogate) at byte "
                    "%(position)s. Save it again as “CSV UTF-8” and upload that."
                )
                % {"name": name, "position": error.start}
            ) from None
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        raise FileRefused(
            _("“%(name)s” is neither UTF-8 nor Windows-1258 text. Save it as “CSV UTF-8”.") % {"name": name}
        ) from None


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel where the decimal mark is a comma, as in Vietnamese) or tab."""
    sample = text[:20_000]
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _csv_rows(text: str, name: str, convert: bool = True):
    """The rows of a CSV text, one at a time; refused as soon as a bound is passed: the rows of
    data, every row (blank lines count), the columns of a row, the cells."""
    filled_limit = max_rows() + HEADER_ALLOWANCE
    physical_limit = max_physical_rows()
    filled = cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, row in enumerate(reader, 1):
            if number > physical_limit:
                raise FileRefused(
                    _(
                        "“%(name)s” has more than %(limit)s lines (blank lines included); split it "
                        "into smaller files."
                    )
                    % {"name": name, "limit": grouped(physical_limit)}
                )
            if len(row) > limits.MAX_COLUMNS:
                raise FileRefused(
                    _("“%(name)s”, line %(line)s: more than %(limit)s columns; at most %(limit)s are read.")
                    % {"name": name, "line": reader.line_num, "limit": limits.MAX_COLUMNS}
                )
            cells += len(row)
            if cells > limits.MAX_CELLS:
                raise FileRefused(
                    _("“%(name)s” has more than %(limit)s cells; split it into smaller files.")
                    % {"name": name, "limit": grouped(limits.MAX_CELLS)}
                )
            if convert:
                row = [cell_text(cell) for cell in row]
            filled += any(cell.strip() for cell in row)
            if filled > filled_limit:
                raise too_many_rows(name)
            yield row
    except csv.Error as error:
        raise FileRefused(
            _("“%(name)s” is not a readable CSV file (line %(line)s: %(error)s).")
            % {"name": name, "line": reader.line_num, "error": error}
        ) from None


# xlsx, ods: reading ----------------------------------------------------------------------------


def _read_workbook(data: bytes, name: str, ext: str) -> list[Sheet]:
    from python_calamine import load_workbook

    sheets = []
    # From a file named .xlsx or .ods, calamine uses that format's reader and no other.
    with tempfile.NamedTemporaryFile(suffix=ext) as file:
        file.write(data)
        file.flush()
        try:
            workbook = load_workbook(file.name)
            for sheet_name in dict.fromkeys(workbook.sheet_names):  # a name twice is one sheet
                sheet = workbook.get_sheet_by_name(sheet_name)
                sheets.append(Sheet(name=str(sheet_name), rows=_sheet_rows(sheet)))
                del sheet  # calamine's copy of the sheet, before the next one is read
            workbook.close()
        except BaseException as error:  # calamine raises its own types for every kind of damage
            if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
                raise
            raise FileRefused(
                _("“%(name)s” cannot be read as a %(ext)s spreadsheet: it is damaged or of another kind.")
                % {"name": name, "ext": ext}
            ) from None
    return sheets


def _sheet_rows(sheet) -> list[list[str]]:
    """Rows from A1 (calamine's range starts at the first cell holding a value)."""
    start = sheet.start
    if start is None:
        return []
    pad = [""] * start[1]
    return [
        pad + [cell_text(value) if type(value) is str else _value_text(value) for value in values]
        for values in sheet.iter_rows()
    ]


def _value_text(value) -> str:
    """A value as text, as pandas wrote it with dtype=str (what this reader used before): an
    integral number without decimals, a date with its time."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return str(value)
    if isinstance(value, date):
        return f"{value.isoformat()} 00:00:00"
    return cell_text(value)  # int, bool, time, timedelta


def _check_rows(sheets: list[Sheet], name: str) -> None:
    """A first, coarse bound (titles and header allowed on top); `imports.rows` counts data rows."""
    filled = sum(1 for sheet in sheets for row in sheet.rows if any(row))
    if filled > max_rows() + HEADER_ALLOWANCE * len(sheets):
        raise too_many_rows(name)


def _check_nul(sheets: list[Sheet], name: str) -> None:
    """No NUL character: no cell can hold one (a database cannot store it), yet a CSV past its
    first bytes or an xlsx cell written "_x0000_" can carry one."""
    for sheet in sheets:
        for index, row in enumerate(sheet.rows):
            if "\x00" in "".join(row):
                raise FileRefused(
                    _(
                        "“%(name)s” holds a NUL character (sheet “%(sheet)s”, row %(row)s), which no "
                        "spreadsheet cell can hold: the file is damaged. Save it again and upload that."
                    )
                    % {"name": name, "sheet": sheet.name, "row": index + 1}
                )


def too_many_rows(name: str) -> FileRefused:
    limit = max_rows()
    return FileRefused(
        _("“%(name)s” has more than %(limit)s rows of data; split it into smaller files.")
        % {"name": name, "limit": grouped(limit)}
    )
