"""Granting and withdrawing the commendation "TSVM tiêu biểu" on a grassroots organization's
rating: each one transaction with its audit record, under the same rule of who may change a
committee-year now (`assessments.policy.check_can_edit`) as the ratings themselves.

Only a grassroots organization whose decided level is its scheme's best can be commended, and
the rule holds in the data: the writers that change or remove ratings (the shared writer, a
cancelled decision, a delete) withdraw, in their own transaction and audited, the commendations
of the ratings no longer decided at the best level (`withdraw_lapsed`, a fixed number of queries).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import bulk, policy, services
from assessments.models import AuditEntry, Channel, Commendation, Rating, RatingLevel
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
    if not _best(rating.level):
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
    services.audit_entry(
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
    services.audit_entry(
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


# Withdrawn by the writers ---


def _best(level: RatingLevel | None) -> bool:
    return level is not None and level.rank == 1


def may_carry(rating: Rating) -> bool:
    """Whether `rating` (its level loaded) is one a commendation stands on."""
    return rating.tier == Tier.BASE and rating.level_id is not None and _best(rating.level)


def withdraw_changed(*, groups: list, changed: list, user, channel: str, source: str) -> int:
    """The shared writer's part (`assessments.services.save_rating_groups`), one year: `groups` its
    (committee, changes) pairs; of its `changed`
    (stored rating, new values) pairs, the ratings that were at the best level and are no longer
    lose their commendation. No query unless one of them was at the best level."""
    was_best = [(old, checked) for old, checked in changed if may_carry(old)]
    if not was_best:
        return 0
    levels = {c.level.pk: c.level for _committee, rows in groups for c in rows if c.level is not None}
    lapsed = [old for old, checked in was_best if not _best(levels.get(checked.columns["level_id"]))]
    return withdraw_lapsed(user=user, ratings=lapsed, reason=lapsed_reason, channel=channel, source=source)


def lapsed_reason(rating: Rating) -> str:
    return _("The level is no longer “%(level)s”") % {"level": rating.level.name}


def withdraw_lapsed(*, user, ratings: list[Rating], reason, channel: str, source: str = "") -> int:
    """Withdraw the commendations of `ratings` (locked by the caller; their commendation, if any,
    no longer stands): one query finds them, one deletes them, one inserts their audit records
    ("rating.uncommend", `reason(rating)` as the reason). Nothing to do without `ratings`: no query.
    Returns how many were withdrawn."""
    by_pk = {rating.pk: rating for rating in ratings}
    if not by_pk:
        return 0
    found = list(bulk.among(Commendation.objects.order_by(), "rating_id", by_pk))
    if not found:
        return 0
    Commendation.objects.filter(pk__in=[c.pk for c in found]).delete()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=user,
                channel=channel,
                source=source,
                action="rating.uncommend",
                unit_id=(rating := by_pk[c.rating_id]).unit_id,
                committee_id=rating.committee_id,
                year=rating.year,
                changes={name: [value, None] for name, value in _decision(c).items() if value},
                reason=reason(rating),
            )
            for c in found
        ],
        batch_size=500,
    )
    return len(found)


def withdrawn_message(count: int) -> str:
    """What a save's result message adds for its withdrawn commendations (`SaveResult.withdrawn`);
    nothing when none was."""
    if not count:
        return ""
    return ngettext(
        "%(count)s commendation “TSVM tiêu biểu” withdrawn.",
        "%(count)s commendations “TSVM tiêu biểu” withdrawn.",
        count,
    ) % {"count": count}
