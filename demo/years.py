"""The demo's ratings and member statistics for 2015–2025, written in bulk once the tree's history
is recorded.

Each year is rated on the tree of its 31 December (`UnitPlace.objects.on`): every grassroots
organization and subordinate cell alive that day, counted under its reporting committee, as its
tier and type of place of that day. A unit founded new in the year is *not rated*; a unit that
ended during the year (a 2025 merger) is rated through its successor, which carries its history.
Levels follow the year's shares (2015: the article's exact counts), ranked by each unit's quality;
under a scored scheme (Quy định 366) every decided rating carries a score and conditions inside its
level's band, and under a three-step scheme a self-assessment and an appraisal.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q

from assessments.models import MemberStats, Rating, RatingScheme, RatingTally
from demo import rows
from demo.generator import apportion
from organizations.models import RATED_TIERS, Tier, Unit, UnitPlace

NOT_RATED_REASON = "Mới thành lập, chưa đủ 6 tháng hoạt động"
SUFFIX_BY_KIND = {"district": "QĐ/HU", "city": "QĐ/ThU"}
# Score, share of tasks exceeded and late, by level (Quy định 366's bands, with room inside).
BANDS = {
    "HTXSNV": ((90, 98.5), (30, 60), (0, 0)),
    "HTTNV": ((70, 89.5), (0, 35), (0, 0)),
    "HTNV": ((50, 69.5), (0, 15), (5, 20)),
    "KHTNV": ((30, 49.5), (0, 5), (25, 60)),
}


def _half(value: float) -> Decimal:
    return Decimal(round(value * 2) / 2).quantize(Decimal("0.1"))


def _step(rng, low: int, high: int, step: int = 5) -> int:
    """A share in whole steps (a few distinct values: the service checks each distinct set once)."""
    return rng.randrange(low, high + 1, step) if high > low else low


def score_fields(rng, level_code: str) -> dict:
    """A score and conditions that reach exactly `level_code`'s band (Quy định 366)."""
    (low, high), exceeded, late = BANDS[level_code]
    score = Decimal(rng.randint(low, int(high)))
    general = min(Decimal(30), max(score - 70, _half(float(score) * 0.3 + rng.choice((-1, 0, 1)))))
    on_time = level_code in ("HTXSNV", "HTTNV")
    return {
        "score": score,
        "score_general": general,
        "score_tasks": score - general,
        "tasks_on_time": on_time,
        "tasks_all_done": level_code != "KHTNV",
        "tasks_exceeded_percent": _step(rng, *exceeded),
        "tasks_late_percent": _step(rng, *late),
        "disciplined": False if on_time else rng.random() < 0.3,
    }


def steps(rng, level, ordered_levels) -> tuple:
    """A self-assessment (one level higher, now and then) and the appraisal (the decision's)."""
    if level.rank > 1 and rng.random() < 0.22:
        return ordered_levels[level.rank - 2], level
    return level, level


def year_end_places(builder, year: int, tiers=RATED_TIERS) -> list[dict]:
    """The rated units alive on 31 December, in the order they were created."""
    places = UnitPlace.objects.on(datetime.date(year, 12, 31)).filter(tier__in=tiers)
    rows = places.values("unit_id", "committee_id", "tier", "place_type", "parent_id")
    return sorted(rows, key=lambda p: builder.nodes[p["unit_id"]].order)


def suffix_of(builder, committee: Unit) -> str:
    spec = next((c for c in builder.spec["committees"] if c["code"] == committee.code), None)
    return spec["decision_suffix"] if spec else SUFFIX_BY_KIND.get(committee.kind, "QĐ/ĐU")


def decisions_for(builder, year: int, committee_ids) -> dict[int, tuple]:
    """One decision per reporting committee and year (number, date in January of the next year),
    the committees in the spec's order, then by code. The spec's 2015 committees draw theirs every
    year, even after they are gone, so that the draws of 2015–2020 stay what they always were."""
    spec_order = {c["code"]: i for i, c in enumerate(builder.spec["committees"])}
    committees = sorted(
        Unit.objects.filter(Q(pk__in=set(committee_ids)) | Q(code__in=spec_order)),
        key=lambda c: (spec_order.get(c.code, 99), c.code),
    )
    return {
        c.pk: (
            f"{builder.rng.randint(100, 450)}-{suffix_of(builder, c)}",
            datetime.date(year + 1, 1, builder.rng.randint(8, 28)),
        )
        for c in committees
    }


