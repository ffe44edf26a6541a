"""The units behind a dashboard figure: every count links here with the same filters.

A selection is a tier, a level (a level code of the year's scheme, or one of GROUPS) and a type of
place, within the scope of the request. `DrillSelection` reads it page by page (two queries a page,
whatever the number of units) or whole, for the CSV and XLSX exports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from assessments.models import Commendation, CountedAs, Rating, RatingLevel
from assessments.models.targets import counted_levels
from organizations.access import Scope
from organizations.models import RATED_TIERS, PlaceType, Tier, Unit

GROUPS = ("clean_strong", "exemplary", "not_rated", "pending")
# A level code (see assessments.RatingLevel.code) or one of GROUPS; anything else is no filter.
_LEVEL = re.compile(r"[A-Za-z0-9_]{1,32}")

PAGE_SIZE = 100


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

    def within(self, levels: list[RatingLevel]) -> DrillFilter:
        """The same filter, without a level code that the year's scheme does not have."""
        codes = {level.code for level in levels}
        if self.level and self.level not in GROUPS and self.level not in codes:
            return DrillFilter(tier=self.tier, level="", place_type=self.place_type)
        return self

    def as_query(self) -> dict:
        return {key: value for key, value in vars(self).items() if value}


def year_levels(year: int) -> list[RatingLevel]:
    """The levels of the scheme in force in `year`, best first (one query)."""
    levels = list(
        RatingLevel.objects.select_related("scheme")
        .filter(scheme__valid_from__lte=year)
        .order_by("-scheme__valid_from", "rank")
    )
    return [level for level in levels if level.scheme_id == levels[0].scheme_id] if levels else []


def level_choices(levels: list[RatingLevel]) -> list[tuple[str, str]]:
    """The level filter's choices: the groups the dashboard counts, then every level by name."""
    return [
        ("clean_strong", _("Clean and strong (including exemplary)")),
        ("exemplary", _("Exemplary clean and strong")),
        *[(level.code, level.name) for level in levels],
        ("not_rated", _("Not rated")),
        ("pending", _("Not yet entered")),
    ]


def tier_choices() -> list[tuple[str, str]]:
    return [(Tier.BASE, _("Grassroots organizations")), (Tier.CELL, _("Subordinate cells"))]


def place_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in PlaceType.choices]


def describe(drill: DrillFilter, year: int, levels: list[RatingLevel]) -> str:
    """What was selected, in words: "Chi bộ trực thuộc đạt TSVM năm 2015"."""
    units = {
        Tier.BASE: pgettext("drill-down title", "Grassroots organizations"),
        Tier.CELL: pgettext("drill-down title", "Subordinate cells"),
    }.get(drill.tier, pgettext("drill-down title", "Grassroots organizations and subordinate cells"))
    if drill.place_type:
        place = dict(PlaceType.choices).get(drill.place_type, drill.place_type)
        units = _("%(units)s (%(place)s)") % {"units": units, "place": place}
    values = {"units": units, "year": year}
    if drill.level == "clean_strong":
        return _("%(units)s clean and strong in %(year)s") % values
    if drill.level == "exemplary":
        return _("%(units)s exemplary clean and strong in %(year)s") % values
    if drill.level == "not_rated":
        return _("%(units)s not rated in %(year)s") % values
    if drill.level == "pending":
        return _("%(units)s not yet entered for %(year)s") % values
    if drill.level:
        level = next((lv.name for lv in levels if lv.code == drill.level), drill.level)
        return _("%(units)s rated “%(level)s” in %(year)s") % {**values, "level": level}
    return _("%(units)s in %(year)s") % values


def tier_label(tier: str) -> str:
    return {Tier.BASE: _("Grassroots organization"), Tier.CELL: _("Subordinate cell")}.get(tier, tier)


