"""The rows of a tree file (registry or mapping) as the spreadsheet shows them, each able to name
its own errors: sheet, row number, column as the file writes it, value, message in words.

Reading goes through `imports.reader.read_file` (formats, bounds, encodings) and the header row
is found by `imports.columns.find_table`, as for every other import; what differs between the
two tree files is only their columns (`organizations.registry_columns`) and what the rows mean.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from imports.cells import clean_text, parse_date
from imports.columns import Column, Table, find_table
from imports.limits import FileRefused
from imports.reader import read_file
from imports.rows import CellError
from imports.services import source_name

__all__ = ["BulkRefused", "FileRefused", "FileRow", "read_rows", "source_name"]


class BulkRefused(Exception):
    """Nothing was written; `messages` list every reason (each naming its row, when it has one)."""

    def __init__(self, message: str, messages: list[str] | None = None):
        super().__init__(message)
        self.messages = messages or []


@dataclass
class FileRow:
    sheet: str
    number: int  # as the spreadsheet numbers it
    cells: dict[str, str]  # field -> text as read
    table: Table
    columns: tuple[Column, ...]
    errors: list[CellError] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return self.table.has(name)

    def text(self, name: str) -> str:
        return self.cells.get(name, "")

    def header(self, name: str) -> str:
        default = next((c.header for c in self.columns if c.field == name), name)
        return self.table.label(name, default)

    def error(self, name: str, message) -> None:
        self.errors.append(
            CellError(self.sheet, self.number, self.header(name), self.text(name), str(message))
        )

    def date(self, name: str) -> datetime.date | None:
        """The date in a cell (None when blank); an error on the row when it is not a date."""
        text = self.text(name)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            self.error(name, _("Not a date: write it as dd/mm/yyyy."))
            return None


def read_rows(data: bytes, name: str, columns: tuple[Column, ...], required: tuple[Column, ...]):
    """Every non-blank data row of every sheet holding a table of `columns`.

    Raises FileRefused when no sheet holds one, or a sheet lacks a `required` column.
    """
    sheets = read_file(data, name)
    rows, tables = [], 0
    for sheet in sheets:
        table = find_table(sheet, columns)
        if table is None:
            continue
        tables += 1
        for column in required:
            if not table.has(column.field):
                raise FileRefused(
                    _("Sheet “%(sheet)s”: the column “%(column)s” is missing.")
                    % {"sheet": sheet.name, "column": column.header}
                )
        for index in range(table.header_row, len(sheet.rows)):
            raw = sheet.rows[index]
            cells = {
                fld: clean_text(raw[position]) if position < len(raw) else ""
                for fld, position in table.columns.items()
            }
            if any(cells.values()):
                rows.append(FileRow(sheet.name, index + 1, cells, table, columns))
    if not tables:
        raise FileRefused(
            _("“%(name)s” has no table with the columns %(columns)s.")
            % {"name": source_name(name), "columns": ", ".join(f"“{c.header}”" for c in required)}
        )
    return rows
