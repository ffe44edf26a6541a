"""The rating season's transitions: provincial staff open a year's season (with its deadline),
a committee submits its year's ratings (and may withdraw them until they are approved),
provincial staff approve them or return them with a reason, and lock a year (or unlock it, with
a reason). Each transition is checked (role, state) and audited in one transaction; the views
only call them. Reading the seasons' state is `assessments.seasons`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments.models import AuditEntry, Channel, RatingYear, Status, Submission
from assessments.policy import (
    EditRefused,
    check_can_edit,
    check_not_future,
    check_year_open,
    submission_for,
)
from organizations.models import Unit


def _transition(
    *, user, submission: Submission, to: str, changes: dict, reason: str = "", action: str = ""
) -> Submission:
    old = submission.status
    submission.status = to
    for name, value in changes.items():
        setattr(submission, name, value)
    submission.full_clean()
    submission.save()
    AuditEntry.objects.create(
        user=user,
        channel=Channel.FORM,
        action=action or f"submission.{to}",
        committee=submission.committee,
        year=submission.year,
        changes={"status": [old, to]},
        reason=reason,
    )
    return submission


@transaction.atomic
def submit(*, user, committee: Unit, year: int) -> Submission:
    check_can_edit(user=user, committee=committee, year=year)
    submission = submission_for(committee, year)
    if submission.status != Status.DRAFT:
        raise EditRefused(_("Only a draft can be submitted."))
    return _transition(
        user=user,
        submission=submission,
        to=Status.SUBMITTED,
        changes={"submitted_by": user, "submitted_at": timezone.now(), "returned_reason": ""},
    )


@transaction.atomic
def withdraw(*, user, committee: Unit, year: int) -> Submission:
    """Committee staff take back their submission (to correct it) until it is approved."""
    if user.role != Role.COMMITTEE_STAFF:
        raise PermissionDenied(_("Only the committee that submitted the ratings can withdraw them."))
    check_year_open(year)
    submission = submission_for(committee, year)
    if submission.status != Status.SUBMITTED:
        raise EditRefused(_("Only ratings submitted and not yet approved can be withdrawn."))
    return _transition(
        user=user,
        submission=submission,
        to=Status.DRAFT,
        action="submission.withdrawn",
        changes={"submitted_by": None, "submitted_at": None},
    )


@transaction.atomic
def open_season(
    *, user, year: int, deadline: datetime.date | None = None, channel: str | None = None
) -> RatingYear:
    """Open the rating season of `year`: from now on the committees enter and submit its ratings
    (by `deadline`, when given). `user` None is the system (a command, the demo)."""
    if user is not None:
        user.check_province_staff()
    check_can_open(year)
    rating_year, _created = RatingYear.objects.select_for_update().get_or_create(year=year)
    check_can_open(year, rating_year)
    rating_year.opened_at, rating_year.opened_by, rating_year.deadline = timezone.now(), user, deadline
    rating_year.full_clean()
    rating_year.save()
    AuditEntry.objects.create(
        user=user,
        channel=channel or (Channel.FORM if user is not None else Channel.COMMAND),
        action="year.open",
        year=year,
        changes={"opened": [False, True], "deadline": [None, deadline.isoformat() if deadline else None]},
    )
    return rating_year


def check_can_open(year: int, rating_year: RatingYear | None = None) -> None:
    """What `open_season` refuses in the year's state (not the user's role): a year in the
    future, a season already open. The pages ask `can_open` before they offer to open one."""
    check_not_future(year)
    if rating_year is not None and rating_year.is_opened:
        raise EditRefused(_("The rating season of %(year)s is already open.") % {"year": year})


def can_open(year: int, rating_year: RatingYear | None = None) -> bool:
    try:
        check_can_open(year, rating_year)
    except EditRefused:
        return False
    return True


@transaction.atomic
def approve(*, user, committee: Unit, year: int) -> Submission:
    user.check_province_staff()
    check_can_edit(user=user, committee=committee, year=year)
    submission = submission_for(committee, year)
    if submission.status != Status.SUBMITTED:
        raise EditRefused(_("Only submitted ratings can be approved."))
    return _transition(
        user=user,
        submission=submission,
        to=Status.APPROVED,
        changes={"approved_by": user, "approved_at": timezone.now()},
    )


@transaction.atomic
def return_to_draft(*, user, committee: Unit, year: int, reason: str) -> Submission:
    user.check_province_staff()
    check_can_edit(user=user, committee=committee, year=year)
    if not reason.strip():
        raise EditRefused(_("Write the reason for returning the ratings."))
    submission = submission_for(committee, year)
    if submission.status == Status.DRAFT:
        raise EditRefused(_("These ratings are already a draft."))
    return _transition(
        user=user,
        submission=submission,
        to=Status.DRAFT,
        reason=reason.strip(),
        changes={"returned_reason": reason.strip(), "approved_by": None, "approved_at": None},
    )


@transaction.atomic
def set_year_lock(*, user, year: int, locked: bool, reason: str = "") -> RatingYear:
    user.check_province_staff()
    if not locked and not reason.strip():
        raise EditRefused(_("Unlocking a year needs a written reason."))
    rating_year, _created = RatingYear.objects.select_for_update().get_or_create(year=year)
    if rating_year.is_locked == locked:
        raise EditRefused(
            _("Year %(year)s is already %(state)s.")
            % {"year": year, "state": _("locked") if locked else _("open")}
        )
    rating_year.is_locked = locked
    rating_year.locked_by, rating_year.locked_at = (user, timezone.now()) if locked else (None, None)
    rating_year.save()
    AuditEntry.objects.create(
        user=user,
        channel=Channel.FORM,
        action="year.lock" if locked else "year.unlock",
        year=year,
        changes={"locked": [not locked, locked]},
        reason=reason.strip(),
    )
    return rating_year
