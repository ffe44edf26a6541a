"""Resolutions and their targets read from a file (`manage.py import_targets`, the demo), then
written through the same service as the page (`assessments.resolutions.save_resolution`).

Two shapes, described for users in the command's help and in the README:

- **JSON**: a list of resolutions (or {"resolutions": [...]}), each an object with the
  resolution's fields, "counted_levels" by scheme code and "targets" (a list of objects).
- **A sheet** (.xlsx, .ods, .csv, read by `imports.reader.read_file`): one row per target, the
  resolution's columns repeated on each row (or left blank below the first: blank means "the
  same as above"); the levels a resolution counts in one column per scheme, headed by the
  scheme's code or regulation and holding "TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV".

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
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import (
    Channel,
    CountedAs,
    Denominator,
    Metric,
    RatingLevel,
    RatingScheme,
    Resolution,
)
from assessments.resolutions import (
    RESOLUTION_FIELDS,
    ResolutionRefused,
    TargetSpec,
    counted_by,
    save_resolution,
)
from imports.cells import clean_text, key, parse_date, parse_int
from imports.columns import Column, Table, find_table
from imports.limits import FileRefused, max_bytes
from imports.reader import read_file
from kontum_party.converters import parse_year

SUPPORTED = (".json", ".xlsx", ".ods", ".csv")

RESOLUTION_COLUMNS = (
    Column("issuing_body", "Cơ quan ban hành", ("Cơ quan", "Ban hành", "Issued by", "Issuing body")),
    Column("number", "Số nghị quyết", ("Số", "Số hiệu", "Số NQ", "Number")),
    Column("date", "Ngày ban hành", ("Ngày", "Ngày ký", "Date")),
    Column("title", "Tên nghị quyết", ("Trích yếu", "Nghị quyết", "Title", "Resolution")),
    Column("term", "Nhiệm kỳ", ("Term",)),
    Column("first_year", "Từ năm", ("Năm đầu", "Năm đầu đánh giá", "First year")),
    Column("last_year", "Đến năm", ("Năm cuối", "Năm cuối đánh giá", "Last year")),
)
TARGET_COLUMNS = (
    Column("position", "Thứ tự", ("STT", "TT", "Position")),
    Column("code", "Mã chỉ tiêu", ("Mã", "Code", "Target code")),
    Column("label", "Tên chỉ tiêu", ("Chỉ tiêu", "Label", "Target")),
    Column("metric", "Chỉ số", ("Loại chỉ tiêu", "Metric", "Figure")),
    Column("comparator", "So sánh", ("Phép so sánh", "Comparator")),
    Column("threshold", "Ngưỡng", ("Mức chỉ tiêu", "Giá trị", "Threshold")),
    Column("denominator", "Mẫu số", ("Tính trên", "Denominator")),
    Column("start_year", "Chỉ tiêu từ năm", ("Từ năm (chỉ tiêu)", "Target from", "Start year")),
    Column("end_year", "Chỉ tiêu đến năm", ("Đến năm (chỉ tiêu)", "Target to", "End year")),
)
JSON_RESOLUTION_KEYS = {*RESOLUTION_FIELDS, "counted_levels", "targets"}
JSON_TARGET_KEYS = {column.field for column in TARGET_COLUMNS}

# How a file says "counted as": TSVM (trong sạch vững mạnh) or tiêu biểu, in Vietnamese or English.
KINDS = {
    **dict.fromkeys(
        map(key, ("TSVM", "Trong sạch vững mạnh", "clean_strong", "clean and strong")), CountedAs.CLEAN_STRONG
    ),
    **dict.fromkeys(map(key, ("tiêu biểu", "TSVM tiêu biểu", "TSVM TB", "exemplary")), CountedAs.EXEMPLARY),
}
COMPARATORS = {">=": ">=", "≥": ">=", "=>": ">=", ">": ">"}
# 50 · 50,5 · 50.25 · 5.000 (a thousands dot: three digits after it) · 1.234.567,5
_THRESHOLD = re.compile(r"^(\d{1,3}(?:([.,])\d{3})+|\d+)(?:([.,])(\d{1,2}))?$", re.ASCII)


class TargetFileRefused(Exception):
    """The file cannot be imported; `messages` says where and why. Nothing was written."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class Entry:
    """One resolution as read from the file, with where each part of it was read."""

    where: str  # "Sheet “Chỉ tiêu”, rows 2–6" or "resolution 1"
    values: dict = field(default_factory=dict)  # RESOLUTION_FIELDS
    clean_strong: list[RatingLevel] = field(default_factory=list)
    exemplary: list[RatingLevel] = field(default_factory=list)
    targets: list[TargetSpec] = field(default_factory=list)
    target_where: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # field → how the file names it
    mappings: dict[str, str] = field(default_factory=dict)  # a sheet's scheme column → its text
    name_kind: str = "column"  # "column" (a sheet) or "field" (JSON)
    rows: list[int] = field(default_factory=list)
    # What the file leaves out of a stored resolution is kept: its counted levels when the file
    # names none, its targets when it lists none (a list given replaces the stored one).
    levels_given: bool = False
    targets_given: bool = False
    unreadable: set = field(default_factory=set)  # (target index or None, field): already reported

    @property
    def label(self) -> str:
        number, title = self.values.get("number"), self.values.get("title")
        return f"Nghị quyết {number}" if number else (title or "?")


