"""The checks of a resolution's targets (metric, denominator, comparator, threshold, years), each
problem named by the target and the field: the other half of `assessments.resolution_rules`,
which checks the resolution itself and the levels it counts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.models import (
    Comparator,
    Denominator,
    Metric,
    Resolution,
    Target,
)
from assessments.resolution_rules import (
    DENOMINATORS,
    MAX_THRESHOLD,
    Problem,
    TargetSpec,
    _required,
    _text_problems,
    _year_problem,
    _years_text,
)


def check_targets(
    targets: Sequence[TargetSpec], *, first: int | None, last: int | None, resolution: Resolution | None
) -> list[Problem]:
    problems: list[Problem] = []
    codes: dict[str, int] = {}
    own = set() if resolution is None else set(resolution.targets.values_list("pk", flat=True))
    others = Target.objects.filter(code__in=[spec.code.strip() for spec in targets if spec.code.strip()])
    if resolution is not None:
        others = others.exclude(resolution=resolution)
    taken = dict(others.values_list("code", "resolution__title"))
    terms = 0
    for index, spec in enumerate(targets):
        values = {"code": spec.code.strip(), "label": spec.label.strip()}
        problems += _text_problems(
            values, Target, ("code", "label"), required={"code", "label"}, target=index
        )
        code = values["code"]
        if code and code in codes:
            problems.append(
                Problem(
                    _("The code “%(code)s” is given to two targets: each target needs its own.")
                    % {"code": code},
                    "code",
                    index,
                )
            )
        elif code and code in taken:
            problems.append(
                Problem(
                    _("The code “%(code)s” is already the code of a target of “%(resolution)s”.")
                    % {"code": code, "resolution": taken[code]},
                    "code",
                    index,
                )
            )
        codes.setdefault(code, index)
        if spec.pk is not None and spec.pk not in own:
            problems.append(Problem(_("This target is not one of this resolution's."), None, index))
        blank = [name for name in ("metric", "comparator", "denominator") if not getattr(spec, name)]
        for name in blank:
            problems.append(_required(Target, name, index))
        metric_ok = spec.metric in Metric.values
        if not metric_ok and "metric" not in blank:
            problems.append(
                Problem(
                    _("“%(value)s” is not a figure a target can measure.") % {"value": spec.metric},
                    "metric",
                    index,
                )
            )
        if spec.comparator not in Comparator.values and "comparator" not in blank:
            problems.append(
                Problem(
                    _("“%(value)s” is not a comparator: use ≥ or >.") % {"value": spec.comparator},
                    "comparator",
                    index,
                )
            )
        if spec.denominator not in Denominator.values:
            if "denominator" not in blank:
                problems.append(
                    Problem(
                        _("“%(value)s” is not a denominator.") % {"value": spec.denominator},
                        "denominator",
                        index,
                    )
                )
        elif metric_ok and spec.denominator not in DENOMINATORS[spec.metric]:
            problems.append(_denominator_problem(spec, index))
        problems += _threshold_problems(spec, index)
        if spec.metric == Metric.ADMISSIONS_TERM:
            terms += 1
            if terms == 2:
                problems.append(
                    Problem(
                        _("A resolution has one target of admissions over the term; this is a second one."),
                        "metric",
                        index,
                    )
                )
        problems += _target_year_problems(spec, index, first, last)
    return problems


def _denominator_problem(spec: TargetSpec, index: int) -> Problem:
    if spec.metric == Metric.ADMISSIONS_TERM:
        message = _(
            "“%(metric)s” is a count summed over the term, not a share: its denominator is “%(none)s”."
        )
    elif spec.denominator == Denominator.NONE:
        message = _("“%(metric)s” is a share: choose what it is a share of (its denominator).")
    elif spec.metric == Metric.MEMBERS_GOOD:
        message = _("“%(metric)s” is a share of the members rated: its denominator is “%(members)s”.")
    else:
        message = _(
            "“%(metric)s” cannot be divided by “%(denominator)s”: a share of units is one of all "
            "units or of the rated ones, and only an exemplary share one of the clean-and-strong ones."
        )
    return Problem(
        message
        % {
            "metric": Metric(spec.metric).label,
            "denominator": Denominator(spec.denominator).label,
            "none": Denominator.NONE.label,
            "members": Denominator.MEMBERS_RATED.label,
        },
        "denominator",
        index,
    )


def _threshold_problems(spec: TargetSpec, index: int) -> list[Problem]:
    value = spec.threshold
    if value is None:
        return [_required(Target, "threshold", index)]
    if not isinstance(value, Decimal) or not value.is_finite():
        return [Problem(_("The threshold is not a number."), "threshold", index)]
    if value < 0:
        return [Problem(_("The threshold cannot be negative."), "threshold", index)]
    if value > MAX_THRESHOLD:
        return [Problem(_("The threshold is too large."), "threshold", index)]
    if value != value.quantize(Decimal("0.01")):
        return [Problem(_("The threshold has at most two decimals."), "threshold", index)]
    if spec.denominator != Denominator.NONE and spec.denominator in Denominator.values and value > 100:
        return [Problem(_("A share's threshold is a percentage: at most 100."), "threshold", index)]
    return []


def _target_year_problems(spec: TargetSpec, index: int, first: int | None, last: int | None) -> list[Problem]:
    problems = []
    for name, value in (("start_year", spec.start_year), ("end_year", spec.end_year)):
        if name == "end_year" and value is None:
            continue
        problem = _year_problem(value, name, Target._meta.get_field(name).verbose_name, index)
        if problem:
            problems.append(problem)
    if problems or first is None or last is None:
        return problems
    end = last if spec.end_year is None else spec.end_year
    if end < spec.start_year:
        return [Problem(_("The target's last year comes before its first year."), "end_year", index)]
    if spec.start_year < first or end > last:
        problems.append(
            Problem(
                _(
                    "The target's years %(years)s lie outside those the resolution judges "
                    "(%(resolution_years)s)."
                )
                % {"years": _years_text(spec.start_year, end), "resolution_years": _years_text(first, last)},
                "start_year" if spec.start_year < first else "end_year",
                index,
            )
        )
    return problems
