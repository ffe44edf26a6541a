"""What the dashboard shows, built from the engine in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max

from assessments.models import (
    CountedAs,
    Rating,
    RatingLevel,
    RatingScheme,
    RatingTally,
    Status,
    Submission,
    Target,
)
from assessments.models.targets import counted_levels_by_year
from organizations.models import PlaceType, Tier, Unit
from reports.engine import build_report_set
from reports.figures import QualityReport, percent


def latest_year(user) -> int | None:
    return Rating.objects.for_user(user).aggregate(year=Max("year"))["year"]


@dataclass
class CommitteeRow:
    committee: Unit
    report: QualityReport
    status: str = Status.DRAFT

    @property
    def below_target(self) -> bool:
        return any(t.met is False and not t.in_progress for t in self.report.targets)

    @property
    def units(self) -> int:
        return self.report.base.total + self.report.cells.total

    @property
    def recorded(self) -> int:
        return self.units - self.report.base.pending - self.report.cells.pending


SORTS = {
    "code": lambda row: row.committee.code,
    "name": lambda row: row.committee.name,
    "units": lambda row: -row.units,
    "base_clean": lambda row: row.report.base.clean_strong_percent or -1,
    "cell_clean": lambda row: row.report.cells.clean_strong_percent or -1,
    "base_exemplary": lambda row: row.report.base.exemplary_percent_of_clean_strong or -1,
    "shortfall": lambda row: -sum(t.shortfall_units or 0 for t in row.report.targets if t.denominator),
}


def committee_rows(year: int, reports: dict, sort: str = "code") -> list[CommitteeRow]:
    """One row per committee that has units or ratings that year, from the engine's reports
    grouped by committee (whole province only)."""
    committees = Unit.objects.committees().in_bulk([key for key in reports if key is not None])
    statuses = dict(Submission.objects.filter(year=year).values_list("committee_id", "status"))
    rows = [
        CommitteeRow(committee=committees[key], report=report, status=statuses.get(key, Status.DRAFT))
        for key, report in reports.items()
        if key in committees
    ]
    return sorted(rows, key=SORTS.get(sort, SORTS["code"]))


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


def figures(year: int, committee: Unit | None, sort: str = "code") -> DashboardFigures:
    """The scope's report, by type of place and (for the whole province) by committee: one pass."""
    groups = (None, "place_type") + (("committee",) if committee is None else ())
    sets = build_report_set(year, committee, groups=groups)
    return DashboardFigures(
        report=sets[None][None],
        committees=committee_rows(year, sets["committee"], sort) if committee is None else [],
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


@dataclass
class TrendYear:
    year: int
    scheme: str
    base: dict = field(default_factory=dict)  # {"total", "clean_strong", "exemplary", "percent", levels}
    cells: dict = field(default_factory=dict)


def trends(committee: Unit | None) -> list[TrendYear]:
    """Clean-and-strong shares per year, from the yearly tallies of the recorded rows.

    Years with different schemes are compared through what each year's resolution counts as clean
    and strong. The
    denominator is the units recorded that year (rated or marked not rated): past seasons are
    complete, and the current one's card above counts the units still pending too.
    """
    if committee is None:
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


def target_lines() -> dict[str, Target]:
    """The yearly clean-and-strong targets, drawn as lines on the trend chart."""
    return {t.metric: t for t in Target.objects.filter(metric__in=["base_clean_strong", "cell_clean_strong"])}