@dataclass
class Outcome:
    entry: Entry
    resolution: Resolution | None
    created: bool
    changed: bool
    targets_created: int
    targets_updated: int
    targets_deleted: int


# Reading cells ---------------------------------------------------------------------------------


def parse_threshold(text: str) -> Decimal:
    """A threshold as offices write it: 50 · 50,5 · 50.5 · 5.000 (five thousand) · 15%."""
    compact = text.replace(" ", "").replace("\u00a0", "").removesuffix("%")
    match = _THRESHOLD.match(compact)
    if not match or (match[2] and match[3] and match[2] == match[3]):
        raise ValueError(text)
    whole = re.sub(r"[.,]", "", match[1])
    return Decimal(f"{whole}.{match[4]}" if match[4] else whole)


def _choice(text: str, choices) -> str:
    """A choice written by its code or by its label (in the current language or English)."""
    wanted = key(text)
    for value, label in choices:
        if wanted in (key(value), key(str(label))):
            return value
    raise ValueError(text)


def _english_labels(choices) -> list[tuple[str, str]]:
    from django.utils import translation

    with translation.override("en"):
        return [(value, str(label)) for value, label in choices]


class LevelReader:
    """The schemes and their levels, by every name a file may give them (two queries)."""

    def __init__(self):
        self.schemes = list(RatingScheme.objects.order_by("valid_from"))
        levels = RatingLevel.objects.select_related("scheme").order_by("rank")
        self.levels: dict[int, dict[str, RatingLevel]] = {}
        for level in levels:
            by_key = self.levels.setdefault(level.scheme_id, {})
            for text in (level.code, level.abbreviation, level.name):
                by_key.setdefault(key(text), level)

    def scheme(self, text: str) -> RatingScheme | None:
        wanted = key(text)
        return next(
            (s for s in self.schemes if wanted and wanted in {key(s.code), key(s.regulation), key(s.title)}),
            None,
        )

    def columns(self) -> tuple[Column, ...]:
        return tuple(
            Column(f"scheme:{s.code}", s.code, tuple(t for t in (s.regulation, s.title) if t))
            for s in self.schemes
        )

    def level(self, scheme: RatingScheme, text: str) -> RatingLevel:
        found = self.levels.get(scheme.pk, {}).get(key(text))
        if found is None:
            raise ValueError(
                _("“%(value)s” is no level of %(scheme)s (%(levels)s).")
                % {
                    "value": clean_text(text),
                    "scheme": scheme.title,
                    "levels": ", ".join(
                        sorted({lv.abbreviation for lv in self.levels.get(scheme.pk, {}).values()})
                    ),
                }
            )
        return found

    def mapping(self, scheme: RatingScheme, text: str) -> dict[str, list[RatingLevel]]:
        """ "TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV" (or "TSVM: HTXSNV, HTTNV", one part a line)."""
        result: dict[str, list[RatingLevel]] = {CountedAs.CLEAN_STRONG: [], CountedAs.EXEMPLARY: []}
        for part in re.split(r"[;\n]", text):
            if not part.strip():
                continue
            pieces = re.split(r"[:=]", part, maxsplit=1)
            kind = KINDS.get(key(pieces[0])) if len(pieces) == 2 else None
            if kind is None:
                raise ValueError(
                    _("“%(part)s” should read “TSVM = level + level” or “tiêu biểu = level”.")
                    % {"part": clean_text(part)}
                )
            for name in re.split(r"[,+]", pieces[1]):
                if name.strip():
                    result[kind].append(self.level(scheme, name))
        return result

    def mapping_parts(self, scheme: RatingScheme, value) -> dict[str, list[RatingLevel]]:
        """A JSON value: the text form, or {"clean_strong": [...], "exemplary": [...]}."""
        if isinstance(value, str):
            return self.mapping(scheme, value)
        if not isinstance(value, dict):
            raise ValueError(_("expected a text or an object of levels"))
        result: dict[str, list[RatingLevel]] = {CountedAs.CLEAN_STRONG: [], CountedAs.EXEMPLARY: []}
        for kind_text, names in value.items():
            kind = KINDS.get(key(kind_text))
            if kind is None:
                raise ValueError(
                    _("“%(value)s” is neither “clean_strong” nor “exemplary”.") % {"value": kind_text}
                )
            if isinstance(names, str):
                names = re.split(r"[,+]", names)
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError(_("expected a list of level codes"))
            result[kind] += [self.level(scheme, name) for name in names if name.strip()]
        return result


