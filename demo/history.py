"""The demo's invented changes of 2016–2019, recorded as a provincial office would record them:
through `organizations.reorganize` (a decision, dated places, lineage, audit).

Grassroots organizations of the provincial enterprise bloc dissolved each year, ten agency cells
merged into agency party committees at the end of 2018, two units founded in mid-2019, and the
enterprise bloc itself dissolved at the end of 2019, its remaining units moved to Kon Tum city
from 1 January 2020. So the tree on 31/12/2015 has every unit under its 2015 committee.
"""

from __future__ import annotations

import datetime

from organizations import reorganize
from organizations.models import Kind, PlaceType, Tier, Unit
from organizations.reorganize import Decision, NewUnit

ONE_DAY = datetime.timedelta(days=1)


def decision(builder, on: datetime.date, note: str = "") -> Decision:
    """An invented decision of the provincial standing committee, dated a few weeks before `on`
    (drawn from the second stream, so the events themselves draw as they always did)."""
    aside = builder.aside
    number = f"{aside.randint(1200, 2900)}-QĐ/TU"
    return Decision(number=number, date=on - datetime.timedelta(days=aside.randint(10, 30)), note=note)


def alive_base(committee: Unit, on: datetime.date, kind: str | None = None) -> list[Unit]:
    units = Unit.objects.filter(tier=Tier.BASE, parent=committee).on(on).order_by("code")
    return list(units if kind is None else units.filter(kind=kind))


def apply_2016_2019(builder) -> None:
    events, rng = builder.spec["events"], builder.rng
    committees = builder.committees
    for code, year, count in events["dissolve_base"]:
        on = datetime.date(year + 1, 1, 1)
        for unit in rng.sample(alive_base(committees[code], on), count):
            reorganize.dissolve(
                user=None, unit=unit, on=on, decision=decision(builder, on), source="load_demo"
            )
    for code, year, count in events["merge_base"]:
        on = datetime.date(year + 1, 1, 1)
        targets = alive_base(committees[code], on, Kind.GRASSROOTS_COMMITTEE)
        for unit in rng.sample(alive_base(committees[code], on, Kind.GRASSROOTS_CELL), count):
            reorganize.merge(
                user=None,
                units=[unit],
                into=rng.choice(targets),
                on=on,
                decision=decision(builder, on),
                source="load_demo",
            )
    for code, year, count in events["found_base"]:
        committee, on = committees[code], datetime.date(year, 7, 1)
        start = Unit.objects.filter(code__startswith=f"{code}-", tier=Tier.BASE).count() + 1
        for i in range(count):
            new = NewUnit(
                code=f"{code}-{start + i:03d}",
                name=builder.base_name(PlaceType.PUBLIC_SERVICE, False, 0),
                tier=Tier.BASE,
                kind=Kind.GRASSROOTS_CELL,
                parent=committee,
                place_type=PlaceType.PUBLIC_SERVICE,
            )
            outcome = reorganize.found(
                user=None, unit=new, on=on, decision=decision(builder, on), source="load_demo"
            )
            builder.add_node(outcome.units[0], rng.gauss(0.2, 1.0), size=0.7, new_in=year)
    move = events["dissolve_committee"]
    old, new = committees[move["code"]], committees[move["move_remaining_to"]]
    on = datetime.date(move["year"] + 1, 1, 1)
    reorganize.move(
        user=None,
        units=alive_base(old, on),
        parent=new,
        on=on,
        decision=decision(builder, on),
        source="load_demo",
    )
    reorganize.dissolve(user=None, unit=old, on=on, decision=decision(builder, on), source="load_demo")
