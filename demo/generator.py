"""Deterministic Kon Tum demo data, built from `demo/kontum_demo.json` (2015–2020) and
`demo/kontum_2021_2026.json` (2021 to today).

The 2015 ratings reproduce the article's figures exactly and the 2020 totals the public ones; the
2025 reorganization follows the real decisions (see the README). Every other name and figure is
invented. The same seed gives the same units, codes, ratings and member figures on every machine.

This module builds the 2015 tree, the accounts, and runs the steps in order: the tree's history
(`demo.history`, `demo.reorganization_2025`, `demo.quangngai`), the ratings of every year
(`demo.years`), the seasons (`demo.seasons`).
"""

from __future__ import annotations

import datetime
import json
import random
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from accounts.models import User
from demo.resolutions import load_resolutions
from organizations.models import Kind, PlaceType, Tier, Unit, UnitPlace

# Beside this module, not in a `fixtures/` directory: the generator's input, not Django fixtures.
SPEC_PATH = Path(__file__).resolve().with_name("kontum_demo.json")
LATER_PATH = Path(__file__).resolve().with_name("kontum_2021_2026.json")

SYLLABLES_A = ["Đăk", "Ngọk", "Kon", "Ia", "Po", "Măng", "Hơ", "Ya", "Rơ", "Tê", "Xốp", "Mô"]
SYLLABLES_B = [
    "Mar",
    "Pxi",
    "Long",
    "Wang",
    "Brông",
    "Lùng",
    "Kram",
    "Hring",
    "Choong",
    "Blo",
    "Năng",
    "Rơ Wa",
    "Tơ Re",
    "Ruồng",
    "Sao",
    "Pờ Ê",
    "Nên",
    "Tăng",
    "Chờ",
    "Rinh",
]
AGENCY_NAMES = [
    "Văn phòng",
    "Sở Kế hoạch",
    "Sở Tư pháp",
    "Sở Nội vụ",
    "Ban Dân tộc",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Thanh tra",
    "Sở Tài chính",
    "Phòng Nội vụ",
    "Phòng Tài nguyên",
]
PLACE_LABEL = {
    PlaceType.COMMUNE: "xã",
    PlaceType.WARD: "phường",
    PlaceType.TOWN: "thị trấn",
    PlaceType.SPECIAL_ZONE: "đặc khu",
    PlaceType.AGENCY: "cơ quan",
    PlaceType.PUBLIC_SERVICE: "Trung tâm",
    PlaceType.SCHOOL: "Trường",
    PlaceType.ENTERPRISE: "Công ty",
    PlaceType.ARMED_FORCES: "Đơn vị",
}
COMMUNAL = (PlaceType.COMMUNE, PlaceType.WARD, PlaceType.TOWN, PlaceType.SPECIAL_ZONE)
DISTRICT_OTHER_PLACES = [
    PlaceType.AGENCY,
    PlaceType.SCHOOL,
    PlaceType.PUBLIC_SERVICE,
    PlaceType.ARMED_FORCES,
    PlaceType.ENTERPRISE,
]


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder), exact sum."""
    if not weights:
        return []
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - parts[i], -i), reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass(eq=False)
class Node:
    """What the generator knows of a unit beyond its row: how well it does (ranks its ratings),
    its size (weights its members), and the year it was founded new (not rated that year)."""

    quality: float
    size: float = 1.0
    new_in: int | None = None
    order: int = 0  # creation order: the years rank units in it, so 2015 draws as it always did


class DemoBuilder:
    def __init__(self, spec: dict):
        self.spec = spec
        self.rng = random.Random(spec["seed"])
        # A second stream for what came after the 2016–2019 events (decision numbers, 2025, Quảng
        # Ngãi): drawing it never shifts the main stream, so the 2015–2020 ratings stay as drawn.
        self.aside = random.Random(spec["seed"] + 10)
        self.used_names: set[str] = set()
        self.committees: dict[str, Unit] = {}
        self.province: Unit | None = None
        self.nodes: dict[int, Node] = {}  # unit pk -> Node
        self.users: dict[str, User] = {}

    # Names -----------------------------------------------------------------
    def invented_name(self, syllables=(SYLLABLES_A, SYLLABLES_B)) -> str:
        # 240 syllable pairs; once a pair is taken, a numeric suffix keeps names unique.
        name = f"{self.rng.choice(syllables[0])} {self.rng.choice(syllables[1])}"
        candidate, n = name, 1
        while candidate in self.used_names:
            n += 1
            candidate = f"{name} {n}"
        self.used_names.add(candidate)
        return candidate

    def base_name(self, place: str, is_committee: bool, index: int, syllables=None) -> str:
        prefix = "Đảng bộ" if is_committee else "Chi bộ"
        invented = self.invented_name(*([syllables] if syllables else []))
        if place == PlaceType.AGENCY:
            return f"{prefix} {AGENCY_NAMES[index % len(AGENCY_NAMES)]} {invented}"
        return f"{prefix} {PLACE_LABEL[place]} {invented}"

    def cell_label(self, base: Unit, j: int) -> tuple[str, str]:
        """A subordinate cell's type of place and name under `base` (its j-th cell)."""
        if base.place_type in (PlaceType.COMMUNE, PlaceType.SPECIAL_ZONE):
            return PlaceType.VILLAGE, (f"thôn {j + 1}" if j % 3 else f"làng {self.invented_name()}")
        if base.place_type in (PlaceType.WARD, PlaceType.TOWN):
            if j % 4:
                return PlaceType.RESIDENTIAL_GROUP, f"tổ dân phố {j + 1}"
            return PlaceType.VILLAGE, f"thôn {j + 1}"
        return base.place_type, f"{PLACE_LABEL.get(base.place_type, 'bộ phận')} {j + 1}"

    def add_node(self, unit: Unit, quality: float, size: float = 1.0, new_in: int | None = None) -> Node:
        node = Node(quality=quality, size=size, new_in=new_in, order=len(self.nodes))
        self.nodes[unit.pk] = node
        return node

    # The 2015 tree ---------------------------------------------------------------
    def build_tree(self):
        spec = self.spec
        self.province = Unit(
            code=spec["province"]["code"],
            name=spec["province"]["name"],
            tier=Tier.PROVINCE,
            kind=Kind.PROVINCE,
        )
        self.province.save()
        for c in spec["committees"]:
            committee = Unit(
                code=c["code"], name=c["name"], tier=Tier.COMMITTEE, kind=c["kind"], parent=self.province
            )
            committee.save()
            self.committees[c["code"]] = committee
        plans = [plan for c in spec["committees"] for plan in self.plan_committee(c)]
        self.bulk_found([unit for unit, *_ in plans])
        cells = []
        for base, quality, size, n_cells, code in plans:
            self.add_node(base, quality, size)
            cells += self.plan_cells(base, quality, n_cells, code)
        self.bulk_found([unit for unit, _ in cells])
        for unit, quality in cells:
            self.add_node(unit, quality)

    @contextmanager
    def drawing_aside(self):
        """Draw from the second stream inside the block (names, qualities, numbers)."""
        main, self.rng = self.rng, self.aside
        try:
            yield
        finally:
            self.rng = main

    @staticmethod
    def bulk_found(units: list[Unit]) -> None:
        """Units written in bulk, with their first dated places (`bulk_create` calls no save())."""
        Unit.objects.bulk_create(units, batch_size=1000)
        UnitPlace.bulk_first_of(units)

    def plan_committee(self, c: dict):
        committee = self.committees[c["code"]]
        communal = [place for place, n in c.get("communal", []) for _ in range(n)]
        others = c["base"] - len(communal)
        places = c.get("places", DISTRICT_OTHER_PLACES)
        n_with_cells = max(2, round(others * (0.3 if c["kind"] == "bloc" else 0.2)))
        communal_cells = round(c["cells"] * 0.85) if communal else 0
        remote = c["kind"] == "district" and c["code"] not in ("DAKHA", "NGOCHOI")
        plan = []
        for place in communal:
            plan.append((place, True, self.rng.uniform(0.6, 1.4), -0.35 if remote else 0.0))
        for i in range(others):
            plan.append((places[i % len(places)], i < n_with_cells, self.rng.uniform(0.6, 1.4), 0.25))
        communal_split = apportion(communal_cells, [w for _, _, w, _ in plan[: len(communal)]])
        other_split = apportion(
            c["cells"] - communal_cells, [w for _, has, w, _ in plan[len(communal) :] if has]
        )
        other_iter = iter(other_split)
        named = self.spec["named_places"].get(c["code"])
        named_index = communal.index(PlaceType.COMMUNE) if named else None
        for index, (place, has_cells, weight, bias) in enumerate(plan):
            n_cells = (
                communal_split[index] if index < len(communal) else (next(other_iter) if has_cells else 0)
            )
            kind = Kind.GRASSROOTS_COMMITTEE if has_cells else Kind.GRASSROOTS_CELL
            name = self.base_name(place, has_cells, index)
            if index == named_index:
                name = f"Đảng bộ xã {named['commune']}"
            unit = Unit(
                code=f"{c['code']}-{index + 1:03d}",
                name=name,
                tier=Tier.BASE,
                kind=kind,
                place_type=place,
                parent=committee,
                committee=committee,
            )
            yield unit, self.rng.gauss(bias, 1.0), weight, n_cells, c["code"]

    def plan_cells(self, base: Unit, quality: float, n_cells: int, committee_code: str, founded=None):
        """The cells of `base` (unsaved), each with its quality."""
        named = self.spec["named_places"].get(committee_code)
        cells = []
        for j in range(n_cells):
            place, label = self.cell_label(base, j)
            if named and base.name == f"Đảng bộ xã {named['commune']}" and j == 0:
                label = named["village_cell"]
            unit = Unit(
                code=f"{base.code}-{j + 1:02d}",
                name=f"Chi bộ {label}",
                tier=Tier.CELL,
                kind=Kind.SUBORDINATE_CELL,
                place_type=place,
                parent=base,
                committee=base.committee,
                founded=founded,
            )
            penalty = {PlaceType.VILLAGE: -0.45, PlaceType.RESIDENTIAL_GROUP: -0.1}.get(place, 0.2)
            cells.append((unit, quality * 0.4 + self.rng.gauss(penalty, 1.0)))
        return cells

    # Accounts ----------------------------------------------------------------------
    def build_accounts(self) -> dict[str, User]:
        hashed = None  # one password for every demo account: hashed once (it is deliberately slow)
        for a in self.spec["accounts"]:
            committee = Unit.objects.get(code=a["committee"]) if a.get("committee") else None
            user = User(
                username=a["username"],
                role=a["role"],
                first_name=a["first_name"],
                last_name=a["last_name"],
                is_staff=a["staff"],
                is_superuser=a["staff"],
                committee=committee,
            )
            if hashed is None:
                user.set_password(self.spec["demo_password"])
                hashed = user.password
            user.password = hashed
            user.full_clean()
            user.save()
            self.users[user.username] = user
        return self.users

    # Counts for the command's summary ---------------------------------------------------
    def counts(self, *dates: datetime.date) -> list[dict[str, int]]:
        """Per date, the tree that day: grassroots organizations, cells, units under the root."""
        result = []
        for date in dates:
            places = UnitPlace.objects.on(date)
            root = places.get(tier=Tier.PROVINCE)
            result.append(
                {
                    "base": places.filter(tier=Tier.BASE).count(),
                    "cells": places.filter(tier=Tier.CELL).count(),
                    "direct": places.filter(parent_id=root.unit_id).count(),
                }
            )
        return result