class _Faults:
    """The faults found so far, each with where it is."""

    def __init__(self):
        self.messages: list[str] = []

    def add(self, where: str, name: str | None, message: str, *, kind: str = "column") -> None:
        if name:
            place = (_("column “%(name)s”") if kind == "column" else _("field “%(name)s”")) % {"name": name}
            self.messages.append(
                _("%(where)s, %(place)s: %(message)s") % {"where": where, "place": place, "message": message}
            )
        else:
            self.messages.append(_("%(where)s: %(message)s") % {"where": where, "message": message})


def _value(field_name: str, text: str):
    """A resolution's or a target's field from its text; ValueError with a message."""
    if field_name in ("first_year", "last_year", "start_year", "end_year"):
        try:
            return parse_year(text)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a year.") % {"value": text}) from None
    if field_name == "date":
        try:
            return parse_date(text)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": text}) from None
    if field_name == "position":
        try:
            value = parse_int(text)
        except ValueError:
            value = -1
        if not 0 <= value <= 32767:
            raise ValueError(_("“%(value)s” is not a position (a whole number).") % {"value": text})
        return value
    if field_name == "threshold":
        try:
            return parse_threshold(text)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a threshold: write a number such as 50, 15,5 or 5.000.")
                % {"value": text}
            ) from None
    if field_name == "comparator":
        found = COMPARATORS.get(text.replace(" ", ""))
        if found is None:
            raise ValueError(_("“%(value)s” is not a comparator: write ≥ (or >=) or >.") % {"value": text})
        return found
    if field_name in ("metric", "denominator"):
        choices = Metric.choices if field_name == "metric" else Denominator.choices
        try:
            return _choice(text, [*choices, *_english_labels(choices)])
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not one of %(choices)s.")
                % {"value": text, "choices": ", ".join(value for value, _label in choices)}
            ) from None
    return clean_text(text)


def _target_spec(values: dict) -> TargetSpec:
    return TargetSpec(
        code=values.get("code", ""),
        label=values.get("label", ""),
        metric=values.get("metric", ""),
        comparator=values.get("comparator", ""),
        threshold=values.get("threshold"),
        denominator=values.get("denominator", ""),
        start_year=values.get("start_year"),
        end_year=values.get("end_year"),
        position=values.get("position", 0),
    )


def _add_levels(entry: Entry, parts: dict[str, list[RatingLevel]]) -> None:
    entry.levels_given = True
    entry.clean_strong += parts[CountedAs.CLEAN_STRONG]
    entry.exemplary += parts[CountedAs.EXEMPLARY]


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


