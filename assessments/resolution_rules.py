"""What a resolution must be before it is written, one home for every rule the page, the import
command and the demo share: the denominators each figure takes, the value types (`TargetSpec`,
`Problem`, `ResolutionRefused`), reading a resolution's counted levels, and the checks that name
each fault by field and, for a target, by its place in the list (see `assessments.resolutions`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assessments.models import (
    MAX_YEAR,
    MIN_YEAR,
    AuditEntry,
    CountedAs,
    CountedLevel,
    Denominator,
    Metric,
    RatingLevel,
    RatingScheme,
    RatingYear,
    Resolution,
    Target,
)

# Which denominators each figure can be divided by (the engine knows no other pairing): a unit
# share by all units or the rated ones, an exemplary share also by the clean-and-strong ones
# (as the article reports it), the members' share by the members rated; the term's admissions
# are a count.
DENOMINATORS = {
    Metric.BASE_CLEAN_STRONG: (Denominator.ALL_UNITS, Denominator.RATED_UNITS),
    Metric.CELL_CLEAN_STRONG: (Denominator.ALL_UNITS, Denominator.RATED_UNITS),
    Metric.BASE_EXEMPLARY: (Denominator.ALL_UNITS, Denominator.RATED_UNITS, Denominator.CLEAN_STRONG_UNITS),
    Metric.CELL_EXEMPLARY: (Denominator.ALL_UNITS, Denominator.RATED_UNITS, Denominator.CLEAN_STRONG_UNITS),
    Metric.MEMBERS_GOOD: (Denominator.MEMBERS_RATED,),
    Metric.ADMISSIONS_TERM: (Denominator.NONE,),
}
# The largest threshold the model stores (max_digits=10, decimal_places=2).
MAX_THRESHOLD = Decimal("99999999.99")
# The fields of a resolution the user writes (the audit compares them, the import repeats them).
RESOLUTION_FIELDS = (
    "issuing_body", "number", "date", "title", "term", "first_year", "last_year", "exemplary_by_commendation"
)  # fmt: skip
# Which fields only describe a resolution: they may change even when a year it judges is locked.
DESCRIPTIVE_FIELDS = {"issuing_body", "number", "date", "title", "term"}
TARGET_FIELDS = (
    "code",
    "label",
    "metric",
    "comparator",
    "threshold",
    "denominator",
    "start_year",
    "end_year",
    "position",
)
# Every write of resolutions takes this transaction-level lock on PostgreSQL first, so that two
# saves cannot both find the years free (SQLite transactions already begin IMMEDIATE: one writer).
LOCK_KEY = 20_152_020


@dataclass
class TargetSpec:
    """A target as given: by the form, a file or the demo."""

    code: str
    label: str
    metric: str
    comparator: str
    threshold: Decimal | None  # None: not given (refused)
    denominator: str
    start_year: int
    end_year: int | None = None  # None: to the resolution's last year
    position: int = 0
    pk: int | None = None  # the stored target this one changes (the form); None: found by its code

    @classmethod
    def of(cls, target: Target) -> TargetSpec:
        return cls(pk=target.pk, **{name: getattr(target, name) for name in TARGET_FIELDS})


@dataclass(frozen=True)
class Problem:
    """One reason for refusing: a message, the field it is about, and for a target its index in
    the list of targets given (so that a form or a file can point at its row)."""

    message: str
    field: str | None = None
    target: int | None = None


class ResolutionRefused(ValidationError):
    """The resolution was not saved, for these reasons; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([problem.message for problem in problems])


@dataclass
class ResolutionResult:
    resolution: Resolution
    created: bool = False
    changed: bool = False  # its own fields or the levels it counts
    targets_created: int = 0
    targets_updated: int = 0
    targets_deleted: int = 0
    audit: list[AuditEntry] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.audit


# Reading -------------------------------------------------------------------------------------


def level_label(level: RatingLevel) -> str:
    """How the audit and the import name a level: its scheme's code and its own ("HTNV-2018:HTTNV")."""
    return f"{level.scheme.code}:{level.code}"


def counted_by(resolution: Resolution) -> dict[str, list[RatingLevel]]:
    """{CountedAs: levels} that `resolution` counts, in scheme then rank order (one query)."""
    result: dict[str, list[RatingLevel]] = {CountedAs.CLEAN_STRONG: [], CountedAs.EXEMPLARY: []}
    if resolution.pk is None:
        return result
    rows = (
        CountedLevel.objects.filter(resolution=resolution)
        .select_related("level__scheme")
        .order_by("level__scheme__valid_from", "level__rank")
    )
    for row in rows:
        result[row.counted_as].append(row.level)
    return result


def schemes_in_force(first_year: int, last_year: int, schemes: Sequence[RatingScheme]) -> list[RatingScheme]:
    """The schemes (of `schemes`, in `valid_from` order) in force in some year of first..last."""
    found: dict[int, RatingScheme] = {}
    for year in range(first_year, last_year + 1):
        scheme = next((s for s in reversed(schemes) if s.valid_from <= year), None)
        if scheme is not None:
            found[scheme.pk] = scheme
    return list(found.values())


