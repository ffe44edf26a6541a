"""The season the navigation leads to (`assessments.seasons.working_year`): the open season, else
the year being rated by the calendar (the previous one in January–March).

Every page's navigation asks for it, and working it out counts the committees of each open year
over the whole tree (a few tens of milliseconds a page). The answer changes only when what
`seasons.states` reads changes: the opened, unlocked seasons, their approved submissions, the
units (whose every write bumps the summaries' units stamp, `reports.models.SummaryStamp`, by
trigger, whatever writes) — and the calendar. So the tag keeps its last answer in the process,
under a fingerprint of those read in one small query, and works the year out again only when the
fingerprint moves; within one request it reads the fingerprint once.
"""

from django import template
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from assessments import seasons
from assessments.models import RatingYear, Status, Submission
from reports.models import UNITS_STAMP, SummaryStamp

register = template.Library()

_last: tuple[tuple, int] | None = None  # (fingerprint, working year)


def fingerprint() -> tuple:
    """What the working year depends on, in one query."""
    approved = (
        Submission.objects.filter(year=OuterRef("year"), status=Status.APPROVED)
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    units = SummaryStamp.objects.filter(year=UNITS_STAMP).values("version")[:1]
    open_years = (
        RatingYear.objects.filter(opened_at__isnull=False, is_locked=False)
        .annotate(
            approved=Coalesce(Subquery(approved), Value(0), output_field=IntegerField()),
            units=Subquery(units),
        )
        .order_by("year")
        .values_list("year", "opened_at", "approved", "units")
    )
    return (seasons.calendar_year(), tuple(open_years))


def cached_working_year() -> int:
    global _last
    key = fingerprint()
    if _last is None or _last[0] != key:
        _last = (key, seasons.working_year())
    return _last[1]


@register.simple_tag(takes_context=True)
def working_year(context) -> int:
    request = context.get("request")
    if request is None:
        return cached_working_year()
    if not hasattr(request, "working_year"):
        request.working_year = cached_working_year()
    return request.working_year
