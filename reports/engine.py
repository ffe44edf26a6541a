"""The report engine: one year, the whole province or one committee, against the targets.

Everything is computed from a fixed handful of aggregate queries (levels, rating counts,
units still pending, member sums, targets), whatever the number of units, so the same
function serves the command, the dashboard and the API. The counts are read from the year's
summaries (`reports.summary`, recounted when anything they count changed), so a national report
reads thousands of rows, not millions. The figures themselves (and their JSON form) are in
`reports.figures`.

Denominators: a unit "in scope" for a year is every grassroots organization or cell that
has a rating row for that year (rated or explicitly not rated) plus every unit that
existed that year and has no row yet ("pending"). Level percentages and the all-units
targets divide by that total; "rated" excludes the not-rated and the pending.
"""

from __future__ import annotations

import math

from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _

from assessments.models import (
    MEMBER_LEVEL_FIELDS,
    Commendation,
    CountedAs,
    Metric,
    RatingLevel,
    RatingScheme,
    Target,
)
from assessments.models.targets import counted_levels, describe_mapping
from organizations.models import Tier, Unit
from reports import honesty, restated, summary
from reports.cache import remembered
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


# The field each grouping reads: ratings keep the committee and the type of place they were
# counted under that year; pending units and member rows, their unit's.
GROUPINGS = {None: None, "committee": "committee_id", "place_type": "place_type"}


def _level_specs(levels: list[RatingLevel], groups: dict[int, set[str]]) -> list[dict]:
    """Each level's fields of a `LevelCount`, worked out once a report set: a national one makes
    two summaries for each of 700 committees (reading each level's key and groups every time took
    100 ms)."""
    return [
        {
            "code": lv.code,
            "label": lv.name,
            "abbreviation": lv.abbreviation,
            "rank": lv.rank,
            "is_clean_strong": CountedAs.CLEAN_STRONG in groups.get(lv.pk, ()),
            "is_exemplary": CountedAs.EXEMPLARY in groups.get(lv.pk, ()),
        }
        for lv in levels
    ]


def _new_summary(tier: str, specs: list[dict], by_commendation: bool = False) -> TierSummary:
    return TierSummary(
        tier=tier,
        commended=0 if by_commendation else None,
        levels=[LevelCount(**spec) for spec in specs],
    )


class SummaryCounts:
    """The counts a report is made of, read from the year's summaries (`reports.summary`): one
    grouped query per grouping for ratings and pending units, one for member sums. A restated
    view (`reports.restated`) offers the same two methods over the ratings themselves."""

    def __init__(self, year: int, committee: Unit | None = None):
        self.year, self.committee = year, committee

    def ratings(self, field: str | None) -> list[tuple]:
        """[(group key, tier, level id, not rated, pending, count)]."""
        rows = summary.rating_counts(self.year, self.committee)
        keys = {"k": F(field)} if field else {}
        grouped = rows.values(**keys, t=F("tier"), lv=F("level_id"), nr=F("not_rated"), p=F("pending"))
        grouped = summary.fetch(grouped.annotate(count=Sum("n")).order_by())
        return grouped if field else [(None, *row) for row in grouped]

    def members(self, field: str | None, term: Target | None) -> list[tuple]:
        """[(group key, the sums of MEMBER_FIELDS for the year, admissions over the term so far)]."""
        year = self.year
        first_year = min(year, term.start_year) if term else year
        stats = summary.member_counts(first_year, year, self.committee)
        aggregates = summary.member_aggregates(year, term)
        if field is None:
            return [(None, *stats.aggregate(**aggregates).values())]
        return summary.fetch(stats.values(k=F(field)).annotate(**aggregates).order_by())


def _tier_summaries(counts, levels: list[RatingLevel], counted: dict, groups: tuple, by_commendation: bool):
    """{grouping: {group key: {tier: TierSummary}}} for every grouping asked for: ratings decided
    or not rated, units pending (one query per grouping); the organizations commended, when the
    resolution counts them as exemplary (one query more, for every grouping)."""
    result: dict = {}
    tiers = (Tier.BASE, Tier.CELL)
    by_level_id = {lv.pk: index for index, lv in enumerate(levels)}
    specs = _level_specs(levels, counted)
    for g in groups:
        by_key = result[g] = {}
        for key, tier, level_id, not_rated, pending, n in counts.ratings(GROUPINGS[g]):
            by_tier = by_key.get(key)
            if by_tier is None:
                by_tier = by_key[key] = {t: _new_summary(t, specs, by_commendation) for t in tiers}
            tier_summary = by_tier[tier]
            if pending:
                tier_summary.pending += n
            elif not_rated:
                tier_summary.not_rated += n
            elif level_id is not None:
                tier_summary.levels[by_level_id[level_id]].count += n
            # else: self-assessed or appraised, not decided yet: its unit is among the pending rows
    if by_commendation:
        for committee_id, place_type, n in _commended(counts):
            keys = {None: None, "committee": committee_id, "place_type": place_type}
            for g in groups:
                by_tier = result[g].get(keys[g])
                if by_tier is None:
                    by_tier = result[g][keys[g]] = {t: _new_summary(t, specs, True) for t in tiers}
                by_tier[Tier.BASE].commended += n
    for by_key in result.values():
        for by_tier in by_key.values():
            for tier_summary in by_tier.values():
                total = tier_summary.total
                for level in tier_summary.levels:
                    level.percent = percent(level.count, total)
    return result


