"""What the dashboard shows, built from the engine in a fixed number of queries.

Every "clean and strong" figure of a committee or a type of place comes from the engine's report
objects (`reports.figures`); this module arranges them: one row per committee with one cell per
target, the targets' short names and units of count, and the names of the resolutions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy

from assessments.models import (
    Comparator,
    CountedAs,
    Metric,
    RatingLevel,
    RatingScheme,
    RatingTally,
    Status,
    Submission,
    Target,
)
from assessments.models.targets import counted_levels_by_year
from organizations.models import PlaceType, Tier, Unit
from reports.cache import remembered
from reports.engine import build_report_set
from reports.figures import QualityReport, TargetResult, percent
from reports.restated import trend_rows as restated_trend_rows

# The targets as column headings and list labels: interface words, short enough for a table
# heading (the resolution's own wording, a datum, is in each target's `label`).
SHORT_NAMES = {
    Metric.BASE_CLEAN_STRONG: pgettext_lazy("short target name", "Organizations clean and strong"),
    Metric.CELL_CLEAN_STRONG: pgettext_lazy("short target name", "Cells clean and strong"),
    Metric.BASE_EXEMPLARY: pgettext_lazy("short target name", "Organizations exemplary"),
    Metric.CELL_EXEMPLARY: pgettext_lazy("short target name", "Cells exemplary"),
    Metric.MEMBERS_GOOD: pgettext_lazy("short target name", "Members completing duties well"),
    Metric.ADMISSIONS_TERM: pgettext_lazy("short target name", "Members admitted over the term"),
}

# What a target's count counts: grassroots organizations, subordinate cells or members.
COUNTS = {
    Metric.BASE_CLEAN_STRONG: "organizations",
    Metric.BASE_EXEMPLARY: "organizations",
    Metric.CELL_CLEAN_STRONG: "cells",
    Metric.CELL_EXEMPLARY: "cells",
    Metric.MEMBERS_GOOD: "members",
    Metric.ADMISSIONS_TERM: "members",
}


def short_name(metric: str) -> str:
    return str(SHORT_NAMES.get(metric, metric))


def counted(metric: str) -> str:
    """The unit of count of a target's figures ("TCCSĐ", "chi bộ", "đảng viên")."""
    kind = COUNTS.get(metric, "members")
    if kind == "organizations":
        return pgettext("unit of count", "organizations")
    if kind == "cells":
        return pgettext("unit of count", "cells")
    return pgettext("unit of count", "members")


def shortfall_text(metric: str, count: int) -> str:
    """ "3 cells short" ("thiếu 3 chi bộ"): a shortfall with its unit of count."""
    n = number_format(count, force_grouping=True)
    kind = COUNTS.get(metric, "members")
    if kind == "organizations":
        return ngettext("%(count)s organization short", "%(count)s organizations short", count) % {"count": n}
    if kind == "cells":
        return ngettext("%(count)s cell short", "%(count)s cells short", count) % {"count": n}
    return ngettext("%(count)s member short", "%(count)s members short", count) % {"count": n}


def comparator_sign(comparator: str) -> str:
    """≥ or >, as the resolution writes it."""
    return Comparator(comparator).label if comparator in Comparator.values else comparator


def threshold_text(result: TargetResult) -> str:
    """ "≥ 50%" or "> 5.000", in the active locale."""
    if result.denominator_kind == "none":
        value = number_format(int(result.threshold), force_grouping=True)
    else:
        places = 0 if Decimal(result.threshold) == Decimal(result.threshold).to_integral() else 2
        value = f"{number_format(result.threshold, places)}%"
    return f"{comparator_sign(result.comparator)} {value}"


@dataclass
class TargetColumn:
    """One target as a column of the committee table (and a line of its phone list)."""

    code: str
    metric: str
    label: str
    short: str
    threshold: str
    sort: str

    @classmethod
    def of(cls, result: TargetResult) -> TargetColumn:
        return cls(
            code=result.code,
            metric=result.metric,
            label=result.label,
            short=short_name(result.metric),
            threshold=threshold_text(result),
            sort=f"target-{result.code}",
        )


def target_columns(report: QualityReport) -> list[TargetColumn]:
    return [TargetColumn.of(t) for t in report.targets]


@dataclass
class TargetCell:
    column: TargetColumn
    result: TargetResult

    @cached_property  # (read up to five times per cell by the table of 700 committees)
    def state(self) -> str:
        """met, missed, in_progress, province_only or no_data."""
        t = self.result
        if t.province_only:
            return "province_only"
        if t.met is None:
            return "no_data"
        if t.met:
            return "met"
        return "in_progress" if t.in_progress else "missed"

    @cached_property
    def shortfall(self) -> str:
        t = self.result
        if t.met is False and t.shortfall_units:
            return shortfall_text(t.metric, t.shortfall_units)
        return ""


