"""Writes of resolutions, the levels they count and their targets. The page, the import command
and the demo all go through here, so a resolution is checked the same way whichever channel
brings it, and is written whole — its fields, its counted levels, its targets and an audit entry
for each change — in one transaction, or not at all.

Every rule is checked here before anything is written, and a refusal names what is wrong in
words a user understands (`ResolutionRefused`, one `Problem` per fault, each pointing at a field
and, for a target, at its place in the list given): one resolution judges a year, so years may
not overlap another's; a target lies within its resolution's years; a level counted as exemplary
is counted as clean and strong too, and none is when the resolution counts as exemplary the
organizations commended "TSVM tiêu biểu" (`exemplary_by_commendation`); a count (the term's
admissions) has no denominator and a share has the one its figure is divided by. The model's
check constraints say the same, but a database refusal would be a server error, not a message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments.models import (
    AuditEntry,
    Channel,
    CountedAs,
    CountedLevel,
    RatingLevel,
    Resolution,
    Target,
)
from assessments.resolution_rules import (
    DESCRIPTIVE_FIELDS,
    LOCK_KEY,
    RESOLUTION_FIELDS,
    TARGET_FIELDS,
    Problem,
    ResolutionRefused,
    ResolutionResult,
    TargetSpec,
    check_levels,
    check_resolution,
    counted_by,
    level_label,
    locked_years,
)
from assessments.target_rules import check_targets

# Writing -------------------------------------------------------------------------------------


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _check_user(user) -> None:
    """`user` None is the system itself (a command run by an administrator, the demo)."""
    if user is not None and getattr(user, "role", None) != Role.PROVINCE_STAFF:
        raise PermissionDenied(_("Only the provincial organizing committee can change resolutions."))


def _audit_value(value):
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"  # 50.00 and 50 are one threshold
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _resolution_values(values: dict, levels: dict[str, list[RatingLevel]]) -> dict:
    result = {name: _audit_value(values[name]) for name in RESOLUTION_FIELDS}
    for kind in (CountedAs.CLEAN_STRONG, CountedAs.EXEMPLARY):
        result[str(kind)] = sorted(level_label(level) for level in levels[kind])
    return result


def _target_values(target) -> dict:
    return {name: _audit_value(getattr(target, name)) for name in TARGET_FIELDS}


def _diff(before: dict, after: dict) -> dict:
    return {name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]}


def _entry(*, user, channel, source, action, changes, reason="") -> AuditEntry:
    return AuditEntry(
        user=user, channel=channel, source=source, action=action, changes=changes, reason=reason
    )


def _unique_levels(levels: Iterable[RatingLevel]) -> list[RatingLevel]:
    return list({level.pk: level for level in levels}.values())


@transaction.atomic
def save_resolution(
    *,
    user,
    resolution: Resolution | None = None,
    issuing_body: str,
    number: str = "",
    date: datetime.date | None = None,
    title: str,
    term: str,
    first_year: int,
    last_year: int,
    exemplary_by_commendation: bool = False,
    clean_strong: Iterable[RatingLevel] = (),
    exemplary: Iterable[RatingLevel] = (),
    targets: Sequence[TargetSpec] = (),
    channel: str = Channel.FORM,
    source: str = "",
    reason: str = "",
) -> ResolutionResult:
    """Create a resolution (`resolution` None) or change one: its fields (among them whether its
    exemplary targets count the organizations commended “TSVM tiêu biểu” rather than a level),
    the levels it counts as clean and strong and as exemplary, and its targets — `targets` is
    the whole list afterwards: a stored target left out is deleted. All or nothing;
    ResolutionRefused says why not.

    A target is matched to a stored one by `pk` when given, else by its code. A blank end year
    means the resolution's last year.
    """
    _check_user(user)
    _lock()
    if resolution is not None:
        try:
            resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        except Resolution.DoesNotExist:
            raise ResolutionRefused([Problem(_("This resolution no longer exists."))]) from None
    values = {
        "issuing_body": (issuing_body or "").strip(),
        "number": (number or "").strip(),
        "date": date,
        "title": (title or "").strip(),
        "term": (term or "").strip(),
        "first_year": first_year,
        "last_year": last_year,
        "exemplary_by_commendation": bool(exemplary_by_commendation),
    }
    new_levels = {
        CountedAs.CLEAN_STRONG: _unique_levels(clean_strong),
        CountedAs.EXEMPLARY: _unique_levels(exemplary),
    }
    problems, years_ok = check_resolution(values, resolution=resolution)
    if years_ok:
        problems += check_levels(
            new_levels[CountedAs.CLEAN_STRONG],
            new_levels[CountedAs.EXEMPLARY],
            first_year,
            last_year,
            by_commendation=values["exemplary_by_commendation"],
        )
    problems += check_targets(
        targets,
        first=first_year if years_ok else None,
        last=last_year if years_ok else None,
        resolution=resolution,
    )
    if problems:
        raise ResolutionRefused(problems)

    old_levels = counted_by(resolution) if resolution is not None else None
    before = (
        {}
        if resolution is None
        else _resolution_values({name: getattr(resolution, name) for name in RESOLUTION_FIELDS}, old_levels)
    )
    after = _resolution_values(values, new_levels)
    changes = (
        _diff(before, after)
        if resolution is not None
        else {k: [None, v] for k, v in after.items() if v not in ("", None, []) and v is not False}
    )
    stored_targets = {} if resolution is None else {t.pk: t for t in resolution.targets.select_for_update()}
    matched = _match(targets, stored_targets)
    kept = {target.pk for _spec, target in matched if target is not None}
    removed = [t for pk, t in sorted(stored_targets.items()) if pk not in kept]

    # A change of what a locked year counts is refused; its name and number may still be corrected.
    if resolution is not None:
        figures_change = any(name not in DESCRIPTIVE_FIELDS for name in changes) or removed
        figures_change = figures_change or any(
            target is None or _diff(_target_values(target), _target_values(_as_target(spec, last_year)))
            for spec, target in matched
        )
        judged = set(range(resolution.first_year, resolution.last_year + 1))
    else:
        figures_change, judged = True, set()
    judged |= set(range(first_year, last_year + 1))
    locked = locked_years(judged) if figures_change else []
    if locked:
        raise ResolutionRefused(
            [
                Problem(
                    _(
                        "%(years)s locked: the years, levels and targets of the resolution judging "
                        "it cannot change (its name, number and date can). Unlock the year first."
                    )
                    % {"years": ", ".join(map(str, locked))}
                )
            ]
        )

    result = ResolutionResult(resolution=resolution or Resolution())
    entry = {"user": user, "channel": channel, "source": source}
    obj = result.resolution
    if resolution is None or changes:
        for name in RESOLUTION_FIELDS:
            setattr(obj, name, values[name])
        _safety_net(obj, exclude=["levels"])
        obj.save()
        result.created, result.changed = resolution is None, resolution is not None
        result.audit.append(
            _entry(
                **entry,
                action="resolution.create" if resolution is None else "resolution.update",
                changes=changes,
                reason=reason,
            )
        )
    _write_levels(obj, old_levels, new_levels)
    _write_targets(obj, matched, removed, result, entry, last_year)
    AuditEntry.objects.bulk_create(result.audit)
    return result


def _match(
    targets: Sequence[TargetSpec], stored: dict[int, Target]
) -> list[tuple[TargetSpec, Target | None]]:
    """Each target given with the stored one it changes (None: a new one): by `pk` first, then
    by code among the stored targets no `pk` claimed."""
    claimed = {spec.pk for spec in targets if spec.pk is not None}
    by_code = {target.code: target for pk, target in stored.items() if pk not in claimed}
    return [
        (spec, stored.get(spec.pk) if spec.pk is not None else by_code.pop(spec.code.strip(), None))
        for spec in targets
    ]


def _as_target(spec: TargetSpec, last_year: int, target: Target | None = None) -> Target:
    target = target or Target()
    for name in TARGET_FIELDS:
        setattr(target, name, getattr(spec, name))
    target.code, target.label = spec.code.strip(), spec.label.strip()
    target.end_year = last_year if spec.end_year is None else spec.end_year
    target.threshold = spec.threshold.quantize(Decimal("0.01"))
    return target


def _safety_net(obj, exclude=()) -> None:
    """The model's own validation, after the checks above (which should leave nothing for it):
    anything it still finds is a refusal, never a database error."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as error:
        raise ResolutionRefused([Problem(message) for message in error.messages]) from None


