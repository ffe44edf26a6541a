"""The rating season: a committee submits its ratings, the provincial staff approve or return
them, and lock the year once it is final. The services decide and audit; these views only pick
the committee and year, call them and say what happened."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from assessments import rules
from assessments.forms import ReasonForm
from assessments.models import MemberStats, Rating, RatingYear, Submission
from assessments.policy import EditRefused
from assessments.season import approve, return_to_draft, set_year_lock, submit
from organizations.access import Scope, committee_for_request
from organizations.models import Unit


def _count(queryset):
    """A correlated COUNT of `queryset` (filtered on committee=OuterRef) per committee row."""
    counted = queryset.order_by().values("committee").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def _season_rows(user, year: int):
    """Per committee in scope: its counts for the year, its grassroots organizations breaking a
    cross-unit rule, and its submission. A fixed handful of queries in all."""
    to_rate = Unit.objects.to_rate(year).filter(committee=OuterRef("pk"))
    bases = Unit.objects.to_rate(year, tiers=MemberStats.TIERS).filter(committee=OuterRef("pk"))
    committees = list(
        Scope(user=user)
        .committees()
        .annotate(
            to_rate=_count(to_rate),
            rated=_count(to_rate.recorded_in(year)),
            bases=_count(bases),
            with_stats=_count(bases.recorded_in(year, MemberStats)),
        )
    )
    warned = rules.count_by_committee(rules.findings(year, committee_ids=[c.pk for c in committees]))
    for committee in committees:
        committee.rule_warnings = warned.get(committee.pk, 0)
    submissions = Submission.objects.filter(year=year, committee__in=[c.pk for c in committees])
    by_committee = {s.committee_id: s for s in submissions.select_related("submitted_by", "approved_by")}
    return [(c, by_committee.get(c.pk) or Submission(committee=c, year=year)) for c in committees]


@login_required
@require_GET
def season_status(request, year):
    context = {
        "year": year,
        "rows": _season_rows(request.user, year),
        "year_state": RatingYear.objects.filter(year=year).select_related("locked_by").first(),
        "can_decide": request.user.role == Role.PROVINCE_STAFF,
    }
    return render(request, "assessments/season_status.html", context)


def _back(request, year: int, committee: Unit) -> str:
    """Where to go after an action: the page it was made from, else the committee's rating grid."""
    target = request.POST.get("next", "")
    # A path of this site only: `redirect` would take any other word for a view name (and fail).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return f"{reverse('assessments:rating-grid', args=[year])}?{urlencode({'committee': committee.code})}"


def _act(request, action, success: str):
    """Run a service call; a refusal (locked year, wrong state) becomes an error message."""
    try:
        action()
    except EditRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, success)


def _reason(request) -> str:
    """The posted reason; empty lets the service refuse with its own message (after its role check)."""
    form = ReasonForm(request.POST)
    if form.is_valid() or form.has_error("reason", "required"):
        return form.cleaned_data.get("reason", "")
    raise EditRefused(" ".join(form.errors["reason"]))


def _committee_action(request, year, service, success: str):
    committee = committee_for_request(request)
    names = {"committee": committee.name, "year": year}
    _act(request, lambda: service(user=request.user, committee=committee, year=year), success % names)
    return HttpResponseRedirect(_back(request, year, committee))


@login_required
@require_POST
def submit_view(request, year):
    return _committee_action(
        request, year, submit, _("The ratings of %(committee)s for %(year)s were submitted for approval.")
    )


@login_required
@require_POST
def approve_view(request, year):
    return _committee_action(
        request, year, approve, _("The ratings of %(committee)s for %(year)s were approved.")
    )


@login_required
@require_POST
def return_view(request, year):
    def service(**kwargs):
        return return_to_draft(reason=_reason(request), **kwargs)

    return _committee_action(
        request, year, service, _("The ratings of %(committee)s for %(year)s were returned to the committee.")
    )


def _rows_of_years(current: int):
    per_year = Rating.objects.order_by().values("year").annotate(n=Count("pk"))
    counts = {row["year"]: row["n"] for row in per_year}
    states = {y.year: y for y in RatingYear.objects.select_related("locked_by")}
    years = sorted({current, *counts, *states}, reverse=True)
    return [(year, counts.get(year, 0), states.get(year)) for year in years]


@login_required
@require_GET
def years(request):
    if not request.user.sees_whole_province:
        raise Http404
    context = {
        "rows": _rows_of_years(timezone.localdate().year),
        "can_lock": request.user.role == Role.PROVINCE_STAFF,
    }
    return render(request, "assessments/years.html", context)


@login_required
@require_POST
def lock_view(request, year):
    _act(
        request,
        lambda: set_year_lock(user=request.user, year=year, locked=True),
        _("Year %(year)s is locked: nobody can change its data.") % {"year": year},
    )
    return redirect("assessments:years")


@login_required
@require_POST
def unlock_view(request, year):
    def unlock():
        set_year_lock(user=request.user, year=year, locked=False, reason=_reason(request))

    _act(request, unlock, _("Year %(year)s is open again.") % {"year": year})
    return redirect("assessments:years")
