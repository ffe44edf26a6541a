"""The year's report as an XLSX workbook (openpyxl), and the drill-down's selection as one sheet.

Every sheet opens with the same title block (report, year, scope, resolution, scheme, when and by
whom it was made), then one table whose header row is frozen with the title block above it.
Numbers are numbers: counts with a thousands format, shares as percentages (0.5687 shown as
56,87% in a Vietnamese Excel), dates as dates. Comparators are written as the resolution writes
them (≥, >) and verdicts in words (Đạt / Chưa đạt). Every text cell goes through `safe_cell`.

Sheets of the report: the targets, the levels, by committee (the whole province) or by grassroots
organization (one committee), by type of place, and every unit with its tier and parent.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from assessments.models import MemberStats, Rating, Status
from organizations.models import Tier, Unit
from reports.dashboard import (
    CommitteeRow,
    PlaceRow,
    TargetCell,
    comparator_sign,
    counted,
    resolution_name,
    short_name,
    threshold_text,
)
from reports.drilldown import DrillRow
from reports.figures import QualityReport, TargetResult, TierSummary, percent
from reports.spreadsheet import Pct, Sheet, TitleBlock, user_label, write_workbook

# --- The report's sheets ---------------------------------------------------------------------------


def verdict(result: TargetResult) -> str:
    if result.province_only:
        return _("Set for the whole province")
    if result.met is None:
        return _("No data")
    if result.met:
        return _("Met")
    return _("In progress") if result.in_progress else _("Not met")


def _actual(result: TargetResult):
    return result.count if result.denominator is None else Pct(result.actual)


def _threshold(result: TargetResult):
    return int(result.threshold) if result.denominator is None else Pct(result.threshold, whole=True)


def targets_sheet(report: QualityReport) -> Sheet:
    rows = []
    for t in report.targets:
        note = ""
        if t.in_progress and t.years_left:
            note = _("%(years)s year(s) left: %(pace)s a year needed") % {
                "years": t.years_left,
                "pace": t.pace_needed_per_year,
            }
        elif t.province_only:
            note = _("A committee's count is shown, not judged.")
        rows.append(
            [
                t.label,
                comparator_sign(t.comparator),
                _threshold(t),
                _actual(t),
                t.count,
                t.denominator,
                verdict(t),
                t.margin_units,
                t.shortfall_units,
                counted(t.metric),
                note,
            ]
        )
    return Sheet(
        name=_("Targets"),
        subject=_("Targets of the resolution"),
        headers=[
            _("Target"),
            _("Comparator"),
            _("Threshold"),
            _("Actual"),
            _("Count"),
            _("Denominator"),
            _("Result"),
            _("Margin"),
            _("Short"),
            _("Counted in"),
            _("Note"),
        ],
        rows=rows,
    )


def _tier_rows(title: str, summary: TierSummary) -> list[list]:
    rows = [
        [title, level.label, level.abbreviation, level.count, Pct(level.percent)] for level in summary.levels
    ]
    rows += [
        [
            title,
            _("Clean and strong (including exemplary)"),
            "",
            summary.clean_strong,
            Pct(summary.clean_strong_percent),
        ],
        [
            title,
            _("of which exemplary (share of the clean and strong)"),
            "",
            summary.exemplary,
            Pct(summary.exemplary_percent_of_clean_strong),
        ],
        [title, _("Not rated"), "", summary.not_rated, None],
        [title, _("Not yet entered"), "", summary.pending, None],
        [title, _("Total"), "", summary.total, None],
    ]
    return rows


def levels_sheet(report: QualityReport) -> Sheet:
    return Sheet(
        name=_("Rating levels"),
        subject=_("Rating levels: shares of all units, rated or not"),
        headers=[_("Tier"), _("Level"), _("Abbreviation"), _("Count"), _("Share")],
        rows=_tier_rows(_("Grassroots organizations"), report.base)
        + _tier_rows(_("Subordinate cells"), report.cells),
        freeze_columns=2,
    )


def _target_headers(report: QualityReport) -> list[str]:
    headers = []
    for t in report.targets:
        name = f"{short_name(t.metric)} {threshold_text(t)}"
        headers += [
            name,
            _("%(target)s: result") % {"target": short_name(t.metric)},
            _("%(target)s: short (%(unit)s)") % {"target": short_name(t.metric), "unit": counted(t.metric)},
        ]
    return headers


def _target_values(cells: list[TargetCell]) -> list:
    values = []
    for cell in cells:
        t = cell.result
        short = t.shortfall_units if t.met is False else (0 if t.met else None)
        values += [_actual(t), verdict(t), short]
    return values


def status_label(status: str) -> str:
    return {Status.APPROVED: _("approved"), Status.SUBMITTED: _("submitted")}.get(status, _("draft"))


def committee_sheet(report: QualityReport, rows: list[CommitteeRow]) -> Sheet:
    return Sheet(
        name=_("By committee"),
        subject=_("By committee directly under the province"),
        headers=[
            _("Code"),
            _("Committee"),
            _("Units to rate"),
            _("Units entered"),
            _("Season"),
            *_target_headers(report),
        ],
        rows=[
            [
                row.committee.code,
                row.committee.name,
                row.units,
                row.recorded,
                status_label(row.status),
                *_target_values(row.cells),
            ]
            for row in rows
        ],
        freeze_columns=2,
    )


def grassroots_sheet(report: QualityReport, committee: Unit) -> Sheet:
    """A committee's grassroots organizations: each one's level, its cells and their levels, its
    members. Whether a level counts as clean and strong is read from the engine's report (the
    levels of `report.base` and `report.cells`), never decided here. Four queries."""
    year = report.year
    base_clean = {lv.code for lv in report.base.levels if lv.is_clean_strong}
    cell_clean = {lv.code for lv in report.cells.levels if lv.is_clean_strong}
    ratings = {
        r.unit_id: r
        for r in Rating.objects.filter(year=year, committee=committee, tier=Tier.BASE).select_related("level")
    }
    counted_here = Rating.objects.filter(year=year, committee=committee, tier=Tier.BASE).values("unit_id")
    to_rate = Unit.objects.to_rate(year, committee=committee, tiers=(Tier.BASE,)).values("pk")
    organizations = {u.pk: u for u in Unit.objects.filter(Q(pk__in=counted_here) | Q(pk__in=to_rate))}
    cells: dict[int, dict[str, int]] = {}
    for row in (
        Rating.objects.filter(year=year, committee=committee, tier=Tier.CELL)
        .values("unit__parent_id", "level__code", "not_rated")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts = cells.setdefault(row["unit__parent_id"], {"recorded": 0, "clean": 0})
        counts["recorded"] += row["n"]
        if not row["not_rated"] and row["level__code"] in cell_clean:
            counts["clean"] += row["n"]
    for row in (
        Unit.objects.to_rate(year, committee=committee, tiers=(Tier.CELL,))
        .pending_in(year)
        .values("parent_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        cells.setdefault(row["parent_id"], {"recorded": 0, "clean": 0})["pending"] = row["n"]
    members = {
        m.unit_id: m
        for m in MemberStats.objects.filter(year=year, committee=committee).only(
            "unit_id", "member_count", "admitted"
        )
    }
    rows = []
    for unit in sorted(organizations.values(), key=lambda u: u.code):
        rating = ratings.get(unit.pk)
        if rating is None:
            level = _("Not yet entered")
        elif rating.level_id:
            level = rating.level.name
        else:
            level = _("Not rated: %(reason)s") % {"reason": rating.not_rated_reason}
        counts = cells.get(unit.pk, {})
        total_cells = counts.get("recorded", 0) + counts.get("pending", 0)
        stats = members.get(unit.pk)
        rows.append(
            [
                unit.code,
                unit.name,
                unit.get_kind_display(),
                unit.get_place_type_display() if unit.place_type else "",
                level,
                rating.level.code in base_clean if rating and rating.level_id else None,
                total_cells,
                counts.get("clean", 0) if total_cells else None,
                Pct(percent(counts.get("clean", 0), total_cells)) if total_cells else None,
                stats.member_count if stats else None,
                stats.admitted if stats else None,
            ]
        )
    return Sheet(
        name=_("By grassroots organization"),
        subject=_("The committee's grassroots organizations"),
        headers=[
            _("Code"),
            _("Grassroots organization"),
            _("Kind"),
            _("Type of place"),
            _("Level"),
            _("Clean and strong"),
            _("Subordinate cells"),
            _("Cells clean and strong"),
            _("Share of cells clean and strong"),
            _("Members"),
            _("Admitted this year"),
        ],
        rows=rows,
        freeze_columns=2,
    )


def place_sheet(rows: list[PlaceRow]) -> Sheet:
    return Sheet(
        name=_("By type of place"),
        subject=_("By type of place"),
        headers=[
            _("Type of place"),
            _("Grassroots organizations"),
            _("Grassroots organizations clean and strong"),
            _("Share of grassroots organizations clean and strong"),
            _("Subordinate cells"),
            _("Cells clean and strong"),
            _("Share of cells clean and strong"),
        ],
        rows=[
            [
                row.label,
                row.report.base.total,
                row.report.base.clean_strong,
                Pct(row.report.base.clean_strong_percent),
                row.report.cells.total,
                row.report.cells.clean_strong,
                Pct(row.report.cells.clean_strong_percent),
            ]
            for row in rows
        ],
    )


def unit_sheet(report: QualityReport | None, rows, subject: str = "") -> Sheet:
    """Every unit of a selection with its tier, parent, committee, level and decision; whether its
    level counts as clean and strong is read from the engine's report when one is given."""
    clean = set()
    if report is not None:
        clean = {("base", lv.code) for lv in report.base.levels if lv.is_clean_strong} | {
            ("cell", lv.code) for lv in report.cells.levels if lv.is_clean_strong
        }
    headers = DrillRow.headers()
    values = []
    for row in rows:
        line = row.as_list(dates_as_text=False)
        if report is not None:
            rating = row.rating
            line.insert(
                7,
                None if rating is None or not rating.level_id else (row.tier, rating.level.code) in clean,
            )
        values.append(line)
    if report is not None:
        headers.insert(7, _("Clean and strong"))
    return Sheet(
        name=_("Unit list"),
        subject=subject or _("Every unit, with its tier and parent"),
        headers=headers,
        rows=values,
        freeze_columns=2,
    )


def title_block(report: QualityReport, user, title: str = "") -> TitleBlock:
    return TitleBlock(
        report=title or _("Quality ratings of party organizations, %(year)s") % {"year": report.year},
        year=report.year,
        scope=report.committee.name if report.committee else _("Whole province"),
        resolution=resolution_name(report),
        scheme=report.scheme_title,
        made_by=user_label(user),
    )


def workbook(
    *,
    report: QualityReport,
    committees: list[CommitteeRow],
    places: list[PlaceRow],
    units,
    user=None,
) -> bytes:
    sheets = [targets_sheet(report), levels_sheet(report)]
    if report.committee is None:
        sheets.append(committee_sheet(report, committees))
    else:
        sheets.append(grassroots_sheet(report, report.committee))
    sheets += [place_sheet(places), unit_sheet(report, units)]
    return write_workbook(title_block(report, user), sheets)
