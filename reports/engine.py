"""The report engine: one year, the whole province or one committee, against the targets.

Everything is computed from a fixed handful of aggregate queries (levels, rating counts,
units still pending, member sums, targets), whatever the number of units, so the same
function serves the command, the dashboard and the API.

Denominators: a unit "in scope" for a year is every grassroots organization or cell that
has a rating row for that year (rated or explicitly not rated) plus every unit that
existed that year and has no row yet ("pending"). Level percentages and the all-units
targets divide by that total; "rated" excludes the not-rated and the pending.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from assessments.models import (
    MEMBER_FIELDS,
    MEMBER_LEVEL_FIELDS,
    MEMBER_RATED_FIELDS,
    Comparator,
    Denominator,
    MemberStats,
    Metric,
    Rating,
    RatingLevel,
    Target,
)
from organizations.models import Tier, Unit

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """part/whole in percent, two decimals, rounded half up; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def units_required(*, threshold: Decimal, comparator: str, denominator: int | None) -> int:
    """The least count that meets the target, computed exactly (never from a rounded percent).

    With a denominator the threshold is a percentage of it; without one it is a count.
    60% of 1,810 is exactly 1,086: ">" then needs 1,087, "≥" needs 1,086.
    """
    bound = Decimal(threshold) if denominator is None else Decimal(threshold) * denominator / HUNDRED
    if comparator == Comparator.GTE:
        return math.ceil(bound)
    return math.floor(bound) + 1


@dataclass
class LevelCount:
    code: str
    label: str
    abbreviation: str
    rank: int
    is_clean_strong: bool
    is_exemplary: bool
    count: int = 0
    percent: Decimal | None = None


@dataclass
class TierSummary:
    tier: str
    levels: list[LevelCount]
    not_rated: int = 0
    pending: int = 0

    @property
    def rated(self) -> int:
        return sum(level.count for level in self.levels)

    @property
    def total(self) -> int:
        return self.rated + self.not_rated + self.pending

    @property
    def clean_strong(self) -> int:
        return sum(level.count for level in self.levels if level.is_clean_strong)

    @property
    def exemplary(self) -> int:
        return sum(level.count for level in self.levels if level.is_exemplary)

    @property
    def clean_strong_percent(self) -> Decimal | None:
        return percent(self.clean_strong, self.total)

    @property
    def exemplary_percent_of_clean_strong(self) -> Decimal | None:
        return percent(self.exemplary, self.clean_strong)

    @property
    def exemplary_percent_of_total(self) -> Decimal | None:
        return percent(self.exemplary, self.total)

    def denominator(self, kind: str) -> int:
        return {
            Denominator.ALL_UNITS: self.total,
            Denominator.RATED_UNITS: self.rated,
            Denominator.CLEAN_STRONG_UNITS: self.clean_strong,
        }[kind]

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "rated": self.rated,
            "not_rated": self.not_rated,
            "pending": self.pending,
            "denominator": "total (rated + not rated + pending)",
            "levels": {
                level.code: {
                    "label": level.label,
                    "abbreviation": level.abbreviation,
                    "count": level.count,
                    "percent": _num(level.percent),
                    "clean_strong": level.is_clean_strong,
                    "exemplary": level.is_exemplary,
                }
                for level in self.levels
            },
            "clean_strong": {
                "count": self.clean_strong,
                "percent": _num(self.clean_strong_percent),
            },
            "exemplary": {
                "count": self.exemplary,
                "percent_of_clean_strong": _num(self.exemplary_percent_of_clean_strong),
                "percent_of_total": _num(self.exemplary_percent_of_total),
            },
        }


@dataclass
class MemberSummary:
    total: int = 0
    excellent: int = 0
    good: int = 0
    completed: int = 0
    not_completed: int = 0
    not_rated: int = 0

    @property
    def rated(self) -> int:
        return sum(getattr(self, name) for name in MEMBER_RATED_FIELDS)

    @property
    def good_or_better(self) -> int:
        return self.excellent + self.good

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "rated": self.rated,
            "not_rated": self.not_rated,
            "levels": {
                name: {
                    "count": getattr(self, name),
                    "percent": _num(percent(getattr(self, name), self.rated)),
                }
                for name in MEMBER_RATED_FIELDS
            },
            "completed_well_or_better": {
                "count": self.good_or_better,
                "percent": _num(percent(self.good_or_better, self.rated)),
                "denominator": "members rated",
            },
        }


@dataclass
class Admissions:
    in_year: int = 0
    term_start: int | None = None
    term_end: int | None = None
    term_to_date: int = 0

    def as_dict(self, year: int) -> dict:
        term = None
        if self.term_start is not None:
            term = {
                "start": self.term_start,
                "end": self.term_end,
                "count": self.term_to_date,
                "through_year": min(year, self.term_end) if self.term_end else year,
                "years_left": max(0, self.term_end - year) if self.term_end else None,
            }
        return {"in_year": self.in_year, "term": term}


