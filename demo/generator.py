"""Deterministic Kon Tum demo data, built from `demo/kontum_demo.json`.

The 2015 ratings reproduce the article's figures exactly; other years, and every name but
the committees, commune Đăk La and its village cell thôn 1A, are invented (see the README).
The same seed gives the same units, codes, ratings and member figures on every machine.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from accounts.models import User
from assessments.models import MemberStats, Rating, RatingScheme, RatingTally
from demo.resolutions import load_resolutions
from organizations.models import Kind, PlaceType, Tier, Unit

# Beside this module, not in a `fixtures/` directory: it is the generator's input, not a Django
# fixture that `loaddata` could load.
SPEC_PATH = Path(__file__).resolve().with_name("kontum_demo.json")
NOT_RATED_REASON = "Mới thành lập, chưa đủ 6 tháng hoạt động"

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
    PlaceType.AGENCY: "cơ quan",
    PlaceType.PUBLIC_SERVICE: "Trung tâm",
    PlaceType.SCHOOL: "Trường",
    PlaceType.ENTERPRISE: "Công ty",
    PlaceType.ARMED_FORCES: "Đơn vị",
}
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
    """A unit under construction, with what the generator needs to know about it over time."""

    unit: Unit
    quality: float
    size: float = 1.0
    committee_until: dict = field(default_factory=dict)  # last year -> committee code, when moved
    children: list = field(default_factory=list)

    def committee_code(self, year: int, current: str) -> str:
        for last_year, code in sorted(self.committee_until.items()):
            if year <= last_year:
                return code
        return current


class DemoBuilder:
    def __init__(self, spec: dict):
        self.spec = spec
        self.rng = random.Random(spec["seed"])
        self.used_names: set[str] = set()
        self.committees: dict[str, Unit] = {}
        self.base_nodes: list[Node] = []
        self.cell_nodes: list[Node] = []

    # Names -----------------------------------------------------------------
    def invented_name(self) -> str:
        # 240 syllable pairs; once a pair is taken, a numeric suffix keeps names unique.
        name = f"{self.rng.choice(SYLLABLES_A)} {self.rng.choice(SYLLABLES_B)}"
        candidate, n = name, 1
        while candidate in self.used_names:
            n += 1
            candidate = f"{name} {n}"
        self.used_names.add(candidate)
        return candidate

    def base_name(self, place: str, is_committee: bool, index: int) -> str:
        prefix = "Đảng bộ" if is_committee else "Chi bộ"
        if place in (PlaceType.COMMUNE, PlaceType.WARD, PlaceType.TOWN):
            return f"{prefix} {PLACE_LABEL[place]} {self.invented_name()}"
        if place == PlaceType.AGENCY:
            return f"{prefix} {AGENCY_NAMES[index % len(AGENCY_NAMES)]} {self.invented_name()}"
        return f"{prefix} {PLACE_LABEL[place]} {self.invented_name()}"

    # Tree ------------------------------------------------------------------
    def build_tree(self):
        spec = self.spec
        province = Unit(
            code=spec["province"]["code"],
            name=spec["province"]["name"],
            tier=Tier.PROVINCE,
            kind=Kind.PROVINCE,
        )
        province.save()
        for c in spec["committees"]:
            committee = Unit(
                code=c["code"], name=c["name"], tier=Tier.COMMITTEE, kind=c["kind"], parent=province
            )
            committee.save()
            self.committees[c["code"]] = committee
        base_units, plans = [], []
        for c in spec["committees"]:
            for node, n_cells in self.plan_committee(c):
                base_units.append(node.unit)
                plans.append((node, n_cells, c["code"]))
        Unit.objects.bulk_create(base_units, batch_size=500)
        cells = []
        for node, n_cells, code in plans:
            cells.extend(self.plan_cells(node, n_cells, code))
        Unit.objects.bulk_create([n.unit for n in cells], batch_size=1000)

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
        for index, (place, has_cells, weight, bias) in enumerate(plan):
            n_cells = (
                communal_split[index] if index < len(communal) else (next(other_iter) if has_cells else 0)
            )
            kind = Kind.GRASSROOTS_COMMITTEE if has_cells else Kind.GRASSROOTS_CELL
            name = self.base_name(place, has_cells, index)
            named = self.spec["named_places"].get(c["code"])
            if named and index == 0:
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
            node = Node(unit=unit, quality=self.rng.gauss(bias, 1.0), size=weight)
            self.base_nodes.append(node)
            yield node, n_cells

    def plan_cells(self, parent: Node, n_cells: int, committee_code: str):
        base = parent.unit
        nodes = []
        for j in range(n_cells):
            if base.place_type == PlaceType.COMMUNE:
                place, label = (
                    PlaceType.VILLAGE,
                    (f"thôn {j + 1}" if j % 3 else f"làng {self.invented_name()}"),
                )
            elif base.place_type in (PlaceType.WARD, PlaceType.TOWN):
                place, label = (
                    (PlaceType.RESIDENTIAL_GROUP, f"tổ dân phố {j + 1}")
                    if j % 4
                    else (PlaceType.VILLAGE, f"thôn {j + 1}")
                )
            else:
                place, label = base.place_type, f"{PLACE_LABEL.get(base.place_type, 'bộ phận')} {j + 1}"
            named = self.spec["named_places"].get(committee_code)
            if named and base.code.endswith("-001") and j == 0:
                label = named["village_cell"]
            unit = Unit(
                code=f"{base.code}-{j + 1:02d}",
                name=f"Chi bộ {label}",
                tier=Tier.CELL,
                kind=Kind.SUBORDINATE_CELL,
                place_type=place,
                parent=base,
                committee=base.committee,
            )
            penalty = {PlaceType.VILLAGE: -0.45, PlaceType.RESIDENTIAL_GROUP: -0.1}.get(place, 0.2)
            node = Node(unit=unit, quality=parent.quality * 0.4 + self.rng.gauss(penalty, 1.0))
            parent.children.append(node)
            nodes.append(node)
        self.cell_nodes.extend(nodes)
        return nodes

    # Changes over the years ------------------------------------------------------
    def apply_events(self):
        events = self.spec["events"]
        by_committee = {}
        for node in self.base_nodes:
            by_committee.setdefault(node.unit.committee.code, []).append(node)

        def alive(code, year, kind=None):
            return [
                n
                for n in by_committee[code]
                if n.unit.is_active_in(year + 1) and (kind is None or n.unit.kind == kind)
            ]

        for code, year, count in events["dissolve_base"]:
            for node in self.rng.sample(alive(code, year), count):
                self.dissolve(node, datetime.date(year, 12, 31))
        for code, year, count in events["merge_base"]:
            targets = alive(code, year, Kind.GRASSROOTS_COMMITTEE)
            for node in self.rng.sample(alive(code, year, Kind.GRASSROOTS_CELL), count):
                self.dissolve(node, datetime.date(year, 12, 31), merged_into=self.rng.choice(targets).unit)
        for code, year, count in events["found_base"]:
            committee = self.committees[code]
            start = len(by_committee[code]) + 1
            for i in range(count):
                unit = Unit(
                    code=f"{code}-{start + i:03d}",
                    tier=Tier.BASE,
                    kind=Kind.GRASSROOTS_CELL,
                    name=self.base_name(PlaceType.PUBLIC_SERVICE, False, 0),
                    place_type=PlaceType.PUBLIC_SERVICE,
                    parent=committee,
                    committee=committee,
                    founded=datetime.date(year, 7, 1),
                )
                unit.save()
                node = Node(unit=unit, quality=self.rng.gauss(0.2, 1.0), size=0.7)
                self.base_nodes.append(node)
                by_committee[code].append(node)
        move = events["dissolve_committee"]
        old, new = self.committees[move["code"]], self.committees[move["move_remaining_to"]]
        for node in alive(move["code"], move["year"]):
            for n in [node, *node.children]:
                n.committee_until[move["year"]] = old.code
                n.unit.committee = new
            node.unit.parent = new
        old.dissolved = datetime.date(move["year"], 12, 31)
        old.save()
        moved = [n.unit for n in self.base_nodes + self.cell_nodes if n.committee_until]
        Unit.objects.bulk_update(moved, ["parent", "committee"], batch_size=500)
        changed = [n.unit for n in self.base_nodes + self.cell_nodes if n.unit.dissolved]
        Unit.objects.bulk_update(changed, ["dissolved", "merged_into"], batch_size=500)

    def dissolve(self, node: Node, date: datetime.date, merged_into: Unit | None = None):
        node.unit.dissolved, node.unit.merged_into = date, merged_into
        for child in node.children:
            child.unit.dissolved = date

    # Ratings and members ------------------------------------------------------------
    def level_counts(self, year_spec: dict, key: str, n: int) -> dict[str, int]:
        if key in year_spec:
            counts = year_spec[key]
            if sum(counts.values()) != n:
                raise ValueError(f"{key}: {sum(counts.values())} levels for {n} units")
            return counts
        shares = year_spec[f"{key}_share"]
        return dict(zip(shares, apportion(n, list(shares.values())), strict=True))

    def build_ratings(self, year: int, year_spec: dict, scheme) -> list[Rating]:
        levels = {lv.code: lv for lv in scheme.levels.all()}
        decisions = {
            code: (
                f"{self.rng.randint(100, 450)}-{c['decision_suffix']}",
                datetime.date(year + 1, 1, self.rng.randint(8, 28)),
            )
            for code, c in ((c["code"], c) for c in self.spec["committees"])
        }
        rows = []
        for key, nodes, tier in (("base", self.base_nodes, Tier.BASE), ("cells", self.cell_nodes, Tier.CELL)):
            active = [n for n in nodes if n.unit.is_active_in(year)]
            new = [n for n in active if n.unit.founded and n.unit.founded.year == year]
            ranked = sorted(
                (n for n in active if n not in set(new)),
                key=lambda n: n.quality + self.rng.gauss(0, 0.35),
                reverse=True,
            )
            counts = self.level_counts(year_spec, key, len(ranked))
            position = 0
            for code, count in counts.items():
                for node in ranked[position : position + count]:
                    rows.append(self.rating(node, year, tier, decisions, level=levels[code]))
                position += count
            for node in new:
                rows.append(self.rating(node, year, tier, decisions, not_rated=True))
        return rows

    def rating(self, node: Node, year: int, tier: str, decisions: dict, level=None, not_rated=False):
        code = node.committee_code(year, node.unit.committee.code)
        number, date = decisions[code]
        return Rating(
            unit=node.unit,
            year=year,
            committee=self.committees[code],
            tier=tier,
            place_type=node.unit.place_type,
            level=level,
            not_rated=not_rated,
            not_rated_reason=NOT_RATED_REASON if not_rated else "",
            decision_number="" if not_rated else number,
            decision_date=None if not_rated else date,
        )

    def build_member_stats(self, year: int, year_spec: dict) -> list[MemberStats]:
        active = [n for n in self.base_nodes if n.unit.is_active_in(year)]
        weights = [n.size * (6 + 9 * sum(c.unit.is_active_in(year) for c in n.children)) for n in active]
        members = apportion(year_spec["members"], weights)
        admitted = apportion(year_spec["admitted"], weights)
        rows = []
        for node, count, new in zip(active, members, admitted, strict=True):
            not_rated = max(new, round(count * 0.015))
            shares = [
                13 + self.rng.uniform(-2, 2),
                72,
                14 + self.rng.uniform(-3, 3),
                1 + self.rng.uniform(-1, 1),
            ]
            excellent, good, completed, not_completed = apportion(count - not_rated, shares)
            cap = good // 5  # keep within the four-level scheme's 20%-of-good rule
            if excellent > cap:
                good, excellent = good + excellent - cap, cap
            code = node.committee_code(year, node.unit.committee.code)
            rows.append(
                MemberStats(
                    unit=node.unit,
                    year=year,
                    committee=self.committees[code],
                    member_count=count,
                    excellent=excellent,
                    good=good,
                    completed=completed,
                    not_completed=not_completed,
                    not_rated=not_rated,
                    admitted=new,
                )
            )
        return rows

    def build_years(self):
        for year_text, year_spec in sorted(self.spec["years"].items()):
            year = int(year_text)
            scheme = RatingScheme.objects.in_force(year)
            Rating.objects.bulk_create(self.build_ratings(year, year_spec, scheme), batch_size=1000)
            RatingTally.mark_stale(year)
            MemberStats.objects.bulk_create(self.build_member_stats(year, year_spec), batch_size=1000)

    def build_accounts(self) -> list[User]:
        users = []
        for a in self.spec["accounts"]:
            user = User(
                username=a["username"],
                role=a["role"],
                first_name=a["first_name"],
                last_name=a["last_name"],
                is_staff=a["staff"],
                is_superuser=a["staff"],
                committee=self.committees.get(a.get("committee")),
            )
            user.set_password(self.spec["demo_password"])
            user.full_clean()
            user.save()
            users.append(user)
        return users


def load_spec() -> dict:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def demo_loaded(spec: dict | None = None) -> bool:
    spec = spec or load_spec()
    return Unit.objects.filter(code=spec["province"]["code"]).exists()


@transaction.atomic
def load_demo(spec: dict | None = None) -> DemoBuilder:
    """Build the whole demo data set in one transaction: all of it or nothing."""
    builder = DemoBuilder(spec or load_spec())
    builder.build_tree()
    builder.apply_events()
    builder.build_years()
    builder.build_accounts()
    load_resolutions()  # the invented 2020–2025 and 2025–2030 resolutions
    return builder
