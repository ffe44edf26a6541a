"""Fresh summaries of a year's ratings, pending units and member statistics (`reports.models`).

`rating_counts(year)` and `member_counts(first, last)` are what the engine and the honesty figures
read: QuerySets of summary rows, recounted first for every year whose stamps moved since it was
counted (one query to check them all; a recount is a fixed handful of INSERT … SELECT statements,
whatever the size). The grouped queries that fill the summaries are the same rules the live
figures would use (`Unit.objects.to_rate(…).pending_in(…)` for pending units, `Rating.RECORDED`).

Concurrency: a recount holds its year's `YearSummary` row locked, and records the stamps it read
*before* counting, so a write committed meanwhile leaves the summary marked behind (recounted by
the next reader), never a summary marked fresher than what it counted.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from assessments.models import MEMBER_FIELDS, MemberStats, Rating
from organizations.models import Unit
from reports.models import UNITS_STAMP, MemberCount, RatingCount, SummaryStamp, YearSummary

RATING_FIELDS = ("committee_id", "place_type", "tier", "level_id", "self_level_id", "not_rated")
# The summary rows of units recorded (`Rating.RECORDED`: a decided rating, or "not rated") and of
# units still pending: the reporting rate of a year.
RECORDED = Q(pending=False) & (Q(level__isnull=False) | Q(not_rated=True))
REPORTING = {
    "reported": Sum("n", filter=RECORDED, default=0),
    "pending": Sum("n", filter=Q(pending=True), default=0),
}


def _stamp(year):
    return Coalesce(Subquery(SummaryStamp.objects.filter(year=year).values("version")[:1]), Value(0))


def ensure_fresh(years) -> None:
    """Recount the summary of each of `years` whose stamps moved (one query when none did)."""
    years = sorted(set(years))
    if not years:
        return
    fresh = set(
        YearSummary.objects.filter(year__in=years)
        .annotate(now=_stamp(OuterRef("year")), units_now=_stamp(UNITS_STAMP))
        .filter(data_version=F("now"), units_version=F("units_now"))
        .values_list("year", flat=True)
    )
    for year in years:
        if year not in fresh:
            recount(year)


def recount(year: int) -> None:
    with transaction.atomic():
        YearSummary.objects.bulk_create([YearSummary(year=year)], ignore_conflicts=True)
        summary = YearSummary.objects.select_for_update().get(year=year)
        stamps = SummaryStamp.objects.filter(year__in=[year, UNITS_STAMP])
        stamps = dict(stamps.values_list("year", "version"))
        data, units = stamps.get(year, 0), stamps.get(UNITS_STAMP, 0)
        if (summary.data_version, summary.units_version) == (data, units):
            return  # recounted by another reader while this one waited for the lock
        RatingCount.objects.filter(year=year).delete()
        MemberCount.objects.filter(year=year).delete()
        ratings = Rating.objects.filter(year=year).values(*RATING_FIELDS).annotate(n=Count("id")).order_by()
        _insert(RatingCount, year, ratings, [*RATING_FIELDS, "n"], pending=False)
        pending = (  # the units to rate (Unit.objects.to_rate) still pending, by where they sat
            Unit.objects.pending_in(year)
            .year_places(year)
            .values("committee_id", "place_type", "tier")
            .annotate(n=Count("id"))
            .order_by()
        )
        _insert(
            RatingCount,
            year,
            pending,
            ["committee_id", "place_type", "tier", "n"],
            pending=True,
            not_rated=False,
        )
        members = (
            MemberStats.objects.filter(year=year)
            .values("committee_id", kind=F("unit__place_type"))
            .annotate(**{f"sum_{name}": Sum(name) for name in MEMBER_FIELDS})
            .order_by()
        )
        _insert(
            MemberCount,
            year,
            members,
            ["committee_id", "place_type", *MEMBER_FIELDS],
            source=["committee_id", "kind", *(f"sum_{name}" for name in MEMBER_FIELDS)],
        )
        rate = RatingCount.objects.filter(year=year).aggregate(**REPORTING)
        YearSummary.objects.filter(year=year).update(
            data_version=data,
            units_version=units,
            reported=rate["reported"],
            to_rate=rate["reported"] + rate["pending"],
        )


def _insert(model, year: int, queryset, columns: list[str], source=None, **constants) -> None:
    """INSERT INTO model (year, columns, constants) SELECT year, <queryset's columns>, constants."""
    quote = connection.ops.quote_name
    sql, params = queryset.query.sql_with_params()
    names = [model._meta.get_field(c.removesuffix("_id")).column if c.endswith("_id") else c for c in columns]
    selected = ", ".join(f"grouped.{quote(name)}" for name in (source or columns))
    targets = ", ".join(map(quote, ["year", *names, *constants]))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({targets}) "
            f"SELECT %s, {selected}{', %s' * len(constants)} FROM ({sql}) grouped",
            [year, *constants.values(), *params],
        )


def fetch(queryset) -> list[tuple]:
    """The rows of a grouped queryset as plain tuples, in the order of its values() then its
    annotations, unordered (a model's default ordering would join or group by more): a national
    report folds thousands of them, so Django's per-row conversion into dicts is skipped."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def rating_counts(year: int, committee: Unit | None = None):
    """The year's summary rows of ratings (`pending=False`) and pending units (`pending=True`)."""
    ensure_fresh([year])
    rows = RatingCount.objects.filter(year=year)
    return rows if committee is None else rows.filter(committee=committee)


def member_counts(first_year: int, last_year: int, committee: Unit | None = None):
    ensure_fresh(range(first_year, last_year + 1))
    rows = MemberCount.objects.filter(year__gte=first_year, year__lte=last_year)
    return rows if committee is None else rows.filter(committee=committee)


def reporting_counts(years, committee: Unit | None = None) -> dict[int, tuple[int, int]]:
    """{year: (units recorded, units to rate)} for each of `years` (in `committee`), from the
    summaries: the units' own rules (`Rating.RECORDED`, `Unit.objects.to_rate`), counted when the
    year's summary is. One query whatever the number of years: the years' summaries for the whole
    province, a committee's own summary rows otherwise."""
    years = sorted(set(years))
    if not years:
        return {}  # (an empty IN () cannot be written as SQL)
    ensure_fresh(years)
    if committee is None:
        counts = {
            year: (reported, to_rate)
            for year, reported, to_rate in YearSummary.objects.filter(year__in=years).values_list(
                "year", "reported", "to_rate"
            )
        }
    else:
        rows = RatingCount.objects.filter(year__in=years, committee=committee).values("year")
        counts = {
            year: (reported, reported + pending)
            for year, reported, pending in fetch(rows.annotate(**REPORTING))
        }
    return {year: counts.get(year, (0, 0)) for year in years}


def member_aggregates(year: int, term) -> dict:
    """The sums of a year's member statistics, and the admissions over the term so far (`term`:
    the term's admissions target, or None): one home for the as-counted and restated reports."""
    in_year = Q(year=year)
    aggregates = {f"sum_{name}": Sum(name, filter=in_year, default=0) for name in MEMBER_FIELDS}
    term_years = in_year
    if term:
        term_years = Q(year__gte=term.start_year, year__lte=min(year, term.end_year or year))
    aggregates["sum_term_admitted"] = Sum("admitted", filter=term_years, default=0)
    return aggregates
