"""The "Tổ chức" pages that read: the tree on a chosen date, and one unit's timeline.

Both read only what the user may see (`Unit.objects.for_user`, `unit_for_request`: a unit out of
scope is a 404). Provincial staff see the whole province and are offered every operation;
committee staff see their own committee and may found a subordinate cell under one of their
grassroots party committees.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import Role
from organizations.access import unit_for_request
from organizations.forms import parse_on
from organizations.forms_operations import OPERATION_FORMS
from organizations.models import Kind
from organizations.timeline import timeline_of
from organizations.tree import tree_for

MAX_QUERY = 100


def may_found_cell(user, unit) -> bool:
    """Committee staff (in scope) and provincial staff found cells under a grassroots party committee."""
    return (
        user.role in (Role.PROVINCE_STAFF, Role.COMMITTEE_STAFF)
        and unit.kind == Kind.GRASSROOTS_COMMITTEE
        and unit.dissolved is None
    )


@login_required
@require_GET
def tree(request):
    on = parse_on(request.GET.get("on"), request=request)
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    context = {
        "tree": tree_for(request.user, on, query=query),
        # Each node links to its timeline: the address built once, not reversed per node.
        "timeline_prefix": reverse("organizations:timeline", args=["-"]).removesuffix("-/"),
        "on": on,
        "query": query,
        "can_operate": request.user.is_province_staff,
        "operations": [(name, form.title) for name, form in OPERATION_FORMS.items()],
    }
    return render(request, "organizations/tree.html", context)


@login_required
@require_GET
def timeline(request, code):
    unit = unit_for_request(request, code, history=True)  # 404 outside the history the user reads
    context = {
        "unit": unit,
        "events": timeline_of(unit),
        "places": list(
            unit.places.select_related("parent", "committee").order_by(
                F("valid_from").asc(nulls_first=True), "pk"
            )
        ),
        "can_operate": request.user.is_province_staff,
        "can_found_cell": may_found_cell(request.user, unit),
        "operations": [(name, form.title) for name, form in OPERATION_FORMS.items()],
    }
    return render(request, "organizations/timeline.html", context)