def load_spec() -> dict:
    """The two spec files as one: the 2015–2020 spec, with the later years and steps added."""
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    later = json.loads(LATER_PATH.read_text(encoding="utf-8"))
    spec["years"].update(later.pop("years"))
    spec["accounts"] += later.pop("accounts")
    later.pop("_comment", None)
    spec.update(later)
    return spec


def demo_loaded(spec: dict | None = None) -> bool:
    spec = spec or load_spec()
    return Unit.objects.filter(code=spec["province"]["code"]).exists()


@transaction.atomic
def load_demo(spec: dict | None = None) -> DemoBuilder:
    """Build the whole demo data set in one transaction: all of it or nothing."""
    from demo import commendations, history, quangngai, reorganization_2025, seasons, years

    builder = DemoBuilder(spec or load_spec())
    builder.build_tree()
    _analyze()
    history.apply_2016_2019(builder)
    with builder.drawing_aside():
        reorganization_2025.refound_blocs(builder)
        reorganization_2025.reorganize_2025(builder, found_other_side=quangngai.found_side)
    _analyze()
    years.build_years(builder)
    commendations.grant_bulk(builder, [int(year) for year in builder.spec["years"]])
    _analyze()
    builder.build_accounts()
    load_resolutions()  # the invented 2020–2025 and 2025–2030 resolutions
    seasons.build_seasons(builder)
    _analyze()
    return builder


def _analyze() -> None:
    """Fresh statistics after a bulk load: PostgreSQL plans tables it has never analyzed as
    nearly empty (nested loops over thousands of rows took seconds a query)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
