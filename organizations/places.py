"""Keeping a unit's dated places (`UnitPlace`) in step with its row: called by `Unit.save`, so
that the current row and the history never disagree (`organizations.services` keeps the places of
the units it updates in bulk with `UnitPlace.bulk_moved` / `bulk_closed`).

A place change effective on day D closes the open place on D − 1 and opens a new one on D; a
change effective on the day the open place began replaces it (a correction, not a new period).

A unit holds a few places: they are read once per save and worked out here, so that a save costs
one read and only the writes that change something (a save is inside every operation's loop).
"""

from __future__ import annotations

import datetime

from organizations.history import UnitPlace
from organizations.models import Unit

ONE_DAY = datetime.timedelta(days=1)
_values = UnitPlace.values_of
open_place = UnitPlace.first_of


def _places(unit: Unit) -> list[UnitPlace]:
    """The unit's places, earliest first; an unknown start (null) is the earliest. (Unordered in
    the database: the places' default order would join the unit for its code.)"""
    rows = UnitPlace.objects.filter(unit_id=unit.pk).order_by()
    return sorted(
        rows, key=lambda place: (place.valid_from is not None, place.valid_from or datetime.date.min)
    )


def _delete(places: list[UnitPlace], gone: list[UnitPlace]) -> list[UnitPlace]:
    if not gone:
        return places
    UnitPlace.objects.filter(pk__in=[place.pk for place in gone]).delete()
    return [place for place in places if place not in gone]


def keep(unit: Unit, *, on: datetime.date) -> None:
    """After a unit's row was saved: its places follow (a change of place dated `on`, its end)."""
    places = _places(unit)
    if not places:
        open_place(unit)
        return
    latest = places[-1]
    places = _start_at_founding(unit, places)
    if not places:
        open_place(unit)
        return
    if unit.dissolved is None or on <= unit.dissolved:
        places = _record(unit, places, on=on)
    if latest.valid_to != unit.dissolved or unit.dissolved is not None:
        _close(unit, places)


def _start_at_founding(unit: Unit, places: list[UnitPlace]) -> list[UnitPlace]:
    """A corrected founding date moves the start of the first place (periods ended before it
    were never held)."""
    if unit.founded is not None:
        places = _delete(places, [p for p in places if p.valid_to is not None and p.valid_to < unit.founded])
    if places and places[0].valid_from != unit.founded:
        places[0].valid_from = unit.founded
        UnitPlace.objects.filter(pk=places[0].pk).update(valid_from=unit.founded)
    return places


def _record(unit: Unit, places: list[UnitPlace], *, on: datetime.date) -> list[UnitPlace]:
    """The unit's place changed on `on`: close the current period and open a new one."""
    latest, values = places[-1], _values(unit)
    if all(getattr(latest, name) == value for name, value in values.items()):
        return places
    if latest.valid_from is not None and latest.valid_from >= on:
        for name, value in values.items():
            setattr(latest, name, value)
        latest.save(update_fields=list(values))
        return places
    latest.valid_to = on - ONE_DAY
    latest.save(update_fields=["valid_to"])
    return [*places, UnitPlace.objects.create(unit=unit, valid_from=on, valid_to=unit.dissolved, **values)]


def _close(unit: Unit, places: list[UnitPlace]) -> None:
    """The unit ended on its dissolution date (or was revived: its last place is open again)."""
    if unit.dissolved:
        # Periods that began after the dissolution (a correction of the date) were never held.
        after = [p for p in places if p.valid_from is not None and p.valid_from > unit.dissolved]
        places = _delete(places, after)
    if not places:
        open_place(unit)
        return
    latest = places[-1]
    if latest.valid_to != unit.dissolved:
        latest.valid_to = unit.dissolved
        UnitPlace.objects.filter(pk=latest.pk).update(valid_to=unit.dissolved)
