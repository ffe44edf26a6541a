"""The demo's 2025: the two restructurings of that year, recorded through `organizations.reorganize`
(decision, dated places, lineage that carries every rated unit's history, audit).

- 1 March 2025 (real: Kon Tum founded a bloc of provincial Party agencies and re-founded
  grassroots organizations under it): the Party agencies' bloc and the People's Committee's bloc
  are founded, every grassroots organization of the provincial agencies' bloc is re-founded under
  one of them (a third of its agency organizations, the first by code, stand for the Party's own
  agencies), and that bloc is dissolved.
- 1 July 2025 (real: Nghị quyết 202/2025/QH15, Hướng dẫn 31-HD/BTCTW): Kon Tum joins Quảng Ngãi
  (the root is renamed; its code stays), districts are dissolved, Kon Tum's 102 commune-level
  party committees merge into 40 commune party committees directly under the province, the blocs
  merge into the merged province's four (`demo.quangngai` founds Quảng Ngãi's side). What else a
  district held goes, deterministically: armed forces to the military committee, enterprises to
  the People's Committee's bloc, grassroots cells under a new commune committee as its cells,
  grassroots party committees merged into one (their cells with them).

The operations that name each change go through the services; the units they carry, and the
grassroots organizations re-founded or merged by the hundred, are written by `demo.bulk_tree`.
"""

from __future__ import annotations

import datetime
from statistics import fmean

from demo import bulk_tree
from demo.history import alive_base
from organizations import reorganize
from organizations.models import Kind, LineageKind, PlaceType, Tier, Unit
from organizations.reorganize import Decision, NewUnit

COMMUNAL = (PlaceType.COMMUNE, PlaceType.TOWN, PlaceType.WARD)
LABEL = {PlaceType.COMMUNE: "xã", PlaceType.WARD: "phường"}
SOURCE = "load_demo"


def _decision(spec: dict) -> Decision:
    number, date, note = spec["decision"]
    return Decision(number=number, date=datetime.date.fromisoformat(date), note=note)


def _inherit(builder, new: Unit, old: list[Unit]) -> None:
    """The new unit does about as well as those it succeeds."""
    nodes = [builder.nodes[u.pk] for u in old]
    builder.add_node(new, fmean(n.quality for n in nodes), size=fmean(n.size for n in nodes))


def _found(builder, code: str, name: str, parent: Unit, on, decision, **fields) -> Unit:
    spec = NewUnit(code=code, name=name, parent=parent, **fields)
    return reorganize.found(user=None, unit=spec, on=on, decision=decision, source=SOURCE).units[0]


def _bloc(builder, code: str, name: str, on, decision) -> Unit:
    bloc = _found(builder, code, name, builder.province, on, decision, tier=Tier.COMMITTEE, kind=Kind.BLOC)
    builder.committees[code] = bloc
    return bloc