@dataclass
class DrillRow:
    unit: Unit
    committee: Unit | None
    rating: Rating | None

    @property
    def tier(self) -> str:
        """The tier the unit was counted under that year (its own tier while not entered)."""
        return self.rating.tier if self.rating else self.unit.tier

    @property
    def parent(self) -> Unit | None:
        """The unit it belongs to now: a cell's grassroots organization, a grassroots
        organization's committee."""
        return self.unit.parent

    @property
    def level_label(self) -> str:
        rating = self.rating
        if rating is None:
            return _("Not yet entered")
        if rating.level_id:
            return rating.level.name
        return _("Not rated: %(reason)s") % {"reason": rating.not_rated_reason}

    @classmethod
    def headers(cls) -> list[str]:
        return [
            _("Code"),
            _("Unit"),
            _("Tier"),
            _("Parent organization"),
            _("Counted under committee"),
            _("Type of place"),
            _("Level"),
            _("Decision number"),
            _("Decision date"),
            _("Note"),
        ]

    def as_list(self, *, dates_as_text: bool = True) -> list:
        """One row of the exports, in the order of `headers()` (text cells still to be escaped)."""
        rating = self.rating
        decision_date = rating.decision_date if rating else None
        if decision_date and dates_as_text:
            decision_date = date_format(decision_date, "SHORT_DATE_FORMAT")
        return [
            self.unit.code,
            self.unit.name,
            tier_label(self.tier),
            self.parent.name if self.parent else "",
            self.committee.name if self.committee else "",
            self.unit.get_place_type_display() if self.unit.place_type else "",
            self.level_label,
            rating.decision_number if rating else "",
            decision_date or "",
            rating.note if rating else "",
        ]


class DrillSelection:
    """The rows of a selection, read lazily: `count()` and slices are one query each, so a page of
    100 rows costs two queries whatever the size of the selection (Django's Paginator takes it)."""

    def __init__(self, queryset, pending: bool):
        self.queryset = queryset
        self.pending = pending

    def _row(self, obj) -> DrillRow:
        if self.pending:
            return DrillRow(unit=obj, committee=obj.committee, rating=None)
        return DrillRow(unit=obj.unit, committee=obj.committee, rating=obj)

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(obj) for obj in self.queryset[index]]
        return self._row(self.queryset[index])

    def __iter__(self):
        return (self._row(obj) for obj in self.queryset.iterator(chunk_size=2000))


def selection(scope: Scope, year: int, drill: DrillFilter) -> DrillSelection:
    if drill.level == "pending":
        units = scope.units_of(year).pending_in(year).select_related("committee", "parent")
        if drill.tier:
            units = units.filter(year_tier=drill.tier)
        if drill.place_type:
            units = units.filter(year_place_type=drill.place_type)
        return DrillSelection(units.order_by("code"), pending=True)

    ratings = (
        Rating.objects.for_user(scope.user)
        .filter(year=year)
        .select_related("unit", "unit__parent", "committee", "level")
    )
    if scope.committee is not None:
        ratings = ratings.filter(committee=scope.committee)
    if drill.tier:
        ratings = ratings.filter(tier=drill.tier)
    if drill.place_type:
        ratings = ratings.filter(unit__place_type=drill.place_type)
    if drill.level in (CountedAs.CLEAN_STRONG, CountedAs.EXEMPLARY):
        # What the year's resolution counts as such (nothing when no resolution judges the year):
        # levels, or for exemplary the organizations commended "TSVM tiêu biểu" when it says so.
        resolution, counted = counted_levels(year)
        if drill.level == CountedAs.EXEMPLARY and resolution and resolution.exemplary_by_commendation:
            ratings = ratings.filter(pk__in=Commendation.objects.counted_in(year).values("rating_id"))
        else:
            ratings = ratings.filter(
                level__in=[pk for pk, groups in counted.items() if drill.level in groups]
            )
    elif drill.level == "not_rated":
        ratings = ratings.filter(not_rated=True)
    elif drill.level:
        ratings = ratings.filter(level__code=drill.level)
    return DrillSelection(ratings.order_by("unit__code"), pending=False)


def drill_rows(scope: Scope, year: int, drill: DrillFilter) -> list[DrillRow]:
    return list(selection(scope, year, drill))
