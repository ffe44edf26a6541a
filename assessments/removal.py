"""Taking ratings back: the deciding side cancels a decision to rate again, and provincial staff
delete rows in the admin. Both obey the same rules as a change (the year's lock, a committee's
submission, scope) and leave an audit record in the same transaction; a refusal changes nothing.
A commendation "TSVM tiêu biểu" on a rating cancelled or deleted is withdrawn with it, audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from assessments import commendations
from assessments.models import AuditEntry, Channel, MemberStats, Rating, RatingTally
from assessments.policy import EditRefused, check_can_edit
from assessments.services import audit_entry


@transaction.atomic
def cancel_decision(*, user, rating: Rating, reason: str, channel: str = Channel.FORM) -> Rating | None:
    """The deciding committee cancels a decided rating, with a written reason, to rate it again.

    The first two steps (self-assessment, appraisal) stay, and the unit is pending again; a rating
    without them has nothing left and goes. Audited with the reason, in one transaction.
    """
    if not reason.strip():
        raise EditRefused(_("Write the reason for cancelling the decision."))
    rating = (
        Rating.objects.select_for_update(of=("self",))
        .select_related("level", "self_level", "appraised_level", "unit")
        .get(pk=rating.pk)
    )
    check_can_edit(user=user, committee=rating.committee, year=rating.year)
    if not rating.is_decided:
        raise EditRefused(_("%(unit)s has no decision to cancel.") % {"unit": rating.unit.name})
    before = rating.audit_values()
    RatingTally.mark_stale(rating.year)
    commendations.withdraw_lapsed(
        user=user,
        ratings=[rating] if commendations.may_carry(rating) else [],
        reason=commendations.lapsed_reason,
        channel=channel,
    )
    entry = audit_entry(
        user=user,
        channel=channel,
        source="",
        action="rating.cancel",
        unit=rating.unit,
        committee=rating.committee,
        year=rating.year,
        changes={},
        reason=reason.strip(),
    )
    if not (rating.self_level_id or rating.appraised_level_id):
        entry.changes = {k: [v, None] for k, v in before.items() if v not in (None, "")}
        entry.save()
        rating.delete()
        return None
    rating.level, rating.not_rated, rating.not_rated_reason = None, False, ""
    rating.decision_number, rating.decision_date = "", None
    rating.changed_by, rating.version = user, rating.version + 1
    rating.save()
    after = rating.audit_values()
    entry.changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    entry.save()
    return rating


# Deletes (the admin) ---


def _delete_rows(*, model, rows, user: User | None, channel: str, source: str) -> list:
    """Delete `rows` of `model` (ratings or member statistics), all or nothing, each audited.

    The same rules as a change (`check_can_edit` for every committee-year concerned: a locked
    year, a submitted or approved committee-year for committee staff) and the same scope; a
    refused row refuses the whole delete. Returns the rows deleted, as they were.
    """
    pks = [row.pk for row in rows]
    related = ("unit", "committee", "level") if model is Rating else ("unit", "committee")
    locked = list(model.objects.select_for_update(of=("self",)).filter(pk__in=pks).select_related(*related))
    if user is not None:
        visible = set(model.objects.for_user(user).filter(pk__in=pks).values_list("pk", flat=True))
        if any(obj.pk not in visible for obj in locked):
            raise PermissionDenied(_("Some of these rows are outside your scope; nothing was deleted."))
    reasons: list[str] = []
    pairs = {(obj.committee_id, obj.year): obj.committee for obj in locked}
    for (_committee_id, year), committee in sorted(pairs.items(), key=lambda item: item[0][::-1]):
        try:
            check_can_edit(user=user, committee=committee, year=year)
        except EditRefused as refused:
            if str(refused) not in reasons:
                reasons.append(str(refused))
    if reasons:
        raise EditRefused(_("Nothing was deleted: %(reasons)s") % {"reasons": " ".join(reasons)})
    action = f"{model._meta.model_name}.delete"
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                user=user,
                channel=channel,
                source=source,
                action=action,
                unit=obj.unit,
                committee=obj.committee,
                year=obj.year,
                changes={k: [v, None] for k, v in obj.audit_values().items() if v not in (None, "")},
            )
            for obj in locked
        ],
        batch_size=500,
    )
    if model is Rating:  # audited as withdrawn, not left to the cascade
        commendations.withdraw_lapsed(
            user=user, ratings=locked, reason=_deleted_reason, channel=channel, source=source
        )
    model.objects.filter(pk__in=[obj.pk for obj in locked]).delete()
    return locked


def _deleted_reason(rating: Rating) -> str:
    return _("The rating was deleted")


@transaction.atomic
def delete_ratings(*, user: User | None, ratings: Iterable[Rating], channel: str, source: str = "") -> int:
    """Delete ratings (the admin's delete and "delete selected"): all or nothing, audited
    ("rating.delete", every old value → None); the years' tallies are marked stale."""
    deleted = _delete_rows(model=Rating, rows=ratings, user=user, channel=channel, source=source)
    for year in sorted({rating.year for rating in deleted}):
        RatingTally.mark_stale(year)
    return len(deleted)


@transaction.atomic
def delete_member_stats(
    *, user: User | None, stats: Iterable[MemberStats], channel: str, source: str = ""
) -> int:
    """Delete member statistics: all or nothing, audited ("memberstats.delete")."""
    return len(_delete_rows(model=MemberStats, rows=stats, user=user, channel=channel, source=source))
