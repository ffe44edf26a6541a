"""The report engine: one year, the whole province or one committee, against the targets.

Everything is computed from a fixed handful of aggregate queries (levels, rating counts,
units still pending, member sums, targets), whatever the number of units, so the same
function serves the command, the dashboard and the API. The figures themselves (and their
JSON form) are in `reports.figures`.

Denominators: a unit "in scope" for a year is every grassroots organization or cell that
has a rating row for that year (rated or explicitly not rated) plus every unit that
existed that year and has no row yet ("pending"). Level percentages and the all-units
targets divide by that total; "rated" excludes the not-rated and the pending.
"""

from __future__ import annotations

import math

from django.db.models import Count, Q, Sum

from assessments.models import (
    MEMBER_FIELDS,
    MEMBER_LEVEL_FIELDS,
    CountedAs,
    MemberStats,
    Metric,
    Rating,
    RatingLevel,
    RatingScheme,
    Target,
)
from assessments.models.targets import counted_levels, describe_mapping
from organizations.models import Tier, Unit
from reports import honesty
from reports.figures import (
    Admissions,
    LevelCount,
    MemberSummary,
    QualityReport,
    TargetResult,
    TierSummary,
    percent,
    units_required,
)


def _levels_for_year(year: int) -> tuple[RatingScheme | None, list[RatingLevel]]:
    # One query: every level of every scheme in force up to `year`, newest scheme first.
    levels = list(
        RatingLevel.objects.select_related("scheme")
        .filter(scheme__valid_from__lte=year)
        .order_by("-scheme__valid_from", "rank")
    )
    if not levels:
        return None, []
    scheme = levels[0].scheme
    return scheme, [level for level in levels if level.scheme_id == scheme.pk]


# How each grouping reads on each table: ratings keep the committee and the type of place they
# were counted under that year; member rows keep the committee.
GROUPINGS = {
    None: {"ratings": None, "pending": None, "members": None},
    "committee": {"ratings": "committee_id", "pending": "committee_id", "members": "committee_id"},
    "place_type": {"ratings": "place_type", "pending": "place_type", "members": "unit__place_type"},
}


def _new_summary(tier: str, levels: list[RatingLevel], groups: dict[int, set[str]]) -> TierSummary:
    return TierSummary(
        tier=tier,
        levels=[
            LevelCount(
                code=lv.code,
                label=lv.name,
                abbreviation=lv.abbreviation,
                rank=lv.rank,
                is_clean_strong=CountedAs.CLEAN_STRONG in groups.get(lv.pk, ()),
                is_exemplary=CountedAs.EXEMPLARY in groups.get(lv.pk, ()),
            )
            for lv in levels
        ],
    )


def _group_fields(groups, table: str) -> list[str]:
    return sorted({GROUPINGS[g][table] for g in groups if GROUPINGS[g][table]})


def _tier_summaries(
    year: int, committee: Unit | None, levels: list[RatingLevel], counted: dict, groups: tuple
):
    """{grouping: {group key: {tier: TierSummary}}} for every grouping asked for, from one query on
    ratings and one on pending units grouped by all their fields at once, folded here."""
    result: dict = {g: {} for g in groups}

    def summaries_for(row, table):
        for g in groups:
            field = GROUPINGS[g][table]
            key = row[field] if field else None
            by_tier = result[g].setdefault(
                key, {t: _new_summary(t, levels, counted) for t in (Tier.BASE, Tier.CELL)}
            )
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
            elif row["level_id"] is None:
                continue  # self-assessed or appraised, not decided yet: counted as pending below
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
    scheme, levels = _levels_for_year(year)
    resolution, counted = counted_levels(year)
    summaries = _tier_summaries(year, committee, levels, counted, groups)
    targets = list(Target.objects.applying_to(year))
    term = next((t for t in targets if t.metric == Metric.ADMISSIONS_TERM), None)
    members = _members_and_admissions(year, committee, term, groups)
    result = {}
    for group in groups:
        keys = set(summaries[group]) | set(members[group]) | ({None} if group is None else set())
        reports = result[group] = {}
        for key in keys:
            by_tier = summaries[group].get(key) or {
                t: _new_summary(t, levels, counted) for t in (Tier.BASE, Tier.CELL)
            }
            member_summary, admissions = members[group].get(key) or (MemberSummary(), Admissions())
            if term:
                admissions.term_start, admissions.term_end = term.start_year, term.end_year
            base, cells = by_tier[Tier.BASE], by_tier[Tier.CELL]
            whole_province = committee is None and group is None
            reports[key] = QualityReport(
                year=year,
                committee=committee,
                scheme=scheme,
                resolution=resolution,
                mapping=describe_mapping(resolution, counted, levels) if resolution else "",
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


def report_document(report: QualityReport) -> dict:
    """The JSON document of a report, as `quality_report --format json` prints it and the API
    answers: the figures, and whether the ratings look honest (`reports.honesty`)."""
    return {**report.as_dict(), "honesty": honesty.as_dict(report.year, report.committee)}
