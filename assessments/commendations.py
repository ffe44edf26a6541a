"""Granting and withdrawing the commendation "TSVM tiêu biểu" on a grassroots organization's
rating: each one transaction with its audit record, under the same rule of who may change a
committee-year now (`assessments.policy.check_can_edit`) as the ratings themselves.

Only a grassroots organization whose decided level is its scheme's best can be commended.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments import policy
from assessments.models import Channel, Commendation, Rating
from assessments.services import audit_entry
from organizations.models import Tier

COMMENDATION = "TSVM tiêu biểu"  # the value the audit records


def _check_commendable(rating: Rating) -> None:
    if rating.tier != Tier.BASE:
        raise ValidationError(
            _(
                "Only a grassroots organization can be commended “TSVM tiêu biểu”: "
                "%(unit)s is a subordinate cell."
            )
            % {"unit": rating.unit.name}
        )
    if rating.level is None or rating.level.rank != 1:
        raise ValidationError(
            _("%(unit)s can be commended “TSVM tiêu biểu” only once rated at the best level of %(year)s.")
            % {"unit": rating.unit.name, "year": rating.year}
        )


def _decision(commendation: Commendation | None) -> dict:
    if commendation is None:
        return dict.fromkeys(("commendation", "decision_number", "decision_date"))
    date = commendation.decision_date
    return {
        "commendation": COMMENDATION,
        "decision_number": commendation.decision_number,
        "decision_date": date.isoformat() if date else None,
    }


def _changes(old: Commendation | None, new: Commendation) -> dict:
    """{field: [old, new]} of what the grant changed: the commendation itself when new, then its
    decision's number and date (only those that moved, once it existed)."""
    before, after = _decision(old), _decision(new)
    return {name: [before[name], after[name]] for name in after if old is None or before[name] != after[name]}


@transaction.atomic
def commend(
    *,
    user,
    rating: Rating,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    channel: str = Channel.FORM,
    source: str = "",
) -> Commendation:
    """Record that the deciding committee commended `rating`'s organization for its year."""
    rating = Rating.objects.select_for_update(of=("self",)).select_related("unit", "level").get(pk=rating.pk)
    policy.check_can_edit(user=user, committee=rating.committee, year=rating.year)
    _check_commendable(rating)
    old = Commendation.objects.select_for_update().filter(rating=rating).first()
    values = {"decision_number": decision_number, "decision_date": decision_date}
    if old is not None and all(getattr(old, name) == value for name, value in values.items()):
        return old  # granted already with this decision: nothing changes, nothing to audit
    commendation, _created = Commendation.objects.update_or_create(
        rating=rating, defaults={**values, "by": user}
    )
    audit_entry(
        user=user,
        channel=channel,
        source=source,
        action="rating.commend",
        unit=rating.unit,
        committee=rating.committee,
        year=rating.year,
        changes=_changes(old, commendation),
    ).save()
    return commendation


@transaction.atomic
def withdraw_commendation(*, user, rating: Rating, reason: str, channel: str = Channel.FORM) -> None:
    """Take the commendation back (a correction), with the reason why."""
    rating = Rating.objects.select_for_update(of=("self",)).select_related("unit").get(pk=rating.pk)
    policy.check_can_edit(user=user, committee=rating.committee, year=rating.year)
    old = Commendation.objects.select_for_update().filter(rating=rating).first()
    if old is None:
        return
    old.delete()
    audit_entry(
        user=user,
        channel=channel,
        source="",
        action="rating.uncommend",
        unit=rating.unit,
        committee=rating.committee,
        year=rating.year,
        changes={name: [value, None] for name, value in _decision(old).items() if value},
        reason=reason,
    ).save()