@dataclass
class CommitteeRow:
    committee: Unit
    report: QualityReport
    status: str = Status.DRAFT
    # The columns by target code, shared by the rows of one table (each row's targets are the
    # same targets: one column each, not one per row and cell).
    columns: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def below_target(self) -> bool:
        return any(t.met is False and not t.in_progress for t in self.report.targets)

    @cached_property
    def cells(self) -> list[TargetCell]:
        return [TargetCell(column=self._column(t), result=t) for t in self.report.targets]

    def _column(self, result: TargetResult) -> TargetColumn:
        if result.code not in self.columns:
            self.columns[result.code] = TargetColumn.of(result)
        return self.columns[result.code]

    @property
    def targets_missed(self) -> int:
        return sum(1 for t in self.report.targets if t.met is False and not t.in_progress)

    @property
    def units_short(self) -> int:
        """Organizations and cells short, over the targets that count units (members apart)."""
        return sum(
            t.shortfall_units or 0
            for t in self.report.targets
            if t.met is False and COUNTS.get(t.metric) in ("organizations", "cells")
        )

    @cached_property
    def units(self) -> int:
        return self.report.base.total + self.report.cells.total

    @cached_property
    def recorded(self) -> int:
        return self.units - self.report.base.pending - self.report.cells.pending


SORTS = {
    "code": lambda row: row.committee.code,
    "name": lambda row: row.committee.name,
    "units": lambda row: -row.units,
    "base_clean": lambda row: row.report.base.clean_strong_percent or -1,
    "cell_clean": lambda row: row.report.cells.clean_strong_percent or -1,
    "base_exemplary": lambda row: row.report.base.exemplary_percent_of_clean_strong or -1,
    "shortfall": lambda row: (-row.targets_missed, -row.units_short, row.committee.code),
}


def _target_sort(code: str):
    """Worst first by a target's figure (its share, or its count for a count target)."""

    def key(row: CommitteeRow):
        result = next((t for t in row.report.targets if t.code == code), None)
        if result is None:
            return (1, 0, row.committee.code)
        value = result.actual if result.denominator is not None else result.count
        return (0 if value is not None else 1, value or 0, row.committee.code)

    return key


def sort_key(sort: str):
    if sort.startswith("target-"):
        return _target_sort(sort.removeprefix("target-"))
    return SORTS.get(sort, SORTS["code"])


def committee_rows(
    year: int, reports: dict, sort: str = "code", *, restated: bool = False
) -> list[CommitteeRow]:
    """One row per committee that existed that year (or had ratings counted under it), from the
    engine's reports grouped by committee (whole province only). A committee dissolved earlier
    can still appear among the groups through its members' term admissions: it is left out.
    Restated, the committees are those of the structure's date (founded since, maybe)."""
    # The groups' keys are committees' ids: read by key (filtering `Unit.objects.committees()`
    # would join every unit to its parent), each tested by `Unit.is_reporting_committee`.
    committees = Unit.objects.in_bulk([key for key in reports if key is not None])
    statuses = dict(Submission.objects.filter(year=year).values_list("committee_id", "status"))
    columns: dict = {}
    rows = [
        CommitteeRow(
            committee=committees[key], report=report, status=statuses.get(key, Status.DRAFT), columns=columns
        )
        for key, report in reports.items()
        if key in committees and (restated or committees[key].is_reporting_committee)
    ]
    rows = [row for row in rows if row.committee.is_active_in(year) or row.recorded]
    return sorted(rows, key=sort_key(sort))


@dataclass
class PlaceRow:
    place_type: str
    label: str
    report: QualityReport


def place_rows(reports: dict) -> list[PlaceRow]:
    labels = dict(PlaceType.choices)
    return [
        PlaceRow(place_type=key or "", label=labels.get(key, "—"), report=report)
        for key, report in sorted(reports.items(), key=lambda item: item[0] or "")
    ]


@dataclass
class DashboardFigures:
    report: QualityReport
    committees: list[CommitteeRow]
    places: list[PlaceRow]

    @cached_property
    def table_rows(self):
        """The committee table's rows as HTML (`dashboard_tables`), written once for every
        request given these figures (`reports.cache`)."""
        from reports.dashboard_tables import committee_table_rows

        return committee_table_rows(self.committees, self.report.year)


@remembered("dashboard_figures", years=lambda year, *args, **kwargs: [year])
def figures(year: int, committee: Unit | None, sort: str = "code", *, structure_of=None) -> DashboardFigures:
    """The scope's report, by type of place and (for the whole province) by committee: one pass.
    `structure_of`: restated under the structure of that date (`reports.restated`)."""
    groups = (None, "place_type") + (("committee",) if committee is None else ())
    sets = build_report_set(year, committee, groups=groups, structure_of=structure_of)
    restated = structure_of is not None
    return DashboardFigures(
        report=sets[None][None],
        committees=committee_rows(year, sets["committee"], sort, restated=restated)
        if committee is None
        else [],
        places=place_rows(sets["place_type"]),
    )


def village_cells_against_others(rows: list[PlaceRow]) -> dict:
    """The article's concern: rural village cells against every other subordinate cell."""
    village = [r.report.cells for r in rows if r.place_type == PlaceType.VILLAGE]
    others = [r.report.cells for r in rows if r.place_type != PlaceType.VILLAGE]

    def share(summaries):
        total = sum(s.total for s in summaries)
        clean = sum(s.clean_strong for s in summaries)
        return {"total": total, "clean_strong": clean, "percent": percent(clean, total)}

    return {"village": share(village), "others": share(others)}


