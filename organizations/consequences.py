"""How a reorganization's consequences are told before it is confirmed ("7 chi bộ trực thuộc move
from Huyện ủy Đắk Hà to Đảng bộ xã …; their 2024 ratings stay counted under Huyện ủy Đắk Hà")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import Rating
from organizations.models import Tier, Unit


def stay_counted(units) -> str:
    """Where the units' ratings stay counted, by the committees they were counted under (not the
    one they sit under now: a cell moved in 2025 keeps its 2015–2024 ratings under its district)."""
    years: dict[str, list[int]] = {}
    rows = Rating.objects.filter(unit__in=units).values_list("committee__name", "year").distinct()
    for name, year in rows.order_by("year"):
        years.setdefault(name, []).append(year)
    parts = [
        _("their %(years)s ratings stay counted under %(committee)s")
        % {"years": str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}", "committee": name}
        for name, ys in sorted(years.items(), key=lambda item: item[1][0])
    ]
    return "; " + "; ".join(parts) if parts else ""


def under(unit: Unit) -> list[Unit]:
    """The unit and the units under it that exist today, for counting what moves with it."""
    return [unit, *Unit.objects.filter(parent=unit, dissolved__isnull=True)]


def count_words(units) -> str:
    cells = sum(1 for u in units if u.tier == Tier.CELL)
    bases = sum(1 for u in units if u.tier == Tier.BASE)
    parts = []
    if bases:
        parts.append(
            ngettext("%(n)d grassroots organization", "%(n)d grassroots organizations", bases) % {"n": bases}
        )
    if cells:
        parts.append(ngettext("%(n)d subordinate cell", "%(n)d subordinate cells", cells) % {"n": cells})
    others = len(units) - cells - bases
    if others:
        parts.append(ngettext("%(n)d committee", "%(n)d committees", others) % {"n": others})
    return _(" and ").join(parts)
