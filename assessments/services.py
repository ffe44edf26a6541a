"""Writes that touch ratings, member statistics and the workflow. Every channel — the web grid,
the spreadsheet import, the admin, a command — goes through here, so each change is checked the
same way and written with its audit record in one transaction.

The bulk writers issue a fixed number of queries whatever the number of rows: one lock-state
check, one workflow check, one scheme lookup, one locked read of the existing rows, then bulk
inserts and updates.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from assessments import bulk, commendations, rules
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
from assessments.policy import EditRefused, check_can_edit_many
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
    withdrawn: int = 0  # commendations “TSVM tiêu biểu” withdrawn: their rating left the best level


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


def _check_in_committee(groups: list[tuple[Unit, list]], year: int) -> dict[int, tuple[str, str]]:
    """Every unit of each (committee, changes) sat under that committee at the end of `year` (its
    dated place: a past year keeps its committees after a reorganization); their (tier, type of
    place) that day, by unit id. One query for all the committees of the year."""
    units = [c.unit.pk for _committee, changes in groups for c in changes]
    places = bulk.among(places_on(year_end(year)), "unit_id", units)
    held = {
        pk: (committee_id, tier, place_type)
        for pk, committee_id, tier, place_type in places.values_list(
            "unit_id", "committee_id", "tier", "place_type"
        )
    }
    for committee, changes in groups:
        outside = [c.unit for c in changes if held.get(c.unit.pk, (None,))[0] != committee.pk]
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


def _save_rows(*, model, groups, user, channel, source, build_values, validate, counted_as):
    """Shared body of the bulk writers, for one or many committee-years at once: lock existing
    rows, detect conflicts, check, write (the checks and the writes themselves: `assessments.bulk`).

    `groups` are (committee, year, rows); `counted_as[year]` and `validate[year]` per year. Year
    by year, every committee of the year together: one locked read, one COPY per table, whatever
    the number of committee-years (an import of a province's ten years is a thousand of them),
    and only one year's pending rows in memory at a time."""
    result = SaveResult()
    for year in sorted({year for _committee, year, _rows in groups}):
        in_year = [(committee, rows) for committee, y, rows in groups if y == year]
        saved = _save_year(
            model, in_year, year=year, user=user, channel=channel, source=source,
            build_values=build_values, validate=validate[year], counted_as=counted_as[year],
        )  # fmt: skip
        result.created += saved.created
        result.updated += saved.updated
        result.unchanged += saved.unchanged
        result.withdrawn += saved.withdrawn
    return result


def _save_year(model, groups, *, year, user, channel, source, build_values, validate, counted_as):
    pks = [r.unit.pk for _committee, rows in groups for r in rows]
    locked = bulk.among(model.objects.select_for_update(of=("self",)).filter(year=year), "unit_id", pks)
    existing = {obj.unit_id: obj for obj in locked}
    if model is Rating and existing:
        # The audit reads the old levels: the few levels read once, not three joins per row.
        levels = RatingLevel.objects.in_bulk()
        for obj in existing.values():
            cache = obj._state.fields_cache
            for name in ("level", "self_level", "appraised_level"):
                level_pk = getattr(obj, f"{name}_id")
                cache[name] = levels[level_pk] if level_pk is not None else None
    conflicts = []
    for _committee, rows in groups:
        for r in rows:
            pk = r.unit.pk
            if (
                r.expected_version is not None
                and pk in existing
                and existing[pk].version != r.expected_version
            ):
                conflicts.append(Conflict(unit=r.unit, stored=existing[pk]))
            elif r.expected_version and pk not in existing:
                conflicts.append(Conflict(unit=r.unit, stored=None))
    if conflicts:
        raise ConflictError(conflicts)

    result, pending = SaveResult(), bulk.Pending()
    checker = bulk.Checker(model, year=year, validate=validate)
    for committee, rows in groups:
        errors = _check_rows(
            model, rows, checker, pending, result, existing=existing, counted_as=counted_as,
            committee=committee, year=year, build_values=build_values,
        )  # fmt: skip
        if errors:
            raise RowErrors(errors)

    def conflict(stored):
        return ConflictError(
            [
                Conflict(unit=r.unit, stored=stored[(r.unit.pk, year)])
                for _committee, rows in groups
                for r in rows
                if (r.unit.pk, year) in stored
            ]
        )

    if model is Rating:  # read from the stored rows before the write changes them
        result.withdrawn = commendations.withdraw_changed(
            groups=groups, changed=pending.changed, user=user, channel=channel, source=source
        )
    bulk.write(model, pending, user=user, channel=channel, source=source, conflict=conflict)
    result.created, result.updated = len(pending.new), len(pending.changed)
    return result


def _check_rows(
    model, rows, checker, pending, result, *, existing, counted_as, committee, year, build_values
):
    """One committee-year's rows checked and added to `pending`; the refused ones by unit."""
    errors = {}
    create, update = f"{model._meta.model_name}.create", f"{model._meta.model_name}.update"
    rated, committee_pk = model is Rating, committee.pk
    for row in rows:
        unit = row.unit
        pk = unit.pk
        obj = existing.get(pk)
        values = build_values(row, obj)
        if obj is None:
            # Counted under the unit's committee (and as its tier and type of place) at the time
            # of rating, for good.
            tier, place_type = counted_as[pk]
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
                    obj.tier, obj.place_type = counted_as[pk]
            obj.unit = unit  # already loaded by the caller: no query
            errors[unit] = checker.full_error(obj, values)
            continue
        if obj is None:
            own = {"unit_id": pk, "year": year, "committee_id": committee_pk}
            if rated:
                own["tier"], own["place_type"] = tier, place_type
            pending.new.append(bulk.NewRow(own, checked))
        else:
            pending.changed.append((obj, checked))
        own = {"action": create if obj is None else update, "unit_id": pk}
        own.update(committee_id=committee_pk, year=year, changes=changes)
        pending.audit.append(bulk.NewRow(own))
    return errors


def _rating_values(c: RatingChange, stored: Rating | None) -> dict:
    decided, level = c.decided, c.level
    not_rated = decided and level is None
    scores = c.scores if level is not None or not decided else {}  # a unit not rated has none
    get = scores.get
    if stored is not None and not not_rated:
        # A field the change does not carry (a grid shows no general and task parts) is kept.
        score_values = [get(name, getattr(stored, name)) for name in SCORE_FIELDS]
    else:
        score_values = map(get, SCORE_FIELDS)
    values = {
        "level": level if decided else None,
        "not_rated": not_rated,
        "self_level": c.self_level,
        "appraised_level": c.appraised_level,
        "not_rated_reason": c.not_rated_reason.strip() if not_rated else "",
        "note": c.note.strip(),
        "decision_number": c.decision_number.strip(),
        "decision_date": c.decision_date,
    }
    values.update(zip(SCORE_FIELDS, score_values, strict=True))
    return values


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
    return save_rating_groups(user=user, groups=[(committee, year, changes)], channel=channel, source=source)


@transaction.atomic
def save_rating_groups(
    *,
    user,
    groups: list[tuple[Unit, int, list[RatingChange]]],
    channel: str = Channel.FORM,
    source: str = "",
) -> SaveResult:
    """`save_ratings` for many committee-years at once (an import): each (committee, year,
    changes) checked as `save_ratings` checks it, all written together, all or nothing."""
    counted_as, validate, schemes = _check_groups(user, groups)
    for year in counted_as:
        RatingTally.mark_stale(year)
    result = _save_rows(
        model=Rating,
        groups=groups,
        user=user,
        channel=channel,
        source=source,
        build_values=_rating_values,
        counted_as=counted_as,
        validate=validate,
    )
    for year, scheme in schemes.items():
        if scheme is not None and scheme.refusing_rules:
            units = [c.unit for _committee, y, changes in groups if y == year for c in changes]
            _check_cross_unit_rules(year=year, units=units)
    return result


def _check_groups(user, groups, *, rated: bool = True):
    """Each committee-year may be changed now by `user`, and holds the units it is given; per
    year, where the units were counted (`_check_in_committee`) and how a row is validated."""
    check_can_edit_many(user=user, pairs=[(committee, year) for committee, year, _changes in groups])
    counted_as, validate, schemes = {}, {}, {}
    for year in sorted({year for _committee, year, _changes in groups}):
        in_year = [(committee, changes) for committee, y, changes in groups if y == year]
        counted_as[year] = _check_in_committee(in_year, year)
        if rated:
            # With, in the same query, whether one of its cross-unit rules refuses rather than warns.
            refusing = SubordinateRule.objects.filter(level__scheme=OuterRef("pk"), refuses=True)
            scheme = RatingScheme.objects.annotate(refusing_rules=Exists(refusing)).in_force(year)
            schemes[year] = scheme
            validate[year] = functools.partial(Rating.validate_for, scheme=scheme)
        else:
            validate[year] = functools.partial(MemberStats.validate_for, year=year)
    return counted_as, validate, schemes


def _check_cross_unit_rules(*, year: int, units: list[Unit]) -> None:
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


def save_member_stats(
    *,
    user,
    committee: Unit,
    year: int,
    changes: list[MemberChange],
    channel: str = Channel.FORM,
    source: str = "",
) -> SaveResult:
    return save_member_stat_groups(
        user=user, groups=[(committee, year, changes)], channel=channel, source=source
    )


@transaction.atomic
def save_member_stat_groups(
    *,
    user,
    groups: list[tuple[Unit, int, list[MemberChange]]],
    channel: str = Channel.FORM,
    source: str = "",
) -> SaveResult:
    """`save_member_stats` for many committee-years at once (an import), all or nothing."""
    counted_as, validate, _schemes = _check_groups(user, groups, rated=False)
    return _save_rows(
        model=MemberStats,
        groups=groups,
        user=user,
        channel=channel,
        source=source,
        build_values=lambda c, stored: {name: c.values.get(name) or 0 for name in MEMBER_FIELDS},
        counted_as=counted_as,
        validate=validate,
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
