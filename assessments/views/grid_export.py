"""Export what I see: a grid of a committee-year as XLSX, the rows the grid page shows under the
same filters (`GridFilter`) and scope (`committee_for_request`: another committee's is a 404),
stored values only. Written by the sheet writer every report shares (`reports.spreadsheet`:
title block, frozen header, widths, dates and counts as numbers, every text through
`reports.export.safe_cell`).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.entry import Grid, GridFilter
from assessments.forms import value_text
from assessments.member_entry import MemberGrid
from organizations.access import committee_for_request
from organizations.models import Kind, PlaceType, Tier
from reports.spreadsheet import Sheet, TitleBlock, user_label, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def describe(grid_filter: GridFilter, empty_label: str) -> str:
    parts = []
    if grid_filter.kind:
        parts.append(str(Kind(grid_filter.kind).label))
    if grid_filter.place_type:
        parts.append(str(PlaceType(grid_filter.place_type).label))
    if grid_filter.only_empty:
        parts.append(empty_label)
    return _("Rows shown: %(filter)s") % {"filter": "; ".join(parts) if parts else _("all")}


def grid_sheet(grid: Grid, units, rows: dict, *, name: str, subject: str) -> Sheet:
    """The grid's columns after the unit's code, name, kind and grassroots organization; a choice
    is written as the grid names it, a date as a date, a count as a number."""
    fields = [grid.prototype.fields[name] for name in grid.names]
    labels = [
        {str(value): str(text) for value, text in field.choices}
        if isinstance(field, forms.ChoiceField)
        else None
        for field in fields
    ]
    values = []
    for unit in units:
        initial = grid.initial(unit, rows.get(unit.pk))
        organization = unit.parent if unit.tier == Tier.CELL else unit
        line = [unit.code, unit.name, unit.get_kind_display(), organization.name, organization.code]
        for field_name, choice_labels in zip(grid.names, labels, strict=True):
            value = initial.get(field_name)
            if choice_labels is not None:  # the choice's value as the grid's input holds it
                key = value_text(value)
                value = choice_labels.get(key, "") if key else ""
            line.append(value)
        values.append(line)
    headers = [
        _("Code"),
        _("Unit"),
        _("Kind"),
        _("Grassroots organization"),
        _("Code of the grassroots organization"),
        *(capfirst(str(field.label)) for field in fields),
    ]
    return Sheet(name=name, subject=subject, headers=headers, rows=values, freeze_columns=2)


def _export(request, year, grid_class, *, report: str, sheet_name: str, empty_label: str, prefix: str):
    committee = committee_for_request(request)
    grid = grid_class(user=request.user, committee=committee, year=year)
    grid_filter = GridFilter.from_query(request.GET)
    units = grid.units(grid_filter)
    rows = grid.rows_by_unit(units)
    block = TitleBlock(
        report=report,
        year=year,
        scope=committee.name,
        scheme=str(grid.scheme) if grid.scheme else "",
        made_by=user_label(request.user),
    )
    sheet = grid_sheet(grid, units, rows, name=sheet_name, subject=describe(grid_filter, empty_label))
    response = HttpResponse(write_workbook(block, [sheet]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{prefix}-{year}-{committee.code}.xlsx"'
    return response


@login_required
@require_GET
def rating_grid_xlsx(request, year):
    return _export(
        request,
        year,
        Grid,
        report=_("Unit ratings"),
        sheet_name=_("Ratings"),
        empty_label=_("Only units not yet rated"),
        prefix="xep-loai",
    )


@login_required
@require_GET
def member_grid_xlsx(request, year):
    return _export(
        request,
        year,
        MemberGrid,
        report=_("Member statistics"),
        sheet_name=_("Members"),
        empty_label=_("Only organizations without member statistics"),
        prefix="dang-vien",
    )
