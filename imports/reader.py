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

import array
import codecs
import csv
import io
import os
import struct
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from xml.parsers import expat

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

# Bounds on what the readers build, whatever the file's size (see the module's docstring).
# A ratings table has a handful of columns, "tens" at most with notes; 256 (A to IV, the old
# Excel limit) leaves room and stops a sheet whose cells reach XFD.
MAX_COLUMNS = 256
# A dense reader allocates rows × columns of a sheet's used area (calamine's copy, then
# Python's): 100,000 rows × 20 columns, more than a ratings file needs (a 100,000-row file of
# 8 columns is 0.8 million). In ods the empty cells calamine fills in between cells count too.
MAX_CELLS = 2_000_000
# Characters of text in the cells, counted in every cell that shows them (a shared string or a
# repeated ods cell is copied into each; calamine and Python hold 2 to 8 bytes a character):
# 100,000 rows of 8 columns hold about 6 million.
MAX_TEXT = 32 * 1024 * 1024
# Sheets read from one workbook (one per commune of a province is about a hundred).
MAX_SHEETS = 200
# XML tags streamed in one file (each part counted as often as a sheet reads it), which bounds
# the time of the check itself and of the reader: a 100,000-row xlsx or ods of 8 columns has
# 3 to 5 million.
MAX_XML_TAGS = 10_000_000
SCAN_CHUNK = 256 * 1024  # the bounds are checked after each chunk of XML


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


