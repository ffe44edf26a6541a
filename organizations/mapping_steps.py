"""From the rows of a mapping file to the reorganizations they decide (`organizations.reorganize`).

A file groups its rows into operations: several "sáp nhập" rows with the same new code are one
merger (the new unit founded when the code does not exist yet: the file then gives its name,
parent and kind; a row whose old code is the new one names the unit that receives the others and
is left out); "chia tách" rows with the same old code are one split (the row marked in the
"Kế thừa" column carries the history, else the first); "chuyển" rows to the same new parent on
the same day under the same decision are one move; every other row is one operation of its own.

Codes are looked up when the operation runs, so an operation may use a unit an earlier row of the
same file founded. A problem is a `StepError` naming the row and the column it is about.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assessments.models import Channel
from imports.cells import parse_yes_no
from organizations.bulk_files import FileRow
from organizations.history import LineageKind
from organizations.models import Unit
from organizations.registry_words import (
    OPERATION_WORDS,
    examples,
    parse_kind,
    parse_operation,
    parse_place_type,
)
from organizations.reorganize import OPERATIONS, Decision, NewUnit


class StepError(Exception):
    def __init__(self, row: FileRow, column: str, message: str):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


@dataclass
class Step:
    """One operation of the file: its kind, its rows (in file order), and once run its lines."""

    kind: str
    effective: datetime.date
    rows: list[FileRow]
    lines: list[str] = field(default_factory=list)

    @property
    def first(self) -> FileRow:
        return self.rows[0]

    @property
    def label(self) -> str:
        return str(LineageKind(self.kind).label)

    @property
    def errors(self):
        return [error for row in self.rows for error in row.errors]

    def decision(self) -> Decision:
        row = self.first
        return Decision(
            number=row.text("decision_number"), date=row.date("decision_date"), note=row.text("note")
        )


def code(row: FileRow, name: str) -> str:
    return row.text(name).upper()


def read_steps(rows: list[FileRow]) -> list[Step]:
    """The operations of the file, in the order of their first row; rows in error are left out."""
    steps: dict[tuple, Step] = {}
    for index, row in enumerate(rows):
        try:
            kind = parse_operation(row.text("operation"))
        except ValueError:
            row.error(
                "operation",
                _("Not an operation; write one of %(words)s.") % {"words": examples(OPERATION_WORDS)}
                if row.text("operation")
                else _("This cell is required: write the operation (e.g. “sáp nhập”)."),
            )
            continue
        effective = row.date("effective")
        if effective is None and not row.errors:
            row.error("effective", _("This cell is required: write the date the change takes effect."))
        row.date("decision_date")
        if row.errors:
            continue
        if kind == LineageKind.MERGE:
            group = (kind, code(row, "new_code"), effective)
        elif kind == LineageKind.SPLIT:
            group = (kind, code(row, "old_code"), effective)
        elif kind == LineageKind.MOVE:
            group = (kind, code(row, "new_parent"), effective, row.text("decision_number"), row.text("kind"))
        else:
            group = (kind, index)
        steps.setdefault(group, Step(kind=kind, effective=effective, rows=[])).rows.append(row)
    return list(steps.values())


# Arguments, read when the step runs ------------------------------------------------------------


def PARENT_REQUIRED() -> str:  # noqa: N802 (a message, translated when raised)
    return _("This cell is required: write the code of the unit it sits under.")


def _required(row: FileRow, name: str, message: str) -> str:
    if not row.text(name):
        raise StepError(row, name, message)
    return row.text(name)


def _unit(row: FileRow, name: str) -> Unit:
    wanted = _required(row, name, _("This cell is required: write the unit's code."))
    unit = Unit.objects.select_related("parent", "committee").filter(code=wanted.upper()).first()
    if unit is None:
        raise StepError(row, name, _("No unit has this code."))
    return unit


def _kind(row: FileRow, like: Unit | None) -> tuple[str, str]:
    if row.text("kind"):
        try:
            return parse_kind(row.text("kind"))
        except ValueError:
            raise StepError(row, "kind", _("Not a kind of unit (e.g. “Đảng bộ cơ sở”).")) from None
    if like is None:
        raise StepError(row, "kind", _("This cell is required: write the kind of the new unit."))
    return like.tier, like.kind


def _place(row: FileRow, like: Unit | None) -> str:
    try:
        place = parse_place_type(row.text("place_type"))
    except ValueError:
        raise StepError(row, "place_type", _("Not a type of place (e.g. “xã”, “thôn”).")) from None
    return place or (like.place_type if like else "")


def _new_unit(row: FileRow, *, like: Unit | None, name: str | None = None, parent: Unit | None = None):
    """The unit a row founds: its code, name, parent, kind and type of place (like `like` where the
    file leaves them blank)."""
    new_code = code(row, "new_code")
    if not new_code:
        raise StepError(row, "new_code", _("This cell is required: write the new unit's code."))
    name = row.text("new_name") or name
    if not name:
        raise StepError(row, "new_name", _("This cell is required: write the new unit's name."))
    if row.text("new_parent"):
        parent = _unit(row, "new_parent")
    if parent is None:
        raise StepError(row, "new_parent", PARENT_REQUIRED())
    tier, kind = _kind(row, like)
    place = _place(row, like)
    return NewUnit(code=new_code, name=name, tier=tier, kind=kind, parent=parent, place_type=place)


def _existing_or_new(row: FileRow, *, like: Unit | None, parent: Unit | None = None):
    found = Unit.objects.filter(code=code(row, "new_code")).first() if code(row, "new_code") else None
    return found or _new_unit(row, like=like, parent=parent)


def arguments(step: Step) -> tuple[dict, FileRow]:
    """The keyword arguments of the step's operation (besides user, date, decision and channel)
    and the row a refusal of the operation is shown on."""
    row, kind = step.first, step.kind
    if kind == LineageKind.FOUND:
        return {"unit": _new_unit(row, like=None)}, row
    if kind == LineageKind.RENAME:
        unit = _unit(row, "old_code")
        if code(row, "new_code") and code(row, "new_code") != unit.code:
            raise StepError(row, "new_code", _("A renamed unit keeps its code: leave the new code blank."))
        return {"unit": unit, "name": _required(row, "new_name", _("Write the new name."))}, row
    if kind == LineageKind.DISSOLVE:
        return {"unit": _unit(row, "old_code")}, row
    if kind == LineageKind.MOVE:
        units = [_unit(r, "old_code") for r in step.rows]
        parent = _unit(row, "new_parent")
        tier, unit_kind = _kind(row, None) if row.text("kind") else (None, None)
        return {"units": units, "parent": parent, "tier": tier, "kind": unit_kind}, row
    if kind == LineageKind.MERGE:
        if not code(row, "new_code"):
            message = _("This cell is required: write the code of the unit they merge into.")
            raise StepError(row, "new_code", message)
        rows = [r for r in step.rows if code(r, "old_code") != code(r, "new_code")]
        if not rows:
            raise StepError(row, "old_code", _("Write the codes of the units that merge."))
        units = [_unit(r, "old_code") for r in rows]
        named = next((r for r in step.rows if r.text("new_name") or r.text("new_parent")), row)
        into = _existing_or_new(named, like=units[0])
        return {"units": units, "into": into}, row
    if kind == LineageKind.SPLIT:
        unit = _unit(row, "old_code")
        into = [_existing_or_new(r, like=unit, parent=unit.parent) for r in step.rows]
        return {"unit": unit, "into": into, "heir": _heir(step)}, row
    if kind == LineageKind.REFOUND:
        unit = _unit(row, "old_code")
        return {"as_unit": _new_unit(row, like=unit, name=unit.name, parent=unit.parent), "unit": unit}, row
    raise StepError(row, "operation", _("Not an operation."))


def _heir(step: Step) -> int:
    marked = []
    for index, row in enumerate(step.rows):
        if not row.text("heir"):
            continue
        try:
            if parse_yes_no(row.text("heir")):
                marked.append(index)
        except ValueError:
            raise StepError(row, "heir", _("Write “Có” or “Không”.")) from None
    if len(marked) > 1:
        raise StepError(step.rows[marked[1]], "heir", _("Only one successor carries the history."))
    return marked[0] if marked else 0


def run(step: Step, *, user, source: str):
    """Carry out the step (inside the caller's transaction); its lines kept on the step."""
    kwargs, _row = arguments(step)
    outcome = OPERATIONS[step.kind](
        user=user,
        on=step.effective,
        decision=step.decision(),
        channel=Channel.IMPORT,
        source=source,
        **kwargs,
    )
    step.lines = list(outcome.lines)
    return outcome
