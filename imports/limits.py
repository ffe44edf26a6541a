"""What an uploaded spreadsheet may be: its formats, the bounds on what a reader builds from it
(columns, cells, rows, text, sheets, XML tags), and the refusal that names what was passed. One
home for the limits, read by the reader and the scans (see `imports.reader` for why each)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

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


def as_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def grouped(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def mismatch(name: str, ext: str, actual: str) -> FileRefused:
    return FileRefused(
        _(
            "“%(name)s” is not a %(ext)s file: its content looks like %(actual)s. Save it again as "
            ".xlsx, .ods or .csv and upload that."
        )
        % {"name": name, "ext": ext, "actual": actual}
    )


def sniff(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _("a zip archive (xlsx or ods)")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _("an old Excel file (.xls)")
    if data.startswith(b"%PDF"):
        return _("a PDF document")
    if data[:4] in (b"\x89PNG", b"GIF8") or data.startswith(b"\xff\xd8\xff"):
        return _("an image")
    return _("a binary file")


def looks_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG"))