def max_physical_rows(sheets: int = 1) -> int:
    """Rows a file may reach, blank rows included: blank rows are no data, but every one costs
    memory and time. As many blank rows as rows of data (separators), and the titles."""
    return 2 * max_rows() + HEADER_ALLOWANCE * max(sheets, 1)


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
            % {"name": name, "size": _mb(len(data)), "limit": _mb(limit)}
        )
    if not data:
        raise FileRefused(_("“%(name)s” is empty.") % {"name": name})
    if ext == ".csv":
        for _row in _csv_rows(_decode(data, name), name, convert=False):
            pass
        return
    archive, holding = _check_zip(data, name, ext)
    budget = _Budget(name, ext)
    if ext == ".xlsx":
        _check_xlsx(archive, holding, budget)
    else:
        _check_ods(archive, holding, budget)


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


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


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
    if _is_binary(data):
        raise _mismatch(name, ".csv", _sniff(data))
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
                    % {"name": name, "limit": _number(physical_limit)}
                )
            if len(row) > MAX_COLUMNS:
                raise FileRefused(
                    _("“%(name)s”, line %(line)s: more than %(limit)s columns; at most %(limit)s are read.")
                    % {"name": name, "line": reader.line_num, "limit": MAX_COLUMNS}
                )
            cells += len(row)
            if cells > MAX_CELLS:
                raise FileRefused(
                    _("“%(name)s” has more than %(limit)s cells; split it into smaller files.")
                    % {"name": name, "limit": _number(MAX_CELLS)}
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


# xlsx, ods: the zip ----------------------------------------------------------------------------

UNICODE_PATH_FIELD = 0x7075  # Info-ZIP's other name for a member, which some readers prefer


# What a member holding a sheet contains: calamine reads cells after a <sheetData> (xlsx), and
# tables named table:table (ods).
SHEET_MARKS = {".xlsx": b"sheetData", ".ods": b"table:table"}


def _check_zip(data: bytes, name: str, ext: str) -> tuple[zipfile.ZipFile, set[str]]:
    """The content is an xlsx/ods zip, and it expands to a reasonable size (no zip bomb).
    Returns the archive and the names of the members that may hold a sheet."""
    if not data.startswith(b"PK\x03\x04"):
        raise _mismatch(name, ext, _sniff(data) if _is_binary(data) else _("plain text (CSV?)"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, struct.error):
        raise _damaged_zip(name) from None
    names = {m.filename for m in members}
    if ext == ".xlsx" and not ("[Content_Types].xml" in names and "xl/workbook.xml" in names):
        raise _mismatch(name, ext, _("another kind of zip archive") if "content.xml" not in names else "ods")
    if ext == ".ods":
        mimetype = b""
        if "mimetype" in names:
            with archive.open("mimetype") as stream:
                mimetype = stream.read(100).strip()
        if mimetype != b"application/vnd.oasis.opendocument.spreadsheet" or "content.xml" not in names:
            raise _mismatch(
                name, ext, "xlsx" if "xl/workbook.xml" in names else _("another kind of zip archive")
            )
    if len(members) > MAX_ZIP_MEMBERS:
        raise _bomb(name)
    # The checks below find a sheet by its member's name as calamine does (case-insensitive,
    # "\" read as "/", unescaped references): two members it could confuse, or a name that
    # could be read otherwise, make the file one that no office program writes.
    normalized = {_normalized(m.filename) for m in members}
    if len(normalized) != len(members) or any("&" in m.filename or _other_name(m) for m in members):
        raise _damaged_zip(name)
    total = 0
    mark, holding = SHEET_MARKS[ext], set()
    try:
        for member in members:
            # The declared sizes are checked first (cheap), then the real ones while inflating.
            if member.file_size > MAX_UNCOMPRESSED_BYTES:
                raise _bomb(name)
            size, tail = 0, b""
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if total > MAX_UNCOMPRESSED_BYTES:
                        raise _bomb(name)
                    if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(member.compress_size, 1):
                        raise _bomb(name)
                    if mark in tail + chunk[: len(mark)] or mark in chunk:
                        holding.add(member.filename)
                    tail = chunk[-len(mark) :]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        raise _damaged_zip(name) from None
    return archive, holding


def _damaged_zip(name: str) -> FileRefused:
    return FileRefused(_("“%(name)s” is damaged: it cannot be opened.") % {"name": name})


def _other_name(member: zipfile.ZipInfo) -> bool:
    extra, position = member.extra, 0
    while position + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, position)
        if kind == UNICODE_PATH_FIELD:
            return True
        position += 4 + size
    return False


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _normalized(path: str) -> str:
    return path.replace("\\", "/").translate(_ASCII_LOWER)


def _bomb(name: str) -> FileRefused:
    return FileRefused(
        _(
            "“%(name)s” expands to far more data than a spreadsheet of its size can hold (a “zip bomb”); "
            "it was not read."
        )
        % {"name": name}
    )


# xlsx, ods: the bounds on what a reader builds ---------------------------------------------------


class _Damaged(Exception):
    """Raised inside the XML scan: the part is not one an office program writes."""


@dataclass
class _Extent:
    """What a dense reader builds for one sheet."""

    sheet: str
    rows: int = 0  # rows reached (from row 1, blank rows included)
    columns: int = 0  # columns reached (from column A)
    filled_in: int = 0  # cells held besides the used area: calamine's list of cells, ods empty cells
    text: int = 0  # characters of the cells, counted in every cell that shows them
    tags: int = 0
    bytes: int = 0


class _Budget:
    """The bounds of one file, summed over its sheets; refuses the file once one is passed."""

    def __init__(self, name: str, ext: str):
        self.name, self.ext = name, ext
        self.sheets = self.rows = self.cells = self.filled_in = self.text = 0
        self.tags = self.bytes = 0

    def damaged(self) -> FileRefused:
        return FileRefused(
            _("“%(name)s” cannot be read as a %(ext)s spreadsheet: it is damaged or of another kind.")
            % {"name": self.name, "ext": self.ext}
        )

    def scanned(self, tags: int, size: int = 0) -> None:
        """XML streamed (so far in the current part), whether a sheet or not: the time of the
        check, and of the reader, which reads a part once for every sheet naming it."""
        if self.tags + tags > MAX_XML_TAGS:
            raise FileRefused(
                _(
                    "“%(name)s” is too intricate to read: its XML holds more than %(limit)s tags. "
                    "Split it into smaller files."
                )
                % {"name": self.name, "limit": _number(MAX_XML_TAGS)}
            )
        if self.bytes + size > MAX_UNCOMPRESSED_BYTES:
            raise _bomb(self.name)

    def commit(self, tags: int, size: int) -> None:
        self.scanned(tags, size)
        self.tags += tags
        self.bytes += size

    def check(self, extent: _Extent) -> None:
        name, sheet = self.name, extent.sheet
        self.scanned(extent.tags, extent.bytes)
        if extent.columns > MAX_COLUMNS:
            raise FileRefused(
                _(
                    "“%(name)s”, sheet “%(sheet)s”: cells reach column %(column)s; at most %(limit)s "
                    "columns (A to %(last)s) are read. Delete the columns right of the table and save "
                    "the file again."
                )
                % {
                    "name": name,
                    "sheet": sheet,
                    "column": column_name(extent.columns),
                    "limit": MAX_COLUMNS,
                    "last": column_name(MAX_COLUMNS),
                }
            )
        rows, limit = self.rows + extent.rows, max_physical_rows(self.sheets + 1)
        if rows > limit:
            raise FileRefused(
                _(
                    "“%(name)s” reaches %(total)s rows in all (blank rows included; sheet “%(sheet)s” "
                    "reaches row %(row)s); at most %(limit)s are read. Delete the unused rows below "
                    "the tables and save the file again."
                )
                % {
                    "name": name,
                    "sheet": sheet,
                    "row": _number(extent.rows),
                    "total": _number(rows),
                    "limit": _number(limit),
                }
            )
        cells = self.cells + extent.rows * extent.columns
        if cells > MAX_CELLS or self.filled_in + extent.filled_in > MAX_CELLS:
            raise FileRefused(
                _(
                    "“%(name)s” spans %(total)s cells in all (sheet “%(sheet)s” reaches cell "
                    "%(cell)s; the empty cells inside the used area count); at most %(limit)s are "
                    "read. Delete the unused rows and columns and save the file again."
                )
                % {
                    "name": name,
                    "sheet": sheet,
                    "cell": f"{column_name(max(extent.columns, 1))}{max(extent.rows, 1)}",
                    "total": _number(max(cells, self.filled_in + extent.filled_in)),
                    "limit": _number(MAX_CELLS),
                }
            )
        if self.text + extent.text > MAX_TEXT:
            raise FileRefused(
                _(
                    "“%(name)s” holds %(total)s characters of text in all, counted in every cell that "
                    "shows them (sheet “%(sheet)s” is where the limit is passed); at most %(limit)s "
                    "are read. Split it into smaller files."
                )
                % {
                    "name": name,
                    "sheet": sheet,
                    "total": _number(self.text + extent.text),
                    "limit": _number(MAX_TEXT),
                }
            )

    def add(self, extent: _Extent, times: int = 1) -> None:
        """A sheet fully scanned; `times`: how many sheets of the workbook read that part."""
        for _time in range(times):
            if self.sheets + 1 > MAX_SHEETS:
                raise FileRefused(
                    _("“%(name)s” has more than %(limit)s sheets; split it into smaller files.")
                    % {"name": self.name, "limit": MAX_SHEETS}
                )
            self.check(extent)
            self.sheets += 1
            self.rows += extent.rows
            self.cells += extent.rows * extent.columns
            self.filled_in += extent.filled_in
            self.text += extent.text
            self.tags += extent.tags
            self.bytes += extent.bytes


def column_name(number: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _no_doctype(*args):
    raise _Damaged("DTD")  # no spreadsheet part has one; its entities could expand without bound


def _parser() -> expat.XMLParserType:
    """Expat without namespace processing: element names as written, as calamine reads them."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    return parser


def _local(name: str) -> str:
    """An element's local name as calamine (quick-xml) takes it: after the first colon."""
    colon = name.find(":")
    return name[colon + 1 :] if colon >= 0 else name


class _Feed:
    """A member being streamed: its size and tags so far, and the last two chunks (to read an
    element's raw bytes, as calamine reads them)."""

    def __init__(self):
        self.size = self.tags = self.offset = 0
        self.data = b""

    def raw(self, start: int, end: int) -> bytes | None:
        if start < self.offset or end > self.offset + len(self.data) or start > end:
            return None
        return self.data[start - self.offset : end - self.offset]


def _stream(archive, member: zipfile.ZipInfo, parser, budget: _Budget, check=None, feed=None) -> _Feed:
    """Feed a member to a parser in chunks; after each one, its tags and size so far are held
    to the budget, then `check` (the scanner's bounds) runs."""
    feed, previous = feed or _Feed(), b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(SCAN_CHUNK):
                feed.offset, feed.data, previous = feed.size - len(previous), previous + chunk, chunk
                feed.size += len(chunk)
                feed.tags += chunk.count(b"<")
                parser.Parse(chunk, False)
                budget.scanned(feed.tags, feed.size)
                if check:
                    check()
            parser.Parse(b"", True)
    except (expat.ExpatError, _Damaged, zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _Damaged(member.filename) from None
    return feed


_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}  # letters → 0-based column, for letters already seen (a few)


def _column_index(letters: str) -> int:
    column = _COLUMNS.get(letters)
    if column is None:
        if not (0 < len(letters) <= 4 and letters.isascii() and letters.isalpha()):
            raise _Damaged(letters)
        column = -1
        for letter in letters.upper():
            column = (column + 1) * 26 + ord(letter) - 65
        if len(_COLUMNS) < 10_000:
            _COLUMNS[letters] = column
    return column


def _row_index(digits: str) -> int:
    if not digits or len(digits) > 12 or not int(digits):
        raise _Damaged(digits)
    return int(digits) - 1


def _cell_position(ref: str) -> tuple[int, int]:
    """'B3' → (2, 1), 0-based, as calamine's get_row_column reads it: letters (either case),
    then digits; a reference it refuses makes the sheet damaged."""
    letters = ref.rstrip(_DIGITS)
    return _row_index(ref[len(letters) :]), _column_index(letters)


def _row_position(ref: str) -> int:
    """A row's r: digits, letters before them allowed (calamine's get_row)."""
    letters = ref.rstrip(_DIGITS)
    if letters:
        _column_index(letters)
    return _row_index(ref[len(letters) :])


# xlsx ----------------------------------------------------------------------------------------


def _check_xlsx(archive: zipfile.ZipFile, holding: set[str], budget: _Budget) -> None:
    """Find the sheets as calamine does, stream each and sum what a dense reader builds."""
    infos = archive.infolist()
    members = {_normalized(m.filename): m for m in infos}
    by_name = {m.filename: m for m in infos}

    def member(path: str) -> zipfile.ZipInfo | None:  # calamine's case-insensitive look-up
        return members.get(path.translate(_ASCII_LOWER)) or by_name.get(path)

    try:
        office = member("_rels/.rels")
        targets = _relationships(archive, office, budget) if office else {None: []}
        document = [t for typ, t in targets[None] if typ.endswith("/relationships/officeDocument")]
        base = "xl/"
        if document:
            target = document[-1]
            base = target[: target.rfind("/") + 1].removeprefix("/") if "/" in target else ""
        strings = member(base + "sharedStrings.xml")
        lengths = _shared_string_lengths(archive, strings, budget) if strings else array.array("Q")
        rels = member(base + "_rels/workbook.xml.rels")
        book = member(base + "workbook.xml")
        relationships = _relationships(archive, rels, budget) if rels else {None: []}
        entries = _sheet_entries(archive, book, budget) if book else []
    except _Damaged:
        raise budget.damaged() from None
    # calamine reads a sheet by its name, from the first <sheet> of that name.
    sheets: dict[str, list[zipfile.ZipInfo]] = {}
    for sheet_name, rel_id in entries:
        if sheet_name not in sheets:
            paths = [t[1:] if t.startswith("/") else base + t for _type, t in relationships.get(rel_id, [])]
            sheets[sheet_name] = [part for path in paths if (part := member(path)) is not None]
    if len(sheets) > MAX_SHEETS:
        raise FileRefused(
            _("“%(name)s” has more than %(limit)s sheets; split it into smaller files.")
            % {"name": budget.name, "limit": MAX_SHEETS}
        )
    times: dict[str, int] = {}  # member → how many sheets read it (each is streamed once)
    labels: dict[str, str] = {}
    for sheet_name, parts in sheets.items():
        for part in parts:
            times[part.filename] = times.get(part.filename, 0) + 1
            labels.setdefault(part.filename, sheet_name)
    # Any other part holding a sheet (a reader that finds parts otherwise, as openpyxl does
    # through [Content_Types].xml) is bounded too; one that is not even well-formed, no XML
    # reader takes.
    for filename in sorted(holding - times.keys()):
        times[filename], labels[filename] = 0, filename
    for filename, count in times.items():
        try:
            extent = _scan_xlsx_sheet(archive, by_name[filename], labels[filename], lengths, budget)
        except _Damaged:
            if count == 0:
                continue
            raise budget.damaged() from None
        budget.add(extent, max(count, 1))


def _relationships(archive, info, budget: _Budget) -> dict:
    """Id → [(Type, Target)] of a .rels part, as calamine reads it (the Relationship elements
    inside the first Relationships); key None: every relationship, in order."""
    found: dict = {None: []}
    inside = 0  # 0 before <Relationships>, 1 inside, 2 after

    def start(name, attrs):
        nonlocal inside
        local = _local(name)
        if inside == 0 and local == "Relationships":
            inside = 1
        elif inside == 1 and local == "Relationship":
            pair = (attrs.get("Type", ""), attrs.get("Target", ""))
            found[None].append(pair)
            if "Id" in attrs:
                found.setdefault(attrs["Id"], []).append(pair)

    def end(name):
        nonlocal inside
        if inside == 1 and _local(name) == "Relationships":
            inside = 2

    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    feed = _stream(archive, info, parser, budget)
    budget.commit(feed.tags, feed.size)
    return found


def _sheet_entries(archive, info, budget: _Budget) -> list[tuple[str, str]]:
    """(name, relationship id) of every <sheet> of workbook.xml, in order."""
    entries = []

    def start(name, attrs):
        if _local(name) == "sheet":
            rel_id = ""
            for key, value in attrs.items():
                if _local(key) == "id":
                    rel_id = value
            entries.append((attrs.get("name", ""), rel_id))
            if len(entries) > 10 * MAX_SHEETS:
                raise _Damaged("sheets")

    parser = _parser()
    parser.StartElementHandler = start
    feed = _stream(archive, info, parser, budget)
    budget.commit(feed.tags, feed.size)
    return entries


def _shared_string_lengths(archive, info, budget: _Budget) -> array.array:
    """The length of each shared string, as calamine lists them (every <si> after the <sst>
    start). calamine also reserves room for as many strings as the uniqueCount says."""
    lengths = array.array("Q")
    inside = 0  # 0 before <sst>, 1 inside, 2 after
    depth = 0  # > 0 inside an <si>
    length = 0

    def start(name, attrs):
        nonlocal inside, depth, length
        if depth:
            depth += 1
            if _local(name) == "si":
                raise _Damaged("si")  # calamine would read it as part of the outer one
            return
        local = _local(name)
        if inside == 0 and local == "sst":
            inside = 1
            count = attrs.get("uniqueCount", "").removeprefix("+")
            if count.isascii() and count.isdigit() and (len(count) > 12 or int(count) > MAX_CELLS):
                raise _Damaged("uniqueCount")
        elif inside == 1 and local == "si":
            depth, length = 1, 0

    def end(name):
        nonlocal inside, depth
        if depth:
            depth -= 1
            if depth == 0:
                lengths.append(length)
                if len(lengths) > MAX_CELLS:
                    raise _Damaged("si")
        elif inside == 1 and _local(name) == "sst":
            inside = 2

    def text(data):
        nonlocal length
        if depth:
            length += len(data)

    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    feed = _stream(archive, info, parser, budget)
    budget.commit(feed.tags, feed.size)
    return lengths


def _scan_xlsx_sheet(archive, info, sheet: str, lengths: array.array, budget: _Budget) -> _Extent:
    """Stream one worksheet part, following calamine's cell reader: cells are read between the
    first <sheetData> and its end; a <row r> sets the row, the end of a row moves to the next
    one and back to column A; a <c r> sets the column, a cell without r takes the next one;
    what a <c> holds is its value, read whole. Every cell and row counts, with a value or not
    (openpyxl makes a cell of each, and pads every row to the <dimension>'s last column: that
    one is bounded by MAX_COLUMNS). The text counted is the cells' own, and the shared string
    each cell shows (each gets a copy)."""
    extent = _Extent(sheet=sheet)
    phase = 0  # 0 before <sheetData>, 1 inside, 2 after
    depth = 0  # > 0 inside a <c>
    row = column = 0  # calamine's position (0-based)
    top_row = top_column = -1  # the farthest reached (0-based)
    dimension_columns = filled_in = text = 0
    shared = False  # in a cell showing a shared string
    value_at = 0  # where its <v>'s content begins (-1: not known)
    longest = max(lengths, default=0)
    columns = _COLUMNS
    feed = _Feed()
    parser = _parser()

    def start(name, attrs):
        nonlocal phase, depth, row, column, top_row, top_column, dimension_columns
        nonlocal filled_in, shared, value_at
        if depth:
            depth += 1
            if shared and depth == 2 and (name == "v" or _local(name) == "v"):
                # calamine reads the string's index from the raw bytes of the <v>
                value_at = -1 if attrs else parser.CurrentByteIndex + len(name) + 2
            return
        if phase == 1:
            local = name if ":" not in name else _local(name)
            if local == "c":
                ref = attrs.get("r")
                if ref is None:
                    cell_row, cell_column = row, column
                else:  # _cell_position, inlined: this runs for every cell
                    letters = ref.rstrip(_DIGITS)
                    cell_column = columns.get(letters)
                    if cell_column is None:
                        cell_column = _column_index(letters)
                    digits = ref[len(letters) :]
                    cell_row = int(digits) - 1 if 0 < len(digits) <= 12 else -1
                    if cell_row < 0:
                        raise _Damaged(ref)
                    column = cell_column
                if cell_row > top_row:
                    top_row = cell_row
                if cell_column > top_column:
                    top_column = cell_column
                filled_in += 1
                depth = 1
                shared = attrs.get("t") == "s"
            elif local == "row":
                ref = attrs.get("r")
                if ref is not None:
                    row = _row_position(ref)
                if row > top_row:
                    top_row = row
        elif phase == 0:
            local = _local(name)
            if local == "dimension":
                ref = attrs.get("ref")
                corners = ref.split(":") if ref is not None else []
                if not 1 <= len(corners) <= 2:
                    raise _Damaged("dimension")  # calamine refuses it
                dimension_columns = max(dimension_columns, *(_cell_position(c)[1] + 1 for c in corners))
            elif local == "sheetData":
                phase = 1

    def end(name):
        nonlocal phase, depth, row, column, text, value_at
        if depth:
            depth -= 1
            if depth == 0:
                column += 1
            elif depth == 1 and value_at:
                raw = feed.raw(value_at - 1, parser.CurrentByteIndex) if value_at > 0 else None
                value_at = 0
                if raw is None or raw[:1] != b">" or not (raw[1:].isdigit() or raw == b">"):
                    text += longest  # not plain digits: whichever string calamine takes, at most
                elif len(raw) > 1 and (position := int(raw[1:])) < len(lengths):
                    text += lengths[position]
            return
        if phase == 1:
            local = name if ":" not in name else _local(name)
            if local == "row":
                row += 1
                column = 0
            elif local == "sheetData":
                phase = 2

    def characters(data):
        nonlocal text
        if depth:
            text += len(data)

    def check():
        extent.rows, extent.columns = top_row + 1, top_column + 1
        extent.filled_in, extent.text, extent.tags = filled_in, text, feed.tags
        if dimension_columns > MAX_COLUMNS:  # what openpyxl pads every row to
            budget.check(_Extent(sheet=sheet, columns=dimension_columns))
        budget.check(extent)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    _stream(archive, info, parser, budget, check, feed)
    extent.bytes = feed.size
    check()
    return extent


# ods -----------------------------------------------------------------------------------------

# What an attribute of a cell or row says, by its local name (any prefix: more than calamine
# reads, never less): a cell has a value (calamine keeps it, and the empty cells before it in
# its row) if it has one of the VALUE attributes, or any content.
_REPEAT, _VALUE, _OTHER = "repeat", "value", "other"
_ODS_ROLES_BY_LOCAL = {
    "number-columns-repeated": _REPEAT,
    "number-rows-repeated": _REPEAT,
    **dict.fromkeys(
        ("value", "string-value", "date-value", "time-value", "boolean-value", "value-type", "formula"),
        _VALUE,
    ),
}
_ODS_ROLES: dict[str, str] = {}  # attribute name → role, for names already seen (a few)
_LOCAL_NAMES: dict[str, str] = {}  # element name → local name, likewise
_ODS_STRUCTURE = frozenset(("table", "table-row", "table-cell", "covered-table-cell"))


def _role(key: str) -> str:
    role = _ODS_ROLES.get(key)
    if role is None:
        role = _ODS_ROLES_BY_LOCAL.get(_local(key), _OTHER)
        if len(_ODS_ROLES) < 1000:
            _ODS_ROLES[key] = role
    return role


def _local_name(name: str) -> str:
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = _local(name)
        if len(_LOCAL_NAMES) < 1000:
            _LOCAL_NAMES[name] = local
    return local


def _count(key: str, value: str) -> int:
    """A repeat count, read as calamine reads it (an unsigned integer, '+' allowed), at least 1."""
    digits = value.removeprefix("+")
    if not digits.isdigit() or not digits.isascii():
        raise _Damaged(key)  # calamine refuses it
    return max(int(digits) if len(digits) <= 12 else 10**12, 1)


def _check_ods(archive: zipfile.ZipFile, holding: set[str], budget: _Budget) -> None:
    """calamine reads content.xml; every part holding tables is bounded (whatever its name)."""
    for info in archive.infolist():
        if info.filename == "content.xml" or info.filename in holding:
            try:
                _scan_ods_content(archive, info, budget)
            except _Damaged:
                raise budget.damaged() from None


def _scan_ods_content(archive, info, budget: _Budget) -> None:
    """Stream content.xml, following calamine: every table is a sheet; a row repeated n times is
    n rows, a cell repeated n times n cells; calamine keeps a row's cells up to its last one
    with a value, and the empty ones before any cell; it expands the rows from the first to the
    last one holding a value, not the empty rows after (LibreOffice ends every sheet with a row
    repeated up to row 1,048,576). A cell's text (its characters, the spaces of <text:s>, the
    value and formula attributes) counts in every repetition."""
    extent: _Extent | None = None
    tables = 0  # depth of table elements: a table inside a table is the same sheet
    in_row = False
    cell_depth = 0
    row_index = 0  # rows before the current one (repeats expanded)
    row_repeats = 1
    pushed = pending = reach = row_text = 0  # in the current row
    cell_repeats = 1
    cell_valued = False
    cell_chars = 0
    top_rows = top_columns = filled_in = sheet_text = row_elements = 0
    parser = _parser()

    def start(name, attrs):
        nonlocal extent, tables, in_row, cell_depth, row_repeats, pushed, pending, reach, row_text
        nonlocal cell_repeats, cell_valued, cell_chars, row_elements, row_index
        nonlocal top_rows, top_columns, filled_in, sheet_text
        if cell_depth:
            cell_depth += 1
            cell_valued = True  # content: text, an annotation…
            cell_chars += 1  # a paragraph's line break
            local = _local_name(name)
            if local in _ODS_STRUCTURE:
                raise _Damaged(name)  # calamine would take part of it for the outer table's rows
            if local == "s":  # <text:s text:c="n"/>: n spaces
                for key, value in attrs.items():
                    if _local(key) == "c":
                        cell_chars += _count(key, value)
            return
        local = _local_name(name)
        if in_row:
            if local == "table-cell" or local == "covered-table-cell":
                cell_depth, cell_repeats, cell_valued, cell_chars = 1, 1, False, 0
                for key, value in attrs.items():
                    role = _ODS_ROLES.get(key) or _role(key)
                    if role is _VALUE:
                        cell_valued = True
                        cell_chars += len(value)
                    elif role is _REPEAT:
                        cell_repeats = max(cell_repeats, _count(key, value))
                return
            raise _Damaged(local)  # calamine refuses anything else in a row
        if local == "table":
            tables += 1
            if tables == 1:
                sheet_name = next((v for k, v in attrs.items() if _local(k) == "name"), "")
                extent = _Extent(sheet=sheet_name or f"#{budget.sheets + 1}")
                row_index = top_rows = top_columns = filled_in = sheet_text = row_elements = 0
        elif local == "table-row" and tables:
            in_row = True
            row_elements += 1
            row_repeats = 1
            for key, value in attrs.items():
                if (_ODS_ROLES.get(key) or _role(key)) is _REPEAT:
                    row_repeats = max(row_repeats, _count(key, value))
            pushed = pending = reach = row_text = 0

    def end(name):
        nonlocal extent, tables, in_row, cell_depth, pushed, pending, reach, row_text, row_index
        nonlocal top_rows, top_columns, filled_in, sheet_text
        if cell_depth:
            cell_depth -= 1
            if cell_depth == 0:
                pushed += pending  # the empty cells before this one are kept
                pending = 0
                if cell_valued:
                    pushed += cell_repeats
                    reach = pushed
                    row_text += cell_chars * cell_repeats
                else:
                    pending = cell_repeats
            return
        local = _local_name(name)
        if in_row and local == "table-row":
            in_row = False
            filled_in += pushed
            if reach:
                top_rows = row_index + row_repeats
                top_columns = max(top_columns, reach)
                sheet_text += row_text * row_repeats
            row_index += row_repeats
        elif local == "table" and tables:
            tables -= 1
            if tables == 0:
                check()
                budget.add(extent)
                extent = None

    def characters(data):
        nonlocal cell_chars
        if cell_depth:
            cell_chars += len(data)

    def check():
        if extent is not None:
            extent.rows, extent.columns = max(top_rows, row_elements), top_columns
            extent.filled_in, extent.text = filled_in, sheet_text
            budget.check(extent)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    feed = _stream(archive, info, parser, budget, check)
    budget.commit(feed.tags, feed.size)


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
        % {"name": name, "limit": _number(limit)}
    )