def _commended(counts) -> list[tuple]:
    """[(committee id, type of place, count)] of the year's commended organizations in scope, the
    committee as the counts attribute the ratings (as counted that year, or restated): one query
    whatever the groupings."""
    rows = Commendation.objects.counted_in(counts.year)
    if isinstance(counts, restated.RestatedCounts):
        rows = rows.annotate(c=counts.structure.committee("rating__unit_id", "rating__unit__committee_id"))
    else:
        rows = rows.annotate(c=F("rating__committee_id"))
    if counts.committee is not None:
        rows = rows.filter(c=counts.committee.pk)
    return summary.fetch(rows.values("c", p=F("rating__place_type")).annotate(n=Count("id")).order_by())


def _mapping(resolution, counted: dict, levels: list[RatingLevel]) -> str:
    """What the resolution counts, in words; "tiêu biểu" as the commendation when it says so."""
    if resolution is None:
        return ""
    mapping = describe_mapping(resolution, counted, levels)
    if resolution.exemplary_by_commendation:
        mapping += "; " + _("exemplary = commended “TSVM tiêu biểu”")
    return mapping


def _members_and_admissions(counts, term: Target | None, groups: tuple):
    """{grouping: {group key: (MemberSummary, Admissions)}} (one query per grouping)."""
    result: dict = {}
    for g in groups:
        by_key = result[g] = {}
        for key, total, *levels, admitted, term_admitted in counts.members(GROUPINGS[g], term):
            members, admissions = by_key.setdefault(key, (MemberSummary(), Admissions()))
            members.total += total
            for name, n in zip(MEMBER_LEVEL_FIELDS, levels, strict=True):
                setattr(members, name, getattr(members, name) + n)
            admissions.in_year += admitted
            if term:
                admissions.term_to_date += term_admitted
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


@remembered("report_set", years=lambda year, *args, **kwargs: [year])
def build_report_set(
    year: int, committee: Unit | None = None, *, groups: tuple = (None,), structure_of=None
) -> dict:
    """{grouping: {group key: QualityReport}} for each grouping asked for (None: the whole scope,
    under the key None; "committee": by committee id; "place_type": by type of place), all from the
    same fixed handful of queries. `structure_of` (a date): the restated view, each rating counted
    under the unit and committee carrying its history on that date (`reports.restated`)."""
    if structure_of is None:
        counts = SummaryCounts(year, committee)
    else:
        counts = restated.RestatedCounts(year, structure_of, committee)
    scheme, levels = _levels_for_year(year)
    resolution, counted = counted_levels(year)
    by_commendation = bool(resolution and resolution.exemplary_by_commendation)
    if by_commendation:  # its exemplary figures are the commended organizations, no level
        counted = {pk: kinds - {CountedAs.EXEMPLARY} for pk, kinds in counted.items()}
    summaries = _tier_summaries(counts, levels, counted, groups, by_commendation)
    specs = _level_specs(levels, counted)
    mapping = _mapping(resolution, counted, levels)
    targets = list(Target.objects.applying_to(year))
    term = next((t for t in targets if t.metric == Metric.ADMISSIONS_TERM), None)
    members = _members_and_admissions(counts, term, groups)
    result = {}
    for group in groups:
        keys = set(summaries[group]) | set(members[group]) | ({None} if group is None else set())
        reports = result[group] = {}
        for key in keys:
            by_tier = summaries[group].get(key) or {
                t: _new_summary(t, specs, by_commendation) for t in (Tier.BASE, Tier.CELL)
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
                mapping=mapping,
                base=base,
                cells=cells,
                members=member_summary,
                admissions=admissions,
                targets=[
                    _evaluate(year, t, base, cells, member_summary, admissions, whole_province)
                    for t in targets
                ],
                structure_of=structure_of,
            )
    return result


def build_reports(
    year: int, committee: Unit | None = None, *, group: str | None = None, structure_of=None
) -> dict:
    return build_report_set(year, committee, groups=(group,), structure_of=structure_of)[group]


def build_report(year: int, committee: Unit | None = None, *, structure_of=None) -> QualityReport:
    return build_reports(year, committee, structure_of=structure_of)[None]


def report_document(report: QualityReport) -> dict:
    """The JSON document of a report, as `quality_report --format json` prints it and the API
    answers: the figures, and whether the ratings look honest (`reports.honesty`)."""
    return {**report.as_dict(), "honesty": honesty.as_dict(report.year, report.committee)}
