"""Resolutions and their targets read from a file (`manage.py import_targets`, the demo), then
written through the same service as the page (`assessments.resolutions.save_resolution`).

Two shapes, described for users in the command's help and in the README:

- **JSON**: a list of resolutions (or {"resolutions": [...]}), each an object with the
  resolution's fields ("exemplary_by_commendation" true or false), "counted_levels" by scheme
  code and "targets" (a list of objects).
- **A sheet** (.xlsx, .ods, .csv, read by `imports.reader.read_file`): one row per target, the
  resolution's columns ("Tiêu biểu theo công nhận": Có/Không) repeated on each row (or left blank
  below the first: blank means "the same as above"); the levels a resolution counts in one
  column per scheme, headed by the scheme's code or regulation and holding "TSVM = HTXSNV +
  HTTNV; tiêu biểu = HTXSNV".

Headers are found by name as the ratings import finds them (`imports.columns.find_table`: any
case, with or without diacritics); cells are read with `imports.cells`. Every fault of the file
is collected with the sheet, row and column (or the JSON item and field) it is in, and the file
is refused whole; a resolution already stored (the same number, or the same title when the file
gives no number) is changed, anything else is created. One transaction for the whole file: the
service's refusals, too, name the row, and leave nothing written.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.resolution_entries import (
    JSON_RESOLUTION_KEYS,
    JSON_TARGET_KEYS,
    RESOLUTION_COLUMNS,
    SUPPORTED,
    TARGET_COLUMNS,
    Entry,
    Faults,
    LevelReader,
    TargetFileRefused,
    add_levels,
    cell_value,
    target_spec,
)
from assessments.resolution_rules import RESOLUTION_FIELDS
from imports.cells import key
from imports.columns import Table, find_table
from imports.limits import FileRefused, max_bytes
from imports.reader import read_file

# Sheets ----------------------------------------------------------------------------------------


def _sheet_where(sheet: str, rows: list[int]) -> str:
    if len(rows) == 1:
        return _("Sheet “%(sheet)s”, row %(row)s") % {"sheet": sheet, "row": rows[0]}
    return _("Sheet “%(sheet)s”, rows %(first)s–%(last)s") % {
        "sheet": sheet,
        "first": rows[0],
        "last": rows[-1],
    }


def _header(field_name: str) -> str:
    return next(
        (c.header for c in (*RESOLUTION_COLUMNS, *TARGET_COLUMNS) if c.field == field_name), field_name
    )


class _SheetEntries:
    """The resolutions of one sheet as its rows name them: a row giving a number belongs to the
    resolution of that number, one giving only a title to that title's, one giving neither to
    the resolution of the row above."""

    def __init__(self, table: Table):
        self.table = table
        self.entries: list[Entry] = []
        self.by_number: dict[str, Entry] = {}
        self.by_title: dict[str, Entry] = {}
        self.current: Entry | None = None

    def entry_for(self, number: str, title: str) -> Entry | None:
        number_key, title_key = key(number), key(title)
        if number_key or title_key:
            found = self.by_number.get(number_key) if number_key else None
            if found is None and title_key:
                candidate = self.by_title.get(title_key)
                if candidate is not None and (not number_key or not candidate.values.get("number")):
                    found = candidate
            if found is None:
                found = Entry(where="", names=dict(self.table.headers))
                self.entries.append(found)
            if number_key:
                self.by_number.setdefault(number_key, found)
            if title_key:
                self.by_title.setdefault(title_key, found)
            self.current = found
        return self.current


def _read_table(table: Table, levels: LevelReader, faults: Faults) -> list[Entry]:
    sheet = table.sheet.name
    scheme_fields = sorted(f for f in table.columns if f.startswith("scheme:"))
    named = _SheetEntries(table)
    for index in range(table.header_row, len(table.sheet.rows)):
        row = table.sheet.rows[index]
        cells = {f: (row[i] if i < len(row) else "").strip() for f, i in table.columns.items()}
        if not any(cells.values()):
            continue
        where = _sheet_where(sheet, [index + 1])
        entry = named.entry_for(cells.get("number", ""), cells.get("title", ""))
        if entry is None:
            faults.add(
                where, None, _("no resolution is named on this row or above it (its number or title).")
            )
            continue
        entry.rows.append(index + 1)
        for column in RESOLUTION_COLUMNS:
            text = cells.get(column.field, "")
            if text:
                _repeat(entry, column.field, text, where, table, faults)
        for scheme_field in scheme_fields:
            text = cells[scheme_field]
            if text and _repeat(entry, scheme_field, text, where, table, faults):
                try:
                    add_levels(
                        entry, levels.mapping(levels.scheme(scheme_field.removeprefix("scheme:")), text)
                    )
                except ValueError as error:
                    faults.add(where, table.label(scheme_field), str(error))
        target_cells = {c.field: cells.get(c.field, "") for c in TARGET_COLUMNS}
        if any(target_cells.values()):
            values = {}
            for field_name, text in target_cells.items():
                if text:
                    try:
                        values[field_name] = cell_value(field_name, text)
                    except ValueError as error:
                        faults.add(where, table.label(field_name), str(error))
                        entry.unreadable.add((len(entry.targets), field_name))
            entry.targets.append(target_spec(values))
            entry.target_where.append(where)
            entry.targets_given = True
    for entry in named.entries:
        entry.where = _sheet_where(sheet, entry.rows)
        _require_years(entry, faults)
    return named.entries


def _repeat(entry: Entry, field_name: str, text: str, where: str, table: Table, faults: Faults) -> bool:
    """Take a resolution's cell; True the first time it is given. Repeated below, it must say the
    same (compared as read: 2021 and "2021" are one year; for the levels, the text)."""
    try:
        value = text if field_name.startswith("scheme:") else cell_value(field_name, text)
    except ValueError as error:
        faults.add(where, table.label(field_name), str(error))
        entry.unreadable.add((None, field_name))
        return False
    seen = entry.mappings if field_name.startswith("scheme:") else entry.values
    if field_name not in seen:
        seen[field_name] = value
        return True
    if seen[field_name] != value and key(str(seen[field_name])) != key(str(value)):
        faults.add(
            where,
            table.label(field_name),
            _("“%(value)s” differs from “%(earlier)s” above for the same resolution.")
            % {"value": text, "earlier": seen[field_name]},
        )
    return False


def _require_years(entry: Entry, faults: Faults) -> None:
    """The years a resolution judges: without them nothing else about it can be checked."""
    for name in ("first_year", "last_year"):
        if name not in entry.values and (None, name) not in entry.unreadable:
            faults.add(
                entry.where,
                entry.names.get(name, _header(name)),
                _("the years the resolution judges are required."),
                kind=entry.name_kind,
            )
    for index, spec in enumerate(entry.targets):
        if spec.start_year is None and (index, "start_year") not in entry.unreadable:
            faults.add(
                entry.target_where[index],
                entry.names.get("start_year", _header("start_year")),
                _("the target's first year is required."),
                kind=entry.name_kind,
            )


def read_sheets(data: bytes, name: str, levels: LevelReader | None = None) -> list[Entry]:
    """The resolutions of a spreadsheet; TargetFileRefused with every fault found."""
    levels = levels or LevelReader()
    try:
        sheets = read_file(data, name)
    except FileRefused as refused:
        raise TargetFileRefused([str(refused)]) from None
    columns = (*RESOLUTION_COLUMNS, *TARGET_COLUMNS, *levels.columns())
    faults, entries, found = Faults(), [], False
    for sheet in sheets:
        table = find_table(sheet, columns)
        if table is None or not (table.has("title") or table.has("number") or table.has("code")):
            continue
        found = True
        entries += _read_table(table, levels, faults)
    if not found:
        raise TargetFileRefused(
            [
                _("“%(name)s”: no sheet has a header row naming the columns %(columns)s.")
                % {
                    "name": name,
                    "columns": ", ".join(f"“{c.header}”" for c in (*RESOLUTION_COLUMNS, *TARGET_COLUMNS)),
                }
            ]
        )
    if faults.messages:
        raise TargetFileRefused(faults.messages)
    return entries


# JSON ------------------------------------------------------------------------------------------


def _json_text(value) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise ValueError(_("expected a text or a number"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _json_value(field_name: str, value):
    """A JSON number is a number: 15.555 is refused as a threshold, never read as 15,555; a
    yes/no is true or false (or the text a sheet would hold)."""
    if field_name == "threshold" and isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    if field_name == "exemplary_by_commendation" and isinstance(value, bool):
        return value
    return cell_value(field_name, _json_text(value))


def read_json(data: bytes, name: str, levels: LevelReader | None = None) -> list[Entry]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # nested too deep: RecursionError
        raise TargetFileRefused(
            [_("“%(name)s” is not valid JSON (%(error)s).") % {"name": name, "error": error}]
        ) from None
    return read_document(document, levels)


def read_document(document, levels: LevelReader | None = None) -> list[Entry]:
    """The resolutions of a JSON document already parsed (the demo gives one of its own)."""
    levels = levels or LevelReader()
    if isinstance(document, dict) and set(document) == {"resolutions"}:
        document = document["resolutions"]
    if not isinstance(document, list):
        raise TargetFileRefused([_("The file should hold a list of resolutions.")])
    faults, entries = Faults(), []
    for position, item in enumerate(document, start=1):
        where = _("resolution %(n)s") % {"n": position}
        if not isinstance(item, dict):
            faults.add(where, None, _("expected an object"))
            continue
        entry = Entry(
            where=where, names={k: k for k in (*RESOLUTION_FIELDS, *JSON_TARGET_KEYS)}, name_kind="field"
        )
        entries.append(entry)
        for unknown in sorted(set(item) - JSON_RESOLUTION_KEYS):
            faults.add(where, unknown, _("unknown field"), kind="field")
        for field_name in RESOLUTION_FIELDS:
            if item.get(field_name) in (None, ""):
                continue
            try:
                entry.values[field_name] = _json_value(field_name, item[field_name])
            except ValueError as error:
                faults.add(where, field_name, str(error), kind="field")
                entry.unreadable.add((None, field_name))
        if entry.values.get("title") or entry.values.get("number"):
            entry.where = where = f"{where} (“{entry.label}”)"
        entry.levels_given = "counted_levels" in item
        counted_levels = item.get("counted_levels") or {}
        if isinstance(counted_levels, list):  # [{"scheme": …, "level": …, "counted_as": …}]
            counted_levels = _levels_from_list(counted_levels, where, faults)
        if not isinstance(counted_levels, dict):
            faults.add(where, "counted_levels", _("expected an object keyed by scheme code"), kind="field")
            counted_levels = {}
        for scheme_code, value in counted_levels.items():
            scheme = levels.scheme(scheme_code)
            if scheme is None:
                faults.add(
                    where,
                    "counted_levels",
                    _("“%(value)s” is no rating scheme (%(codes)s).")
                    % {"value": scheme_code, "codes": ", ".join(s.code for s in levels.schemes)},
                    kind="field",
                )
                continue
            try:
                add_levels(entry, levels.mapping_parts(scheme, value))
            except ValueError as error:
                faults.add(where, f"counted_levels.{scheme_code}", str(error), kind="field")
        entry.targets_given = "targets" in item
        targets = item.get("targets") or []
        if not isinstance(targets, list):
            faults.add(where, "targets", _("expected a list of targets"), kind="field")
            targets = []
        for number, target in enumerate(targets, start=1):
            target_where = _("%(where)s, target %(n)s") % {"where": where, "n": number}
            if not isinstance(target, dict):
                faults.add(target_where, None, _("expected an object"))
                continue
            for unknown in sorted(set(target) - JSON_TARGET_KEYS):
                faults.add(target_where, unknown, _("unknown field"), kind="field")
            values = {}
            for field_name in JSON_TARGET_KEYS & set(target):
                if target[field_name] in (None, ""):
                    continue
                try:
                    values[field_name] = _json_value(field_name, target[field_name])
                except ValueError as error:
                    faults.add(target_where, field_name, str(error), kind="field")
                    entry.unreadable.add((len(entry.targets), field_name))
            entry.targets.append(target_spec(values))
            entry.target_where.append(target_where)
        _require_years(entry, faults)
    if faults.messages:
        raise TargetFileRefused(faults.messages)
    return entries


def _levels_from_list(rows: list, where: str, faults: Faults) -> dict:
    result: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        if not isinstance(row, dict) or not {"scheme", "level", "counted_as"} <= set(row):
            faults.add(
                where, "counted_levels", _("each item needs “scheme”, “level” and “counted_as”"), kind="field"
            )
            continue
        kinds = result.setdefault(str(row["scheme"]), {})
        kinds.setdefault(str(row["counted_as"]), []).append(str(row["level"]))
    return result


def read_path_data(data: bytes, name: str) -> list[Entry]:
    """The resolutions of a file of any supported kind, told apart by its extension."""
    extension = os.path.splitext(name)[1].lower()
    if extension not in SUPPORTED:
        raise TargetFileRefused([_("“%(name)s”: use a .json, .xlsx, .ods or .csv file.") % {"name": name}])
    if len(data) > max_bytes():
        raise TargetFileRefused([_("“%(name)s” is too large.") % {"name": name}])
    if extension == ".json":
        return read_json(data, name)
    return read_sheets(data, name)


# Writing ---------------------------------------------------------------------------------------
