"""What calamine would build from each sheet of an ods, counted from content.xml as calamine reads
it (never less): repeated rows and cells expanded, the empty ones ending a row or a sheet not
(LibreOffice ends every sheet so), the text copied into every repetition (`check_ods`)."""

from __future__ import annotations

import zipfile

from imports.zipscan import (
    Budget,
    Damaged,
    Extent,
    stream_part,
    tag_name,
    xml_parser,
)

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
        role = _ODS_ROLES_BY_LOCAL.get(tag_name(key), _OTHER)
        if len(_ODS_ROLES) < 1000:
            _ODS_ROLES[key] = role
    return role


def _local_name(name: str) -> str:
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = tag_name(name)
        if len(_LOCAL_NAMES) < 1000:
            _LOCAL_NAMES[name] = local
    return local


def _count(key: str, value: str) -> int:
    """A repeat count, read as calamine reads it (an unsigned integer, '+' allowed), at least 1."""
    digits = value.removeprefix("+")
    if not digits.isdigit() or not digits.isascii():
        raise Damaged(key)  # calamine refuses it
    return max(int(digits) if len(digits) <= 12 else 10**12, 1)


def check_ods(archive: zipfile.ZipFile, holding: set[str], budget: Budget) -> None:
    """calamine reads content.xml; every part holding tables is bounded (whatever its name)."""
    for info in archive.infolist():
        if info.filename == "content.xml" or info.filename in holding:
            try:
                _scan_ods_content(archive, info, budget)
            except Damaged:
                raise budget.damaged() from None


def _scan_ods_content(archive, info, budget: Budget) -> None:
    """Stream content.xml, following calamine: every table is a sheet; a row repeated n times is
    n rows, a cell repeated n times n cells; calamine keeps a row's cells up to its last one
    with a value, and the empty ones before any cell; it expands the rows from the first to the
    last one holding a value, not the empty rows after (LibreOffice ends every sheet with a row
    repeated up to row 1,048,576). A cell's text (its characters, the spaces of <text:s>, the
    value and formula attributes) counts in every repetition."""
    extent: Extent | None = None
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
    parser = xml_parser()

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
                raise Damaged(name)  # calamine would take part of it for the outer table's rows
            if local == "s":  # <text:s text:c="n"/>: n spaces
                for key, value in attrs.items():
                    if tag_name(key) == "c":
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
            raise Damaged(local)  # calamine refuses anything else in a row
        if local == "table":
            tables += 1
            if tables == 1:
                sheet_name = next((v for k, v in attrs.items() if tag_name(k) == "name"), "")
                extent = Extent(sheet=sheet_name or f"#{budget.sheets + 1}")
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
    feed = stream_part(archive, info, parser, budget, check)
    budget.commit(feed.tags, feed.size)