def _write_levels(resolution: Resolution, old: dict | None, new: dict) -> None:
    old_pairs = (
        set() if old is None else {(level.pk, kind) for kind, levels in old.items() for level in levels}
    )
    new_pairs = {(level.pk, kind) for kind, levels in new.items() for level in levels}
    for level_id, kind in old_pairs - new_pairs:
        CountedLevel.objects.filter(resolution=resolution, level_id=level_id, counted_as=kind).delete()
    CountedLevel.objects.bulk_create(
        [
            CountedLevel(resolution=resolution, level_id=level_id, counted_as=kind)
            for level_id, kind in sorted(new_pairs - old_pairs)
        ]
    )


def _write_targets(
    resolution, matched, removed, result: ResolutionResult, entry: dict, last_year: int
) -> None:
    label = str(resolution)
    for target in removed:
        result.audit.append(
            _entry(
                **entry,
                action="target.delete",
                changes={
                    "resolution": [label, None],
                    **{k: [v, None] for k, v in _target_values(target).items()},
                },
            )
        )
        target.delete()
        result.targets_deleted += 1
    updates = []
    for spec, stored in matched:
        if stored is None:
            continue
        before = _target_values(stored)
        _as_target(spec, last_year, stored)
        changes = _diff(before, _target_values(stored))
        if changes:
            updates.append((stored, changes))
    # Codes first moved out of the way, so that two targets may swap codes in one save.
    for stored, changes in updates:
        if "code" in changes:
            Target.objects.filter(pk=stored.pk).update(code=f"~{stored.pk}")
    for stored, changes in updates:
        _safety_net(stored, exclude=["resolution"])
        stored.save()
        result.targets_updated += 1
        result.audit.append(_entry(**entry, action="target.update", changes=changes))
    for spec, stored in matched:
        if stored is not None:
            continue
        target = _as_target(spec, last_year)
        target.resolution = resolution
        _safety_net(target)
        target.save()
        result.targets_created += 1
        result.audit.append(
            _entry(
                **entry,
                action="target.create",
                changes={
                    "resolution": [None, label],
                    **{k: [None, v] for k, v in _target_values(target).items() if v is not None},
                },
            )
        )


def create_resolution(**kwargs) -> ResolutionResult:
    """A new resolution (the keyword arguments of `save_resolution`, without `resolution`)."""
    return save_resolution(resolution=None, **kwargs)


def update_resolution(*, resolution: Resolution, **kwargs) -> ResolutionResult:
    """Change `resolution` (the keyword arguments of `save_resolution`)."""
    return save_resolution(resolution=resolution, **kwargs)
