"""The demo's rating seasons, through `assessments.season` and `assessments.services` as the
provincial office and the committees would work them:

- 2014–2025 opened (by the `province` account); 2014–2024 locked, as years long decided; 2025's
  ratings are submitted and approved for every committee directly under the province (the season
  is closed);
- 2026 in progress (deadline 31/01/2027): some committees approved, some submitted, some still
  entering (a few rows self-assessed, a few decided, the rest empty), some not started. The
  commune of the `dakla` account is still entering, so that account can try the grid.

Years later than today's are not opened (the season service refuses a future year).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from assessments import season, services
from assessments.models import MemberStats, RatingScheme
from assessments.services import MemberChange, RatingChange
from demo import commendations
from demo.years import level_counts, member_split, score_fields, steps, suffix_of
from organizations.models import Tier, Unit

SOURCE = "load_demo"
LOCK_REASON = "Đã hoàn thành đánh giá, xếp loại và tổng hợp báo cáo năm"


def build_seasons(builder) -> None:
    spec, province = builder.spec["seasons"], builder.users["province"]
    today = timezone.localdate()
    for year in range(spec["first_year"], min(spec["last_year"], today.year) + 1):
        deadline = datetime.date(year + 1, 1, 31)
        season.open_season(user=province, year=year, deadline=deadline)
    closed = spec["closed_year"]
    for committee in _committees_on(datetime.date(closed, 12, 31)):
        season.submit(user=province, committee=committee, year=closed)
        season.approve(user=province, committee=committee, year=closed)
    # The years before are long decided: locked, so that they read as closed and stay as counted.
    for year in range(spec["first_year"], closed):
        season.set_year_lock(user=province, year=year, locked=True, reason=LOCK_REASON)
    if spec["current_year"] <= today.year:
        current_season(builder, spec)


def _committees_on(date: datetime.date) -> list[Unit]:
    return list(Unit.objects.committees().on(date).order_by("code"))


def current_season(builder, spec: dict) -> None:
    """The season in progress: committees in every state, written through the services."""
    year, rng, province = spec["current_year"], builder.rng, builder.users["province"]
    keep_entering = Unit.objects.get(pk=builder.users[spec["entering_account"]].committee_id)
    committees = [c for c in _committees_on(datetime.date(year, 12, 31)) if c.pk != keep_entering.pk]
    rng.shuffle(committees)
    states = spec["states"]
    cut = [states["approved"], states["approved"] + states["submitted"]]
    cut.append(cut[1] + states["entering"])
    scheme = RatingScheme.objects.in_force(year)
    for index, committee in enumerate([keep_entering, *committees]):
        state = (
            "entering"
            if index == 0
            else "approved"
            if index <= cut[0]
            else "submitted"
            if index <= cut[1]
            else "entering"
            if index <= cut[2]
            else "not_started"
        )
        if state == "not_started":
            continue
        changes = rating_changes(builder, year, committee, scheme, complete=state != "entering")
        services.save_ratings(
            user=province, committee=committee, year=year, changes=changes, channel="command", source=SOURCE
        )
        if state == "entering":
            continue
        commendations.commend_decided(builder, user=province, committee=committee, year=year)
        services.save_member_stats(
            user=province,
            committee=committee,
            year=year,
            changes=member_changes(builder, year, committee),
            channel="command",
            source=SOURCE,
        )
        season.submit(user=province, committee=committee, year=year)
        if state == "approved":
            season.approve(user=province, committee=committee, year=year)


def rating_changes(builder, year: int, committee: Unit, scheme, *, complete: bool) -> list[RatingChange]:
    """Every unit of the committee decided (complete), or a partial draft: about a third of the
    rows self-assessed only, a sixth decided, the rest left empty."""
    rng, spec = builder.rng, builder.spec["seasons"]
    levels = {lv.code: lv for lv in scheme.ordered_levels}
    number = f"{rng.randint(100, 450)}-{suffix_of(builder, committee)}"
    decided_on = datetime.date(year, 11, rng.randint(16, 28))
    changes = []
    for tier, key in ((Tier.BASE, "base_share"), (Tier.CELL, "cells_share")):
        units = list(Unit.objects.to_rate(year, committee=committee, tiers=(tier,)).order_by("code"))
        ranked = sorted(units, key=lambda u: builder.nodes[u.pk].quality + rng.gauss(0, 0.35), reverse=True)
        counts = level_counts({key: spec["shares"][key]}, key.removesuffix("_share"), len(ranked))
        position = 0
        for code, count in counts.items():
            for unit in ranked[position : position + count]:
                step = rng.random() if not complete else 0.0
                if step > 0.5:
                    continue  # not entered yet
                level = levels[code]
                self_level, appraised = steps(rng, level, scheme.ordered_levels)
                decided = step <= 1 / 6
                changes.append(
                    RatingChange(
                        unit=unit,
                        level=level if decided else None,
                        self_level=self_level,
                        appraised_level=appraised if decided else None,
                        decided=decided,
                        scores=score_fields(rng, code),
                        decision_number=number if decided else "",
                        decision_date=decided_on if decided else None,
                    )
                )
            position += count
    return changes


def member_changes(builder, year: int, committee: Unit) -> list[MemberChange]:
    """Each grassroots organization's members: last year's, grown a little."""
    units = Unit.objects.to_rate(year, committee=committee, tiers=(Tier.BASE,)).order_by("code")
    last = dict(MemberStats.objects.filter(year=year - 1).values_list("unit_id", "member_count"))
    changes = []
    for unit in units:
        count = round(last.get(unit.pk, 40) * builder.rng.uniform(1.005, 1.03))
        values = member_split(builder.rng, count, round(count * builder.rng.uniform(0.015, 0.035)))
        changes.append(MemberChange(unit=unit, values=values))
    return changes
