"""Reorganizations as decided: found, rename, move, merge, split, dissolve, re-found.

Each operation is one transaction that records the decision (`Reorganization`), changes the
units through `organizations.services.save_unit` (the one writer of the tree: audited, dated
places kept), and writes the lineage that restated reports follow. An operation takes effect
`on` a day: a unit that ends lives until the day before, a unit founded lives from that day.

Refused with a message and nothing written: a cycle, a date inside a year already submitted,
approved or locked for a committee concerned, a merger into a unit that does not exist that day,
and an end that would leave ratings in years the unit no longer existed. Ratings are never
rewritten: each keeps the committee it was counted under.

`preview(operation, **arguments)` runs an operation and rolls it back, returning what it would
do, so that every screen and command shows the consequences before anyone confirms.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.models import Channel
from organizations import consequences
from organizations.history import Lineage, LineageKind, Reorganization
from organizations.models import Kind, Tier, Unit
from organizations.reorganize_checks import (
    check_alive,
    check_latest_change,
    check_no_cycle,
    check_ratings_within,
    check_year_open,
    refuse,
    reporting,
)
from organizations.services import save_unit

if TYPE_CHECKING:
    from accounts.models import User

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Decision:
    """The decision an operation carries out (number and date as written on it)."""

    number: str = ""
    date: datetime.date | None = None
    note: str = ""

    def text(self) -> str:
        if not self.number:
            return self.note
        dated = _(" of %(date)s") % {"date": date_format(self.date, "d/m/Y")} if self.date else ""
        words = _("Decision %(number)s%(dated)s") % {"number": self.number, "dated": dated}
        return f"{words}. {self.note}" if self.note else words


@dataclass(frozen=True)
class NewUnit:
    """A unit an operation founds (a merger's or a split's successor, a re-founding)."""

    code: str
    name: str
    tier: str
    kind: str
    parent: Unit
    place_type: str = ""


@dataclass
class Outcome:
    """What an operation did (or, previewed, would do): the record, the units, the consequences."""

    reorganization: Reorganization
    units: list[Unit] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def preview(operation, **arguments) -> Outcome:
    """Run `operation` and roll it back: its consequences, nothing written."""
    with transaction.atomic():
        outcome = operation(**arguments)
        transaction.set_rollback(True)
    return outcome


# ------------------------------------------------------------------------------- helpers


def _record(*, user, kind: str, on: datetime.date, decision: Decision) -> Reorganization:
    return Reorganization.objects.create(
        kind=kind,
        effective=on,
        decision_number=decision.number,
        decision_date=decision.date,
        note=decision.note,
        user=user,
    )


def _save(unit: Unit, *, user, on, decision: Decision, channel: str, source: str) -> Unit:
    return save_unit(user=user, unit=unit, channel=channel, source=source, on=on, reason=decision.text())


def _found(spec: NewUnit, *, user, on, decision, channel, source) -> Unit:
    check_alive(spec.parent, on)
    unit = Unit(
        code=spec.code,
        name=spec.name,
        tier=spec.tier,
        kind=spec.kind,
        parent=spec.parent,
        place_type=spec.place_type,
        founded=on,
    )
    return _save(unit, user=user, on=on, decision=decision, channel=channel, source=source)


def _end(unit: Unit, *, user, on, decision, channel, source, merged_into: Unit | None = None) -> Unit:
    check_alive(unit, on - ONE_DAY)
    check_latest_change(unit, on)
    check_ratings_within(unit, on - ONE_DAY)
    unit = Unit.objects.get(pk=unit.pk)
    unit.dissolved, unit.merged_into = on - ONE_DAY, merged_into
    return _save(unit, user=user, on=on, decision=decision, channel=channel, source=source)


def _link(
    reorganization: Reorganization, predecessor: Unit, successor: Unit, *, carries: bool = True
) -> None:
    Lineage.objects.create(
        reorganization=reorganization,
        predecessor=predecessor,
        successor=successor,
        date=reorganization.effective,
        kind=reorganization.kind,
        carries_history=carries,
    )


# ---------------------------------------------------------------------------- operations


@transaction.atomic
def found(
    *,
    user: User | None,
    unit: NewUnit,
    on: datetime.date,
    decision: Decision,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Outcome:
    """Found a unit under `unit.parent` from `on`."""
    check_year_open([reporting(unit.parent)], on)
    record = _record(user=user, kind=LineageKind.FOUND, on=on, decision=decision)
    new = _found(unit, user=user, on=on, decision=decision, channel=channel, source=source)
    line = _("%(unit)s is founded under %(parent)s from %(date)s.") % {
        "unit": new.name,
        "parent": unit.parent.name,
        "date": date_format(on, "d/m/Y"),
    }
    return Outcome(record, [new], [line])


@transaction.atomic
def rename(
    *,
    user: User | None,
    unit: Unit,
    name: str,
    on: datetime.date,
    decision: Decision,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Outcome:
    """Give `unit` a new name from `on` (its history keeps the old one)."""
    check_alive(unit, on)
    check_latest_change(unit, on)
    check_year_open([reporting(unit)], on)
    record = _record(user=user, kind=LineageKind.RENAME, on=on, decision=decision)
    old = unit.name
    changed = Unit.objects.get(pk=unit.pk)
    changed.name = name
    _save(changed, user=user, on=on, decision=decision, channel=channel, source=source)
    line = _("%(old)s is renamed %(new)s from %(date)s.") % {
        "old": old,
        "new": name,
        "date": date_format(on, "d/m/Y"),
    }
    return Outcome(record, [changed], [line])


@transaction.atomic
def move(
    *,
    user: User | None,
    units: list[Unit],
    parent: Unit,
    on: datetime.date,
    decision: Decision,
    tier: str | None = None,
    kind: str | None = None,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Outcome:
    """Put `units` under `parent` from `on` (with a new tier and kind when the move asks for one,
    e.g. a grassroots organization becoming a subordinate cell of a commune party committee)."""
    record = _record(user=user, kind=LineageKind.MOVE, on=on, decision=decision)
    moved, lines = _relocate(
        units,
        parent=parent,
        on=on,
        tier=tier,
        kind=kind,
        user=user,
        decision=decision,
        channel=channel,
        source=source,
    )
    return Outcome(record, moved, lines)


def _relocate(units, *, parent: Unit, on, tier, kind, user, decision, channel, source):
    """The move itself, shared by a move and by the operations that carry units along."""
    check_alive(parent, on)
    lines, moved = [], []
    by_committee: dict[int | None, list[Unit]] = {}
    for unit in units:
        unit = Unit.objects.select_related("committee", "parent").get(pk=unit.pk)
        check_alive(unit, on)
        check_latest_change(unit, on)
        check_no_cycle(unit, parent)
        check_year_open([reporting(unit), reporting(parent)], on)
        by_committee.setdefault(unit.committee_id, []).extend(consequences.under(unit))
        unit.parent = parent
        if tier:
            unit.tier = tier
        if kind:
            unit.kind = kind
        moved.append(_save(unit, user=user, on=on, decision=decision, channel=channel, source=source))
    target = reporting(parent)
    for committee_id, group in by_committee.items():
        old = Unit.objects.filter(pk=committee_id).first()
        lines.append(
            _("%(units)s move from %(old)s to %(new)s from %(date)s%(counted)s.")
            % {
                "units": consequences.count_words(group),
                "old": old.name if old else "—",
                "new": target.name if target.tier != Tier.PROVINCE else parent.name,
                "date": date_format(on, "d/m/Y"),
                "counted": consequences.stay_counted(group),
            }
        )
    return moved, lines


def _carry_children(unit: Unit, successor: Unit, *, on, user, decision, channel, source) -> list[str]:
    """What still exists under `unit` moves under `successor` (as its cells, when the successor is
    a grassroots organization)."""
    children = list(Unit.objects.filter(parent=unit).on(on))
    if not children:
        return []
    becomes_cells = successor.tier == Tier.BASE and children[0].tier != Tier.CELL
    _, lines = _relocate(
        children,
        parent=successor,
        on=on,
        tier=Tier.CELL if becomes_cells else None,
        kind=Kind.SUBORDINATE_CELL if becomes_cells else None,
        user=user,
        decision=decision,
        channel=channel,
        source=source,
    )
    return lines


@transaction.atomic
def merge(
    *,
    user: User | None,
    units: list[Unit],
    into: Unit | NewUnit,
    on: datetime.date,
    decision: Decision,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Outcome:
    """Merge `units` into `into` (an existing unit, or one founded by the merger) from `on`.

    The merged units end the day before; what existed under them moves under the successor; each
    carries its history to it.
    """
    if len(units) < 1:
        refuse(_("Choose the units to merge."))
    record = _record(user=user, kind=LineageKind.MERGE, on=on, decision=decision)
    if isinstance(into, NewUnit):
        check_year_open([reporting(into.parent)], on)
        successor = _found(into, user=user, on=on, decision=decision, channel=channel, source=source)
    else:
        successor = Unit.objects.get(pk=into.pk)
        if successor.dissolved and successor.dissolved < on:
            refuse(
                _("%(unit)s was dissolved on %(date)s: nothing can be merged into it.")
                % {"unit": successor.name, "date": date_format(successor.dissolved, "d/m/Y")}
            )
        check_alive(successor, on)
    lines = []
    for unit in units:
        unit = Unit.objects.select_related("committee").get(pk=unit.pk)
        if unit.pk == successor.pk:
            refuse(_("%(unit)s cannot be merged into itself.") % {"unit": unit.name})
        check_year_open([reporting(unit)], on)
        lines += _carry_children(
            unit, successor, on=on, user=user, decision=decision, channel=channel, source=source
        )
        _end(unit, user=user, on=on, decision=decision, channel=channel, source=source, merged_into=successor)
        _link(record, unit, successor)
        lines.append(
            _("%(unit)s merges into %(into)s from %(date)s%(counted)s.")
            % {
                "unit": unit.name,
                "into": successor.name,
                "date": date_format(on, "d/m/Y"),
                "counted": consequences.stay_counted([unit]),
            }
        )
    return Outcome(record, [successor], lines)


@transaction.atomic
def split(
    *,
    user: User | None,
    unit: Unit,
    into: list[Unit | NewUnit],
    heir: int,
    on: datetime.date,
    decision: Decision,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Outcome:
    """Split `unit` into the successors `into` from `on`; `into[heir]` carries its history."""
    if len(into) < 2 or not 0 <= heir < len(into):
        refuse(_("A split needs two or more successors, one of which carries the history."))
    unit = Unit.objects.select_related("committee").get(pk=unit.pk)
    check_year_open([reporting(unit)], on)
    record = _record(user=user, kind=LineageKind.SPLIT, on=on, decision=decision)
    successors = []
    for spec in into:
        if isinstance(spec, NewUnit):
            successors.append(
                _found(spec, user=user, on=on, decision=decision, channel=channel, source=source)
            )
        else:
            check_alive(spec, on)
            successors.append(spec)
    carried = _carry_children(
        unit, successors[heir], on=on, user=user, decision=decision, channel=channel, source=source
    )
    _end(unit, user=user, on=on, decision=decision, channel=channel, source=source)
    for index, successor in enumerate(successors):
        _link(record, unit, successor, carries=index == heir)
    line = _("%(unit)s is split into %(units)s from %(date)s; its history goes to %(heir)s.") % {
        "unit": unit.name,
        "units": ", ".join(s.name for s in successors),
        "date": date_format(on, "d/m/Y"),
        "heir": successors[heir].name,
    }
    return Outcome(record, successors, [line, *carried])


@transaction.atomic
def dissolve(
    *,
    user: User | None,
    unit: Unit,
    on: datetime.date,
    decision: Decision,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Outcome:
    """Dissolve `unit` from `on` (it lives until the day before), with the units under it."""
    unit = Unit.objects.select_related("committee").get(pk=unit.pk)
    check_year_open([reporting(unit)], on)
    # Everything under it that still exists ends with it: none may be rated after the end.
    check_ratings_within(Unit.objects.below(unit).on(on), on - ONE_DAY)
    record = _record(user=user, kind=LineageKind.DISSOLVE, on=on, decision=decision)
    group = consequences.under(unit)
    _end(unit, user=user, on=on, decision=decision, channel=channel, source=source)
    line = _("%(units)s end on %(date)s%(counted)s.") % {
        "units": consequences.count_words(group),
        "date": date_format(on - ONE_DAY, "d/m/Y"),
        "counted": consequences.stay_counted(group),
    }
    return Outcome(record, [unit], [line])


@transaction.atomic
def refound(
    *,
    user: User | None,
    unit: Unit,
    as_unit: NewUnit,
    on: datetime.date,
    decision: Decision,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Outcome:
    """Dissolve `unit` and found its successor `as_unit` (under a new parent) from `on`; the
    successor carries its history, and what existed under it moves with it."""
    unit = Unit.objects.select_related("committee").get(pk=unit.pk)
    check_year_open([reporting(unit), reporting(as_unit.parent)], on)
    record = _record(user=user, kind=LineageKind.REFOUND, on=on, decision=decision)
    successor = _found(as_unit, user=user, on=on, decision=decision, channel=channel, source=source)
    carried = _carry_children(
        unit, successor, on=on, user=user, decision=decision, channel=channel, source=source
    )
    _end(unit, user=user, on=on, decision=decision, channel=channel, source=source)
    _link(record, unit, successor)
    line = _("%(unit)s is re-founded as %(new)s under %(parent)s from %(date)s%(counted)s.") % {
        "unit": unit.name,
        "new": successor.name,
        "parent": as_unit.parent.name,
        "date": date_format(on, "d/m/Y"),
        "counted": consequences.stay_counted([unit]),
    }
    return Outcome(record, [successor], [line, *carried])


OPERATIONS = {
    LineageKind.FOUND: found,
    LineageKind.RENAME: rename,
    LineageKind.MOVE: move,
    LineageKind.MERGE: merge,
    LineageKind.SPLIT: split,
    LineageKind.DISSOLVE: dissolve,
    LineageKind.REFOUND: refound,
}
