"""Keeping a unit's dated places (`UnitPlace`) in step with its row: called by `Unit.save` (and
by `organizations.services` where it updates rows in bulk), so that the current row and the
history never disagree.

A place change effective on day D closes the open place on D − 1 and opens a new one on D; a
change effective on the day the open place began replaces it (a correction, not a new period).
"""

from __future__ import annotations

import datetime

from django.db.models import F

from organizations.history import UnitPlace
from organizations.models import Unit

ONE_DAY = datetime.timedelta(days=1)
_values = UnitPlace.values_of
open_place = UnitPlace.first_of


def _latest(unit: Unit) -> UnitPlace | None:
    # An unknown start (null) is the earliest: last, whichever order the database sorts nulls in.
    return unit.places.order_by(F("valid_from").desc(nulls_last=True)).first()


def keep(unit: Unit, *, on: datetime.date) -> None:
    """After a unit's row was saved: its places follow (a change of place dated `on`, its end)."""
    latest = _latest(unit)
    if latest is None:
        open_place(unit)
        return
    _start_at_founding(unit)
    if unit.dissolved is None or on <= unit.dissolved:
        record_place(unit, on=on)
    if latest.valid_to != unit.dissolved or unit.dissolved is not None:
        close_places(unit)


def _start_at_founding(unit: Unit) -> None:
    """A corrected founding date moves the start of the first place (periods ended before it
    were never held)."""
    if unit.founded is not None:
        unit.places.filter(valid_to__lt=unit.founded).delete()
    first = unit.places.order_by(F("valid_from").asc(nulls_first=True)).first()
    if first is not None and first.valid_from != unit.founded:
        UnitPlace.objects.filter(pk=first.pk).update(valid_from=unit.founded)


def record_place(unit: Unit, *, on: datetime.date) -> None:
    """The unit's place changed on `on`: close the current period and open a new one."""
    latest = _latest(unit)
    if latest is None:
        open_place(unit)
        return
    if all(getattr(latest, name) == value for name, value in _values(unit).items()):
        return
    if latest.valid_from is not None and latest.valid_from >= on:
        for name, value in _values(unit).items():
            setattr(latest, name, value)
        latest.save()
        return
    latest.valid_to = on - ONE_DAY
    latest.save(update_fields=["valid_to"])
    UnitPlace.objects.create(unit=unit, valid_from=on, valid_to=unit.dissolved, **_values(unit))


def close_places(unit: Unit) -> None:
    """The unit ended on its dissolution date (or was revived: its last place is open again)."""
    if unit.dissolved:
        # Periods that began after the dissolution (a correction of the date) were never held.
        unit.places.filter(valid_from__gt=unit.dissolved).delete()
    latest = _latest(unit)
    if latest is None:
        open_place(unit)
        return
    UnitPlace.objects.filter(pk=latest.pk).update(valid_to=unit.dissolved)
