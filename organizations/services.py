"""Changes to the tree — found, rename, move, dissolve or merge a unit — each written with its
audit record (an `assessments.AuditEntry`: the unit, the action, {field: [old, new]}, who, through
which channel) in one transaction. The admin's unit form and its registry import come here.

None of them touches a rating: each rating keeps the committee it was counted under that year, so
moving or dissolving a unit never rewrites history. Cells follow their grassroots organization
into its new committee, and are dissolved with it; both are recorded in the cells' own history.

`user` None is the system itself (a command or a data migration run by an administrator).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from assessments.models import AuditEntry, Channel
from organizations.models import Tier, Unit, UnitPlace

if TYPE_CHECKING:
    from accounts.models import User

# What a person sets on a unit (the admin's form and columns, the unit import), in this order.
EDITABLE_FIELDS = (
    "code",
    "name",
    "tier",
    "kind",
    "place_type",
    "parent",
    "founded",
    "dissolved",
    "merged_into",
)
# What the audit records of a unit: those, and the committee derived from the parent.
AUDITED_FIELDS = (*EDITABLE_FIELDS[:6], "committee", *EDITABLE_FIELDS[6:])
UNIT_REFERENCES = ("parent", "committee", "merged_into")
MOVE_FIELDS = ("parent", "committee")
DISSOLVE_FIELDS = ("dissolved", "merged_into")


def audit_values(unit: Unit) -> dict:
    """The audited fields as plain JSON values: other units by their code, dates as ISO text."""
    pks = {name: getattr(unit, f"{name}_id") for name in UNIT_REFERENCES}
    codes = dict(Unit.objects.filter(pk__in=[pk for pk in pks.values() if pk]).values_list("pk", "code"))
    values = {}
    for name in AUDITED_FIELDS:
        if name in UNIT_REFERENCES:
            values[name] = codes.get(pks[name])
        else:
            value = getattr(unit, name)
            values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def _entry(*, user, channel: str, source: str, action: str, unit: Unit, changes: dict) -> AuditEntry:
    return AuditEntry(
        user=user,
        channel=channel,
        source=source[:255],
        action=action,
        unit=unit,
        committee_id=unit.committee_id,
        changes=changes,
    )


def _split(changes: dict, *, dissolved: bool) -> list[tuple[str, dict]]:
    """One audited change of a unit as its actions: a move, a dissolution (or merger), the rest."""
    moved = {k: v for k, v in changes.items() if k in MOVE_FIELDS}
    ended = {k: v for k, v in changes.items() if k in DISSOLVE_FIELDS} if dissolved else {}
    rest = {k: v for k, v in changes.items() if k not in moved and k not in ended}
    return [
        (action, part)
        for action, part in (("unit.update", rest), ("unit.move", moved), ("unit.dissolve", ended))
        if part
    ]


@transaction.atomic
def save_unit(
    *,
    user: User | None,
    unit: Unit,
    channel: str = Channel.COMMAND,
    source: str = "",
    on: datetime.date | None = None,
    reason: str = "",
) -> Unit:
    """Found `unit` (no primary key yet) or store the changes made to it, checked by the model.

    A new parent is a move: a grassroots organization's cells follow it into its new committee.
    A new dissolution date is a dissolution (a merger when `merged_into` is set): the units under
    it that still exist are dissolved on the same day. Every unit changed is audited (`reason`:
    the decision, when there is one), and its dated place kept: a change of place takes effect
    `on` that day (today when not given).
    """
    if unit.pk is None:
        unit.full_clean()
        unit.save()  # its first place with it
        changes = {k: [None, v] for k, v in audit_values(unit).items() if v not in (None, "")}
        entries = [
            _entry(
                user=user, channel=channel, source=source, action="unit.create", unit=unit, changes=changes
            )
        ]
        _audit(entries, reason)
        return unit

    before = audit_values(Unit.objects.select_for_update().get(pk=unit.pk))
    unit.full_clean()
    effective = on or timezone.localdate()
    unit.save(place_on=effective)  # its places follow
    after = audit_values(unit)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return unit
    newly_dissolved = bool(unit.dissolved) and ("dissolved" in changes or "merged_into" in changes)
    entries = [
        _entry(user=user, channel=channel, source=source, action=action, unit=unit, changes=part)
        for action, part in _split(changes, dissolved=newly_dissolved)
    ]
    if "merged_into" in changes and unit.merged_into_id:
        entries.append(
            _entry(
                user=user,
                channel=channel,
                source=source,
                action="unit.merge",
                unit=unit.merged_into,
                changes={"merged_from": [None, unit.code]},
            )
        )
    if "committee" in changes and unit.tier == Tier.BASE:
        entries += _carry_cells(
            user=user, unit=unit, channel=channel, source=source, changes=changes, on=effective
        )
    if newly_dissolved and "dissolved" in changes:
        entries += _dissolve_below(user=user, unit=unit, channel=channel, source=source)
    _audit(entries, reason)
    return unit


def _audit(entries: list[AuditEntry], reason: str) -> None:
    for entry in entries:
        entry.reason = reason
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def _carry_cells(
    *, user, unit: Unit, channel: str, source: str, changes: dict, on: datetime.date
) -> list[AuditEntry]:
    """Cells follow their grassroots organization into its new committee."""
    cells = list(unit.children.exclude(committee_id=unit.committee_id).on(on))
    Unit.objects.filter(pk__in=[c.pk for c in cells]).update(committee=unit.committee_id)
    for cell in cells:
        cell.committee_id = unit.committee_id
    UnitPlace.bulk_moved(cells, on=on)
    old, new = changes["committee"]
    return [
        _entry(
            user=user,
            channel=channel,
            source=source,
            action="unit.move",
            unit=cell,
            changes={"committee": [old, new]},
        )
        for cell in cells
    ]


def _dissolve_below(*, user, unit: Unit, channel: str, source: str) -> list[AuditEntry]:
    """Every unit under `unit` that still exists on its dissolution date is dissolved with it."""
    on = unit.dissolved
    below = list(Unit.objects.below(unit).filter(dissolved__isnull=True).on(on))
    Unit.objects.filter(pk__in=[u.pk for u in below]).update(dissolved=on)
    for child in below:
        child.dissolved = on
    UnitPlace.bulk_closed(below)
    return [
        _entry(
            user=user,
            channel=channel,
            source=source,
            action="unit.dissolve",
            unit=child,
            changes={"dissolved": [None, on.isoformat()]},
        )
        for child in below
    ]


def _changed(unit: Unit, **values) -> Unit:
    """A fresh copy of `unit` with `values` set, so a refused change leaves the caller's object alone."""
    copy = Unit.objects.get(pk=unit.pk)
    for name, value in values.items():
        setattr(copy, name, value)
    return copy


