"""The refusals every reorganization shares, in one place: a cycle, a date inside a closed year,
a unit that does not exist that day, an end that would leave ratings after it. Each raises a
`ValidationError` whose message names the unit, the year or the date."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.models import MemberStats, Rating, RatingYear, Status, Submission
from organizations.access import reporting_committee
from organizations.models import Unit, year_end

# The committee whose season a change to a unit touches (the unit itself for a committee).
reporting = reporting_committee


def refuse(message: str):
    raise ValidationError(message)


def check_year_open(committees, on: datetime.date) -> None:
    """An operation cannot take effect inside a year already closed for a committee concerned."""
    year = on.year
    if RatingYear.objects.filter(year=year, is_locked=True).exists():
        refuse(
            _("Year %(year)s is locked: no change of the organization can take effect in it.")
            % {"year": year}
        )
    closed = Submission.objects.filter(
        year=year, committee__in=[c for c in committees if c], status__in=[Status.SUBMITTED, Status.APPROVED]
    ).select_related("committee")
    for submission in closed[:1]:
        refuse(
            _(
                "The ratings of %(committee)s for %(year)s are already %(status)s: a change of the "
                "organization cannot take effect on %(date)s."
            )
            % {
                "committee": submission.committee.name,
                "year": year,
                "status": submission.get_status_display().lower(),
                "date": date_format(on, "d/m/Y"),
            }
        )


def check_alive(unit: Unit, on: datetime.date) -> None:
    if not unit.exists_on(on):
        refuse(
            _("%(unit)s does not exist on %(date)s.") % {"unit": unit.name, "date": date_format(on, "d/m/Y")}
        )


def check_no_cycle(unit: Unit, parent: Unit) -> None:
    node = parent
    while node is not None:
        if node.pk == unit.pk:
            refuse(_("%(unit)s cannot be placed under itself or one of its own units.") % {"unit": unit.name})
        node = node.parent


def check_ratings_within(units, last_day: datetime.date) -> None:
    """Ending `units` (a unit, or a queryset of them: one query whatever their number) on
    `last_day` must not leave any of them rated in a later year."""
    if isinstance(units, Unit):
        units = Unit.objects.filter(pk=units.pk)
    first_lost = last_day.year + 1 if last_day == year_end(last_day.year) else last_day.year
    for model in (Rating, MemberStats):
        later = (
            model.objects.filter(unit__in=units, year__gte=first_lost)
            .select_related("unit")
            .order_by("year")
            .first()
        )
        if later:
            refuse(
                _("%(unit)s has ratings for %(year)s: it cannot end on %(date)s.")
                % {"unit": later.unit.name, "year": later.year, "date": date_format(last_day, "d/m/Y")}
            )


def check_latest_change(unit: Unit, on: datetime.date) -> None:
    """Changes are recorded in the order they take effect: not before the unit's latest one, and
    never after its end."""
    if unit.dissolved is not None:
        refuse(
            _("%(unit)s already ends on %(date)s.")
            % {"unit": unit.name, "date": date_format(unit.dissolved, "d/m/Y")}
        )
    latest = (
        unit.places.exclude(valid_from=None)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    if latest and latest > on:
        refuse(
            _(
                "%(unit)s already has a change recorded on %(later)s: a change on %(date)s "
                "must be recorded first."
            )
            % {"unit": unit.name, "later": date_format(latest, "d/m/Y"), "date": date_format(on, "d/m/Y")}
        )
