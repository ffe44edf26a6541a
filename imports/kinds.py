"""The two kinds of file the import reads — ratings, member statistics — and what differs between
them: their columns, how a row's cells become values, how old and new values compare, which model
rules check them, and the service change a row becomes. `imports.rows` runs the same check for both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.bulk import Checker
from assessments.models import MEMBER_FIELDS, SCORE_FIELDS, MemberStats, Rating
from assessments.services import MemberChange, RatingChange
from imports import columns as C
from imports.cells import parse_date, parse_int, parse_points, parse_yes_no
from imports.levels import NOT_RATED_LABEL, LevelError, LevelParser
from reports.export import unescape

if TYPE_CHECKING:
    from imports.rows import Row

# The first two of the three steps: levels, read like the decision.
STEPS = ("self_level", "appraised_level")

# The fields of a rating a file sets (as `Rating` names them).
RATING_FIELDS = (
    "level",
    "not_rated",
    "self_level",
    "appraised_level",
    "not_rated_reason",
    "note",
    "decision_number",
    "decision_date",
    *SCORE_FIELDS,
)

RATINGS = "ratings"
MEMBERS = "members"
KINDS = (RATINGS, MEMBERS)


def column_header(fld: str) -> str:
    """The header exports write for a field (where a file lacks the column, errors still name it)."""
    for column in (*C.RATING_COLUMNS, *C.MEMBER_COLUMNS):
        if column.field == fld:
            return column.header
    return fld


class RatingKind:
    name = RATINGS
    model = Rating
    columns = C.RATING_COLUMNS
    required = C.LEVEL
    value_fields = (
        "level",
        "not_rated_reason",
        "decision_number",
        "decision_date",
        "note",
        *STEPS,
        *SCORE_FIELDS,
    )
    stored_fields = (
        "level_id",
        "not_rated",
        "not_rated_reason",
        "note",
        "decision_number",
        "decision_date",
        "self_level_id",
        "appraised_level_id",
        *SCORE_FIELDS,
    )

    def __init__(self):
        self.parsers: dict[int, LevelParser] = {}
        self.checkers: dict[int, Checker] = {}

    def parser(self, year: int) -> LevelParser:
        if year not in self.parsers:
            self.parsers[year] = LevelParser.build(year)
        return self.parsers[year]

    def is_empty(self, row: Row) -> bool:
        return not any(row.cells.get(f) for f in self.value_fields)

    def old_values(self, stored: dict | None, levels: dict) -> dict:
        """The values stored for the row's unit-year (`stored`: the row as plain values, or None)."""
        if stored is None:
            return {"level": None, "not_rated": False, "not_rated_reason": "", "note": "",
                    "decision_number": "", "decision_date": None, "decided": False,
                    **dict.fromkeys(STEPS), **dict.fromkeys(SCORE_FIELDS)}  # fmt: skip
        return {
            "level": levels.get(stored["level_id"]),
            "not_rated": stored["not_rated"],
            "decided": stored["level_id"] is not None or stored["not_rated"],
            **{name: levels.get(stored[f"{name}_id"]) for name in STEPS},
            "not_rated_reason": stored["not_rated_reason"],
            "note": stored["note"],
            "decision_number": stored["decision_number"],
            "decision_date": stored["decision_date"],
            **{name: stored[name] for name in SCORE_FIELDS},
        }

    def parse(self, row: Row, old: dict) -> dict | None:
        """The new values; a column the file does not have keeps the stored value."""
        values = dict(old)
        cells = row.cells
        for name in STEPS:  # a step the file does not have keeps the stored value
            if row.table.has(name):
                try:
                    values[name] = self._step(row, name)
                except LevelError as error:
                    row.error(name, error)
                    return None
        text = cells.get("level", "")
        if not text and not any(values[name] for name in STEPS):
            row.error("level", _("This cell is required: write the level."))
            return None
        if not text:  # self-assessed or appraised, no decision yet
            values.update(level=None, not_rated=False, decided=False)
        else:
            try:
                parsed = self.parser(row.year).parse(text)
            except LevelError as error:
                row.error("level", error)
                return None
            values.update(level=parsed.level, not_rated=parsed.not_rated, decided=True)
        for name in ("not_rated_reason", "note", "decision_number"):
            if row.table.has(name):
                values[name] = unescape(cells.get(name, "")).strip()
        if row.table.has("decision_date"):
            text = cells.get("decision_date", "")
            if not text:
                values["decision_date"] = None
            else:
                try:
                    values["decision_date"] = parse_date(text)
                except ValueError:
                    row.error("decision_date", _("Not a date: write it as dd/mm/yyyy."))
                    return None
        if not self._parse_scores(row, values):
            return None
        if not values["not_rated"]:
            values["not_rated_reason"] = ""  # as the service stores it
        else:
            values.update(dict.fromkeys(SCORE_FIELDS))  # a unit not rated has no score
        return values

    def _step(self, row: Row, name: str):
        text = row.cells.get(name, "")
        if not text:
            return None
        parsed = self.parser(row.year).parse(text)
        if parsed.level is None:
            raise LevelError(_("A self-assessment or an appraisal is a level, not “not rated”."))
        return parsed.level

    # How each score column is read, and what its error says.
    SCORE_PARSERS = {
        "score": (parse_points, gettext_lazy("Not a score: write the points out of 100, e.g. 72,5.")),
        "score_general": (parse_points, gettext_lazy("Not a score: write the points out of 30, e.g. 25,5.")),
        "score_tasks": (parse_points, gettext_lazy("Not a score: write the points out of 70, e.g. 47.")),
        "tasks_on_time": (parse_yes_no, gettext_lazy("Write “Có” or “Không”.")),
        "tasks_all_done": (parse_yes_no, gettext_lazy("Write “Có” or “Không”.")),
        "tasks_exceeded_percent": (
            parse_int,
            gettext_lazy("Not a percentage: write a whole number from 0 to 100."),
        ),
        "tasks_late_percent": (
            parse_int,
            gettext_lazy("Not a percentage: write a whole number from 0 to 100."),
        ),
        "disciplined": (parse_yes_no, gettext_lazy("Write “Có” or “Không”.")),
    }

    def _parse_scores(self, row: Row, values: dict) -> bool:
        ok = True
        for name, (parse, message) in self.SCORE_PARSERS.items():
            if not row.table.has(name):
                continue
            text = row.cells.get(name, "")
            try:
                values[name] = parse(text) if text else None
            except ValueError:
                row.error(name, message)
                ok = False
        if ok and values["score"] is None and None not in (values["score_general"], values["score_tasks"]):
            values["score"] = values["score_general"] + values["score_tasks"]  # the total of its parts
        return ok

    def compare(self, old: dict, new: dict, row: Row) -> dict:
        shown = {
            "level": lambda v: _level_text(v),
            "not_rated_reason": str,
            "decision_number": str,
            "decision_date": lambda d: d.strftime("%d/%m/%Y") if d else "",
            "note": str,
            **dict.fromkeys(STEPS, lambda v: v.name if v else ""),
            **dict.fromkeys(SCORE_FIELDS, _score_text),
        }
        changes = {}
        for name, show in shown.items():
            before, after = old[name], new[name]
            if name == "level":
                before = (old["level"].pk if old["level"] else None, old["not_rated"])
                after = (new["level"].pk if new["level"] else None, new["not_rated"])
                if before != after:
                    changes[row.table.label(name, column_header(name))] = (
                        show(old["level"]) if old["level"] or old["not_rated"] else "",
                        show(new["level"]) if new["decided"] else "",
                    )
                continue
            if before != after:
                changes[row.table.label(name, column_header(name))] = (show(before), show(after))
        return changes

    def validate(self, row: Row, values: dict) -> ValidationError | None:
        unit = row.unit
        fields = {name: values[name] for name in RATING_FIELDS}
        checker = self.checkers.get(row.year)
        if checker is None:
            scheme = self.parser(row.year).scheme
            checker = self.checkers[row.year] = Checker(
                Rating, year=row.year, committee=None, validate=lambda obj: obj.validate_for(scheme)
            )
        # Each distinct set of values checked once, the unit's own rules for every row (as the
        # writer checks); a refused row is checked again in full below for the model's messages.
        if checker.values(fields, unit.tier, unit.place_type).error is None and not checker.unit_error(unit):
            return None
        obj = Rating(
            unit=unit,
            year=row.year,
            committee_id=unit.committee_id,
            tier=unit.tier,
            level=values["level"],
            not_rated=values["not_rated"],
            self_level=values["self_level"],
            appraised_level=values["appraised_level"],
            not_rated_reason=values["not_rated_reason"],
            note=values["note"],
            decision_number=values["decision_number"],
            decision_date=values["decision_date"],
            **{name: values[name] for name in SCORE_FIELDS},
        )
        try:
            obj.clean_fields(exclude=["unit", "committee", "level", "changed_by"])
            obj.validate_for(self.parser(row.year).scheme)
        except ValidationError as error:
            return error
        return None

    error_columns = {
        "unit": "code",
        "level": "level",
        "not_rated_reason": "not_rated_reason",
        "score": "score",
    }
    fallback_column = "level"

    def change(self, row: Row) -> RatingChange:
        v = row.values
        return RatingChange(
            unit=row.unit,
            level=v["level"],
            not_rated_reason=v["not_rated_reason"],
            note=v["note"],
            decision_number=v["decision_number"],
            decision_date=v["decision_date"],
            scores=v,  # the score fields among the values (read by name)
            self_level=v["self_level"],
            appraised_level=v["appraised_level"],
            decided=v["decided"],
            expected_version=row.version,
        )

    def same(self, a: dict, b: dict) -> bool:
        def plain(values):
            return {k: (v.pk if hasattr(v, "pk") else v) for k, v in values.items()}

        return plain(a) == plain(b)


