"""Adding a rating scheme for a future regulation, in the app, by provincial staff.

A scheme decides how every rating of its years is read, so a new one may only begin after the
last year anything was rated or a season was opened: the years already rated keep the scheme they
were rated under. The scheme in force until now, if open-ended, is closed the year before (one
scheme per year). Everything is checked before anything is written, and a refusal is a
ValidationError whose messages name the field at fault; the new scheme, its levels, the closing of
the previous one and their audit entries are written in one transaction, or not at all. The
models' constraints say the same things, but a database refusal would be a server error.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from assessments.models import AuditEntry, Channel, MemberStats, Rating, RatingLevel, RatingScheme, RatingYear
from assessments.models.schemes import MAX_YEAR, MIN_YEAR

MIN_LEVELS, MAX_LEVELS = 2, 8
LEVEL_CONDITIONS = (
    "min_score",
    "needs_all_on_time",
    "needs_all_done",
    "min_exceeded_percent",
    "max_late_percent",
    "needs_no_discipline",
)


@dataclass(frozen=True)
class LevelSpec:
    """One level of a new scheme; `rank` 1 is the best. The conditions are its band (scored
    schemes only); None / False: no condition."""

    code: str
    name: str
    abbreviation: str
    rank: int
    min_score: Decimal | None = None
    needs_all_on_time: bool = False
    needs_all_done: bool = False
    min_exceeded_percent: int | None = None
    max_late_percent: int | None = None
    needs_no_discipline: bool = False


def last_used_year() -> int | None:
    """The latest year with a rating, member statistics or an opened season: None if none."""
    years = [
        Rating.objects.aggregate(y=Max("year"))["y"],
        MemberStats.objects.aggregate(y=Max("year"))["y"],
        RatingYear.objects.filter(opened_at__isnull=False).aggregate(y=Max("year"))["y"],
    ]
    years = [year for year in years if year is not None]
    return max(years) if years else None


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_years(errors: dict, valid_from, latest: RatingScheme | None) -> None:
    if not isinstance(valid_from, int) or not MIN_YEAR <= valid_from <= MAX_YEAR:
        _add(
            errors,
            "valid_from",
            _("The first year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
        )
        return
    used = last_used_year()
    if used is not None and valid_from <= used:
        _add(
            errors,
            "valid_from",
            _(
                "%(year)s already has ratings or an opened season: a new scheme can only come into "
                "force from %(next)s on."
            )
            % {"year": used, "next": used + 1},
        )
    if latest is None:
        return
    if valid_from <= latest.valid_from:
        _add(
            errors,
            "valid_from",
            _("%(scheme)s is in force from %(year)s: a new scheme must come into force after it.")
            % {"scheme": latest.title, "year": latest.valid_from},
        )
    elif latest.valid_to is not None and latest.valid_to != valid_from - 1:
        _add(
            errors,
            "valid_from",
            _("%(scheme)s is in force until %(year)s: the new scheme must come into force in %(next)s.")
            % {"scheme": latest.title, "year": latest.valid_to, "next": latest.valid_to + 1},
        )


def _check_levels(errors: dict, levels: list[LevelSpec], scored: bool) -> None:
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        _add(
            errors,
            "levels",
            _("A scheme has from %(min)s to %(max)s levels; %(count)s were given.")
            % {"min": MIN_LEVELS, "max": MAX_LEVELS, "count": len(levels)},
        )
    seen_codes: set[str] = set()
    for number, level in enumerate(levels, start=1):
        row = _("Level %(number)s") % {"number": number}
        code = level.code.strip()
        for value, label, limit in (
            (code, _("code"), 16),
            (level.name.strip(), _("name"), 255),
            (level.abbreviation.strip(), _("abbreviation"), 32),
        ):
            if not value:
                _add(errors, "levels", _("%(row)s: the %(field)s is missing.") % {"row": row, "field": label})
            elif len(value) > limit:
                _add(
                    errors,
                    "levels",
                    _("%(row)s: the %(field)s is longer than %(limit)s characters.")
                    % {"row": row, "field": label, "limit": limit},
                )
        if code and code.casefold() in seen_codes:
            _add(
                errors, "levels", _("%(row)s: the code %(code)s is given twice.") % {"row": row, "code": code}
            )
        seen_codes.add(code.casefold())
        if level.min_score is not None:
            if not scored:
                _add(
                    errors,
                    "levels",
                    _("%(row)s: a minimum score needs a scheme scored out of 100.") % {"row": row},
                )
            elif not Decimal(0) <= level.min_score <= Decimal(100):
                _add(
                    errors,
                    "levels",
                    _("%(row)s: the minimum score must be between 0 and 100.") % {"row": row},
                )
        for percent in (level.min_exceeded_percent, level.max_late_percent):
            if percent is not None and not 0 <= percent <= 100:
                _add(
                    errors,
                    "levels",
                    _("%(row)s: a share of tasks must be between 0 and 100%%.") % {"row": row},
                )
    ranks = sorted(level.rank for level in levels)
    if levels and ranks != list(range(1, len(levels) + 1)):
        _add(
            errors,
            "levels",
            _("The ranks must be 1 to %(count)s, each once (1 = best).") % {"count": len(levels)},
        )


def _level_audit(level: LevelSpec) -> dict:
    values = {
        "code": level.code.strip(),
        "name": level.name.strip(),
        "abbreviation": level.abbreviation.strip(),
        "rank": level.rank,
    }
    for name in LEVEL_CONDITIONS:
        value = getattr(level, name)
        if value not in (None, False):
            values[name] = f"{value.normalize():f}" if isinstance(value, Decimal) else value
    return values


@transaction.atomic
def add_scheme(
    *,
    user,
    code: str,
    name: str,
    regulation: str,
    regulation_date: datetime.date | None,
    guidance: str,
    valid_from: int,
    scored: bool,
    three_steps: bool,
    description: str,
    member_excellent_cap: int | None,
    levels: list[LevelSpec],
) -> RatingScheme:
    """Add the scheme in force from `valid_from` (open-ended), with its levels; close the
    open-ended scheme before it. ValidationError (messages by field) when refused."""
    user.check_province_staff(str(_("Only the provincial organizing committee can add a rating scheme.")))
    # Locks every scheme: two additions at once are checked one after the other.
    schemes = list(RatingScheme.objects.select_for_update().order_by("valid_from"))
    latest = schemes[-1] if schemes else None
    values = {
        "code": (code or "").strip(),
        "name": (name or "").strip(),
        "regulation": (regulation or "").strip(),
        "regulation_date": regulation_date,
        "guidance": (guidance or "").strip(),
        "valid_from": valid_from,
        "scored": bool(scored),
        "three_steps": bool(three_steps),
        "description": (description or "").strip(),
        "member_excellent_cap": member_excellent_cap,
    }
    errors: dict[str, list[str]] = {}
    if not values["code"]:
        _add(errors, "code", _("The code is missing."))
    elif any(s.code.casefold() == values["code"].casefold() for s in schemes):
        _add(errors, "code", _("A scheme with the code %(code)s already exists.") % {"code": values["code"]})
    if not values["name"]:
        _add(errors, "name", _("The name is missing."))
    if member_excellent_cap is not None and not 0 <= member_excellent_cap <= 100:
        _add(errors, "member_excellent_cap", _("The cap must be between 0 and 100%."))
    _check_years(errors, valid_from, latest)
    _check_levels(errors, list(levels), values["scored"])
    scheme = RatingScheme(**values)
    try:
        scheme.full_clean(validate_unique=False)
    except ValidationError as error:  # what the checks above do not name (lengths)
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if errors:
        raise ValidationError(errors)

    entries = []
    if latest is not None and latest.valid_to is None:
        latest.valid_to = valid_from - 1
        latest.save(update_fields=["valid_to"])
        entries.append(
            AuditEntry(
                user=user,
                channel=Channel.FORM,
                source=latest.code,
                action="scheme.close",
                changes={"valid_to": [None, latest.valid_to]},
                reason=str(_("Closed by %(code)s") % {"code": values["code"]}),
            )
        )
    try:
        with transaction.atomic():
            scheme.save()
            RatingLevel.objects.bulk_create(
                RatingLevel(
                    scheme=scheme,
                    code=level.code.strip(),
                    name=level.name.strip(),
                    abbreviation=level.abbreviation.strip(),
                    rank=level.rank,
                    **{name: getattr(level, name) for name in LEVEL_CONDITIONS},
                )
                for level in levels
            )
    except IntegrityError:  # added at the same moment by someone else
        raise ValidationError(
            {"code": [_("A scheme with this code or first year was added meanwhile. Reload the page.")]}
        ) from None
    changes = {
        field: [None, value.isoformat() if isinstance(value, datetime.date) else value]
        for field, value in values.items()
        if value not in ("", None, False)
    }
    changes["levels"] = [None, [_level_audit(level) for level in sorted(levels, key=lambda lv: lv.rank)]]
    entries.append(
        AuditEntry(user=user, channel=Channel.FORM, source=scheme.code, action="scheme.add", changes=changes)
    )
    AuditEntry.objects.bulk_create(entries)
    return scheme
