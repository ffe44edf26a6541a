"""The units behind a dashboard figure: every count links here with the same filters."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.formats import date_format

from assessments.models import CountedAs, Rating
from assessments.models.targets import counted_levels
from organizations.access import Scope
from organizations.models import RATED_TIERS, PlaceType, Unit

GROUPS = ("clean_strong", "exemplary", "not_rated", "pending")
# A level code (see assessments.RatingLevel.code) or one of GROUPS; anything else is no filter.
_LEVEL = re.compile(r"[A-Za-z0-9_]{1,32}")


@dataclass
class DrillFilter:
    tier: str = ""
    level: str = ""  # a level code, or one of GROUPS
    place_type: str = ""

    @classmethod
    def from_query(cls, query) -> DrillFilter:
        tier = query.get("tier", "")
        place = query.get("place_type", "")
        return cls(
            tier=tier if tier in RATED_TIERS else "",
            level=level if _LEVEL.fullmatch(level := query.get("level", "")) else "",
            place_type=place if place in PlaceType.values else "",
        )


@dataclass
class DrillRow:
    unit: Unit
    committee: Unit | None
    rating: Rating | None

    def as_list(self) -> list:
        rating = self.rating
        level = "" if rating is None else (rating.level.name if rating.level_id else rating.not_rated_reason)
        return [
            self.unit.code,
            self.unit.name,
            self.committee.name if self.committee else "",
            level,
            rating.decision_number if rating else "",
            date_format(rating.decision_date, "SHORT_DATE_FORMAT") if rating and rating.decision_date else "",
            rating.note if rating else "",
        ]


def drill_rows(scope: Scope, year: int, drill: DrillFilter) -> list[DrillRow]:
    if drill.level == "pending":
        units = scope.units().to_rate(year).pending_in(year).select_related("committee")
        if drill.tier:
            units = units.filter(tier=drill.tier)
        if drill.place_type:
            units = units.filter(place_type=drill.place_type)
        return [DrillRow(unit=u, committee=u.committee, rating=None) for u in units.order_by("code")]

    ratings = (
        Rating.objects.for_user(scope.user).filter(year=year).select_related("unit", "committee", "level")
    )
    if scope.committee is not None:
        ratings = ratings.filter(committee=scope.committee)
    if drill.tier:
        ratings = ratings.filter(tier=drill.tier)
    if drill.place_type:
        ratings = ratings.filter(unit__place_type=drill.place_type)
    if drill.level in (CountedAs.CLEAN_STRONG, CountedAs.EXEMPLARY):
        # What the year's resolution counts as such (nothing when no resolution judges the year).
        _resolution, counted = counted_levels(year)
        ratings = ratings.filter(level__in=[pk for pk, groups in counted.items() if drill.level in groups])
    elif drill.level == "not_rated":
        ratings = ratings.filter(not_rated=True)
    elif drill.level:
        ratings = ratings.filter(level__code=drill.level)
    return [DrillRow(unit=r.unit, committee=r.committee, rating=r) for r in ratings.order_by("unit__code")]