def _score_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value).replace(".", ",")


def _level_text(level) -> str:
    """A level as it will be stored and shown everywhere: its full name."""
    return level.name if level else NOT_RATED_LABEL


class MemberKind:
    name = MEMBERS
    model = MemberStats
    columns = C.MEMBER_COLUMNS
    required = C.MEMBER_COUNT
    value_fields = MEMBER_FIELDS
    stored_fields = MEMBER_FIELDS

    def parser(self, year):  # no levels to read
        return None

    def is_empty(self, row: Row) -> bool:
        return not any(row.cells.get(f) for f in self.value_fields)

    def old_values(self, stored: dict | None, levels: dict) -> dict:
        if stored is None:
            return dict.fromkeys(MEMBER_FIELDS, 0)
        return {name: stored[name] for name in MEMBER_FIELDS}

    def parse(self, row: Row, old: dict) -> dict | None:
        values = dict(old) if old else dict.fromkeys(MEMBER_FIELDS, 0)
        ok = True
        for name in MEMBER_FIELDS:
            if not row.table.has(name):
                continue
            text = row.cells.get(name, "")
            if not text:
                if name == "member_count":
                    row.error(name, _("This cell is required: write the number of members."))
                    ok = False
                values[name] = 0
                continue
            try:
                values[name] = parse_int(text)
            except ValueError:
                row.error(name, _("Not a whole number of members."))
                ok = False
        return values if ok else None

    def compare(self, old: dict, new: dict, row: Row) -> dict:
        return {
            row.table.label(name, column_header(name)): (str(old[name]), str(new[name]))
            for name in MEMBER_FIELDS
            if old[name] != new[name]
        }

    def validate(self, row: Row, values: dict) -> ValidationError | None:
        unit = row.unit
        obj = MemberStats(unit=unit, year=row.year, committee_id=unit.committee_id, **values)
        try:
            obj.clean_fields(exclude=["unit", "committee", "changed_by"])
            obj.validate_for(row.year)
        except ValidationError as error:
            return error
        return None

    error_columns = {"unit": "code"}
    fallback_column = "member_count"

    def change(self, row: Row) -> MemberChange:
        return MemberChange(unit=row.unit, values=dict(row.values), expected_version=row.version)

    def same(self, a: dict, b: dict) -> bool:
        return a == b


def kind_for(name: str):
    return {RATINGS: RatingKind, MEMBERS: MemberKind}[name]()