def _read_table(table: Table, levels: LevelReader, faults: _Faults) -> list[Entry]:
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
                    _add_levels(
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
                        values[field_name] = _value(field_name, text)
                    except ValueError as error:
                        faults.add(where, table.label(field_name), str(error))
                        entry.unreadable.add((len(entry.targets), field_name))
            entry.targets.append(_target_spec(values))
            entry.target_where.append(where)
            entry.targets_given = True
    for entry in named.entries:
        entry.where = _sheet_where(sheet, entry.rows)
        _require_years(entry, faults)
    return named.entries


def _repeat(entry: Entry, field_name: str, text: str, where: str, table: Table, faults: _Faults) -> bool:
    """Take a resolution's cell; True the first time it is given. Repeated below, it must say the
    same (compared as read: 2021 and "2021" are one year; for the levels, the text)."""
    try:
        value = text if field_name.startswith("scheme:") else _value(field_name, text)
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


def _require_years(entry: Entry, faults: _Faults) -> None:
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
    faults, entries, found = _Faults(), [], False
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
    """A JSON number is a number: 15.555 is refused as a threshold, never read as 15,555."""
    if field_name == "threshold" and isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return _value(field_name, _json_text(value))


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
    faults, entries = _Faults(), []
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
                entry.values[field_name] = _value(field_name, _json_text(item[field_name]))
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
                _add_levels(entry, levels.mapping_parts(scheme, value))
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
            entry.targets.append(_target_spec(values))
            entry.target_where.append(target_where)
        _require_years(entry, faults)
    if faults.messages:
        raise TargetFileRefused(faults.messages)
    return entries


def _levels_from_list(rows: list, where: str, faults: _Faults) -> dict:
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


def _existing(entry: Entry) -> Resolution | None:
    """The stored resolution the entry describes: the same number, else (no number) the same title."""
    number, title = entry.values.get("number", ""), entry.values.get("title", "")
    candidates = Resolution.objects.all()
    if number:
        return next((r for r in candidates if key(r.number) == key(number)), None)
    return next((r for r in candidates if not r.number and key(r.title) == key(title)), None)


def _refusal_messages(entry: Entry, refused: ResolutionRefused) -> list[str]:
    faults = _Faults()
    for problem in refused.problems:
        if problem.target is not None and problem.target < len(entry.target_where):
            where = entry.target_where[problem.target]
        else:
            where = entry.where
        name = None
        if problem.field and problem.field not in ("clean_strong", "exemplary"):
            name = entry.names.get(problem.field) or (
                _header(problem.field) if entry.name_kind == "column" else None
            )
        faults.add(where, name, problem.message, kind=entry.name_kind)
    return faults.messages


class _DryRun(Exception):
    pass


def import_entries(
    entries: list[Entry], *, user, source: str = "", channel: str = Channel.IMPORT, dry_run: bool = False
) -> list[Outcome]:
    """Write every resolution read, in one transaction: all of them or, on any refusal (every
    one is collected first), none (TargetFileRefused). With `dry_run`, everything is checked and
    written, then rolled back."""
    outcomes: list[Outcome] = []
    messages: list[str] = []
    try:
        with transaction.atomic():
            for entry in entries:
                stored = _existing(entry)
                kept = counted_by(stored) if stored is not None and not entry.levels_given else None
                targets = entry.targets
                if stored is not None and not entry.targets_given:
                    targets = [
                        TargetSpec.of(target) for target in stored.targets.order_by("position", "code")
                    ]
                values = {
                    name: entry.values.get(name, "") for name in ("issuing_body", "number", "title", "term")
                }
                try:
                    result = save_resolution(
                        user=user,
                        resolution=stored,
                        **values,
                        date=entry.values.get("date"),
                        first_year=entry.values["first_year"],
                        last_year=entry.values["last_year"],
                        clean_strong=kept[CountedAs.CLEAN_STRONG] if kept else entry.clean_strong,
                        exemplary=kept[CountedAs.EXEMPLARY] if kept else entry.exemplary,
                        targets=targets,
                        channel=channel,
                        source=source,
                    )
                except ResolutionRefused as refused:
                    messages += _refusal_messages(entry, refused)
                    continue
                outcomes.append(
                    Outcome(
                        entry=entry,
                        resolution=result.resolution,
                        created=result.created,
                        changed=result.changed,
                        targets_created=result.targets_created,
                        targets_updated=result.targets_updated,
                        targets_deleted=result.targets_deleted,
                    )
                )
            if messages:
                raise TargetFileRefused(messages)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return outcomes
