"""The rating season: provincial staff open it, a committee submits its ratings (or withdraws
them), the provincial staff approve or return them, and lock the year once it is final. Submitting
with units left, approving and locking first show what they change, with the numbers, and ask
again. The services decide and audit; these views only pick the committee and year, call them
and say what happened."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import seasons
from assessments.forms import ReasonForm
from assessments.models import RatingYear, Status
from assessments.policy import EditRefused, is_future
from assessments.season import (
    approve,
    can_open,
    check_can_open,
    open_season,
    return_to_draft,
    set_year_lock,
    submit,
    withdraw,
)
from assessments.season_forms import SeasonForm
from organizations.access import Scope, committee_for_request, province_staff_only
from organizations.models import Unit


def _season_rows(user, year: int):
    """Per committee in scope that existed in the year: its counts and its submission
    (`seasons.committee_progress`)."""
    committees = Scope(user=user).committees().active_in(year)
    return [(c, c.submission) for c in seasons.committee_progress(year, committees)]


@login_required
@require_GET
def season_status(request, year):
    rows = _season_rows(request.user, year)
    context = {
        "year": year,
        "rows": rows,
        "season": seasons.overview(year),
        "year_state": seasons.season_of(year),
        "reporting": seasons.reporting(year, None if request.user.sees_whole_province else rows[0][0])
        if rows
        else None,
        # Nothing can be decided in a year not begun (no season to open, nothing to approve).
        "can_decide": request.user.is_province_staff and not is_future(year),
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


def _confirm(request, year, committee, action: str, **extra):
    """The page that says what an action changes, with the numbers, and asks again."""
    progress = seasons.committee_progress(year, Unit.objects.filter(pk=committee.pk))[0]
    context = {"year": year, "committee": progress, "action": action, "next": request.POST.get("next", "")}
    return render(request, "assessments/confirm_action.html", context | extra)


def _confirmed(request) -> bool:
    return request.POST.get("confirmed") == "yes"


@login_required
@require_POST
def submit_view(request, year):
    committee = committee_for_request(request)
    pending = Unit.objects.to_rate(year, committee=committee).pending_in(year).count()
    if pending and not _confirmed(request):
        return _confirm(request, year, committee, "submit")
    return _committee_action(
        request,
        year,
        submit,
        _(
            "The ratings of %(committee)s for %(year)s were submitted for approval: they cannot be "
            "changed now unless you withdraw them (until they are approved)."
        ),
    )


@login_required
@require_POST
def withdraw_view(request, year):
    return _committee_action(
        request,
        year,
        withdraw,
        _("The submission of %(committee)s for %(year)s was withdrawn: the ratings are a draft again."),
    )


@login_required
@require_POST
def approve_view(request, year):
    committee = committee_for_request(request)
    if not _confirmed(request):
        request.user.check_province_staff()
        return _confirm(request, year, committee, "approve")
    return _committee_action(
        request,
        year,
        approve,
        _("The ratings of %(committee)s for %(year)s were approved: they now count as final."),
    )


@login_required
@require_POST
def return_view(request, year):
    def service(**kwargs):
        return return_to_draft(reason=_reason(request), **kwargs)

    return _committee_action(
        request, year, service, _("The ratings of %(committee)s for %(year)s were returned to the committee.")
    )


def _rows_of_years():
    """Every year from the first with data to the working season, newest first, with its state."""
    listed = seasons.listed_years()
    rows = {
        y.year: y for y in RatingYear.objects.filter(year__in=listed).select_related("locked_by", "opened_by")
    }
    by_year = seasons.states(listed)
    # The units reported, as the season status page counts them (a row only self-assessed is not).
    reporting = seasons.reporting_of(listed, states_by_year=by_year)
    return [
        (year, reporting[year].reported, rows.get(year), by_year[year], can_open(year, rows.get(year)))
        for year in listed
    ]


@login_required
@require_GET
def years(request):
    if not request.user.sees_whole_province:
        raise Http404
    context = {
        "rows": _rows_of_years(),
        "can_lock": request.user.is_province_staff,
    }
    return render(request, "assessments/years.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def open_view(request, year):
    """Open a season: what it stands on (scheme, resolution, targets), its deadline, then open."""
    province_staff_only(request)
    try:
        check_can_open(year)  # a year the service refuses whatever is posted: say so, no form
    except EditRefused as refused:
        messages.error(request, str(refused))
        return redirect("assessments:years")
    form = SeasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            open_season(user=request.user, year=year, deadline=form.cleaned_data["deadline"])
        except EditRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _(
                    "The rating season of %(year)s is open: the committees can now enter and submit "
                    "its ratings."
                )
                % {"year": year},
            )
            return redirect("assessments:season-status", year)
    context = {"year": year, "season": seasons.overview(year), "form": form}
    return render(request, "assessments/open_season.html", context)


@login_required
@require_POST
def lock_view(request, year):
    request.user.check_province_staff()
    if not _confirmed(request):
        not_approved = [
            c
            for c in seasons.committee_progress(
                year, Unit.objects.committees().active_in(year).order_by("code")
            )
            if c.submission.status != Status.APPROVED
        ]
        return render(request, "assessments/confirm_lock.html", {"year": year, "not_approved": not_approved})
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
