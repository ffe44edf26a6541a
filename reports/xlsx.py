"""The year's report as an XLSX workbook (pandas): summary against targets, by committee, by type of
place, and the unit list. Every text cell goes through `safe_cell`."""

from __future__ import annotations

import io

import pandas as pd
from django.utils.translation import gettext as _

from reports.dashboard import CommitteeRow, PlaceRow
from reports.drilldown import DrillRow
from reports.export import safe_cell
from reports.figures import QualityReport


def _num(value):
    return None if value is None else float(value)


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    return frame.map(safe_cell) if not frame.empty else frame


def summary_rows(report: QualityReport) -> list[dict]:
    rows = []
    for t in report.targets:
        rows.append(
            {
                _("Target"): t.label,
                _("Comparator"): t.comparator,
                _("Threshold"): _num(t.threshold),
                _("Actual"): _num(t.actual) if t.denominator is not None else t.count,
                _("Count"): t.count,
                _("Denominator"): t.denominator,
                _("Met"): "" if t.met is None else (_("yes") if t.met else _("no")),
                _("Margin (units)"): t.margin_units,
                _("Short (units)"): t.shortfall_units,
            }
        )
    for title, summary in (
        (_("Grassroots organizations"), report.base),
        (_("Subordinate cells"), report.cells),
    ):
        for level in summary.levels:
            rows.append(
                {
                    _("Target"): f"{title}: {level.label}",
                    _("Count"): level.count,
                    _("Actual"): _num(level.percent),
                    _("Denominator"): summary.total,
                }
            )
    return rows


def committee_sheet(rows: list[CommitteeRow]) -> list[dict]:
    return [
        {
            _("Code"): row.committee.code,
            _("Committee"): row.committee.name,
            _("Units"): row.units,
            _("Grassroots org. clean and strong (%)"): _num(row.report.base.clean_strong_percent),
            _("Cells clean and strong (%)"): _num(row.report.cells.clean_strong_percent),
            _("Exemplary of clean and strong (%)"): _num(row.report.base.exemplary_percent_of_clean_strong),
            _("Below a target"): _("yes") if row.below_target else _("no"),
            _("Units short"): sum(t.shortfall_units or 0 for t in row.report.targets if t.denominator),
        }
        for row in rows
    ]


def place_sheet(rows: list[PlaceRow]) -> list[dict]:
    return [
        {
            _("Type of place"): row.label,
            _("Grassroots organizations"): row.report.base.total,
            _("clean and strong (%)"): _num(row.report.base.clean_strong_percent),
            _("Subordinate cells"): row.report.cells.total,
            _("cells clean and strong (%)"): _num(row.report.cells.clean_strong_percent),
        }
        for row in rows
    ]


def unit_sheet(rows: list[DrillRow]) -> list[dict]:
    headers = [
        _("Code"),
        _("Unit"),
        _("Counted under committee"),
        _("Level"),
        _("Decision number"),
        _("Decision date"),
        _("Note"),
    ]
    return [dict(zip(headers, row.as_list(), strict=True)) for row in rows]


def workbook(
    *, report: QualityReport, committees: list[CommitteeRow], places: list[PlaceRow], units: list[DrillRow]
) -> bytes:
    buffer = io.BytesIO()
    sheets = {
        _("Summary"): summary_rows(report),
        _("By committee"): committee_sheet(committees),
        _("By type of place"): place_sheet(places),
        _("Units"): unit_sheet(units),
    }
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, rows in sheets.items():
            _frame(rows).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
