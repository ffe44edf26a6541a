"""Quảng Ngãi's side of the merged province, invented, founded in the demo on 1 July 2025 (the
installation tracked Kon Tum only before): its 56 commune-level party committees directly under
the province (49 xã, 6 phường and the special zone Lý Sơn, so that with Kon Tum's 40 the province
has the real 96), their cells, and its own grassroots organizations under the four merged blocs.

Written in bulk with their first dated places (`UnitPlace.bulk_first_of`): a founding with no
predecessor has no lineage to record, and a few thousand rows stay fast. Only the commune
committees are saved one by one, since each is its own reporting committee.
"""

from __future__ import annotations

from organizations.models import Kind, PlaceType, Tier, Unit

KINH_A = ["Tịnh", "Nghĩa", "Bình", "Phổ", "Đức", "Hành", "Sơn", "Ba", "Trà", "Minh", "Long", "Thiện"]
KINH_B = [
    "An",
    "Hòa",
    "Phong",
    "Thuận",
    "Lợi",
    "Thạnh",
    "Khánh",
    "Hiệp",
    "Phước",
    "Tân",
    "Châu",
    "Mỹ",
    "Trung",
    "Kỳ",
    "Hải",
    "Lâm",
]
LABEL = {PlaceType.COMMUNE: "xã", PlaceType.WARD: "phường", PlaceType.SPECIAL_ZONE: "đặc khu"}
LETTER = {PlaceType.COMMUNE: "X", PlaceType.WARD: "P", PlaceType.SPECIAL_ZONE: "D"}


def found_side(builder, on) -> None:
    spec, rng = builder.spec["quangngai"], builder.rng
    communes = []
    for place, count in spec["communes"].items():
        for n in range(1, count + 1):
            name = spec["named"].get(place) or builder.invented_name((KINH_A, KINH_B))
            unit = Unit(
                code=f"QN-{LETTER[place]}{n:02d}",
                name=f"Đảng bộ {LABEL[place]} {name}",
                tier=Tier.BASE,
                kind=Kind.GRASSROOTS_COMMITTEE,
                place_type=place,
                parent=builder.province,
                founded=on,
            )
            unit.save()  # its own reporting committee, and its first place
            builder.add_node(unit, rng.gauss(0.1, 1.0), size=rng.uniform(0.8, 1.6))
            communes.append(unit)
    low, high = spec["cells_per_commune"]
    cells = []
    for unit in communes:
        cells += builder.plan_cells(unit, builder.nodes[unit.pk].quality, rng.randint(low, high), "", on)
    bases = []
    for code, bloc in spec["blocs"].items():
        committee = builder.committees[code]
        with_cells = round(bloc["base"] * 0.3)
        for i in range(bloc["base"]):
            place = bloc["places"][i % len(bloc["places"])]
            has_cells = i < with_cells
            bases.append(
                Unit(
                    code=f"{code}-QN{i + 1:03d}",
                    name=builder.base_name(place, has_cells, i, (KINH_A, KINH_B)),
                    tier=Tier.BASE,
                    kind=Kind.GRASSROOTS_COMMITTEE if has_cells else Kind.GRASSROOTS_CELL,
                    place_type=place,
                    parent=committee,
                    committee=committee,
                    founded=on,
                )
            )
    builder.bulk_found(bases)
    for unit in bases:
        builder.add_node(unit, rng.gauss(0.3, 1.0), size=rng.uniform(0.6, 1.4))
        if unit.kind == Kind.GRASSROOTS_COMMITTEE:
            n_cells = rng.randint(2, 6)
            cells += builder.plan_cells(unit, builder.nodes[unit.pk].quality, n_cells, "", on)
    builder.bulk_found([unit for unit, _ in cells])
    for unit, quality in cells:
        builder.add_node(unit, quality)
