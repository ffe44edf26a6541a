"""Who may change which committee's ratings for which year: the one place that decides.

Scope (which committees a user may even see) is decided by `Unit.objects.for_user`; this module
decides whether a user who can see a committee-year may change it now: the year's season must be
opened by provincial staff and not locked, and committee staff change only a draft. The season's
state itself is read in `assessments.seasons`.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments.models import RatingYear, Status, Submission
from organizations.models import Unit


class EditRefused(Exception):
    """A change that is not allowed now (locked year, submitted ratings...); the message says why."""


def is_locked(year: int) -> bool:
    return RatingYear.objects.filter(year=year, is_locked=True).exists()


def submission_for(committee: Unit, year: int) -> Submission:
    """The committee-year's workflow state (unsaved draft when nothing was submitted yet)."""
    return Submission.objects.filter(committee=committee, year=year).first() or Submission(
        committee=committee, year=year, status=Status.DRAFT
    )


def is_future(year: int) -> bool:
    """A year not begun yet: nothing can be rated in it, nor its season opened (the one rule)."""
    return year > timezone.localdate().year


def check_not_future(year: int) -> None:
    if is_future(year):
        raise EditRefused(_("Year %(year)s is in the future: it cannot be rated yet.") % {"year": year})


def check_year_open(year: int) -> None:
    _check_season(year, RatingYear.objects.filter(year=year).only("opened_at", "is_locked").first())


def _check_season(year: int, season: RatingYear | None) -> None:
    """`year` may be changed now, given its season (None: never opened)."""
    check_not_future(year)
    if season is not None and season.is_locked:
        raise EditRefused(_("Year %(year)s is locked: nobody can change its data.") % {"year": year})
    if season is None or not season.is_opened:
        raise EditRefused(
            _(
                "The rating season of %(year)s is not open yet: the provincial organizing committee "
                "opens it (page “Rating years”), then the committees can enter their ratings."
            )
            % {"year": year}
        )


def check_can_edit(*, user, committee: Unit, year: int) -> None:
    """Raise PermissionDenied (role) or EditRefused (state) unless `user` may change the data now.

    `user` None is the system itself (a command run by an administrator): only the year's state
    applies.
    """
    check_can_edit_many(user=user, pairs=[(committee, year)])


def check_can_edit_many(*, user, pairs: list[tuple[Unit, int]]) -> None:
    """`check_can_edit` for many (committee, year) at once (an import names a thousand of them):
    the same refusals, the first refused pair in the given order, in two queries whatever their
    number (the seasons of the years, the committee staff's submissions)."""
    if not pairs:
        return
    if user is not None and not user.can_edit_ratings:
        raise PermissionDenied(_("Your role can read the ratings but not change them."))
    years = {year for _committee, year in pairs}
    current = [year for year in years if not is_future(year)]  # a future year is refused unread
    seasons = (
        {
            s.year: s
            for s in RatingYear.objects.filter(year__in=current).only("year", "opened_at", "is_locked")
        }
        if current
        else {}
    )
    staff = user is not None and user.role == Role.COMMITTEE_STAFF
    statuses = {}
    if staff:
        own = user.committee
        committees = {committee.pk for committee, _year in pairs}
        statuses = dict(
            ((committee_id, year), status)
            for committee_id, year, status in Submission.objects.filter(
                committee_id__in=committees, year__in=years
            ).values_list("committee_id", "year", "status")
        )
    for committee, year in pairs:
        _check_season(year, seasons.get(year))
        if staff:
            if own.dissolved is not None and own.dissolved < timezone.localdate():
                # A committee that no longer exists keeps its history, read only.
                raise EditRefused(
                    _("%(committee)s ended on %(date)s: its staff can read its history but not change it.")
                    % {"committee": own.name, "date": date_format(own.dissolved, "d/m/Y")}
                )
            status = statuses.get((committee.pk, year), Status.DRAFT)
            if status != Status.DRAFT:
                raise EditRefused(
                    _(
                        "The ratings of %(committee)s for %(year)s are %(status)s: only the provincial "
                        "organizing committee can change them now."
                    )
                    % {"committee": committee.name, "year": year, "status": Status(status).label.lower()}
                )
