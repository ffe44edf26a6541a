"""The rating schemes, each named by its regulation: a list with their years and levels for
everyone who sees the whole province, and a page on which provincial staff add the scheme of a
future regulation. Leaders read the list and are refused the form (403); committee staff see
neither (404), since a scheme is the province's. The service (`assessments.schemes_service`)
checks and audits; its refusals come back here on the field they are about.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from assessments.forms_schemes import LevelFormSet, SchemeForm
from assessments.models import RatingLevel, RatingScheme
from assessments.schemes_service import add_scheme, last_used_year
from organizations.access import province_staff_only

REFUSED = gettext_lazy("Only the provincial organizing committee can add a rating scheme.")


@login_required
@require_GET
def scheme_list(request):
    if not request.user.sees_whole_province:
        raise Http404
    schemes = RatingScheme.objects.order_by("valid_from").prefetch_related(
        Prefetch("levels", queryset=RatingLevel.objects.order_by("rank"))
    )
    context = {"schemes": schemes, "can_add": request.user.is_province_staff}
    return render(request, "assessments/schemes/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_new(request):
    user = province_staff_only(request, str(REFUSED))
    level_errors: list[str] = []
    if request.method == "POST":
        form = SchemeForm(request.POST)
        formset = LevelFormSet(request.POST, prefix="levels")
        if form.is_valid() and formset.is_valid():
            try:
                scheme = add_scheme(user=user, **form.cleaned_data, levels=formset.specs())
            except ValidationError as refused:
                for field, problems in refused.message_dict.items():
                    if field in form.fields:
                        for problem in problems:
                            form.add_error(field, problem)
                    else:
                        level_errors += problems
            else:
                messages.success(request, _("%(scheme)s was added.") % {"scheme": scheme.title})
                return redirect("assessments:schemes")
    else:
        form = SchemeForm()
        formset = LevelFormSet(prefix="levels")
    used = last_used_year()
    context = {
        "form": form,
        "formset": formset,
        "level_errors": level_errors,
        "first_free_year": None if used is None else used + 1,
    }
    return render(request, "assessments/schemes/form.html", context)
