"""Data entry of one committee-year: which units it enters, what is stored for them, and how the
form rows become service changes. One class per grid (ratings; member statistics); the view in
`assessments.views.grids` drives both."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assessments import rules
from assessments.forms import NOT_RATED, MemberGridFormSet, RatingGridFormSet, editable_names, row_digest
from assessments.models import MEMBER_FIELDS, SCORE_FIELDS, MemberStats, Rating, RatingLevel, RatingScheme
from assessments.services import MemberChange, RatingChange, save_member_stats, save_ratings
from organizations.models import Kind, PlaceType, Unit


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


class Grid:
    model = Rating
    formset_class = RatingGridFormSet
    tiers = Rating.TIERS
    kinds = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL, Kind.SUBORDINATE_CELL)

    def __init__(self, *, user, committee: Unit, year: int):
        self.user, self.committee, self.year = user, committee, year
        self.scheme = RatingScheme.objects.in_force(year)

    # Which units ------------------------------------------------------------------------
    def base_units(self):
        return Unit.objects.for_user(self.user).to_rate(self.year, committee=self.committee, tiers=self.tiers)

    def units(self, grid_filter: GridFilter) -> list[Unit]:
        units = self.base_units()
        if grid_filter.kind:
            units = units.filter(kind=grid_filter.kind)
        if grid_filter.place_type:
            units = units.filter(place_type=grid_filter.place_type)
        if grid_filter.only_empty:
            units = units.pending_in(self.year, self.model)
        return units.in_tree_order()

    def progress(self) -> tuple[int, int]:
        """(units with a row this year, units to rate), over the whole committee."""
        units = self.base_units()
        return units.recorded_in(self.year, self.model).count(), units.count()

    def rows_by_unit(self, units: list[Unit]) -> dict[int, Rating | MemberStats]:
        """The rows stored for `units` this year, by unit id."""
        rows = self.model.objects.filter(year=self.year, unit__in=[u.pk for u in units])
        if self.model is Rating:
            rows = rows.select_related("level", "self_level", "appraised_level")
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
        return {
            "level_choices": [(pk, level.abbreviation) for pk, level in self.levels.items()],
            "scored": bool(self.scheme and self.scheme.scored),
            "three_steps": bool(self.scheme and self.scheme.three_steps),
        }

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
            "self_level": str(row.self_level_id or ""),
            "appraised_level": str(row.appraised_level_id or ""),
            **{name: getattr(row, name) for name in SCORE_FIELDS},
        }

    def formset(self, units, rows: dict, data=None):
        initial = [self.initial(u, rows.get(u.pk)) for u in units]
        names = editable_names(self.formset_class.form(**self.form_kwargs()))
        for row in initial:
            row["shown"] = row_digest(names, row)
        return self.formset_class(data, initial=initial, form_kwargs=self.form_kwargs())

    def column_labels(self) -> list[str]:
        """The headers of the editable columns, in the order the rows show them."""
        form = self.formset_class.form(**self.form_kwargs())
        return [field.label for field in form.visible_fields()]

    def change(self, form, unit: Unit) -> RatingChange | None:
        data = form.cleaned_data
        steps = {name: self.levels.get(data.get(name) or "") for name in ("self_level", "appraised_level")}
        if not data["level"] and not any(steps.values()):
            return None  # left empty: nothing entered yet
        return RatingChange(
            unit=unit,
            decided=bool(data["level"]),
            **steps,
            level=None if data["level"] in ("", NOT_RATED) else self.levels[data["level"]],
            not_rated_reason=data["not_rated_reason"],
            note=data["note"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            scores={name: data[name] for name in SCORE_FIELDS if name in data},
            expected_version=data["version"],
        )

    def warnings(self, rows: dict) -> dict[int, str]:
        """The scheme's cross-unit rules broken by the committee's grassroots organizations."""
        return rules.by_unit(rules.findings(self.year, committee_ids=[self.committee.pk]))

    def save(self, changes, *, channel="form"):
        return save_ratings(
            user=self.user, committee=self.committee, year=self.year, changes=changes, channel=channel
        )


class MemberGrid(Grid):
    model = MemberStats
    formset_class = MemberGridFormSet
    tiers = MemberStats.TIERS
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

    def warnings(self, rows: dict) -> dict[int, str]:
        """The scheme's cap on excellent members, shown beside the row, never blocking."""
        return {
            unit_pk: warning
            for unit_pk, row in rows.items()
            if (warning := row.excellent_cap_warning(self.scheme))
        }
