"""The demo's mass changes of 2025 in bulk: thousands of cells and grassroots organizations carried
to a new parent, or ended into a successor, in a few statements.

Through `organizations.reorganize` each unit carried costs some thirty queries (its checks, its
audit, its places), which made the 2025 reorganization alone take minutes; so the operations that
name the reorganization (founding the new committees, merging the old ones, dissolving the
districts) go through the services, and what they carry is written here beforehand: the rows, the
dated places (`UnitPlace.bulk_moved` / `bulk_closed`), and for every unit that ends, its
`Reorganization` and the lineage link that carries its history. No audit entry per carried unit.
"""

from __future__ import annotations

import datetime

from organizations.models import Lineage, LineageKind, Reorganization, Tier, Unit, UnitPlace
from organizations.reorganize import Decision

ONE_DAY = datetime.timedelta(days=1)


def _update(units: list[Unit], fields: tuple[str, ...]) -> None:
    """One UPDATE per distinct set of new values (`bulk_update`'s CASE per row is far slower)."""
    groups: dict[tuple, list[int]] = {}
    for unit in units:
        groups.setdefault(tuple(getattr(unit, f) for f in fields), []).append(unit.pk)
    for values, ids in groups.items():
        Unit.objects.filter(pk__in=ids).update(**dict(zip(fields, values, strict=True)))


def place(
    pairs: list[tuple[Unit, Unit]], *, on: datetime.date, tier: str | None = None, kind: str | None = None
):
    """Each (unit, parent): the unit under that parent from `on` (with a new tier and kind when
    given: a grassroots cell becoming a subordinate cell). A grassroots organization's cells
    follow it into its new committee."""
    changed = []
    for unit, parent in pairs:
        unit.parent = parent
        unit.tier, unit.kind = tier or unit.tier, kind or unit.kind
        unit.committee = unit.committee_from_parent()
        changed.append(unit)
    bases = {unit.pk: unit for unit, _ in pairs if unit.tier == Tier.BASE}
    for cell in Unit.objects.filter(parent__in=list(bases)).on(on).order_by("code"):
        cell.parent = bases[cell.parent_id]
        cell.committee = cell.committee_from_parent()
        changed.append(cell)
    if changed:
        _update(changed, ("parent_id", "committee_id", "tier", "kind"))
        UnitPlace.bulk_moved(changed, on=on)


def place_cells_of(pairs: list[tuple[Unit, Unit]], *, on: datetime.date) -> None:
    """Each (old, new): the cells alive under `old` go under `new` from `on`."""
    new_of = {old.pk: new for old, new in pairs}
    cells = Unit.objects.filter(parent__in=list(new_of)).on(on).order_by("code")
    place([(cell, new_of[cell.parent_id]) for cell in cells], on=on)


def end(
    pairs: list[tuple[Unit, Unit]], *, on: datetime.date, kind: str, decision: Decision
) -> Reorganization:
    """Each (unit, successor): the unit ends the day before `on` (merged into its successor for a
    merger) and its successor carries its history, all under one recorded decision."""
    record = Reorganization.objects.create(
        kind=kind,
        effective=on,
        decision_number=decision.number,
        decision_date=decision.date,
        note=decision.note,
    )
    units = []
    for unit, successor in pairs:
        unit.dissolved = on - ONE_DAY
        unit.merged_into = successor if kind == LineageKind.MERGE else None
        units.append(unit)
    _update(units, ("dissolved", "merged_into_id"))
    UnitPlace.bulk_closed(units)
    Lineage.objects.bulk_create(
        [
            Lineage(reorganization=record, predecessor=unit, successor=successor, date=on, kind=kind)
            for unit, successor in pairs
        ],
        batch_size=500,
    )
    return record