@dataclass
class TargetResult:
    code: str
    label: str
    metric: str
    comparator: str
    threshold: Decimal
    denominator_kind: str
    count: int
    denominator: int | None
    actual: Decimal | None
    required: int | None
    met: bool | None
    margin_units: int | None
    shortfall_units: int | None
    # For a term target judged at the term's end: the years still to come and the yearly
    # count needed to reach it ("pace"), so a mid-term shortfall is not read as a failure.
    years_left: int | None = None
    pace_needed_per_year: int | None = None
    # A count target (the term's admissions) is set for the whole province: a committee's or a
    # group's own count is shown but not judged against it.
    province_only: bool = False

    @property
    def in_progress(self) -> bool:
        return bool(self.years_left) and not self.met

    def as_dict(self) -> dict:
        data = asdict(self)
        data["threshold"] = _num(self.threshold)
        data["actual"] = _num(self.actual) if self.denominator is not None else self.count
        data["in_progress"] = self.in_progress
        return data


@dataclass
class QualityReport:
    year: int
    committee: Unit | None
    scheme_code: str | None
    base: TierSummary
    cells: TierSummary
    members: MemberSummary
    admissions: Admissions
    targets: list[TargetResult] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        # Units merely pending do not make a year "with data": a unit with no founding date
        # would otherwise be pending in every year since forever.
        recorded = self.base.rated + self.base.not_rated + self.cells.rated + self.cells.not_rated
        return bool(recorded or self.members.total or self.admissions.in_year)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "committee": self.committee.code if self.committee else None,
            "committee_name": self.committee.name if self.committee else None,
            "scheme": self.scheme_code,
            "base_organizations": self.base.as_dict(),
            "cells": self.cells.as_dict(),
            "members": self.members.as_dict(),
            "admissions": self.admissions.as_dict(self.year),
            "targets": [target.as_dict() for target in self.targets],
        }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _levels_for_year(year: int) -> tuple[str | None, list[RatingLevel]]:
    # One query: every level of every scheme in force up to `year`, newest scheme first.
    levels = list(
        RatingLevel.objects.select_related("scheme")
        .filter(scheme__valid_from__lte=year)
        .order_by("-scheme__valid_from", "rank")
    )
    if not levels:
        return None, []
    scheme = levels[0].scheme
    return scheme.code, [level for level in levels if level.scheme_id == scheme.pk]


# How each grouping reads on each table: ratings keep the committee and the type of place they
# were counted under that year; member rows keep the committee.
GROUPINGS = {
    None: {"ratings": None, "pending": None, "members": None},
    "committee": {"ratings": "committee_id", "pending": "committee_id", "members": "committee_id"},
    "place_type": {"ratings": "place_type", "pending": "place_type", "members": "unit__place_type"},
}


def _new_summary(tier: str, levels: list[RatingLevel]) -> TierSummary:
    return TierSummary(
        tier=tier,
        levels=[
            LevelCount(
                code=lv.code,
                label=lv.name,
                abbreviation=lv.abbreviation,
                rank=lv.rank,
                is_clean_strong=lv.is_clean_strong,
                is_exemplary=lv.is_exemplary,
            )
            for lv in levels
        ],
    )


def _group_fields(groups, table: str) -> list[str]:
    return sorted({GROUPINGS[g][table] for g in groups if GROUPINGS[g][table]})


def _tier_summaries(year: int, committee: Unit | None, levels: list[RatingLevel], groups: tuple):
    """{grouping: {group key: {tier: TierSummary}}} for every grouping asked for, from one query on
    ratings and one on pending units grouped by all their fields at once, folded here."""
    result: dict = {g: {} for g in groups}

    def summaries_for(row, table):
        for g in groups:
            field = GROUPINGS[g][table]
            key = row[field] if field else None
            by_tier = result[g].setdefault(key, {t: _new_summary(t, levels) for t in (Tier.BASE, Tier.CELL)})
            yield by_tier[row["tier"]]

    by_level_id = {lv.pk: index for index, lv in enumerate(levels)}
    ratings = Rating.objects.filter(year=year)
    if committee is not None:
        ratings = ratings.filter(committee=committee)
    fields = _group_fields(groups, "ratings")
    for row in ratings.values(*fields, "tier", "level_id", "not_rated").annotate(n=Count("id")).order_by():
        for summary in summaries_for(row, "ratings"):
            if row["not_rated"]:
                summary.not_rated += row["n"]
            else:
                summary.levels[by_level_id[row["level_id"]]].count += row["n"]

    pending = Unit.objects.to_rate(year, committee=committee).pending_in(year)
    fields = _group_fields(groups, "pending")
    for row in pending.values(*fields, "tier").annotate(n=Count("id")).order_by():
        for summary in summaries_for(row, "pending"):
            summary.pending += row["n"]

    for by_key in result.values():
        for by_tier in by_key.values():
            for tier_summary in by_tier.values():
                for level in tier_summary.levels:
                    level.percent = percent(level.count, tier_summary.total)
    return result


