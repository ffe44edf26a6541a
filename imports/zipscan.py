"""The zip of an xlsx or ods, checked before anything reads it: what it holds, its members'
real sizes (no zip bomb), names that two readers could resolve differently; then the budget
of one file and the bounded, streamed XML parse that the sheet scans count with."""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.utils.translation import gettext as _

from imports import limits
from imports.limits import (
    CHUNK,
    SCAN_CHUNK,
    FileRefused,
    grouped,
    looks_binary,
    max_physical_rows,
    mismatch,
    sniff,
)

# xlsx, ods: the zip ----------------------------------------------------------------------------

UNICODE_PATH_FIELD = 0x7075  # Info-ZIP's other name for a member, which some readers prefer


# What a member holding a sheet contains: calamine reads cells after a <sheetData> (xlsx), and
# tables named table:table (ods).
SHEET_MARKS = {".xlsx": b"sheetData", ".ods": b"table:table"}


def check_zip(data: bytes, name: str, ext: str) -> tuple[zipfile.ZipFile, set[str]]:
    """The content is an xlsx/ods zip, and it expands to a reasonable size (no zip bomb).
    Returns the archive and the names of the members that may hold a sheet."""
    if not data.startswith(b"PK\x03\x04"):
        raise mismatch(name, ext, sniff(data) if looks_binary(data) else _("plain text (CSV?)"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, struct.error):
        raise _damaged_zip(name) from None
    names = {m.filename for m in members}
    if ext == ".xlsx" and not ("[Content_Types].xml" in names and "xl/workbook.xml" in names):
        raise mismatch(name, ext, _("another kind of zip archive") if "content.xml" not in names else "ods")
    if ext == ".ods":
        mimetype = b""
        if "mimetype" in names:
            with archive.open("mimetype") as stream:
                mimetype = stream.read(100).strip()
        if mimetype != b"application/vnd.oasis.opendocument.spreadsheet" or "content.xml" not in names:
            raise mismatch(
                name, ext, "xlsx" if "xl/workbook.xml" in names else _("another kind of zip archive")
            )
    if len(members) > limits.MAX_ZIP_MEMBERS:
        raise _bomb(name)
    # The checks below find a sheet by its member's name as calamine does (case-insensitive,
    # "\" read as "/", unescaped references): two members it could confuse, or a name that
    # could be read otherwise, make the file one that no office program writes.
    normalized = {normalized_path(m.filename) for m in members}
    if len(normalized) != len(members) or any("&" in m.filename or _other_name(m) for m in members):
        raise _damaged_zip(name)
    total = 0
    mark, holding = SHEET_MARKS[ext], set()
    try:
        for member in members:
            # The declared sizes are checked first (cheap), then the real ones while inflating.
            if member.file_size > limits.MAX_UNCOMPRESSED_BYTES:
                raise _bomb(name)
            size, tail = 0, b""
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if total > limits.MAX_UNCOMPRESSED_BYTES:
                        raise _bomb(name)
                    if size > limits.RATIO_FLOOR_BYTES and size > limits.MAX_RATIO * max(
                        member.compress_size, 1
                    ):
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


ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normalized_path(path: str) -> str:
    return path.replace("\\", "/").translate(ASCII_LOWER)


def _bomb(name: str) -> FileRefused:
    return FileRefused(
        _(
            "“%(name)s” expands to far more data than a spreadsheet of its size can hold (a “zip bomb”); "
            "it was not read."
        )
        % {"name": name}
    )


# xlsx, ods: the bounds on what a reader builds ---------------------------------------------------


class Damaged(Exception):
    """Raised inside the XML scan: the part is not one an office program writes."""


@dataclass
class Extent:
    """What a dense reader builds for one sheet."""

    sheet: str
    rows: int = 0  # rows reached (from row 1, blank rows included)
    columns: int = 0  # columns reached (from column A)
    filled_in: int = 0  # cells held besides the used area: calamine's list of cells, ods empty cells
    text: int = 0  # characters of the cells, counted in every cell that shows them
    tags: int = 0
    bytes: int = 0


class Budget:
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
        if self.tags + tags > limits.MAX_XML_TAGS:
            raise FileRefused(
                _(
                    "“%(name)s” is too intricate to read: its XML holds more than %(limit)s tags. "
                    "Split it into smaller files."
                )
                % {"name": self.name, "limit": grouped(limits.MAX_XML_TAGS)}
            )
        if self.bytes + size > limits.MAX_UNCOMPRESSED_BYTES:
            raise _bomb(self.name)

    def commit(self, tags: int, size: int) -> None:
        self.scanned(tags, size)
        self.tags += tags
        self.bytes += size

    def check(self, extent: Extent) -> None:
        name, sheet = self.name, extent.sheet
        self.scanned(extent.tags, extent.bytes)
        if extent.columns > limits.MAX_COLUMNS:
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
                    "limit": limits.MAX_COLUMNS,
                    "last": column_name(limits.MAX_COLUMNS),
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
                    "row": grouped(extent.rows),
                    "total": grouped(rows),
                    "limit": grouped(limit),
                }
            )
        cells = self.cells + extent.rows * extent.columns
        if cells > limits.MAX_CELLS or self.filled_in + extent.filled_in > limits.MAX_CELLS:
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
                    "total": grouped(max(cells, self.filled_in + extent.filled_in)),
                    "limit": grouped(limits.MAX_CELLS),
                }
            )
        if self.text + extent.text > limits.MAX_TEXT:
            raise FileRefused(
                _(
                    "“%(name)s” holds %(total)s characters of text in all, counted in every cell that "
                    "shows them (sheet “%(sheet)s” is where the limit is passed); at most %(limit)s "
                    "are read. Split it into smaller files."
                )
                % {
                    "name": name,
                    "sheet": sheet,
                    "total": grouped(self.text + extent.text),
                    "limit": grouped(limits.MAX_TEXT),
                }
            )

    def add(self, extent: Extent, times: int = 1) -> None:
        """A sheet fully scanned; `times`: how many sheets of the workbook read that part."""
        for _time in range(times):
            if self.sheets + 1 > limits.MAX_SHEETS:
                raise FileRefused(
                    _("“%(name)s” has more than %(limit)s sheets; split it into smaller files.")
                    % {"name": self.name, "limit": limits.MAX_SHEETS}
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
    raise Damaged("DTD")  # no spreadsheet part has one; its entities could expand without bound


def xml_parser() -> expat.XMLParserType:
    """Expat without namespace processing: element names as written, as calamine reads them."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    return parser


def tag_name(name: str) -> str:
    """An element's local name as calamine (quick-xml) takes it: after the first colon."""
    colon = name.find(":")
    return name[colon + 1 :] if colon >= 0 else name


class Feed:
    """A member being streamed: its size and tags so far, and the last two chunks (to read an
    element's raw bytes, as calamine reads them)."""

    def __init__(self):
        self.size = self.tags = self.offset = 0
        self.data = b""

    def raw(self, start: int, end: int) -> bytes | None:
        if start < self.offset or end > self.offset + len(self.data) or start > end:
            return None
        return self.data[start - self.offset : end - self.offset]


def stream_part(archive, member: zipfile.ZipInfo, parser, budget: Budget, check=None, feed=None) -> Feed:
    """Feed a member to a parser in chunks; after each one, its tags and size so far are held
    to the budget, then `check` (the scanner's bounds) runs."""
    feed, previous = feed or Feed(), b""
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
    except (expat.ExpatError, Damaged, zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise Damaged(member.filename) from None
    return feed


DIGITS = "0123456789"
SEEN_COLUMNS: dict[str, int] = {}  # letters → 0-based column, for letters already seen (a few)


def column_index(letters: str) -> int:
    column = SEEN_COLUMNS.get(letters)
    if column is None:
        if not (0 < len(letters) <= 4 and letters.isascii() and letters.isalpha()):
            raise Damaged(letters)
        column = -1
        for letter in letters.upper():
            column = (column + 1) * 26 + ord(letter) - 65
        if len(SEEN_COLUMNS) < 10_000:
            SEEN_COLUMNS[letters] = column
    return column


def _row_index(digits: str) -> int:
    if not digits or len(digits) > 12 or not int(digits):
        raise Damaged(digits)
    return int(digits) - 1


def cell_position(ref: str) -> tuple[int, int]:
    """'B3' → (2, 1), 0-based, as calamine's get_row_column reads it: letters (either case),
    then digits; a reference it refuses makes the sheet damaged."""
    letters = ref.rstrip(DIGITS)
    return _row_index(ref[len(letters) :]), column_index(letters)


def row_position(ref: str) -> int:
    """A row's r: digits, letters before them allowed (calamine's get_row)."""
    letters = ref.rstrip(DIGITS)
    if letters:
        column_index(letters)
    return _row_index(ref[len(letters) :])
