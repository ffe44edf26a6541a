"""Reading an uploaded spreadsheet into sheets of text cells, safely.

- .xlsx and .ods through pandas with the python-calamine engine (a fast Rust reader that reads
  a formula's stored result and never evaluates it); .csv with the standard csv module (rows
  of any length: titles above a table are common), UTF-8 with or without BOM, UTF-16 with a BOM,
  else Windows-1258 (what Excel writes on Vietnamese Windows).
- Checked before anything is parsed: the size (settings.IMPORT_MAX_BYTES), that the content is
  what the extension says, and for the zip formats the real uncompressed size and ratio of every
  member (decompressed in bounded chunks, so a lying zip header cannot hide a bomb).
- Checked after: the number of rows (settings.IMPORT_MAX_ROWS).

Every cell comes back as NFC text without leading or trailing white space; row numbers are the ones the
spreadsheet shows (1-based, blank rows counted).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from imports.cells import cell_text

SUPPORTED = (".xlsx", ".ods", ".csv")
# Limits on what a zip (xlsx, ods) may expand to, whatever its headers claim.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # a real sheet compresses 5–30×; a bomb 1000× and more
RATIO_FLOOR_BYTES = 2 * 1024 * 1024  # tiny members may compress very well: judge the ratio above this
MAX_ZIP_MEMBERS = 10_000
CHUNK = 1024 * 1024
# The header row is looked for among the first rows of a sheet (titles above the table).
HEADER_ALLOWANCE = 20


class FileRefused(Exception):
    """The whole file cannot be read; the message (user-facing) says why."""


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]  # rows[i] is the spreadsheet's row i + 1


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 100_000)


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def read_file(data: bytes, name: str) -> list[Sheet]:
    """The sheets of a file given as bytes, or FileRefused with a message for the user."""
    ext = extension(name)
    if ext not in SUPPORTED:
        raise FileRefused(
            _("“%(name)s” is not a spreadsheet this page reads: use .xlsx, .ods or .csv.") % {"name": name}
        )
    limit = max_bytes()
    if len(data) > limit:
        raise FileRefused(
            _("“%(name)s” is %(size)s MB; files of at most %(limit)s MB are accepted.")
            % {"name": name, "size": _mb(len(data)), "limit": _mb(limit)}
        )
    if not data:
        raise FileRefused(_("“%(name)s” is empty.") % {"name": name})
    if ext == ".csv":
        sheets = [
            Sheet(name=os.path.splitext(os.path.basename(name))[0] or "CSV", rows=_read_csv(data, name))
        ]
    else:
        _check_zip(data, name, ext)
        sheets = _read_workbook(data, name, ext)
    _check_rows(sheets, name)
    _check_nul(sheets, name)
    return sheets


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _mismatch(name: str, ext: str, actual: str) -> FileRefused:
    return FileRefused(
        _(
            "“%(name)s” is not a %(ext)s file: its content looks like %(actual)s. Save it again as "
            ".xlsx, .ods or .csv and upload that."
        )
        % {"name": name, "ext": ext, "actual": actual}
    )


def _sniff(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _("a zip archive (xlsx or ods)")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _("an old Excel file (.xls)")
    if data.startswith(b"%PDF"):
        return _("a PDF document")
    if data[:4] in (b"\x89PNG", b"GIF8") or data.startswith(b"\xff\xd8\xff"):
        return _("an image")
    return _("a binary file")


def _is_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG"))


# CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    if _is_binary(data):
        raise _mismatch(name, ".csv", _sniff(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
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


def _read_csv(data: bytes, name: str) -> list[list[str]]:
    text = _decode(data, name)
    limit = max_rows() + HEADER_ALLOWANCE
    rows, filled = [], 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for row in reader:
            cells = [cell_text(cell) for cell in row]
            rows.append(cells)
            filled += any(cells)
            if filled > limit:
                raise too_many_rows(name)
    except csv.Error as error:
        raise FileRefused(
            _("“%(name)s” is not a readable CSV file (line %(line)s: %(error)s).")
            % {"name": name, "line": reader.line_num, "error": error}
        ) from None
    return rows


# xlsx, ods ---------------------------------------------------------------------------------


def _check_zip(data: bytes, name: str, ext: str) -> None:
    """The content is an xlsx/ods zip, and it expands to a reasonable size (no zip bomb)."""
    if not data.startswith(b"PK\x03\x04"):
        raise _mismatch(name, ext, _sniff(data) if _is_binary(data) else _("plain text (CSV?)"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(_("“%(name)s” is damaged: it cannot be opened.") % {"name": name}) from None
    names = {m.filename for m in members}
    if ext == ".xlsx" and not ("[Content_Types].xml" in names and "xl/workbook.xml" in names):
        raise _mismatch(name, ext, _("another kind of zip archive") if "content.xml" not in names else "ods")
    if ext == ".ods":
        mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
        if mimetype != b"application/vnd.oasis.opendocument.spreadsheet" or "content.xml" not in names:
            raise _mismatch(
                name, ext, "xlsx" if "xl/workbook.xml" in names else _("another kind of zip archive")
            )
    if len(members) > MAX_ZIP_MEMBERS:
        raise _bomb(name)
    total = 0
    try:
        for member in members:
            # The declared sizes are checked first (cheap), then the real ones while inflating.
            if member.file_size > MAX_UNCOMPRESSED_BYTES:
                raise _bomb(name)
            size = 0
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if total > MAX_UNCOMPRESSED_BYTES:
                        raise _bomb(name)
                    if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(member.compress_size, 1):
                        raise _bomb(name)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise FileRefused(_("“%(name)s” is damaged: it cannot be opened.") % {"name": name}) from None


def _bomb(name: str) -> FileRefused:
    return FileRefused(
        _(
            "“%(name)s” expands to far more data than a spreadsheet of its size can hold (a “zip bomb”); "
            "it was not read."
        )
        % {"name": name}
    )


def _read_workbook(data: bytes, name: str, ext: str) -> list[Sheet]:
    import pandas as pd

    try:
        frames = pd.read_excel(
            io.BytesIO(data),
            sheet_name=None,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="calamine",
        )
    except Exception:  # calamine raises its own types for every kind of damage
        raise FileRefused(
            _("“%(name)s” cannot be read as a %(ext)s spreadsheet: it is damaged or of another kind.")
            % {"name": name, "ext": ext}
        ) from None
    sheets = []
    for sheet_name, frame in frames.items():
        rows = [[cell_text(cell) for cell in row] for row in frame.itertuples(index=False, name=None)]
        sheets.append(Sheet(name=str(sheet_name), rows=rows))
    return sheets


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
        % {"name": name, "limit": f"{limit:,}".replace(",", ".")}
    )
