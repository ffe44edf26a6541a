"""Which unit a row of a file names: by its code, else by its name, always within the user's scope
(`Unit.objects.for_user`).

Offices often fill a sheet without codes, or leave the code of a new row empty: a name is then
compared on `imports.cells.key` (no diacritics, no case, no spaces or punctuation), so "Chi bộ
Thôn 1", "CHI BO THON 1" and "Chi bộ thôn  1" are one name. A name that two units of the scope
share, or that none has, is refused with the closest names of the scope (and their codes) in the
message, so that the clerk can correct the cell. A code outside the scope reads exactly like a
code that does not exist, and candidates come from the scope only: nothing tells which units of
other committees exist.
"""

from __future__ import annotations

import difflib
from collections import defaultdict

from django.utils.translation import gettext as _

from imports import columns as C
from imports.cells import clean_text, key
from organizations.models import Tier, Unit

CANDIDATES = 3  # closest names named in a refusal
CLOSENESS = 0.6  # difflib's ratio: below it a name is not offered


class Scope:
    """The user's units, loaded once: by code, by name key, and the reporting committees."""

    def __init__(self, user):
        self.user = user
        # Every field: the writers read some of them (tier, place type, dates) for each row.
        units = list(Unit.objects.for_user(user))
        self.units = units
        self.by_code = {u.code: u for u in units}
        by_pk = {u.pk: u for u in units}
        # Committees by pk, for the writer: a committee of the province, or a grassroots
        # organization directly under it (its own reporting committee).
        self.committees = {
            pk: by_pk[pk] for pk in {u.committee_id for u in units if u.committee_id} if pk in by_pk
        }
        self.committees.update({u.pk: u for u in units if u.tier == Tier.COMMITTEE})
        self._by_name: dict[str, list[Unit]] | None = None

    def by_name(self, name: str) -> list[Unit]:
        return self._names().get(key(name), [])

    def closest(self, name: str) -> list[Unit]:
        """The units of the scope whose names are closest to `name` (at most CANDIDATES)."""
        names = self._names()
        found = difflib.get_close_matches(key(name), list(names), n=CANDIDATES, cutoff=CLOSENESS)
        return [unit for k in found for unit in names[k]][:CANDIDATES]

    def _names(self) -> dict[str, list[Unit]]:
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for unit in self.units:
                self._by_name[key(unit.name)].append(unit)
        return self._by_name


def describe(units: list[Unit]) -> str:
    """“Chi bộ Thôn 1” (A-001-01), “Chi bộ Thôn 2” (A-001-02)"""
    return ", ".join(f"“{u.name}” ({u.code})" for u in units)


def identify_unit(row, scope: Scope) -> None:
    """Set `row.unit`, or add the error that says why not (on the code's or the name's column)."""
    table = row.table
    code = clean_text(row.cells.get("code", "")).upper() if table.has("code") else ""
    name = row.cells.get("name", "") if table.has("name") else ""
    if code:
        if code in scope.by_code:
            row.unit = scope.by_code[code]
        else:
            row.error("code", _("No unit of your scope has this code."))
        return
    if not clean_text(name):
        if table.has("code"):
            row.error("code", _("This cell is required: write the unit's code."))
        else:
            row.error("name", _("This cell is required: write the unit's name."))
        return
    matches = scope.by_name(name)
    if len(matches) == 1:
        row.unit = matches[0]
    elif matches:
        row.error(
            "name",
            _(
                "%(count)s units of your scope have this name: %(units)s. Write the unit's code in the "
                "column “%(code)s” to tell them apart."
            )
            % {"count": len(matches), "units": describe(matches), "code": C.CODE.header},
        )
    elif closest := scope.closest(name):
        row.error(
            "name",
            _("No unit of your scope has this name. The closest: %(units)s.") % {"units": describe(closest)},
        )
    else:
        row.error("name", _("No unit of your scope has this name, nor a name close to it."))
