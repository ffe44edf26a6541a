"""From the cells of a file to checked changes: one `Row` per data row of the spreadsheet.

Every row ends up new, changed (old → new), unchanged, skipped (blank, a total or the signature
block of an office's form — `imports.datarows` —, nothing entered, or the exact repeat of another
row) or in error; each error names the sheet, the row number the spreadsheet shows,
the column as the file writes it, and the value. Nothing here writes: the changes are handed
to `assessments.services` by `imports.services.commit`, which checks them again.

Scope: units are looked up only among `Unit.objects.for_user(user)`, by code or by name
(`imports.units`). The checks are the ones the web grid and the services apply — the year's
state (`assessments.policy.check_can_edit`) and the models' own rules (`Rating.validate_for`,
`MemberStats.clean`, field validators) — run on unsaved objects. A committee-year the file would
change but the user may not change now (locked, submitted, not opened) refuses the whole file at
upload, with the policy's reason: no row of it could be written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from assessments import commendation_entry
from assessments.models import MAX_YEAR, MIN_YEAR, RatingLevel
from assessments.policy import EditRefused, check_can_edit
from imports import columns as C
from imports.cells import parse_int, parse_yes_no
from imports.datarows import data_rows
from imports.kinds import RATINGS, column_header, kind_for
from imports.limits import FileRefused, Sheet, max_rows
from imports.reader import too_many_rows
from imports.units import Scope, identify_unit
from organizations.lineage import committees_on
from organizations.models import Tier, Unit, year_end

NEW, CHANGED, UNCHANGED, SKIPPED, ERROR = "new", "changed", "unchanged", "skipped", "error"


@dataclass(slots=True)
class CellError:
    sheet: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self):
        return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”, value “%(value)s”: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(slots=True)
class Row:
    sheet: str
    number: int
    cells: dict  # field -> text as read
    table: C.Table
    unit: Unit | None = None
    year: int | None = None
    values: dict | None = None  # the parsed new values
    status: str = ""
    changes: dict = field(default_factory=dict)  # header -> (old, new), as displayed
    errors: list = field(default_factory=list)
    version: int = 0  # the stored row's version when read (0: none)
    note: str = ""
    committee_id: int | None = None  # the committee the unit counted under in the row's year
    commended: bool | None = None  # "TSVM tiêu biểu" as the file says (None: blank, left as it is)
    was_commended: bool = False  # as stored when read

    def error(self, fld: str, message, fallback: str = "") -> None:
        # A column the file does not have (a year given on the form) is named as exports write it.
        column = fld if self.table.has(fld) or not fallback else fallback
        self.errors.append(
            CellError(
                sheet=self.sheet,
                row=self.number,
                column=self.table.label(column, column_header(column)),
                value=self.cells.get(column, ""),
                message=str(message),
            )
        )

    @property
    def named(self) -> str:
        """The unit as the file names it."""
        return self.cells.get("code") or self.cells.get("name", "")

    @property
    def writes(self) -> bool:
        return not self.errors and self.status in (NEW, CHANGED)


# The whole file --------------------------------------------------------------------------------


@dataclass
class Checked:
    kind: str
    rows: list[Row]
    tables: list[C.Table]
    ignored_sheets: list[str]
    units: dict[int, Unit]  # committees by pk, for the writer
    file_name: str = ""  # as recorded in the audit

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, SKIPPED, ERROR), 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def errors(self) -> list[CellError]:
        return [e for row in self.rows for e in row.errors]

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    def groups(self) -> dict[tuple[int, int], list[Row]]:
        """The rows to write, by (committee pk, year): one call of the service each."""
        groups = defaultdict(list)
        for row in self.rows:
            if row.writes:
                groups[(row.committee_id, row.year)].append(row)
        return dict(groups)

    def versions(self) -> dict[str, int]:
        """What the check saw stored, to tell at confirmation whether somebody saved meanwhile."""
        return {f"{row.unit.pk}:{row.year}": row.version for row in self.rows if row.unit and row.year}


def check(
    sheets: list[Sheet],
    *,
    user,
    kind: str = RATINGS,
    default_year: int | None = None,
    progress=None,
    file_name: str = "",
) -> Checked:
    """Find the tables, then check every row against the database, without writing anything.

    Raises FileRefused for what concerns the whole file (no table, a missing column, too many rows).
    """
    spec = kind_for(kind)
    tables, ignored = [], []
    for sheet in sheets:
        table = C.find_table(sheet, spec.columns)
        if table is None:
            ignored.append(sheet.name)
            continue
        if not (table.has("code") or table.has("name")):
            raise FileRefused(C.missing_column_message(sheet.name, C.CODE, (C.NAME,)))
        if not table.has("year") and default_year is None:
            raise FileRefused(C.missing_column_message(sheet.name, C.YEAR))
        if not table.has(spec.required.field):
            raise FileRefused(C.missing_column_message(sheet.name, spec.required))
        tables.append(table)
    if not tables:
        raise FileRefused(
            _("No table found: none of the first %(n)s rows of any sheet has the column headers %(columns)s.")
            % {"n": C.HEADER_ALLOWANCE, "columns": C.describe(spec.columns)}
        )

    rows = list(data_rows(tables, spec, _make_row))
    if sum(1 for row in rows if not row.note) > max_rows():
        raise too_many_rows(file_name or sheets[0].name)
    scope = Scope(user)
    _identify_all(rows, scope, default_year)
    _load_stored_and_check(rows, spec, user, scope, progress)
    _flag_duplicates(rows, spec)
    for row in rows:
        if row.errors:
            row.status = ERROR
        elif not row.status:
            row.status = SKIPPED
    return Checked(
        kind=kind,
        rows=rows,
        tables=tables,
        ignored_sheets=ignored,
        units=scope.committees,
        file_name=file_name,
    )


def _make_row(table: C.Table, number: int, cells: dict, note: str = "") -> Row:
    row = Row(sheet=table.sheet.name, number=number, cells=cells, table=table, note=note)
    if note:
        row.status = SKIPPED
    return row


def _identify_all(rows: list[Row], scope: Scope, default_year: int | None) -> None:
    for row in rows:
        if row.status != SKIPPED:
            identify_unit(row, scope)
            _identify_year(row, default_year)


def _identify_year(row: Row, default_year: int | None) -> None:
    if not row.table.has("year"):
        row.year = default_year
        return
    text = row.cells.get("year", "")
    if not text:
        if default_year is None:
            row.error("year", _("This cell is required: write the year."))
        row.year = default_year
        return
    try:
        year = parse_int(text)
    except ValueError:
        row.error("year", _("Not a year."))
        return
    if not MIN_YEAR <= year <= MAX_YEAR:
        row.error(
            "year",
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
        )
        return
    row.year = year


def _load_stored_and_check(rows: list[Row], spec, user, scope: Scope, progress) -> None:
    identified = [r for r in rows if r.unit is not None and r.year is not None]
    years = sorted({r.year for r in identified})
    # Where each unit sat at the end of the row's year (a past year keeps its committees after a
    # reorganization): the committee whose season the row belongs to, as the writer checks it.
    for year in years:
        in_year = [r for r in identified if r.year == year]
        held = committees_on(year_end(year), [r.unit.pk for r in in_year])
        for r in in_year:
            r.committee_id = held.get(r.unit.pk, r.unit.committee_id)
    stored = {}
    scoped_pks = Unit.objects.for_user(user).values("pk")
    commendation = spec.name == RATINGS and any(r.table.has("commended") for r in rows)
    extra = ("commendation",) if commendation else ()
    for year in years:
        # One query per year, as plain values (a whole province × many years stays light).
        for values in spec.model.objects.filter(year=year, unit__in=scoped_pks).values(
            "unit_id", "year", "version", *spec.stored_fields, *extra
        ):
            stored[(values["unit_id"], values["year"])] = values
    levels = {}
    if spec.name == RATINGS:
        levels = {level.pk: level for level in RatingLevel.objects.all()}

    states: dict[tuple[int, int], str | None] = {}
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        if progress and (done % 5000 == 0 or done == total):
            progress(done, total)
        if row.unit is None or row.year is None or row.status == SKIPPED:
            continue
        if spec.is_empty(row):
            row.status = SKIPPED  # a template row left empty: nothing entered yet
            row.note = _("Nothing entered.")
            continue
        if row.unit.tier not in spec.model.TIERS:
            try:
                spec.model.check_unit(row.unit, row.year)  # says which units this kind is for
            except ValidationError as error:
                _add_validation_errors(row, error, spec)
            continue
        found = stored.get((row.unit.pk, row.year))
        old = spec.old_values(found, levels)
        values = spec.parse(row, old)
        if values is None:
            continue
        row.values = values
        row.version = found["version"] if found else 0
        # For a new row, what will be stored (compared with nothing stored).
        row.changes = spec.compare(old, values, row)
        if commendation and not _read_commendation(row, found, values):
            continue
        row.status = NEW if found is None else (CHANGED if row.changes else UNCHANGED)
        if row.status == UNCHANGED:
            continue  # nothing would be written: a locked year or a submitted committee does not matter
        if row.committee_id is not None and row.committee_id not in scope.committees:
            row.error(
                "unit",
                _("In %(year)s this unit counted under a committee outside your scope: its rating is theirs.")
                % {"year": row.year},
            )
            continue
        group = (row.committee_id, row.year)
        if group not in states:
            states[group] = _edit_refusal(user, scope.committees.get(row.committee_id), row.year)
        if states[group]:
            continue  # the whole file is refused below
        error = spec.validate(row, values)
        if error is not None:
            _add_validation_errors(row, error, spec)
    refusals = list(dict.fromkeys(reason for reason in states.values() if reason))
    if refusals:
        raise FileRefused(
            _("This file cannot be imported: %(reasons)s Nothing was written.")
            % {"reasons": " ".join(refusals)}
        )


def _read_commendation(row: Row, found: dict | None, values: dict) -> bool:
    """The row's "TSVM tiêu biểu" cell (Có/Không/x; blank: left as it is), its change added to the
    row's; a commendation of a row not at the best level is refused, as the writer refuses it.
    False when the cell is in error."""
    row.was_commended = bool(found and found.get("commendation"))
    text = row.cells.get("commended", "") if row.table.has("commended") else ""
    if not text:
        return True
    try:
        row.commended = parse_yes_no(text)
    except ValueError:
        row.error("commended", _("Write “Có” or “Không”."))
        return False
    level = values.get("level")
    if row.commended and not (row.unit.tier == Tier.BASE and level is not None and level.rank == 1):
        # The rule's own message (assessments.commendations), naming the unit and the year.
        error = commendation_entry.refusal(row.unit, row.year)
        row.error("commended", " ".join(error.messages))
        return False
    if row.commended != row.was_commended:
        label = row.table.label("commended", column_header("commended"))
        row.changes[label] = tuple(_("yes") if v else _("no") for v in (row.was_commended, row.commended))
    return True


def _edit_refusal(user, committee: Unit | None, year: int) -> str | None:
    if committee is None:
        return None  # not a rated unit: the model's own check says so
    try:
        check_can_edit(user=user, committee=committee, year=year)
    except (EditRefused, PermissionDenied) as refused:
        return str(refused)
    return None


def _add_validation_errors(row: Row, error: ValidationError, spec) -> None:
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            row.error(spec.fallback_column, message)
        return
    for name, messages in error.message_dict.items():
        column = spec.error_columns.get(name, name)
        if name == NON_FIELD_ERRORS:
            column = spec.fallback_column
        if column == "code" and not row.table.has("code"):
            column = "name"
        for message in messages:
            row.error(column, message, fallback=spec.fallback_column)


def _flag_duplicates(rows: list[Row], spec) -> None:
    """The same unit and year twice: fine when identical (the repeat is skipped), else both are errors."""
    first: dict[tuple[int, int], Row] = {}
    for row in rows:
        if row.unit is None or row.year is None or row.values is None:
            continue
        k = (row.unit.pk, row.year)
        other = first.get(k)
        if other is None:
            first[k] = row
            continue
        where = {"sheet": other.sheet, "row": other.number}
        if other.values is not None and spec.same(other.values, row.values):
            row.errors.clear()
            row.status = SKIPPED
            row.note = _("Same as row %(row)s of sheet “%(sheet)s”.") % where
            continue
        column = spec.fallback_column
        row.error(
            column,
            _("This unit and year are also on row %(row)s of sheet “%(sheet)s”, with other values.") % where,
        )
        other.error(
            column,
            _("This unit and year are also on row %(row)s of sheet “%(sheet)s”, with other values.")
            % {"sheet": row.sheet, "row": row.number},
        )