def _members_and_admissions(year: int, committee: Unit | None, term: Target | None, groups: tuple):
    """{grouping: {group key: (MemberSummary, Admissions)}}, from one aggregate query."""
    in_year = Q(year=year)
    first_year = min(year, term.start_year) if term else year
    stats = MemberStats.objects.filter(year__gte=first_year, year__lte=year)
    if committee is not None:
        stats = stats.filter(committee=committee)
    aggregates = {f"sum_{name}": Sum(name, filter=in_year, default=0) for name in MEMBER_FIELDS}
    if term:
        term_years = Q(year__gte=term.start_year, year__lte=min(year, term.end_year or year))
        aggregates["sum_term_admitted"] = Sum("admitted", filter=term_years, default=0)
    fields = _group_fields(groups, "members")
    rows = (
        stats.values(*fields).annotate(**aggregates).order_by() if fields else [stats.aggregate(**aggregates)]
    )
    result: dict = {g: {} for g in groups}
    for row in rows:
        for g in groups:
            field = GROUPINGS[g]["members"]
            key = row[field] if field else None
            members, admissions = result[g].setdefault(key, (MemberSummary(), Admissions()))
            members.total += row["sum_member_count"]
            for name in MEMBER_LEVEL_FIELDS:
                setattr(members, name, getattr(members, name) + row[f"sum_{name}"])
            admissions.in_year += row["sum_admitted"]
            if term:
                admissions.term_to_date += row["sum_term_admitted"]
    return result


def _evaluate(
    year: int,
    target: Target,
    base: TierSummary,
    cells: TierSummary,
    members: MemberSummary,
    admissions: Admissions,
    whole_province: bool = True,
) -> TargetResult:
    if target.metric == Metric.ADMISSIONS_TERM:
        count, denominator = admissions.term_to_date, None
    elif target.metric == Metric.MEMBERS_GOOD:
        count, denominator = members.good_or_better, members.rated
    else:
        summary = base if target.metric in (Metric.BASE_CLEAN_STRONG, Metric.BASE_EXEMPLARY) else cells
        exemplary = target.metric in (Metric.BASE_EXEMPLARY, Metric.CELL_EXEMPLARY)
        count = summary.exemplary if exemplary else summary.clean_strong
        denominator = summary.denominator(target.denominator)

    result = TargetResult(
        code=target.code,
        label=target.label,
        metric=target.metric,
        comparator=target.comparator,
        threshold=target.threshold,
        denominator_kind=target.denominator,
        count=count,
        denominator=denominator,
        actual=None if denominator is None else percent(count, denominator),
        required=None,
        met=None,
        margin_units=None,
        shortfall_units=None,
    )
    if denominator == 0:
        return result  # nothing to measure: neither met nor missed
    if denominator is None and not whole_province:
        result.province_only = True
        return result
    required = units_required(
        threshold=target.threshold, comparator=target.comparator, denominator=denominator
    )
    result.required = required
    result.met = count >= required
    result.margin_units = max(0, count - required)
    result.shortfall_units = max(0, required - count)
    if target.metric == Metric.ADMISSIONS_TERM and target.end_year:
        result.years_left = max(0, target.end_year - year)
        if result.years_left and result.shortfall_units:
            result.pace_needed_per_year = math.ceil(result.shortfall_units / result.years_left)
    return result


def build_report_set(year: int, committee: Unit | None = None, *, groups: tuple = (None,)) -> dict:
    """{grouping: {group key: QualityReport}} for each grouping asked for (None: the whole scope,
    under the key None; "committee": by committee id; "place_type": by type of place), all from the
    same fixed handful of queries."""
    scheme_code, levels = _levels_for_year(year)
    summaries = _tier_summaries(year, committee, levels, groups)
    targets = list(Target.objects.for_year(year))
    term = next((t for t in targets if t.metric == Metric.ADMISSIONS_TERM), None)
    members = _members_and_admissions(year, committee, term, groups)
    result = {}
    for group in groups:
        keys = set(summaries[group]) | set(members[group]) | ({None} if group is None else set())
        reports = result[group] = {}
        for key in keys:
            by_tier = summaries[group].get(key) or {
                t: _new_summary(t, levels) for t in (Tier.BASE, Tier.CELL)
            }
            member_summary, admissions = members[group].get(key) or (MemberSummary(), Admissions())
            if term:
                admissions.term_start, admissions.term_end = term.start_year, term.end_year
            base, cells = by_tier[Tier.BASE], by_tier[Tier.CELL]
            whole_province = committee is None and group is None
            reports[key] = QualityReport(
                year=year,
                committee=committee,
                scheme_code=scheme_code,
                base=base,
                cells=cells,
                members=member_summary,
                admissions=admissions,
                targets=[
                    _evaluate(year, t, base, cells, member_summary, admissions, whole_province)
                    for t in targets
                ],
            )
    return result


def build_reports(year: int, committee: Unit | None = None, *, group: str | None = None) -> dict:
    return build_report_set(year, committee, groups=(group,))[group]


def build_report(year: int, committee: Unit | None = None) -> QualityReport:
    return build_reports(year, committee)[None]
