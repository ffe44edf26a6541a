"""Writes that touch ratings, member statistics and the workflow. Every channel — the web grid,
the spreadsheet import, the admin, a command — goes through here, so each change is checked the
same way and written with its audit record in one transaction.

The bulk writers issue a fixed number of queries whatever the number of rows: one lock-state
check, one workflow check, one scheme lookup, one locked read of the existing rows, then bulk
inserts and updates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from assessments import bulk, rules
from assessments.models import (
    MEMBER_FIELDS,
    SCORE_FIELDS,
    AuditEntry,
    Channel,
    MemberStats,
    Rating,
    RatingLevel,
    RatingScheme,
    RatingTally,
    SubordinateRule,
)
from assessments.policy import EditRefused, check_can_edit
from organizations.lineage import places_on
from organizations.models import Tier, Unit, year_end


@dataclass
class RatingChange:
    unit: Unit
    level: RatingLevel | None
    not_rated_reason: str = ""
    note: str = ""
    decision_number: str = ""
    decision_date: datetime.date | None = None
    # The score and the conditions of a scored scheme (SCORE_FIELDS); a field left out is cleared.
    scores: dict = field(default_factory=dict)
    # The first two of the three steps (Quy định 124/366); `decided` False: no decision yet, so
    # `level` None means "under way", not "not rated".
    self_level: RatingLevel | None = None
    appraised_level: RatingLevel | None = None
    decided: bool = True
    # The version the editor saw; None skips the conflict check (a new row, or a command).
    expected_version: int | None = None


@dataclass
class MemberChange:
    unit: Unit
    values: dict  # MEMBER_FIELDS -> int
    expected_version: int | None = None


@dataclass
class Conflict:
    unit: Unit
    stored: Rating | MemberStats


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ConflictError(Exception):
    """Somebody else saved some of these rows since they were read; nothing was written."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        names = ", ".join(c.unit.name for c in conflicts[:5])
        super().__init__(
            _(
                "%(count)s row(s) were changed by somebody else meanwhile (%(names)s); nothing was saved. "
                "The values now stored are shown: check them and save again."
            )
            % {"count": len(conflicts), "names": names}
        )


class RowErrors(ValidationError):
    """Per-unit validation errors; nothing was written."""

    def __init__(self, errors: dict[Unit, ValidationError]):
        self.by_unit = errors
        super().__init__(
            [f"{unit.code} — {unit.name}: {'; '.join(e.messages)}" for unit, e in errors.items()]
        )


def _check_in_committee(units, committee: Unit, year: int) -> dict[int, tuple[str, str]]:
    """Every unit sat under `committee` at the end of `year` (its dated place: a past year keeps
    its committees after a reorganization); their (tier, type of place) that day, by unit id."""
    held = {
        pk: (committee_id, tier, place_type)
        for pk, committee_id, tier, place_type in places_on(year_end(year))
        .filter(unit_id__in=[u.pk for u in units])
        .values_list("unit_id", "committee_id", "tier", "place_type")
    }
    outside = [u for u in units if held.get(u.pk, (None,))[0] != committee.pk]
    if outside:
        raise EditRefused(
            _("%(units)s do(es) not belong to %(committee)s.")
            % {"units": ", ".join(u.code for u in outside[:5]), "committee": committee.name}
        )
    return {pk: (tier, place_type) for pk, (_committee, tier, place_type) in held.items()}


def audit_entry(*, user, channel, source, action, unit, committee, year, changes, reason="") -> AuditEntry:
    """An unsaved audit record; the writers save theirs in bulk, in the transaction of the change."""
    return AuditEntry(
        user=user,
        channel=channel,
        source=source,
        action=action,
        unit=unit,
        committee=committee,
        year=year,
        changes=changes,
        reason=reason,
    )


def _save_rows(*, model, rows, user, committee, year, channel, source, build_values, validate, counted_as):
    """Shared body of the two bulk writers: lock existing rows, detect conflicts, check, write
    (the checks and the writes themselves: `assessments.bulk`)."""
    pks = [r.unit.pk for r in rows]
    locked = model.objects.select_for_update(of=("self",)).filter(year=year, unit_id__in=pks)
    if model is Rating:
        locked = locked.select_related("level", "self_level", "appraised_level")  # the audit reads the old
    existing = {obj.unit_id: obj for obj in locked}
    conflicts = []
    for r, pk in zip(rows, pks, strict=True):
        if r.expected_version is not None and pk in existing and existing[pk].version != r.expected_version:
            conflicts.append(Conflict(unit=r.unit, stored=existing[pk]))
        elif r.expected_version and pk not in existing:
            conflicts.append(Conflict(unit=r.unit, stored=None))
    if conflicts:
        raise ConflictError(conflicts)

    checker = bulk.Checker(model, year=year, committee=committee, validate=validate)
    result, pending, errors = SaveResult(), bulk.Pending(), {}
    create, update = f"{model._meta.model_name}.create", f"{model._meta.model_name}.update"
    rated = model is Rating
    for row in rows:
        unit, obj = row.unit, existing.get(row.unit.pk)
        values = build_values(row, obj)
        if obj is None:
            # Counted under the unit's committee (and as its tier and type of place) at the time
            # of rating, for good.
            tier, place_type = counted_as[unit.pk]
            checked = checker.values(values, tier, place_type) if rated else checker.values(values)
            changes = checked.new_changes
        else:
            checked = checker.values(values, obj.tier, obj.place_type) if rated else checker.values(values)
            changes = bulk.audit_changes(obj.audit_values(), checked.audit)
            if not changes:
                result.unchanged += 1
                continue
        if checked.error is not None or checker.unit_error(unit) is not None:
            if obj is None:
                obj = model(unit=unit, year=year, committee=committee, version=0)
                if rated:
                    obj.tier, obj.place_type = counted_as[unit.pk]
            obj.unit = unit  # already loaded by the caller: no query
            errors[unit] = checker.full_error(obj, values)
            continue
        if obj is None:
            tier, place_type = counted_as[unit.pk]
            own = {"unit_id": unit.pk, "tier": tier, "place_type": place_type} if rated else {}
            own.setdefault("unit_id", unit.pk)
            pending.new.append(bulk.NewRow(own, checked))
        else:
            pending.changed.append((obj, checked))
        own = {"action": create if obj is None else update, "unit_id": unit.pk, "changes": changes}
        pending.audit.append(bulk.NewRow(own))
    if errors:
        raise RowErrors(errors)

    def conflict(stored):
        return ConflictError(
            [Conflict(unit=r.unit, stored=stored[r.unit.pk]) for r in rows if r.unit.pk in stored]
        )

    bulk.write(
        model, pending, user=user, committee=committee, year=year, channel=channel, source=source,
        conflict=conflict,
    )  # fmt: skip
    result.created, result.updated = len(pending.new), len(pending.changed)
    return result