def mapping_text(levels: Sequence[RatingLevel], by_kind: dict[str, Iterable[RatingLevel]]) -> str:
    """ "TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV" for the levels of one scheme (best first)."""
    parts = []
    for kind, short in ((CountedAs.CLEAN_STRONG, "TSVM"), (CountedAs.EXEMPLARY, _("exemplary"))):
        ids = {level.pk for level in by_kind.get(kind, ())}
        names = [level.abbreviation for level in levels if level.pk in ids]
        if names:
            parts.append(f"{short} = {' + '.join(names)}")
    return "; ".join(parts) or _("no level is counted")


# Checking ------------------------------------------------------------------------------------


def _required(model, name: str, target: int | None = None) -> Problem:
    verbose = model._meta.get_field(name).verbose_name
    return Problem(_("“%(field)s” is required.") % {"field": verbose}, name, target)


def _text_problems(values: dict, model, fields, *, required, target: int | None = None) -> list[Problem]:
    problems = []
    for name in fields:
        model_field = model._meta.get_field(name)
        text = values[name]
        if name in required and not text:
            problems.append(_required(model, name, target))
        elif len(text) > model_field.max_length:
            problems.append(
                Problem(
                    _("“%(field)s” has %(length)s characters; at most %(max)s are allowed.")
                    % {"field": model_field.verbose_name, "length": len(text), "max": model_field.max_length},
                    name,
                    target,
                )
            )
    return problems


def _year_problem(value, name: str, verbose: str, target: int | None = None) -> Problem | None:
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_YEAR <= value <= MAX_YEAR:
        return Problem(
            _("“%(field)s” must be a year from %(min)s to %(max)s.")
            % {"field": verbose, "min": MIN_YEAR, "max": MAX_YEAR},
            name,
            target,
        )
    return None


def _years_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def check_resolution(values: dict, *, resolution: Resolution | None) -> tuple[list[Problem], bool]:
    """The problems of the resolution's own fields, and whether its years are usable (two years,
    in order) for checking what depends on them."""
    problems = _text_problems(
        values,
        Resolution,
        ("issuing_body", "number", "title", "term"),
        required={"issuing_body", "title", "term"},
    )
    if values["date"] is not None and not isinstance(values["date"], datetime.date):
        problems.append(Problem(_("The date is not a date."), "date"))
    year_problems = [
        problem
        for name in ("first_year", "last_year")
        if (problem := _year_problem(values[name], name, Resolution._meta.get_field(name).verbose_name))
    ]
    problems += year_problems
    if year_problems:
        return problems, False
    first, last = values["first_year"], values["last_year"]
    if last < first:
        problems.append(Problem(_("The last year judged comes before the first year judged."), "last_year"))
        return problems, False
    others = Resolution.objects.filter(first_year__lte=last, last_year__gte=first).order_by("first_year")
    if resolution is not None:
        others = others.exclude(pk=resolution.pk)
    for other in others:
        problems.append(
            Problem(
                _(
                    "The years %(years)s overlap those of %(other)s (%(other_years)s): one "
                    "resolution judges a year. Change the years of one of them."
                )
                % {
                    "years": _years_text(first, last),
                    "other": other,
                    "other_years": _years_text(other.first_year, other.last_year),
                },
                "first_year",
            )
        )
    return problems, True


def _names(levels: Iterable[RatingLevel]) -> str:
    return ", ".join(f"{level.abbreviation} ({level.scheme.title})" for level in levels)


def check_levels(
    clean_strong: list[RatingLevel],
    exemplary: list[RatingLevel],
    first: int,
    last: int,
    *,
    by_commendation: bool = False,
) -> list[Problem]:
    problems = []
    if by_commendation and exemplary:  # the engine would ignore them: say so rather than mislead
        problems.append(
            Problem(
                _(
                    "%(levels)s: counted as exemplary, but this resolution counts as exemplary the "
                    "organizations commended “TSVM tiêu biểu”. Untick the exemplary levels, or the "
                    "commendation."
                )
                % {"levels": _names(exemplary)},
                "exemplary",
            )
        )
    clean_ids = {level.pk for level in clean_strong}
    only_exemplary = [level for level in exemplary if level.pk not in clean_ids]
    if only_exemplary:
        problems.append(
            Problem(
                _(
                    "%(levels)s: counted as exemplary but not as clean and strong. An exemplary "
                    "organization is clean and strong too: count the level as both, or as neither."
                )
                % {"levels": _names(only_exemplary)},
                "exemplary",
            )
        )
    schemes = list(RatingScheme.objects.order_by("valid_from"))
    in_force = {scheme.pk for scheme in schemes_in_force(first, last, schemes)}
    for name, levels in (("clean_strong", clean_strong), ("exemplary", exemplary)):
        outside = [level for level in levels if level.scheme_id not in in_force]
        if outside:
            problems.append(
                Problem(
                    _(
                        "%(levels)s: the scheme of this level is not in force in %(years)s, which "
                        "this resolution judges."
                    )
                    % {"levels": _names(outside), "years": _years_text(first, last)},
                    name,
                )
            )
    return problems


def locked_years(years: set[int]) -> list[int]:
    return sorted(RatingYear.objects.filter(year__in=years, is_locked=True).values_list("year", flat=True))