def resolution_name(report: QualityReport) -> str:
    """The resolution judging the report's year, by its Vietnamese name ("" when none does)."""
    resolution = report.resolution
    if resolution is None:
        return ""
    name = str(resolution)
    title = getattr(resolution, "title", "")
    return f"{name}: {title}" if title and title not in name else name


@dataclass
class TrendYear:
    year: int
    scheme: str
    base: dict = field(default_factory=dict)  # {"total", "clean_strong", "exemplary", "percent", levels}
    cells: dict = field(default_factory=dict)


@remembered("trends")  # every year's tallies
def trends(committee: Unit | None, *, structure_of=None) -> list[TrendYear]:
    """Clean-and-strong shares per year, from the yearly tallies of the recorded rows.

    Years with different schemes are compared through what each year's resolution counts as clean
    and strong. The
    denominator is the units recorded that year (rated or marked not rated): past seasons are
    complete, and the current one's card above counts the units still pending too. Restated
    (`structure_of`), every year is counted under the units and committees of that date.
    """
    if structure_of is not None:  # each year restated under one structure: like with like
        rows = restated_trend_rows(committee, structure_of)
    elif committee is None:
        rows = [
            {"year": tally.year, "tier": tier, "level_id": level_id, "not_rated": not_rated, "n": n}
            for tally in RatingTally.fresh(with_rows=False)
            for tier, level_id, not_rated, n in tally.totals
        ]
    else:
        rows = [
            {"year": tally.year, "tier": tier, "level_id": level_id, "not_rated": not_rated, "n": n}
            for tally in RatingTally.fresh()
            for committee_id, tier, level_id, not_rated, n in tally.rows
            if committee_id == committee.pk
        ]
    levels = {level.pk: level for level in RatingLevel.objects.all()}
    schemes = list(RatingScheme.objects.order_by("valid_from"))
    counted = counted_levels_by_year()  # what each year's resolution counts as clean and strong
    years: dict[int, TrendYear] = {}
    for row in sorted(rows, key=lambda r: (r["year"], levels[r["level_id"]].rank if r["level_id"] else 99)):
        year = years.setdefault(
            row["year"],
            TrendYear(
                year=row["year"],
                scheme=next((s.title for s in reversed(schemes) if s.valid_from <= row["year"]), ""),
            ),
        )
        bucket = year.base if row["tier"] == Tier.BASE else year.cells
        bucket.setdefault("levels", {})
        bucket["total"] = bucket.get("total", 0) + row["n"]
        if row["not_rated"]:
            bucket["not_rated"] = bucket.get("not_rated", 0) + row["n"]
            continue
        if row["level_id"] is None:  # not decided yet: not a recorded rating of that year
            bucket["total"] -= row["n"]
            continue
        level = levels[row["level_id"]]
        bucket["levels"][level.abbreviation] = row["n"]
        counted_as = counted.get(row["year"], {}).get(level.pk, ())
        if CountedAs.CLEAN_STRONG in counted_as:
            bucket["clean_strong"] = bucket.get("clean_strong", 0) + row["n"]
        if CountedAs.EXEMPLARY in counted_as:
            bucket["exemplary"] = bucket.get("exemplary", 0) + row["n"]
    for year in years.values():
        for bucket in (year.base, year.cells):
            bucket["percent"] = percent(bucket.get("clean_strong", 0), bucket.get("total", 0))
    return [years[y] for y in sorted(years)]


def target_lines(year: int) -> dict[str, Target]:
    """The yearly clean-and-strong targets applying to `year`, drawn as lines on the trend chart
    (one resolution's: lines of several would mix their thresholds)."""
    targets = Target.objects.applying_to(year).filter(metric__in=["base_clean_strong", "cell_clean_strong"])
    return {t.metric: t for t in targets}


def target_legend(year: int, targets: dict[str, Target]) -> str:
    """The chart legend's words for its target lines, from the targets themselves."""
    base, cells = targets.get("base_clean_strong"), targets.get("cell_clean_strong")
    if base is None and cells is None:
        return ""
    parts = [
        f"{t.get_comparator_display()} {number_format(t.threshold, decimal_pos=0)}% {label}"
        for t, label in (
            (base, pgettext("target legend", "organizations")),
            (cells, pgettext("target legend", "cells")),
        )
        if t is not None
    ]
    return gettext("Targets of %(year)s (%(targets)s)") % {"year": year, "targets": ", ".join(parts)}


def structure_of(query, user) -> datetime.date | None:
    """The restated view's date from a query string (`?structure_of=YYYY-MM-DD`); None: as counted
    (also for a date that is not one).

    A committee's staff read their committee restated on today's structure at the earliest: on an
    earlier one their committee would hold units that have since left it, and those units' later
    ratings are another committee's (a new committee reads its predecessors, nothing else).
    """
    try:
        date = datetime.date.fromisoformat(query.get("structure_of", ""))
    except ValueError:
        return None
    return date if user.sees_whole_province else max(date, timezone.localdate())