def create_unit(
    *,
    user: User | None,
    code: str,
    name: str,
    tier: str,
    kind: str,
    parent: Unit | None,
    place_type: str = "",
    founded: datetime.date | None = None,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Unit:
    """Found a unit."""
    unit = Unit(
        code=code, name=name, tier=tier, kind=kind, parent=parent, place_type=place_type, founded=founded
    )
    return save_unit(user=user, unit=unit, channel=channel, source=source)


def rename_unit(
    *, user: User | None, unit: Unit, name: str, channel: str = Channel.COMMAND, source: str = ""
) -> Unit:
    return save_unit(user=user, unit=_changed(unit, name=name), channel=channel, source=source)


def move_unit(
    *,
    unit: Unit,
    new_parent: Unit,
    user: User | None = None,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Unit:
    """Put `unit` under `new_parent`; a grassroots organization's cells follow it."""
    moved = save_unit(user=user, unit=_changed(unit, parent=new_parent), channel=channel, source=source)
    unit.parent, unit.committee = moved.parent, moved.committee
    return moved


def dissolve_unit(
    *,
    unit: Unit,
    on: datetime.date,
    merged_into: Unit | None = None,
    user: User | None = None,
    channel: str = Channel.COMMAND,
    source: str = "",
) -> Unit:
    """Dissolve `unit` on `on` (merged into `merged_into`, when given), with the units under it."""
    ended = save_unit(
        user=user, unit=_changed(unit, dissolved=on, merged_into=merged_into), channel=channel, source=source
    )
    unit.dissolved, unit.merged_into = ended.dissolved, ended.merged_into
    return ended
