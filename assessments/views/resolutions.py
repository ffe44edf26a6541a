"""The resolutions the province's figures are judged by: a list for everyone who sees the whole
province, and a form with which provincial staff create or change one — its years, the levels of
each scheme it counts as clean and strong or exemplary (or, instead of an exemplary level, the
commendation "TSVM tiêu biểu"), and its targets. Leaders read the same form, disabled;
committee staff do not see these pages at all (404), since a resolution is the province's. The
service (`assessments.resolutions`) checks and audits; a refusal comes back here on the field or
the target row it is about.

A resolution is addressed by a year it judges (`/resolutions/2015/`): one resolution judges a
year, so the address names one, and it reads as what users ask ("which targets judge 2015?").
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from assessments.forms_resolutions import ResolutionForm, TargetFormSet, target_initial
from assessments.models import CountedAs, CountedLevel, RatingLevel, RatingScheme, Resolution, Target
from assessments.resolution_rules import ResolutionRefused, counted_by, mapping_text, schemes_in_force
from assessments.resolutions import save_resolution


def _check_province(user) -> None:
    """A resolution is the province's: committee staff are told nothing exists here."""
    if not user.sees_whole_province:
        raise Http404


def _mappings(resolution: Resolution, schemes: list[RatingScheme]) -> list[tuple[RatingScheme, str]]:
    """[(scheme, "TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV")] for each scheme in force in the
    resolution's years, or whose levels it counts (from the prefetched counted levels)."""
    by_kind: dict[str, list[RatingLevel]] = {CountedAs.CLEAN_STRONG: [], CountedAs.EXEMPLARY: []}
    for row in resolution.counted_levels.all():
        by_kind[row.counted_as].append(row.level)
    shown = {s.pk for s in schemes_in_force(resolution.first_year, resolution.last_year, schemes)}
    shown |= {level.scheme_id for levels in by_kind.values() for level in levels}
    return [
        (scheme, mapping_text(list(scheme.levels.all()), by_kind)) for scheme in schemes if scheme.pk in shown
    ]


@login_required
@require_GET
def resolution_list(request):
    _check_province(request.user)
    schemes = list(
        RatingScheme.objects.order_by("valid_from").prefetch_related(
            Prefetch("levels", queryset=RatingLevel.objects.order_by("rank"))
        )
    )
    resolutions = Resolution.objects.order_by("first_year").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("position", "code")),
        Prefetch("counted_levels", queryset=CountedLevel.objects.select_related("level")),
    )
    context = {
        "rows": [(resolution, _mappings(resolution, schemes)) for resolution in resolutions],
        "can_edit": request.user.role == Role.PROVINCE_STAFF,
    }
    return render(request, "assessments/resolutions/list.html", context)


def _put_back(refused: ResolutionRefused, form, formset, kept) -> None:
    """Each problem on the field, or the target row, it is about (else on the whole form)."""
    for problem in refused.problems:
        if problem.target is not None and problem.target < len(kept):
            target_form = kept[problem.target][0]
            target_form.add_error(
                problem.field if problem.field in target_form.fields else None, problem.message
            )
        elif problem.field in form.fields:
            form.add_error(problem.field, problem.message)
        else:
            form.add_error(None, problem.message)


def _edit(request, resolution: Resolution | None):
    read_only = request.user.role != Role.PROVINCE_STAFF
    if request.method == "POST" and read_only:
        raise PermissionDenied(_("Only the provincial organizing committee can change resolutions."))
    stored = [] if resolution is None else list(resolution.targets.order_by("position", "code"))
    initial = target_initial(stored)
    if request.method == "POST":
        form = ResolutionForm(request.POST)
        formset = TargetFormSet(request.POST, prefix="targets", initial=initial)
        if form.is_valid() and formset.is_valid():
            kept = formset.specs()
            data = form.cleaned_data
            try:
                result = save_resolution(
                    user=request.user,
                    resolution=resolution,
                    **{name: data[name] for name in ("issuing_body", "number", "date", "title", "term")},
                    first_year=data["first_year"],
                    last_year=data["last_year"],
                    exemplary_by_commendation=data["exemplary_by_commendation"],
                    clean_strong=data["clean_strong"],
                    exemplary=data["exemplary"],
                    targets=[spec for _form, spec in kept],
                    reason=data["reason"],
                )
            except ResolutionRefused as refused:
                _put_back(refused, form, formset, kept)
            else:
                if result.unchanged:
                    messages.info(request, _("Nothing was changed."))
                else:
                    messages.success(
                        request, _("%(resolution)s was saved.") % {"resolution": result.resolution}
                    )
                return redirect("assessments:resolutions")
    else:
        counted = counted_by(resolution) if resolution is not None else None
        form = ResolutionForm(
            initial=ResolutionForm.initial_for(resolution, counted) if resolution else {},
            read_only=read_only,
        )
        formset = TargetFormSet(prefix="targets", initial=initial, read_only=read_only)
    context = {
        "resolution": resolution,
        "form": form,
        "formset": formset,
        "level_groups": form.level_groups(),
        "read_only": read_only,
    }
    return render(request, "assessments/resolutions/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resolution_create(request):
    _check_province(request.user)
    if request.user.role != Role.PROVINCE_STAFF:  # nothing to read on an empty form
        raise PermissionDenied(_("Only the provincial organizing committee can change resolutions."))
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def resolution_edit(request, year):
    _check_province(request.user)
    resolution = Resolution.objects.in_force(year)
    if resolution is None:
        raise Http404
    return _edit(request, resolution)
