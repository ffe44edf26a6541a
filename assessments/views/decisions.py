"""Cancelling a decided rating to rate it again (Quy định 124/366: the deciding committee may cancel
a result), from the unit's history page: a page names the unit, the year and the level being
cancelled and asks for the reason; `assessments.removal.cancel_decision` cancels and audits.

Who may: the rating must be in the user's scope and, for committee staff, counted under their own
committee (the one whose grid holds it): anyone else gets a 404. The role and the state of the
committee-year are the policy's (`check_can_edit`): a leader is refused (403); a locked year or a
submitted committee-year shows why, and no form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessments.forms import ReasonForm
from assessments.models import Rating
from assessments.policy import EditRefused, check_can_edit
from assessments.removal import cancel_decision
from organizations.access import reporting_committee, scope_for_request, unit_for_request


class CancelDecisionForm(ReasonForm):
    """The reason, required: the same words as the service's refusal of an empty one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = gettext_lazy(
            "Write the reason for cancelling the decision."
        )


def counted_by_own_committee(user, rating: Rating) -> bool:
    """Provincial users: every rating; committee staff: those counted under their own committee
    (the one whose grid holds them, as `scope_for_request` gives it)."""
    return user.sees_whole_province or rating.committee_id == reporting_committee(user.committee).pk


def refusal(user, rating: Rating) -> str | None:
    """Why `user` may not cancel `rating`'s decision now (None: they may). The role's refusal is
    PermissionDenied, raised."""
    if not rating.is_decided:
        return _("%(unit)s has no decision to cancel.") % {"unit": rating.unit.name}
    try:
        check_can_edit(user=user, committee=rating.committee, year=rating.year)
    except EditRefused as refused:
        return str(refused)
    return None


def may_cancel(user, rating: Rating) -> bool:
    """Whether the history page offers the cancel link: the view would accept it now."""
    if not user.can_edit_ratings or not counted_by_own_committee(user, rating):
        return False
    try:
        return refusal(user, rating) is None
    except PermissionDenied:
        return False


def _rating_for_request(request, year: int, code: str) -> Rating:
    unit = unit_for_request(request, code, history=True)  # 404 outside the history the user reads
    ratings = Rating.objects.for_user(request.user).filter(unit=unit, year=year)
    committee = scope_for_request(request).committee  # committee staff: their own
    if committee is not None:
        ratings = ratings.filter(committee=committee)
    return get_object_or_404(ratings.select_related("unit", "committee", "level"))


@login_required
@require_http_methods(["GET", "POST"])
def cancel_decision_view(request, year, code):
    rating = _rating_for_request(request, year, code)
    refused = refusal(request.user, rating)  # a leader: PermissionDenied (403)
    form = CancelDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and refused is None and form.is_valid():
        level = rating.level.abbreviation if rating.level else _("Not rated")
        try:
            cancel_decision(user=request.user, rating=rating, reason=form.cleaned_data["reason"])
        except EditRefused as error:
            refused = str(error)
        else:
            messages.success(
                request,
                _("The decision %(level)s of %(year)s for %(unit)s was cancelled: the unit is rated again.")
                % {"level": level, "year": year, "unit": rating.unit.name},
            )
            return redirect("assessments:unit-history", rating.unit.code)
    context = {"rating": rating, "unit": rating.unit, "year": year, "form": form, "refused": refused}
    return render(request, "assessments/confirm_cancel_decision.html", context)
