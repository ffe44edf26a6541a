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

from assessments import bulk, commendations, policy
from assessments.models import AuditEntry, Channel, Commendation, Rating
from assessments.services import RowErrors


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
