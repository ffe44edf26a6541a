"""Writing sheets with openpyxl the way every report of the project does: a title block (report,
year, scope, resolution, scheme, when and by whom), then one table whose header row is frozen with
the title block above it, widths that fit, numbers as numbers (counts with a thousands format,
shares as percentages, dates as dates), and every text cell through `reports.export.safe_cell`.
"""

from __future__ import annotations

import datetime
import io
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from assessments.templatetags.people import name_of
from reports.export import safe_cell

INT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
WHOLE_PERCENT_FORMAT = "0%"
DATE_FORMAT = "DD/MM/YYYY"
MAX_WIDTH = 60
MIN_WIDTH = 6


@dataclass(frozen=True)
class Pct:
    """A share in percent (56.87), written as the fraction 0.5687 with a percentage format (two
    decimals; a threshold written as the resolution writes it, "50%", with `whole`)."""

    value: Decimal | float | None
    whole: bool = False

    @property
    def fraction(self) -> float | None:
        return None if self.value is None else float(Decimal(self.value) / 100)


@dataclass
class Sheet:
    name: str  # the tab (at most 31 characters)
    subject: str  # what the table lists, the title block's last line
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    freeze_columns: int = 1  # kept in view when scrolling sideways


@dataclass
class TitleBlock:
    report: str
    year: int
    scope: str
    resolution: str = ""
    scheme: str = ""
    made_by: str = ""
    made_at: datetime.datetime | None = None

    def lines(self) -> list[str]:
        made_at = timezone.localtime(self.made_at or timezone.now())
        lines = [
            self.report,
            _("Year: %(year)s") % {"year": self.year},
            _("Scope: %(scope)s") % {"scope": self.scope},
        ]
        if self.resolution:
            lines.append(_("Resolution: %(resolution)s") % {"resolution": self.resolution})
        if self.scheme:
            lines.append(_("Rating scheme: %(scheme)s") % {"scheme": self.scheme})
        lines.append(
            _("Made on %(date)s by %(user)s")
            % {"date": date_format(made_at, "SHORT_DATETIME_FORMAT"), "user": self.made_by}
        )
        return lines


def user_label(user) -> str:
    """Who made a file: the person's name (people.name_of) with the username beside it, so that a
    printed sheet names exactly one account."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    name, username = name_of(user), user.get_username()
    return name if name == username else f"{name} ({username})"


def _text(value: str) -> str:
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))


def _put(cell, value) -> int:
    """Write `value` with its number format; returns the width its text needs."""
    if isinstance(value, Pct):
        cell.value = value.fraction
        if value.value is not None:
            whole = value.whole and Decimal(value.value) == Decimal(value.value).to_integral()
            cell.number_format = WHOLE_PERCENT_FORMAT if whole else PERCENT_FORMAT
        return 9
    if isinstance(value, bool):
        cell.value = _("yes") if value else _("no")
        return len(cell.value)
    if isinstance(value, int):
        cell.value = value
        cell.number_format = INT_FORMAT
        return len(f"{value:,}") + 1
    if isinstance(value, Decimal | float):
        cell.value = float(value)
        cell.number_format = "#,##0.00"
        return len(f"{value:,.2f}") + 1
    if isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return 11
    if value is None or value == "":
        cell.value = None
        return 0
    text = _text(str(value))
    cell.value = text
    return max((len(line) for line in text.splitlines()), default=0)


HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")
HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))


def write_sheet(ws, block: TitleBlock, sheet: Sheet) -> None:
    lines = block.lines() + [sheet.subject]
    for row, line in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=_text(line))
        cell.font = Font(bold=True, size=14) if row == 1 else Font(bold=row == len(lines))
    header_row = len(lines) + 2
    widths = [0] * len(sheet.headers)
    for column, header in enumerate(sheet.headers, start=1):
        cell = ws.cell(row=header_row, column=column, value=_text(header))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        # A long header wraps on up to three lines rather than widening its column.
        widths[column - 1] = max(MIN_WIDTH, min(len(header), max(12, math.ceil(len(header) / 3))))
    for offset, values in enumerate(sheet.rows, start=1):
        for column, value in enumerate(values, start=1):
            needed = _put(ws.cell(row=header_row + offset, column=column), value)
            widths[column - 1] = max(widths[column - 1], needed)
    header_lines = 1
    for column, width in enumerate(widths, start=1):
        width = min(MAX_WIDTH, width + 2)
        ws.column_dimensions[get_column_letter(column)].width = width
        header_lines = max(header_lines, math.ceil(len(sheet.headers[column - 1]) / max(1, width - 1)))
    ws.row_dimensions[header_row].height = 15 * min(header_lines, 4)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=sheet.freeze_columns + 1)
    if sheet.rows:
        last = get_column_letter(len(sheet.headers))
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row + len(sheet.rows)}"
    ws.sheet_view.zoomScale = 100


def write_workbook(block: TitleBlock, sheets: list[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        write_sheet(book.create_sheet(title=sheet.name[:31]), block, sheet)
    book.properties.title = block.report
    book.properties.creator = block.made_by or None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