@transaction.atomic
def save_ratings(
    *,
    user,
    committee: Unit,
    year: int,
    changes: list[RatingChange],
    channel: str = Channel.FORM,
    source: str = "",
) -> SaveResult:
    """Create or change many ratings of one committee-year at once, all or nothing."""
    check_can_edit(user=user, committee=committee, year=year)
    counted_as = _check_in_committee([c.unit for c in changes], committee, year)
    # With, in the same query, whether one of its cross-unit rules refuses rather than warns.
    refusing = SubordinateRule.objects.filter(level__scheme=OuterRef("pk"), refuses=True)
    scheme = RatingScheme.objects.annotate(refusing_rules=Exists(refusing)).in_force(year)

    def values(c: RatingChange, stored: Rating | None) -> dict:
        not_rated = c.decided and c.level is None
        scores = c.scores if c.level is not None or not c.decided else {}  # a unit not rated has none
        if stored is not None and not not_rated:
            # A field the change does not carry (a grid shows no general and task parts) is kept.
            scores = {**{name: getattr(stored, name) for name in SCORE_FIELDS}, **scores}
        return {
            "level": c.level if c.decided else None,
            "not_rated": not_rated,
            "self_level": c.self_level,
            "appraised_level": c.appraised_level,
            "not_rated_reason": c.not_rated_reason.strip() if not_rated else "",
            "note": c.note.strip(),
            "decision_number": c.decision_number.strip(),
            "decision_date": c.decision_date,
            **{name: scores.get(name) for name in SCORE_FIELDS},
        }

    RatingTally.mark_stale(year)
    result = _save_rows(
        model=Rating,
        rows=changes,
        user=user,
        committee=committee,
        year=year,
        channel=channel,
        source=source,
        build_values=values,
        counted_as=counted_as,
        validate=lambda obj: obj.validate_for(scheme),
    )
    if scheme is not None and scheme.refusing_rules:
        _check_cross_unit_rules(year=year, committee=committee, units=[c.unit for c in changes])
    return result


def _check_cross_unit_rules(*, year: int, committee: Unit, units: list[Unit]) -> None:
    """After the rows are written (in the same transaction): a refusing cross-unit rule broken by
    a grassroots organization saved here, or by the organization of a cell saved here, undoes it."""
    touched = {u.pk if u.tier == Tier.BASE else u.parent_id for u in units}
    broken = [f for f in rules.findings(year, unit_ids=touched) if f.refuses]
    if broken:
        by_pk = {u.pk: u for u in Unit.objects.filter(pk__in={f.unit_id for f in broken})}
        raise RowErrors(
            {
                by_pk[pk]: ValidationError({"level": [f.message for f in broken if f.unit_id == pk]})
                for pk in by_pk
            }
        )


@transaction.atomic
def save_member_stats(
    *,
    user,
    committee: Unit,
    year: int,
    changes: list[MemberChange],
    channel: str = Channel.FORM,
    source: str = "",
) -> SaveResult:
    check_can_edit(user=user, committee=committee, year=year)
    counted_as = _check_in_committee([c.unit for c in changes], committee, year)
    return _save_rows(
        model=MemberStats,
        rows=changes,
        user=user,
        committee=committee,
        year=year,
        channel=channel,
        source=source,
        build_values=lambda c, stored: {name: c.values.get(name) or 0 for name in MEMBER_FIELDS},
        counted_as=counted_as,
        validate=lambda obj: obj.validate_for(year),
    )


def record_rating(
    *,
    unit: Unit,
    year: int,
    level: RatingLevel | None,
    not_rated_reason: str = "",
    note: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    scores: dict | None = None,
    by=None,
    channel: str = Channel.COMMAND,
) -> Rating:
    """Rate one unit (a command, the admin, tests): the bulk writer with a single row."""
    Rating.check_unit(unit, year)
    change = RatingChange(
        unit=unit,
        level=level,
        not_rated_reason=not_rated_reason,
        note=note,
        decision_number=decision_number,
        decision_date=decision_date,
        scores=scores or {},
    )
    try:
        save_ratings(user=by, committee=unit.committee_in(year), year=year, changes=[change], channel=channel)
    except RowErrors as error:
        raise ValidationError(error.by_unit[unit].message_dict) from None
    return Rating.objects.get(unit=unit, year=year)
