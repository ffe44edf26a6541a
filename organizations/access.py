"""Turning a request into the committee or unit it may act on; anything out of scope is a 404.

Views never look units up by themselves: they come here, and this goes through
`Unit.objects.for_user`, the one place where scope is decided.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from organizations.models import Unit


def committee_for_request(request, *, required: bool = True) -> Unit | None:
    """The committee a page is about.

    Committee staff: their own committee (asking for another one by `?committee=` is a 404).
    Provincial users: the committee named by `?committee=CODE`; None (the whole province) when
    the page allows it (`required=False`).
    """
    user = request.user
    code = request.GET.get("committee", "").strip()
    committees = Unit.objects.for_user(user).committees()
    if not user.sees_whole_province:
        if code and code != user.committee.code:
            raise Http404
        return user.committee
    if not code:
        if required:
            raise Http404
        return None
    return get_object_or_404(committees, code=code)


def unit_for_request(request, code: str) -> Unit:
    return get_object_or_404(
        Unit.objects.for_user(request.user).select_related("parent", "committee"), code=code
    )


def committees_for_user(user):
    return Unit.objects.for_user(user).committees().order_by("code")


def units_by_pk(user, committee: Unit, pks) -> dict[int, Unit]:
    """Units named in a form, all of which must be in scope and under `committee`; else 404."""
    wanted = {int(pk) for pk in pks}
    units = Unit.objects.for_user(user).filter(committee=committee, pk__in=wanted).select_related("parent")
    found = {unit.pk: unit for unit in units}
    if set(found) != wanted:
        raise Http404
    return found