def level_counts(year_spec: dict, key: str, n: int) -> dict[str, int]:
    if key in year_spec:
        counts = year_spec[key]
        if sum(counts.values()) != n:
            raise ValueError(f"{key}: {sum(counts.values())} levels for {n} units")
        return counts
    shares = year_spec[f"{key}_share"]
    return dict(zip(shares, apportion(n, list(shares.values())), strict=True))


def ranked_levels(builder, year: int, year_spec: dict, places: list[dict], key: str):
    """(place, level code or None for not rated) for the places of one tier, best first."""
    rng, nodes = builder.rng, builder.nodes
    new = [p for p in places if nodes[p["unit_id"]].new_in == year]
    ranked = sorted(
        (p for p in places if nodes[p["unit_id"]].new_in != year),
        key=lambda p: nodes[p["unit_id"]].quality + rng.gauss(0, 0.35),
        reverse=True,
    )
    position = 0
    for code, count in level_counts(year_spec, key, len(ranked)).items():
        for place in ranked[position : position + count]:
            yield place, code
        position += count
    for place in new:
        yield place, None


def build_ratings(builder, year: int, year_spec: dict, scheme: RatingScheme) -> list[dict]:
    """The year's rating rows (columns by name, for `demo.rows.insert`)."""
    places = year_end_places(builder, year)
    levels = {lv.code: lv for lv in scheme.ordered_levels}
    decisions = decisions_for(builder, year, [p["committee_id"] for p in places])
    rows = []
    for key, tier in (("base", Tier.BASE), ("cells", Tier.CELL)):
        of_tier = [p for p in places if p["tier"] == tier]
        for place, code in ranked_levels(builder, year, year_spec, of_tier, key):
            row = {
                "unit_id": place["unit_id"],
                "year": year,
                "committee_id": place["committee_id"],
                "tier": tier,
                "place_type": place["place_type"],
            }
            if code is None:
                row.update(not_rated=True, not_rated_reason=NOT_RATED_REASON)
            else:
                level = levels[code]
                number, date = decisions[place["committee_id"]]
                row.update(level_id=level.pk, not_rated=False, decision_number=number, decision_date=date)
                if scheme.three_steps:
                    self_level, appraised = steps(builder.rng, level, scheme.ordered_levels)
                    row.update(self_level_id=self_level.pk, appraised_level_id=appraised.pk)
                if scheme.scored:
                    row.update(score_fields(builder.rng, code))
            rows.append(row)
    return rows


def member_split(rng, count: int, new: int) -> dict:
    """How `count` members were rated (within the four-level scheme's 20%-of-good cap)."""
    not_rated = max(new, round(count * 0.015))
    shares = [13 + rng.uniform(-2, 2), 72, 14 + rng.uniform(-3, 3), 1 + rng.uniform(-1, 1)]
    excellent, good, completed, not_completed = apportion(count - not_rated, shares)
    cap = good // 5
    if excellent > cap:
        good, excellent = good + excellent - cap, cap
    return {
        "member_count": count,
        "excellent": excellent,
        "good": good,
        "completed": completed,
        "not_completed": not_completed,
        "not_rated": not_rated,
        "admitted": new,
    }


def member_weights(builder, year: int) -> list[tuple[dict, float]]:
    """The grassroots organizations alive on 31 December of `year`, weighted by size and cells."""
    places = year_end_places(builder, year)
    cells: dict[int, int] = {}
    for p in places:
        if p["tier"] == Tier.CELL:
            cells[p["parent_id"]] = cells.get(p["parent_id"], 0) + 1
    return [
        (p, builder.nodes[p["unit_id"]].size * (6 + 9 * cells.get(p["unit_id"], 0)))
        for p in places
        if p["tier"] == Tier.BASE
    ]


def build_member_stats(builder, year: int, year_spec: dict) -> list[dict]:
    weighted = member_weights(builder, year)
    weights = [w for _, w in weighted]
    members = apportion(year_spec["members"], weights)
    admitted = apportion(year_spec["admitted"], weights)
    return [
        {
            "unit_id": place["unit_id"],
            "year": year,
            "committee_id": place["committee_id"],
            **member_split(builder.rng, count, new),
        }
        for (place, _), count, new in zip(weighted, members, admitted, strict=True)
    ]


def build_years(builder) -> None:
    for year_text, year_spec in sorted(builder.spec["years"].items()):
        year = int(year_text)
        scheme = RatingScheme.objects.in_force(year)
        rows.insert(Rating, build_ratings(builder, year, year_spec, scheme))
        RatingTally.mark_stale(year)
        rows.insert(MemberStats, build_member_stats(builder, year, year_spec))
