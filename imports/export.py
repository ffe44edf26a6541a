"""Writing ratings and member statistics to CSV or XLSX: exports, and the pre-filled template.

What is written here, `imports.rows` reads back unchanged (same headers, levels by abbreviation,
dates as dd/mm/yyyy). Every text cell that a spreadsheet could run as a formula — one beginning
with =, +, -, @, a tab or a carriage return — is written with a leading apostrophe, which the
importer removes again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.models import MEMBER_FIELDS, MemberStats, Rating, RatingLevel, RatingScheme
from imports import columns as C
from imports.kinds import MEMBERS, RATINGS
from imports.levels import NOT_RATED_LABEL
from organizations.models import Unit
from reports.export import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


IDENTITY_COLUMNS = (C.CODE, C.NAME, C.PARENT, C.KIND, C.YEAR)
RATING_EXPORT = (*IDENTITY_COLUMNS, C.LEVEL, C.REASON, C.DECISION_NUMBER, C.DECISION_DATE, C.NOTE)
MEMBER_EXPORT = (
    *IDENTITY_COLUMNS,
    C.MEMBER_COUNT,
    C.EXCELLENT,
    C.GOOD,
    C.COMPLETED,
    C.NOT_COMPLETED,
    C.MEMBERS_NOT_RATED,
    C.ADMITTED,
)


@dataclass
class Table:
    headers: list[str]
    rows: list[list]
    title: list[str]  # lines written above the table (template only)
    notes: list[list[str]]  # a second sheet: how to fill the file


def _identity(unit: Unit, year: int) -> list:
    return [unit.code, unit.name, unit.parent.name if unit.parent_id else "", unit.get_kind_display(), year]


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _rating_cells(rating: Rating | None, extra: tuple = ()) -> list:
    """The rating's cells, then those of the `extra` columns (steps, scores) the year has."""
    more = [_extra_cell(rating, column.field) if rating else "" for column in extra]
    if rating is None:
        return ["", "", "", "", "", *more]
    return [
        rating.level.abbreviation if rating.level_id else (NOT_RATED_LABEL if rating.not_rated else ""),
        rating.not_rated_reason,
        rating.decision_number,
        _date(rating.decision_date),
        rating.note,
        *more,
    ]


def _extra_cell(rating: Rating, name: str):
    """As the import reads it back: levels by abbreviation, points as numbers, Có/Không."""
    value = getattr(rating, name)
    if value is None:
        return ""
    if name in ("self_level", "appraised_level"):
        return value.abbreviation
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return float(value) if isinstance(value, Decimal) else value


def _extra_columns(kind: str, year: int) -> tuple:
    """The columns of the year's scheme beyond the decision: its first two steps and its score."""
    scheme = RatingScheme.objects.in_force(year) if kind == RATINGS else None
    if scheme is None:
        return ()
    steps = (C.SELF_LEVEL, C.APPRAISED_LEVEL) if scheme.three_steps else ()
    return (*steps, *(C.SCORE_COLUMNS if scheme.scored else ()))


def _columns(kind: str, extra: tuple) -> tuple:
    return (*RATING_EXPORT, *extra) if kind == RATINGS else MEMBER_EXPORT


def _member_cells(stats: MemberStats | None) -> list:
    return ["" for _name in MEMBER_FIELDS] if stats is None else [getattr(stats, n) for n in MEMBER_FIELDS]


def _cells(kind: str, row, extra: tuple) -> list:
    return _rating_cells(row, extra) if kind == RATINGS else _member_cells(row)


def export_table(*, kind: str, year: int, committee: Unit | None = None, units=None) -> Table:
    """Every stored row of a year (of one committee: the one it was counted under)."""
    model = Rating if kind == RATINGS else MemberStats
    stored = model.objects.filter(year=year).select_related("unit", "unit__parent")
    if kind == RATINGS:
        stored = stored.select_related("level", "self_level", "appraised_level")
    if committee is not None:
        stored = stored.filter(committee=committee)
    if units is not None:
        stored = stored.filter(unit__in=units)
    extra = _extra_columns(kind, year)
    rows = [
        _identity(row.unit, year) + _cells(kind, row, extra)
        for row in stored.order_by("unit__code").iterator(2000)
    ]
    columns = _columns(kind, extra)
    return Table(headers=[c.header for c in columns], rows=rows, title=[], notes=[])


def template_table(*, kind: str, year: int, committee: Unit, units) -> Table:
    """Every unit of a committee to rate in `year`, with what is stored already; the rest empty."""
    model = Rating if kind == RATINGS else MemberStats
    chosen = units.to_rate(year, committee=committee, tiers=model.TIERS).in_tree_order()
    stored = model.objects.filter(year=year, unit__in=[u.pk for u in chosen])
    if kind == RATINGS:
        stored = stored.select_related("level", "self_level", "appraised_level")
    by_unit = {row.unit_id: row for row in stored}
    extra = _extra_columns(kind, year)
    rows = [_identity(u, year) + _cells(kind, by_unit.get(u.pk), extra) for u in chosen]
    columns = _columns(kind, extra)
    if kind == RATINGS:
        heading = _("QUALITY RATINGS OF PARTY ORGANIZATIONS, YEAR %(year)s") % {"year": year}
    else:
        heading = _("PARTY MEMBER STATISTICS, YEAR %(year)s") % {"year": year}
    title = [heading, f"{committee.name} ({committee.code})"]
    notes = [[_("How to fill in this file")]]
    notes.append([_("Do not change the column headers or the unit codes; other columns may be added.")])
    if kind == RATINGS:
        scheme = RatingScheme.objects.in_force(year)
        levels = RatingLevel.objects.filter(scheme=scheme).order_by("rank") if scheme else []
        notes.append([_("Levels of %(year)s (full name or abbreviation):") % {"year": year}])
        notes += [[level.abbreviation, level.name] for level in levels]
        notes.append(
            [
                NOT_RATED_LABEL,
                _("Not rated: write the reason in the column “%(col)s”.") % {"col": C.REASON.header},
            ]
        )
        notes.append([_("A row whose level is left empty is not imported.")])
    else:
        notes.append([_("Numbers of members; a row whose member count is left empty is not imported.")])
    return Table(headers=[c.header for c in columns], rows=rows, title=title, notes=notes)


def write_csv(table: Table) -> bytes:
    """UTF-8 with a BOM, which Excel needs to open Vietnamese text correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for line in table.title:
        writer.writerow([safe_cell(line)])
    if table.title:
        writer.writerow([])
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(table: Table, sheet_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    bold = Font(bold=True)

    def styled(value):
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        cell.font = bold
        return cell

    for line in table.title:
        sheet.append([styled(line)])
    if table.title:
        sheet.append([])
    sheet.append([styled(h) for h in table.headers])
    for row in table.rows:
        sheet.append([safe_cell(cell) for cell in row])
    if table.notes:
        notes = workbook.create_sheet(_("Instructions")[:31])
        for row in table.notes:
            notes.append([safe_cell(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write(table: Table, fmt: str, sheet_name: str) -> bytes:
    return write_xlsx(table, sheet_name) if fmt == "xlsx" else write_csv(table)


def sheet_title(kind: str, year: int) -> str:
    return (_("Ratings %(year)s") if kind == RATINGS else _("Members %(year)s")) % {"year": year}


__all__ = ["MEMBERS", "RATINGS", "export_table", "template_table", "write"]
