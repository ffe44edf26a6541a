"""Keeping a unit's dated places (`UnitPlace`) in step with its row: called only by
`organizations.services`, the one writer of the tree, so that the current row and the history
never disagree.

A place change effective on day D closes the open place on D − 1 and opens a new one on D; a
change effective on the day the open place began replaces it (a correction, not a new period).
"""

from __future__ import annotations

import datetime

from organizations.history import UnitPlace
from organizations.models import Unit

ONE_DAY = datetime.timedelta(days=1)
_values = UnitPlace.values_of
open_place = UnitPlace.first_of


def _latest(unit: Unit) -> UnitPlace | None:
    return unit.places.order_by("-valid_from").first() if unit.places.exists() else None


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
