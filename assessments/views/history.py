"""A unit's history, read only: its ratings by year with the commendations "TSVM tiêu biểu" (and
"five years running" where derived), every audited change of its ratings, commendations and member
statistics (their deletions included), of the unit itself (founded, renamed, moved, dissolved,
merged), and the workflow of the committee-years it was rated in (opened, submitted, withdrawn,
approved, returned, locked); a reporting committee's page is also its season history."""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from assessments.models import AuditEntry, MemberStats, Rating, Status, Submission
from assessments.models.commendations import running_in
from organizations.access import unit_for_request
from organizations.models import Kind, PlaceType, Tier, Unit

ACTIONS = {
    "rating.create": gettext_lazy("Rating entered"),
    "rating.update": gettext_lazy("Rating changed"),
    "rating.cancel": gettext_lazy("Decision cancelled, to be rated again"),
    "rating.commend": gettext_lazy("Commended “TSVM tiêu biểu”"),
    "rating.uncommend": gettext_lazy("Commendation “TSVM tiêu biểu” withdrawn"),
    "memberstats.create": gettext_lazy("Member statistics entered"),
    "memberstats.update": gettext_lazy("Member statistics changed"),
    "rating.delete": gettext_lazy("Rating deleted"),
    "memberstats.delete": gettext_lazy("Member statistics deleted"),
    "unit.create": gettext_lazy("Unit founded"),
    "unit.update": gettext_lazy("Unit changed"),
    "unit.move": gettext_lazy("Unit moved"),
    "unit.dissolve": gettext_lazy("Unit dissolved"),
    "unit.merge": gettext_lazy("Another unit merged into this one"),
    "submission.submitted": gettext_lazy("Submitted for approval"),
    "submission.approved": gettext_lazy("Approved"),
    "submission.draft": gettext_lazy("Returned to the committee"),
    "submission.withdrawn": gettext_lazy("Submission withdrawn by the committee"),
    "year.open": gettext_lazy("Season opened"),
    "year.lock": gettext_lazy("Year locked"),
    "year.unlock": gettext_lazy("Year unlocked"),
}
FIELD_MODELS = {"rating": Rating, "memberstats": MemberStats, "submission": Submission, "unit": Unit}
DATE_FIELDS = ("decision_date", "founded", "dissolved", "deadline")
CHOICES = {"status": Status, "tier": Tier, "kind": Kind, "place_type": PlaceType}


def _field_label(action: str, name: str) -> str:
    model = FIELD_MODELS.get(action.partition(".")[0])
    if name == "locked":
        return _("locked")
    if name == "opened":
        return _("opened")
    if name == "deadline":
        return _("deadline")
    if name == "merged_from":
        return _("merged from")
    if name == "commendation":
        return _("commendation")
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (AttributeError, LookupError):
        return name


def _value(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in CHOICES and value in CHOICES[name].values:
        return CHOICES[name](value).label
    if name in DATE_FIELDS:
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return formats.localize(value)


def _changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field label, old, new) of an entry, as text; the template escapes it."""
    return [
        (capfirst(_field_label(entry.action, name)), _value(name, old), _value(name, new))
        for name, (old, new) in entry.changes.items()
    ]


def _counted_in(unit: Unit, ratings) -> set[tuple[int, int]]:
    """(committee, year) of every committee-year the unit was rated in, a deleted rating's too."""
    pairs = {(rating.committee_id, rating.year) for rating in ratings}
    deleted = AuditEntry.objects.filter(unit=unit, action="rating.delete").exclude(committee=None)
    return pairs | set(deleted.values_list("committee_id", "year"))


def _workflow_of(pairs) -> Q:
    """Committee-level entries about the committee-years the unit was counted in."""
    q = Q(pk__in=[])
    for committee_id, year in pairs:
        q |= Q(committee_id=committee_id, year=year, action__startswith="submission.")
        q |= Q(committee=None, year=year, action__startswith="year.")
    return Q(unit=None) & q


def _submissions(ratings) -> dict:
    """The workflow state of each committee-year the unit was rated in, by (committee, year)."""
    pairs = Q(pk__in=[])
    for rating in ratings:
        pairs |= Q(committee_id=rating.committee_id, year=rating.year)
    submissions = Submission.objects.filter(pairs).select_related("approved_by")
    return {(s.committee_id, s.year): s for s in submissions}


def _committee_own(unit: Unit) -> Q:
    """A reporting committee's own season history: its submissions, withdrawals, approvals and
    returns, and the opening and locking of every year it took part in."""
    if not Unit.objects.committees().filter(pk=unit.pk).exists():
        return Q(pk__in=[])
    years = set(Submission.objects.filter(committee=unit).values_list("year", flat=True))
    years |= set(Rating.objects.filter(committee=unit).order_by().values_list("year", flat=True).distinct())
    return Q(unit=None, committee=unit) | Q(
        unit=None, committee=None, year__in=years, action__startswith="year."
    )


@login_required
@require_GET
def unit_history(request, code):
    unit = unit_for_request(request, code, history=True)  # 404 when not in the history the user reads
    ratings = list(unit.ratings.select_related("level", "committee", "commendation").order_by("-year"))
    commended = {rating.year for rating in ratings if hasattr(rating, "commendation")}
    own = _committee_own(unit)
    entries = AuditEntry.objects.filter(Q(unit=unit) | own | _workflow_of(_counted_in(unit, ratings)))
    submissions = _submissions(ratings)
    context = {
        "unit": unit,
        "entries": [
            (entry, ACTIONS.get(entry.action, entry.action), _changes(entry))
            for entry in entries.select_related("user", "committee").order_by("-at", "-pk")
        ],
        "ratings": [(r, submissions.get((r.committee_id, r.year))) for r in ratings],
        "five_years_running": {year for year in commended if running_in(commended, year)},
    }
    return render(request, "assessments/unit_history.html", context)
