"""What a file of resolutions becomes before anything is written: its entries (a resolution with
its counted levels and targets, and where in the file each came from), the faults found, and how
one cell of it is read (thresholds, choices in Vietnamese or English, levels by scheme). Shared by
the sheet and JSON readers of `assessments.resolution_files`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.models import (
    CountedAs,
    Denominator,
    Metric,
    RatingLevel,
    RatingScheme,
    Resolution,
)
from assessments.resolution_rules import RESOLUTION_FIELDS, TargetSpec
from imports.cells import clean_text, key, parse_date, parse_int, parse_yes_no
from imports.columns import Column
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
    # Có: the exemplary targets count the organizations commended "TSVM tiêu biểu", not a level.
    Column(
        "exemplary_by_commendation",
        "Tiêu biểu theo công nhận",
        ("Tiêu biểu tính theo công nhận", "TSVM tiêu biểu theo công nhận", "Exemplary by commendation"),
    ),
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


class Faults:
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


def cell_value(field_name: str, text: str):
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
    if field_name == "exemplary_by_commendation":
        try:
            return parse_yes_no(text)
        except ValueError:
            raise ValueError(_("“%(value)s”: write “Có” or “Không”.") % {"value": text}) from None
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


def target_spec(values: dict) -> TargetSpec:
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


def add_levels(entry: Entry, parts: dict[str, list[RatingLevel]]) -> None:
    entry.levels_given = True
    entry.clean_strong += parts[CountedAs.CLEAN_STRONG]
    entry.exemplary += parts[CountedAs.EXEMPLARY]