def refound_blocs(builder) -> None:
    spec = builder.spec["bloc_refounding"]
    on, decision = datetime.date.fromisoformat(spec["on"]), _decision(spec)
    blocs = [_bloc(builder, bloc["code"], bloc["name"], on, decision) for bloc in spec["blocs"]]
    old = builder.committees[spec["dissolve"]]
    units = alive_base(old, on)
    agencies = [u for u in units if u.place_type == PlaceType.AGENCY]
    party = {u.pk for u in agencies[: len(agencies) // 3]}
    numbers = {bloc.pk: 0 for bloc in blocs}
    pairs = []
    for unit in units:
        bloc = blocs[0] if unit.pk in party else blocs[1]
        numbers[bloc.pk] += 1
        new = Unit(
            code=f"{bloc.code}-{numbers[bloc.pk]:03d}",
            name=unit.name,
            tier=Tier.BASE,
            kind=unit.kind,
            place_type=unit.place_type,
            parent=bloc,
            committee=bloc,
            founded=on,
        )
        pairs.append((unit, new))
    builder.bulk_found([new for _, new in pairs])
    for unit, new in pairs:
        _inherit(builder, new, [unit])
    bulk_tree.place_cells_of(pairs, on=on)
    bulk_tree.end(pairs, on=on, kind=LineageKind.REFOUND, decision=decision)
    reorganize.dissolve(user=None, unit=old, on=on, decision=decision, source=SOURCE)


def _groups(units: list[Unit], n: int) -> list[list[Unit]]:
    """`units` dealt round-robin into `n` groups (deterministic; the map is invented anyway)."""
    return [units[i::n] for i in range(n)]


def _name_of(district: Unit, group: list[Unit], place: str) -> str:
    """A group holding the district's town is named after the district; else after its first
    commune (so xã Đăk La keeps its name): as many of the real new communes were."""
    if any(u.place_type == PlaceType.TOWN for u in group):
        return f"Đảng bộ {LABEL[place]} {district.name.split(' ', 2)[2]}"
    first = group[0].name.split(" ")
    return f"Đảng bộ {LABEL[place]} {' '.join(first[4 if first[2] == 'thị' else 3 :])}"


def merge_communes(builder, district: Unit, counts: dict, on, decision, numbering: dict) -> list[Unit]:
    """The district's commune-level committees merged into `counts` new ones; returns them."""
    communal = [u for u in alive_base(district, on) if u.place_type in COMMUNAL]
    new_units = []
    for place, n in counts.items():
        pool = [u for u in communal if (u.place_type == PlaceType.WARD) == (place == PlaceType.WARD)]
        for group in _groups(pool, n):
            numbering[place] += 1
            letter = "P" if place == PlaceType.WARD else "X"
            commune = _found(
                builder,
                f"KT-{letter}{numbering[place]:02d}",
                _name_of(district, group, place),
                builder.province,
                on,
                decision,
                tier=Tier.BASE,
                kind=Kind.GRASSROOTS_COMMITTEE,
                place_type=place,
            )
            bulk_tree.place_cells_of([(old, commune) for old in group], on=on)
            reorganize.merge(user=None, units=group, into=commune, on=on, decision=decision, source=SOURCE)
            _inherit(builder, commune, group)
            new_units.append(commune)
    return new_units


def place_the_rest(builder, district: Unit, communes: list[Unit], on, decision) -> None:
    """What the district still holds, placed as the module's header says."""
    to_bloc, to_cells, merged = [], [], []
    for i, unit in enumerate(alive_base(district, on)):
        commune = communes[i % len(communes)]
        if unit.place_type == PlaceType.ARMED_FORCES:
            to_bloc.append((unit, builder.committees["QNG-QS"]))
        elif unit.place_type == PlaceType.ENTERPRISE:
            to_bloc.append((unit, builder.committees["QNG-UBND"]))
        elif unit.kind == Kind.GRASSROOTS_CELL:
            to_cells.append((unit, commune))
        else:
            merged.append((unit, commune))
    bulk_tree.place(to_bloc, on=on)
    bulk_tree.place(to_cells, on=on, tier=Tier.CELL, kind=Kind.SUBORDINATE_CELL)
    bulk_tree.place_cells_of(merged, on=on)
    if merged:
        bulk_tree.end(merged, on=on, kind=LineageKind.MERGE, decision=decision)


def reorganize_2025(builder, found_other_side) -> None:
    spec = builder.spec["reorganization"]
    on, decision = datetime.date.fromisoformat(spec["on"]), _decision(spec)
    province = builder.province
    reorganize.rename(
        user=None, unit=province, name=spec["province_name"], on=on, decision=decision, source=SOURCE
    )
    builder.province = Unit.objects.get(pk=province.pk)
    for bloc in spec["blocs"]:
        merged = [builder.committees[code] for code in bloc["from"]]
        new = _bloc(builder, bloc["code"], bloc["name"], on, decision)
        children = Unit.objects.filter(parent__in=merged).on(on).order_by("code")
        bulk_tree.place([(unit, new) for unit in children], on=on)
        reorganize.merge(user=None, units=merged, into=new, on=on, decision=decision, source=SOURCE)
    found_other_side(builder, on)
    numbering = {PlaceType.COMMUNE: 0, PlaceType.WARD: 0}
    for code, counts in spec["kontum_communes"].items():
        district = builder.committees[code]
        communes = merge_communes(builder, district, counts, on, decision, numbering)
        place_the_rest(builder, district, communes, on, decision)
        reorganize.dissolve(user=None, unit=district, on=on, decision=decision, source=SOURCE)
