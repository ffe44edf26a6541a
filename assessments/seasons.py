"""Reading the rating seasons: which year is open, which is the latest closed one, whether a year
is still in progress and how far its reporting has come. The one home of these questions: the
navigation, the home page, the dashboard, the API and the policy all ask here.

A season is *not opened* until provincial staff open it (`assessments.season.open_season`);
*open* while committees enter, submit and get approved; *closed* once every reporting committee
of the year is approved, or the year is locked. Ratings are decided in the first months of the
year after (January–March): then the working year is the previous one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments import rules
from assessments.models import (
    MemberStats,
    Rating,
    RatingScheme,
    RatingYear,
    Resolution,
    Status,
    Submission,
    Target,
)
from organizations.models import Unit
from reports.cache import remembered

NOT_OPENED, OPEN, CLOSED = "not_opened", "open", "closed"
STATE_LABELS = {NOT_OPENED: _("not opened"), OPEN: _("in progress"), CLOSED: _("closed")}
DECISION_MONTHS = 3  # January–March: the previous year's ratings are decided


def calendar_year(today: datetime.date | None = None) -> int:
    """The year whose ratings are being made on `today`: the previous one in January–March."""
    today = today or timezone.localdate()
    return today.year - 1 if today.month <= DECISION_MONTHS else today.year


def season_of(year: int) -> RatingYear | None:
    return RatingYear.objects.filter(year=year).select_related("opened_by", "locked_by").first()


@remembered("season_states", years=lambda years: ())  # the seasons, submissions, units
def states(years) -> dict[int, str]:
    """The state (NOT_OPENED, OPEN or CLOSED) of each of `years`, in at most three queries: the
    seasons, the approvals of the years open, and the committees of only those years whose
    approvals could close them (counting the committees of a year reads every unit: about 0.2 s a
    year at national scale, for years that nothing approved could close). Kept until a season, a
    submission or a unit is written (`reports.cache`)."""
    years = list(years)
    seasons = {s.year: s for s in RatingYear.objects.filter(year__in=years)}
    opened = sorted(year for year, season in seasons.items() if season.is_opened and not season.is_locked)
    approved = (
        dict(
            Submission.objects.filter(year__in=opened, status=Status.APPROVED)
            .order_by()
            .values("year")
            .annotate(n=Count("pk"))
            .values_list("year", "n")
        )
        if opened
        else {}
    )
    totals = committee_counts([year for year in opened if approved.get(year)])
    result = {}
    for year in years:
        season = seasons.get(year)
        if season is not None and season.is_locked:
            result[year] = CLOSED
        elif season is not None and season.is_opened:
            total = totals.get(year, 0)
            result[year] = CLOSED if total and approved.get(year, 0) >= total else OPEN
        else:
            result[year] = NOT_OPENED
    return result


def committee_counts(years) -> dict[int, int]:
    """{year: the reporting committees that existed in it} (by `active_in`, the one rule of
    "existed that year"), in one query whatever the number of years (none for no year)."""
    years = list(years)
    if not years:
        return {}
    totals = Unit.objects.committees().aggregate(
        **{
            f"y{year}": Count("pk", filter=Exists(Unit.objects.active_in(year).filter(pk=OuterRef("pk"))))
            for year in years
        }
    )
    return {year: totals[f"y{year}"] for year in years}


def season_state(year: int) -> str:
    """NOT_OPENED, OPEN or CLOSED: a locked year, or one whose every reporting committee is
    approved, is closed."""
    return states([year])[year]


def is_in_progress(year: int) -> bool:
    return season_state(year) == OPEN


def _years_with_data() -> set[int]:
    years = set(Rating.objects.order_by().values_list("year", flat=True).distinct())
    return years | set(MemberStats.objects.order_by().values_list("year", flat=True).distinct())


def current_season() -> int | None:
    """The season being worked on: the latest opened year not yet closed, else None."""
    opened = list(
        RatingYear.objects.filter(opened_at__isnull=False, is_locked=False).values_list("year", flat=True)
    )
    by_year = states(opened)
    return max((year for year in opened if by_year[year] == OPEN), default=None)


def working_year(today: datetime.date | None = None) -> int:
    """Where the navigation leads: the open season, else the year being rated by the calendar."""
    return current_season() or calendar_year(today)


def latest_closed(user=None) -> int | None:
    """The latest closed season with data (in `user`'s scope when given)."""
    ratings = Rating.objects.for_user(user) if user is not None else Rating.objects
    years = sorted(set(ratings.order_by().values_list("year", flat=True).distinct()), reverse=True)
    by_year = states(years)
    return next((year for year in years if by_year[year] == CLOSED), None)


def default_year(user) -> int | None:
    """The year the home page, the dashboard and the API show unless asked: the latest closed
    season; only when none is closed, the latest year with data (shown as in progress)."""
    closed = latest_closed(user)
    if closed is not None:
        return closed
    ratings = Rating.objects.for_user(user).order_by("-year")
    return ratings.values_list("year", flat=True).first()


def listed_years(today: datetime.date | None = None) -> list[int]:
    """Every year from the first with data (or with a season) to the working one (the open
    season, or the year being rated by the calendar, whichever is later: the next season to open
    is always listed), newest first."""
    known = _years_with_data() | set(RatingYear.objects.values_list("year", flat=True))
    last = max([calendar_year(today), *known])
    first = min(known, default=last)
    return list(range(last, first - 1, -1))


@dataclass(frozen=True)
class Reporting:
    """How far a year's reporting has come: units recorded of the units to rate."""

    year: int
    state: str
    reported: int
    total: int

    @property
    def in_progress(self) -> bool:
        return self.state != CLOSED

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    def as_json(self) -> dict:
        """The API's `season`: its state ("open", "closed", or "not_opened" for a year no season
        was opened for), the units reported and to report."""
        return {"state": self.state, "reported": self.reported, "total": self.total}


def reporting_of(years, committee: Unit | None = None, states_by_year: dict | None = None) -> dict:
    """{year: Reporting} for each of `years` (in `committee` when given): the units recorded (a
    decided rating or "not rated") and the units to rate (`Unit.objects.to_rate`) of the year:
    the one count of the dashboard, the API, home and the season status page. Read from the
    reports' summaries (`reports.summary.reporting_counts`, recounted when anything they count
    changed): one query for every year, instead of two counts over every unit per year.
    `states_by_year` when already read (`states`)."""
    from reports.summary import reporting_counts  # (reports build on this app: imported when used)

    years = sorted(set(years))
    known = states_by_year if states_by_year is not None else states(years)
    return {
        year: Reporting(year=year, state=known[year], reported=reported, total=total)
        for year, (reported, total) in reporting_counts(years, committee).items()
    }


def reporting(year: int, committee: Unit | None = None, state: str | None = None) -> Reporting:
    """The reporting rate of `year` (`reporting_of`); `state` when already read."""
    return reporting_of([year], committee, {year: state} if state else None)[year]


def _count(queryset):
    """A correlated COUNT of `queryset` (filtered on committee=OuterRef) per committee row."""
    counted = queryset.order_by().values("committee").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def committee_progress(year: int, committees) -> list:
    """The committees of `committees` (a queryset), each with its counts for the year: `to_rate`,
    `rated`, `pending`, `bases`, `with_stats`, `rule_warnings` (grassroots organizations breaking
    a cross-unit rule) and its `submission`. A fixed handful of queries in all."""
    to_rate = Unit.objects.to_rate(year).filter(year_committee_id=OuterRef("pk"))
    bases = Unit.objects.to_rate(year, tiers=MemberStats.TIERS).filter(year_committee_id=OuterRef("pk"))
    rows = list(
        committees.annotate(
            to_rate=_count(to_rate),
            rated=_count(to_rate.recorded_in(year)),
            bases=_count(bases),
            with_stats=_count(bases.recorded_in(year, MemberStats)),
        )
    )
    warned = rules.count_by_committee(rules.findings(year, committee_ids=[c.pk for c in rows]))
    submissions = Submission.objects.filter(year=year, committee__in=[c.pk for c in rows])
    by_committee = {s.committee_id: s for s in submissions.select_related("submitted_by", "approved_by")}
    for committee in rows:
        committee.rule_warnings = warned.get(committee.pk, 0)
        committee.pending = committee.to_rate - committee.rated
        committee.submission = by_committee.get(committee.pk) or Submission(committee=committee, year=year)
    return rows


@dataclass(frozen=True)
class Overview:
    """What a year's season stands on: its state and row, the scheme in force (named by its
    regulation), the resolution and the targets that apply, or none."""

    year: int
    state: str
    season: RatingYear | None
    scheme: RatingScheme | None
    resolution: Resolution | None
    targets: list

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def overview(year: int) -> Overview:
    return Overview(
        year=year,
        state=season_state(year),
        season=season_of(year),
        scheme=RatingScheme.objects.in_force(year),
        resolution=Resolution.objects.in_force(year),
        targets=list(Target.objects.applying_to(year).select_related("resolution")),
    )
