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
from collections.abc import Mapping

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from assessments import bulk
from imports import columns as C
from imports.cells import clean_text, key
from organizations.models import Tier, Unit

CANDIDATES = 3  # closest names named in a refusal
CLOSENESS = 0.6  # difflib's ratio: below it a name is not offered
CODES_PER_QUERY = 900  # under SQLite's limit of parameters (one array on PostgreSQL anyway)


class Scope:
    """The user's units a file names, loaded once: by code, by name key, and the reporting
    committees.

    Only the units whose codes a table holds are read (a province file names a few thousand of the
    scope's units; reading every unit of the province cost most of its preview): the first row of
    each table asks for all its codes at once. The whole scope is read only for a row without a
    code (its name is matched, the closest names suggested), and only then."""

    def __init__(self, user):
        self.user = user
        self.by_code: dict[str, Unit] = {}
        self._asked: set[str] = set()  # codes looked up, found or not
        self._tables: set[int] = set()  # tables whose codes were looked up
        self._units: list[Unit] | None = None
        self._by_name: dict[str, list[Unit]] | None = None
        self.committees = Committees(user, self)

    def unit_by_code(self, code: str, table=None) -> Unit | None:
        if table is not None and id(table) not in self._tables:
            self._tables.add(id(table))
            self._load(codes_of(table))
        if code not in self._asked:
            self._load([code])
        return self.by_code.get(code)

    def _load(self, codes) -> None:
        codes = [c for c in dict.fromkeys(codes) if c and c not in self._asked]
        self._asked.update(codes)
        scoped = Unit.objects.for_user(self.user)
        # Every field: the writers read some of them (tier, place type, dates) for each row.
        for start in range(0, len(codes), CODES_PER_QUERY):
            for unit in bulk.among(scoped, "code", codes[start : start + CODES_PER_QUERY]):
                self.by_code[unit.code] = unit

    @property
    def units(self) -> list[Unit]:
        """Every unit of the scope (read at the first row named without a code)."""
        if self._units is None:
            self._units = list(Unit.objects.for_user(self.user))
            for unit in self._units:
                self.by_code.setdefault(unit.code, unit)
                self._asked.add(unit.code)
        return self._units

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


class Committees(Mapping):
    """The reporting committees of the scope by pk, for the checks and the writer: a committee of
    the province, or a unit that some unit of the scope reports to (a grassroots organization
    directly under the province is its own). Read at the first use, for the units the file named
    (one query); a committee asked for beyond them (where a unit counted in a past year) read
    then, once."""

    def __init__(self, user, scope: Scope):
        self.user, self.scope = user, scope
        self._known: dict[int, Unit | None] | None = None

    def _committees(self, pks) -> dict[int, Unit]:
        scoped = Unit.objects.for_user(self.user)
        reported_to = Exists(scoped.filter(committee_id=OuterRef("pk")))
        found = bulk.among(scoped, "id", pks).filter(Q(tier=Tier.COMMITTEE) | reported_to)
        return {unit.pk: unit for unit in found}

    def _loaded(self) -> dict[int, Unit | None]:
        if self._known is None:
            units = self.scope.by_code.values()
            named = {u.pk: u for u in units if u.tier == Tier.COMMITTEE}
            wanted = {u.committee_id for u in units if u.committee_id} - set(named)
            self._known = named | self._committees(wanted)
        return self._known

    def __getitem__(self, pk):
        known = self._loaded()
        if pk not in known:
            known[pk] = self._committees([pk]).get(pk) if pk is not None else None
        if known[pk] is None:
            raise KeyError(pk)
        return known[pk]

    def __iter__(self):
        return (pk for pk, unit in self._loaded().items() if unit is not None)

    def __len__(self):
        return sum(1 for unit in self._loaded().values() if unit is not None)


def codes_of(table) -> list[str]:
    """The codes written in a table's code column, as `identify_unit` reads them."""
    at = table.columns.get("code")
    if at is None:
        return []
    rows = table.sheet.rows[table.header_row :]
    return [clean_text(row[at]).upper() for row in rows if at < len(row) and row[at]]


def describe(units: list[Unit]) -> str:
    """“Chi bộ Thôn 1” (A-001-01), “Chi bộ Thôn 2” (A-001-02)"""
    return ", ".join(f"“{u.name}” ({u.code})" for u in units)


def identify_unit(row, scope: Scope) -> None:
    """Set `row.unit`, or add the error that says why not (on the code's or the name's column)."""
    table = row.table
    code = clean_text(row.cells.get("code", "")).upper() if table.has("code") else ""
    name = row.cells.get("name", "") if table.has("name") else ""
    if code:
        unit = scope.unit_by_code(code, table)
        if unit is not None:
            row.unit = unit
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
