"""Turning a request into what it may act on; anything out of scope is a 404.

Views never look units up by themselves, nor decide scope: they ask `scope_for_request` once, and
hand the resulting `Scope` to the engine, the drill-down, the grids and the import. A `Scope` is
built from `Unit.objects.for_user`, the one place where scope is decided, and can only narrow it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from organizations.models import EVER, Unit


@dataclass(frozen=True)
class Scope:
    """What one request reads: the whole province (`committee` None) or one committee.

    `units()` is the user's own scope narrowed to the committee, so a scope can never reach a
    unit the user could not see.
    """

    user: object
    committee: Unit | None = None

    @property
    def whole_province(self) -> bool:
        return self.committee is None

    def units(self):
        units = Unit.objects.for_user(self.user)
        if self.committee is not None:
            units = units.filter(committee=self.committee)
        return units

    def units_of(self, year: int):
        """The units to rate in `year` that the scope reads, as the tree stood at that year's end."""
        return Unit.objects.for_user_in(self.user, year).to_rate(year, committee=self.committee)

    def committees(self):
        """The committees the user may choose between (provincial users: all; others: their own)."""
        return Unit.objects.for_user(self.user).committees().order_by("code")


def reporting_committee(unit: Unit) -> Unit:
    """The committee whose season and reports hold `unit`: itself when it sits directly under the
    province, else the one above it (a grassroots party committee's staff work inside it)."""
    return unit if unit.is_reporting_committee or unit.committee_id is None else unit.committee


def province_staff_only(request, message: str = ""):
    """The user of a page that only provincial staff use: a 404 for committee staff (the whole
    province is outside their scope), a 403 for a leader (who reads, never decides)."""
    user = request.user
    if not user.sees_whole_province:
        raise Http404
    user.check_province_staff(message)
    return user


def _clean_code(value: str) -> str:
    """A code as asked for in a URL; anything a code cannot hold (a NUL byte...) is a 404."""
    value = value.strip()
    if len(value) > 40 or not value.isprintable():
        raise Http404
    return value


def scope_for_request(request, *, committee_required: bool = False) -> Scope:
    """The scope a page is about.

    Committee staff: their own committee (asking for another one by `?committee=` is a 404).
    Provincial users: the committee named by `?committee=CODE`, or the whole province when the page
    allows it (else 404).
    """
    user = request.user
    code = _clean_code(request.GET.get("committee", ""))
    if not user.sees_whole_province:
        committee = reporting_committee(user.committee)
        if code and code != committee.code:
            raise Http404
        return Scope(user=user, committee=committee)
    if not code:
        if committee_required:
            raise Http404
        return Scope(user=user)
    committees = Unit.objects.for_user(user).committees()
    return Scope(user=user, committee=get_object_or_404(committees, code=code))


def committee_for_request(request) -> Unit:
    """The one committee a page acts on (a grid save, a submission): 404 without one."""
    return scope_for_request(request, committee_required=True).committee


def unit_for_request(request, code: str, *, history: bool = False) -> Unit:
    """The unit named in a URL, in the user's scope (`history`: a page that only reads a unit's
    past, open to every unit whose history the user reads — `for_user(on=EVER)`)."""
    units = Unit.objects.for_user(request.user, on=EVER if history else None)
    return get_object_or_404(units.select_related("parent", "committee"), code=_clean_code(code))


def units_by_pk(user, committee: Unit, pks, *, year: int | None = None) -> dict[int, Unit]:
    """Units named in a form, all of which must be in scope and under `committee` (in `year`'s
    tree, when given: a past year's grid is its committee's then); else 404."""
    wanted = set(pks)
    if year is None:
        units = Unit.objects.for_user(user).filter(committee=committee)
    else:
        units = Unit.objects.for_user_in(user, year).to_rate(year, committee=committee)
    units = units.filter(pk__in=wanted).select_related("parent")
    found = {unit.pk: unit for unit in units}
    if set(found) != wanted:
        raise Http404
    return found
