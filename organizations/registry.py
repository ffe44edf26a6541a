"""Loading or updating the organization tree from a spreadsheet (`import_units`, the registry page).

`plan` reads and checks every row and writes nothing: each row is new, changed (old → new),
unchanged or in error, and every error names the sheet, the row, the column and the value.
`apply` writes a plan without errors in ONE transaction through
`organizations.services.save_unit` (the one writer of the tree: the model's checks, dated places,
cells following their organization, the audit with channel "import" and the file's name), parents
before the units under them, so a file may found a whole tree at once. Any refusal there rolls
the whole file back: all or nothing.

Only provincial organizing-committee staff change the tree. Kinds and types of place are read as
offices write them (`organizations.registry_words`), or as the admin's export writes them (its
file comes back unchanged). A unit already in the tree that the file moves or renames does so
from today: a dated change under a decision is a reorganization (`organizations.mapping`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Channel
from imports.rows import CellError
from organizations import registry_columns as C
from organizations.bulk_files import BulkRefused, FileRow, read_rows, source_name
from organizations.models import PARENT_TIERS, Kind, PlaceType, Tier, Unit, code_validator
from organizations.registry_words import KIND_WORDS, PLACE_WORDS, examples, parse_kind, parse_place_type
from organizations.reorganize_checks import check_ratings_within
from organizations.services import save_unit
from reports.export import unescape

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
TIER_ORDER = {Tier.PROVINCE: 0, Tier.COMMITTEE: 1, Tier.BASE: 2, Tier.CELL: 3}
STORED = ("name", "tier", "kind", "place_type", "parent", "founded", "dissolved")


def check_user(user) -> None:
    """Only provincial organizing-committee staff change the tree."""
    message = _("Only the provincial organizing committee can change the organization tree.")
    if user is None:
        raise PermissionDenied(message)
    user.check_province_staff(message)


@dataclass
class UnitRow:
    row: FileRow
    code: str = ""
    unit: Unit | None = None  # the stored unit, for a change
    values: dict = field(default_factory=dict)  # STORED field -> new value (parent: a code)
    changes: dict = field(default_factory=dict)  # header -> (old, new), as shown
    status: str = ""

    @property
    def errors(self) -> list[CellError]:
        return self.row.errors

    @property
    def sheet(self) -> str:
        return self.row.sheet

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def name(self) -> str:
        return self.values.get("name") or (self.unit.name if self.unit else self.row.text("name"))


@dataclass
class RegistryPlan:
    file_name: str
    rows: list[UnitRow]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def errors(self) -> list[CellError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def writes(self) -> int:
        return sum(1 for row in self.rows if row.status in (NEW, CHANGED))

    def digest(self) -> str:
        """What the plan showed, to tell at confirmation whether the tree changed meanwhile."""
        state = [(r.sheet, r.number, r.status, sorted(r.changes.items())) for r in self.rows]
        return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


# Reading -------------------------------------------------------------------------------------


def plan(data: bytes, name: str, *, user) -> RegistryPlan:
    """Read and check a registry file; nothing is written. Raises FileRefused or PermissionDenied."""
    check_user(user)
    rows = [UnitRow(row) for row in read_rows(data, name, C.REGISTRY_COLUMNS, (C.CODE,))]
    for row in rows:
        row.code = row.row.text("code").upper()
    stored = {
        u.code: u for u in Unit.objects.filter(code__in={r.code for r in rows}).select_related("parent")
    }
    # Where every unit of the tree sits (code -> (parent code, tier)): one query, for the parents
    # and the cycles a file may reach through units it does not list.
    tree = {
        code: (parent, tier)
        for code, parent, tier in Unit.objects.values_list("code", "parent__code", "tier")
    }
    seen: set[str] = set()
    for row in rows:
        _read(row, stored, seen)
    in_file = {r.code: r for r in rows if not r.errors}
    for row in rows:
        if not row.errors:
            _check_place(row, in_file, tree)
        if not row.errors:
            _compare(row)
        row.status = ERROR if row.errors else row.status
    return RegistryPlan(file_name=source_name(name), rows=rows)


def _read(row: UnitRow, stored: dict, seen: set) -> None:
    file_row = row.row
    try:
        code_validator(row.code)
    except ValidationError as error:
        file_row.error("code", error.messages[0] if row.code else _("This cell is required: write the code."))
        return
    if row.code in seen:
        file_row.error("code", _("This code is already on another row of the file."))
        return
    seen.add(row.code)
    row.unit = stored.get(row.code)
    old = _stored_values(row.unit) if row.unit else dict.fromkeys(STORED)
    values = dict(old)
    if file_row.text("name"):
        values["name"] = unescape(file_row.text("name"))  # an export's "'=x" was written for "=x"
    elif row.unit is None:
        file_row.error("name", _("This cell is required: write the unit's name."))
    if file_row.text("kind"):
        try:
            values["tier"], values["kind"] = parse_kind(file_row.text("kind"))
        except ValueError:
            file_row.error(
                "kind", _("Not a kind of unit; write one of %(kinds)s.") % {"kinds": examples(KIND_WORDS)}
            )
    elif row.unit is None:
        file_row.error("kind", _("This cell is required: write the kind of unit (e.g. “Đảng bộ cơ sở”)."))
    if file_row.has("place_type"):
        try:
            values["place_type"] = parse_place_type(file_row.text("place_type"))
        except ValueError:
            file_row.error(
                "place_type",
                _("Not a type of place; write one of %(places)s.") % {"places": examples(PLACE_WORDS)},
            )
    if file_row.text("parent"):
        values["parent"] = file_row.text("parent").upper()
    for name in ("founded", "dissolved"):
        if file_row.has(name):
            values[name] = file_row.date(name)
    if values["founded"] and values["dissolved"] and values["dissolved"] < values["founded"]:
        file_row.error("dissolved", _("The unit cannot be dissolved before it was founded."))
    row.values = values


def _stored_values(unit: Unit) -> dict:
    return {
        "name": unit.name,
        "tier": unit.tier,
        "kind": unit.kind,
        "place_type": unit.place_type,
        "parent": unit.parent.code if unit.parent_id else None,
        "founded": unit.founded,
        "dissolved": unit.dissolved,
    }


def _check_place(row: UnitRow, in_file: dict, tree: dict) -> None:
    """The parent: in the file or stored, of a tier the unit may sit under, never below itself."""
    values, file_row = row.values, row.row
    tier, parent = values["tier"], values["parent"]
    if tier == Tier.PROVINCE:
        if parent:
            file_row.error("parent", _("The provincial party organization sits under no other unit."))
        return
    if not parent:
        file_row.error("parent", _("This cell is required: write the code of the unit it sits under."))
        return
    parent_tier = _tier_of(parent, in_file, tree)
    if parent_tier is None:
        file_row.error("parent", _("No unit has this code, in the file or in the tree."))
        return
    if parent_tier not in PARENT_TIERS[tier]:
        file_row.error(
            "parent" if file_row.text("parent") else "kind",
            _("A %(tier)s must sit under a %(parent)s.")
            % {
                "tier": Tier(tier).label,
                "parent": " / ".join(str(Tier(t).label) for t in PARENT_TIERS[tier]),
            },
        )
        return
    code, visited = parent, {row.code}
    while code and code not in visited:
        visited.add(code)
        code = _parent_of(code, in_file, tree)
    if code in visited and code:
        file_row.error("parent", _("A unit cannot sit under itself or one of its own units."))


def _tier_of(code: str, in_file: dict, tree: dict) -> str | None:
    if code in in_file:
        return in_file[code].values.get("tier")
    return tree[code][1] if code in tree else None


def _parent_of(code: str, in_file: dict, tree: dict) -> str | None:
    if code in in_file:
        return in_file[code].values.get("parent")
    return tree[code][0] if code in tree else None


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if name == "kind":
        return str(Kind(value).label)
    if name == "place_type":
        return str(PlaceType(value).label)
    if name == "tier":
        return str(Tier(value).label)
    return str(value)


HEADERS = {"tier": C.KIND, "kind": C.KIND, "parent": C.PARENT, "place_type": C.PLACE_TYPE}


def _compare(row: UnitRow) -> None:
    old = _stored_values(row.unit) if row.unit else dict.fromkeys(STORED)
    for name in STORED:
        if name == "tier":
            continue
        if old[name] != row.values[name] and not (old[name] in (None, "") and row.values[name] in (None, "")):
            row.changes[row.row.header(name)] = (_shown(name, old[name]), _shown(name, row.values[name]))
    if row.unit is None:
        row.status = NEW
        return
    row.status = CHANGED if row.changes else UNCHANGED
    if row.values["dissolved"] and row.values["dissolved"] != row.unit.dissolved:
        try:
            check_ratings_within(row.unit, row.values["dissolved"])
        except ValidationError as error:
            row.row.error("dissolved", error.messages[0])


# Writing -------------------------------------------------------------------------------------


@dataclass
class Applied:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def apply(prepared: RegistryPlan, *, user, reason: str = "") -> Applied:
    """Write every new or changed row of `prepared` in one transaction, or nothing (BulkRefused)."""
    check_user(user)
    if prepared.has_errors:
        raise BulkRefused(
            _("%(count)s row(s) have errors; nothing was written.") % {"count": prepared.counts[ERROR]},
            [str(e) for e in prepared.errors],
        )
    result = Applied(unchanged=prepared.counts[UNCHANGED])
    writes = sorted(
        (r for r in prepared.rows if r.status in (NEW, CHANGED)), key=lambda r: TIER_ORDER[r.values["tier"]]
    )
    problems = []
    with transaction.atomic():
        units = {
            u.code: u for u in Unit.objects.filter(code__in={r.values["parent"] for r in writes} - {None})
        }
        for row in writes:
            try:
                with transaction.atomic():
                    unit = _write(row, units, user=user, source=prepared.file_name, reason=reason)
            except ValidationError as error:
                problems += [
                    str(CellError(row.sheet, row.number, row.row.header("code"), row.code, m))
                    for m in error.messages
                ]
                continue
            units[unit.code] = unit
            if row.status == NEW:
                result.created += 1
            else:
                result.updated += 1
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise BulkRefused(_("Some rows were refused; nothing was written."), problems)
    return result


def _write(row: UnitRow, units: dict, *, user, source: str, reason: str) -> Unit:
    values = row.values
    unit = Unit() if row.unit is None else Unit.objects.get(pk=row.unit.pk)
    unit.code = row.code
    for name in ("name", "tier", "kind", "place_type", "founded", "dissolved"):
        setattr(
            unit, name, values[name] if values[name] is not None or name in ("founded", "dissolved") else ""
        )
    parent = values["parent"]
    if parent and parent not in units:
        units[parent] = Unit.objects.get(code=parent)
    unit.parent = units[parent] if parent else None
    return save_unit(user=user, unit=unit, channel=Channel.IMPORT, source=source, reason=reason)
