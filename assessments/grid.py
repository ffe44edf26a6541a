"""The data-entry grids: which units a committee rates in a year, and how form rows become
service changes. One class per grid; the view in `assessments.views` drives both."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef

from assessments.forms import NOT_RATED, MemberGridFormSet, RatingGridFormSet, row_digest
from assessments.models import MEMBER_FIELDS, MemberStats, Rating, RatingLevel, RatingScheme
from assessments.services import MemberChange, RatingChange, save_member_stats, save_ratings
from organizations.models import RATED_TIERS, Kind, PlaceType, Tier, Unit


@dataclass
class GridFilter:
    kind: str = ""
    place_type: str = ""
    only_empty: bool = False

    @classmethod
    def from_query(cls, query) -> GridFilter:
        kind = query.get("kind", "")
        place = query.get("place_type", "")
        return cls(
            kind=kind if kind in Kind.values else "",
            place_type=place if place in PlaceType.values else "",
            only_empty=query.get("only_empty") == "1",
        )

    @property
    def active(self) -> bool:
        return bool(self.kind or self.place_type or self.only_empty)


def _tree_order(unit: Unit):
    """Cells right under their grassroots organization."""
    if unit.tier == Tier.CELL:
        return (unit.parent.code, 1, unit.code)
    return (unit.code, 0, "")


class Grid:
    model = Rating
    formset_class = RatingGridFormSet
    tiers = RATED_TIERS
    kinds = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL, Kind.SUBORDINATE_CELL)

    def __init__(self, *, user, committee: Unit, year: int):
        self.user, self.committee, self.year = user, committee, year
        self.scheme = RatingScheme.objects.for_year(year)

    # Which units ------------------------------------------------------------------------
    def base_units(self):
        return (
            Unit.objects.for_user(self.user)
            .filter(committee=self.committee, tier__in=self.tiers)
            .active_in(self.year)
        )

    def units(self, grid_filter: GridFilter) -> list[Unit]:
        units = self.base_units().select_related("parent")
        if grid_filter.kind:
            units = units.filter(kind=grid_filter.kind)
        if grid_filter.place_type:
            units = units.filter(place_type=grid_filter.place_type)
        if grid_filter.only_empty:
            units = units.exclude(Exists(self.model.objects.filter(unit=OuterRef("pk"), year=self.year)))
        return sorted(units, key=_tree_order)

    def progress(self) -> tuple[int, int]:
        """(units with a row this year, units to rate), over the whole committee."""
        units = self.base_units()
        done = units.filter(Exists(self.model.objects.filter(unit=OuterRef("pk"), year=self.year)))
        return done.count(), units.count()

    def stored(self, units: list[Unit]) -> dict[int, Rating | MemberStats]:
        rows = self.model.objects.filter(year=self.year, unit__in=[u.pk for u in units])
        if self.model is Rating:
            rows = rows.select_related("level")
        return {row.unit_id: row for row in rows}

    # Forms ---------------------------------------------------------------------------------
    @cached_property
    def levels(self) -> dict[str, RatingLevel]:
        """The year's levels by the value the form posts (their pk), best first."""
        if self.scheme is None:
            return {}
        return {
            str(level.pk): level for level in RatingLevel.objects.filter(scheme=self.scheme).order_by("rank")
        }

    def form_kwargs(self) -> dict:
        return {"level_choices": [(pk, level.abbreviation) for pk, level in self.levels.items()]}

    def initial(self, unit: Unit, row: Rating | None) -> dict:
        if row is None:
            return {"unit": unit.pk, "version": 0}
        return {
            "unit": unit.pk,
            "version": row.version,
            "level": NOT_RATED if row.not_rated else str(row.level_id),
            "not_rated_reason": row.not_rated_reason,
            "decision_number": row.decision_number,
            "decision_date": row.decision_date,
            "note": row.note,
        }

    def formset(self, units, stored, data=None):
        initial = [self.initial(u, stored.get(u.pk)) for u in units]
        form_class = self.formset_class.form
        for row in initial:
            row["shown"] = row_digest(form_class, row)
        return self.formset_class(data, initial=initial, form_kwargs=self.form_kwargs())

    def change(self, form, unit: Unit) -> RatingChange | None:
        data = form.cleaned_data
        if not data["level"]:
            return None  # left empty: nothing entered yet
        return RatingChange(
            unit=unit,
            level=None if data["level"] == NOT_RATED else self.levels[data["level"]],
            not_rated_reason=data["not_rated_reason"],
            note=data["note"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            expected_version=data["version"],
        )

    def warnings(self, stored: dict) -> dict[int, str]:
        return {}

    def save(self, changes, *, channel="form"):
        return save_ratings(
            user=self.user, committee=self.committee, year=self.year, changes=changes, channel=channel
        )


class MemberGrid(Grid):
    model = MemberStats
    formset_class = MemberGridFormSet
    tiers = (Tier.BASE,)
    kinds = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL)

    def form_kwargs(self) -> dict:
        return {}

    def initial(self, unit: Unit, row: MemberStats | None) -> dict:
        if row is None:
            return {"unit": unit.pk, "version": 0}
        return {
            "unit": unit.pk,
            "version": row.version,
            **{name: getattr(row, name) for name in MEMBER_FIELDS},
        }

    def change(self, form, unit: Unit) -> MemberChange | None:
        data = form.cleaned_data
        if data.get("member_count") is None:
            return None
        return MemberChange(
            unit=unit,
            values={name: data.get(name) or 0 for name in MEMBER_FIELDS},
            expected_version=data["version"],
        )

    def save(self, changes, *, channel="form"):
        return save_member_stats(
            user=self.user, committee=self.committee, year=self.year, changes=changes, channel=channel
        )

    def warnings(self, stored: dict) -> dict[int, str]:
        """The scheme's cap on excellent members, shown beside the row, never blocking."""
        return {
            unit_pk: warning
            for unit_pk, row in stored.items()
            if (warning := row.excellent_cap_warning(self.scheme))
        }
