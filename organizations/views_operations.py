"""One page per reorganization: fill in the decision, see its consequences, confirm.

A POST first previews (`organizations.reorganize.preview`: the operation runs and is rolled back)
and shows its lines, or the refusal with its message; the page's "Confirm" posts the same values
again with `confirm`, and only then does the operation run (channel "form"), after which the
unit's timeline is shown. A confirm whose values differ from the preview's is previewed again.

Who: the operations are the province's — committee staff are told nothing exists here (404),
leaders are refused (403). Committee staff may found a subordinate cell under a grassroots party
committee of their own (a unit out of scope is a 404, like everywhere).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from assessments.models import Channel
from organizations import reorganize
from organizations.access import province_staff_only, unit_for_request
from organizations.forms import PARENTS, UNITS, parse_on
from organizations.forms_operations import OPERATION_FORMS, FoundCellForm
from organizations.models import Kind, Tier, Unit
from organizations.views_tree import may_found_cell

DATALIST_UNITS = {
    UNITS: lambda units: units,
    PARENTS: lambda units: (
        units.filter(tier__in=[Tier.PROVINCE, Tier.COMMITTEE]) | units.filter(kind=Kind.GRASSROOTS_COMMITTEE)
    ),
}


def _datalists(form, user, on) -> dict:
    alive = Unit.objects.for_user(user).on(on).order_by("code")
    return {
        name: list(DATALIST_UNITS[name](alive).order_by("code").values_list("code", "name"))
        for name in sorted(form.datalists())
    }


def _refusal(error: ValidationError) -> list[str]:
    return list(error.messages)


def _operate(request, form_class, *, initial=None, **form_kwargs):
    user = request.user
    context = {"lines": None, "refused": None, "digest": ""}
    if request.method == "POST":
        form = form_class(request.POST, user=user, **form_kwargs)
        if form.is_valid():
            digest = form.digest()
            if request.POST.get("confirm") and request.POST.get("digest") == digest:
                try:
                    outcome = form.operation(
                        **form.call(user=user, channel=Channel.FORM, source=request.path)
                    )
                except ValidationError as error:
                    context["refused"] = _refusal(error)
                else:
                    messages.success(request, _("Done: %(what)s") % {"what": " ".join(outcome.lines)})
                    return redirect("organizations:timeline", form.subject(outcome).code)
            else:
                if request.POST.get("confirm"):
                    messages.warning(
                        request, _("The form was changed after its preview: check the consequences again.")
                    )
                try:
                    outcome = reorganize.preview(form.operation, **form.call(user=user, channel=Channel.FORM))
                except ValidationError as error:
                    context["refused"] = _refusal(error)
                else:
                    context["lines"] = outcome.lines
                    context["digest"] = digest
        on = form.cleaned_data.get("on") if hasattr(form, "cleaned_data") else None
    else:
        form = form_class(initial=initial or {}, user=user, **form_kwargs)
        on = None
    on = on or parse_on(form["on"].value(), request=None if form.is_bound else request)
    context.update(
        {
            "form": form,
            "title": form.title,
            "parent": form_kwargs.get("parent"),
            "datalists": _datalists(form, user, on),
            "on": on,
        }
    )
    return render(request, "organizations/operation.html", context)


def _initial(request) -> dict:
    """Values a link may fill in (`?unit=CODE&on=d/m/yyyy`)."""
    initial = {"on": request.GET.get("on", "")[:30]}
    code = request.GET.get("unit", "").strip().upper()[:40]
    if code:
        initial.update({"unit_code": code, "unit_codes": code})
    return initial


def operation_view(name: str):
    form_class = OPERATION_FORMS[name]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request):
        province_staff_only(
            request, _("Only the provincial organizing committee can change the organization.")
        )
        return _operate(request, form_class, initial=_initial(request))

    view.__name__ = view.__qualname__ = f"{name}_view"
    view.__module__ = __name__
    return view


@login_required
@require_http_methods(["GET", "POST"])
def found_cell(request, code):
    parent = unit_for_request(request, code)  # 404 out of scope
    if request.user.role == Role.LEADER:
        raise PermissionDenied(_("Your role can read the organization but not change it."))
    if not may_found_cell(request.user, parent):
        raise Http404
    return _operate(request, FoundCellForm, initial=_initial(request), parent=parent)
