"""The commendation "TSVM tiêu biểu" granted or withdrawn for many ratings at once: what the grid's
checkbox column and the import's column write, after the shared writer, in its transaction.

`assessments.commendations` grants and withdraws one at a time (about six queries each); here a
save of five hundred rows costs the same few queries as one: one locked read of the ratings, the
batched policy check, one read of their commendations, then bulk inserts, updates and audit
records. The rules are that module's own (`_check_commendable`, `_changes`, `withdraw_lapsed`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import bulk, commendations, policy
from assessments.models import AuditEntry, Channel, Commendation, Rating
from assessments.services import RowErrors
from organizations.models import Unit


def _locked(pks) -> list[Rating]:
    """The ratings `pks` read again, locked, with what the checks and the audit read (one query)."""
    query = Rating.objects.select_for_update(of=("self",)).select_related("unit", "level", "committee")
    return list(bulk.among(query.order_by(), "id", pks))


@transaction.atomic
def commend_many(
    *,
    user,
    ratings_with_decisions: list[tuple[Rating, str, datetime.date | None]],
    channel: str = Channel.FORM,
    source: str = "",
) -> int:
    """Commend each (rating, decision number, decision date), all or nothing: a rating not of a
    grassroots organization at its scheme's best level refuses the whole save (RowErrors, by
    unit); one already commended by the same decision is left as it is. Returns how many were
    granted or changed."""
    decisions = {rating.pk: (number or "", date) for rating, number, date in ratings_with_decisions}
    if not decisions:
        return 0
    ratings = _locked(decisions)
    policy.check_can_edit_many(user=user, pairs=list(dict.fromkeys((r.committee, r.year) for r in ratings)))
    errors = {}
    for rating in ratings:
        try:
            commendations._check_commendable(rating)
        except ValidationError as error:
            errors[rating.unit] = error
    if errors:
        raise RowErrors(errors)
    existing = {
        c.rating_id: c
        for c in bulk.among(Commendation.objects.order_by().select_for_update(), "rating_id", decisions)
    }
    new, changed, audit = [], [], []
    for rating in ratings:
        number, date = decisions[rating.pk]
        old = existing.get(rating.pk)
        if old is not None and (old.decision_number, old.decision_date) == (number, date):
            continue  # granted already with this decision
        before = None
        if old is None:
            commendation = Commendation(rating=rating, decision_number=number, decision_date=date, by=user)
            new.append(commendation)
        else:
            before = Commendation(decision_number=old.decision_number, decision_date=old.decision_date)
            old.decision_number, old.decision_date, old.by = number, date, user
            commendation = old
            changed.append(old)
        audit.append(
            AuditEntry(
                user=user,
                channel=channel,
                source=source,
                action="rating.commend",
                unit_id=rating.unit_id,
                committee_id=rating.committee_id,
                year=rating.year,
                changes=commendations._changes(before, commendation),
            )
        )
    Commendation.objects.bulk_create(new, batch_size=500)
    if changed:
        Commendation.objects.bulk_update(changed, ["decision_number", "decision_date", "by"], batch_size=500)
    AuditEntry.objects.bulk_create(audit, batch_size=500)
    return len(audit)


@transaction.atomic
def withdraw_many(
    *, user, ratings: list[Rating], reason: str, channel: str = Channel.FORM, source: str = ""
) -> int:
    """Withdraw the commendations of `ratings` (those that have one), audited with `reason`, under
    the same policy check as a grant. Returns how many were withdrawn."""
    if not ratings:
        return 0
    locked = _locked([rating.pk for rating in ratings])
    policy.check_can_edit_many(user=user, pairs=list(dict.fromkeys((r.committee, r.year) for r in locked)))
    return commendations.withdraw_lapsed(
        user=user, ratings=locked, reason=lambda _rating: reason, channel=channel, source=source
    )


def refusal(unit: Unit, year: int) -> ValidationError:
    """Why `unit`, without a rating in `year`, cannot be commended (the rule's own message)."""
    try:
        commendations._check_commendable(Rating(unit=unit, year=year, tier=unit.tier, level=None))
    except ValidationError as error:
        return error
    raise AssertionError("a unit without a rating was found commendable")  # pragma: no cover


@transaction.atomic
def mark(
    *,
    user,
    year: int,
    checked: list[Unit],
    unchecked: list[Unit],
    channel: str,
    source: str = "",
    reason: str = "",
) -> tuple[int, int]:
    """A save's commendation column, after the shared writer and in its transaction: the units
    `checked` commended by their rating's own decision (number and date), those `unchecked`
    withdrawn. One query reads their ratings; a checked unit without one, or not at the best level,
    refuses the save (RowErrors, by unit). Returns (granted, withdrawn)."""
    if not checked and not unchecked:
        return 0, 0
    pks = [unit.pk for unit in (*checked, *unchecked)]
    query = (
        Rating.objects.filter(year=year).order_by().only("id", "unit_id", "decision_number", "decision_date")
    )
    ratings = {rating.unit_id: rating for rating in bulk.among(query, "unit_id", pks)}
    errors = {unit: refusal(unit, year) for unit in checked if unit.pk not in ratings}
    granted = 0
    try:
        granted = commend_many(
            user=user,
            ratings_with_decisions=[
                (r, r.decision_number, r.decision_date) for unit in checked if (r := ratings.get(unit.pk))
            ],
            channel=channel,
            source=source,
        )
    except RowErrors as refused:
        errors.update(refused.by_unit)
    if errors:
        raise RowErrors(errors)
    withdrawn = withdraw_many(
        user=user,
        ratings=[r for unit in unchecked if (r := ratings.get(unit.pk))],
        reason=reason or _("Unchecked on the entry grid"),
        channel=channel,
        source=source,
    )
    return granted, withdrawn


def granted_message(count: int) -> str:
    """What a save's result message adds for the commendations it granted; nothing when none."""
    if not count:
        return ""
    return ngettext(
        "%(count)s commendation “TSVM tiêu biểu” recorded.",
        "%(count)s commendations “TSVM tiêu biểu” recorded.",
        count,
    ) % {"count": count}
