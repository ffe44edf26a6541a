"""Data entry of one committee-year: which units it enters, what is stored for them, and how the
form rows become service changes. One class per grid (ratings; member statistics); the view in
`assessments.views.grids` drives both, `assessments.grid_html` writes their rows.

A save posts every row of the page; only the rows whose texts differ from those they were shown
with (their digest) are read by a form and checked, so that one changed row of a 500-unit grid
costs one form, not five hundred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import Http404
from django.utils.translation import gettext as _

from assessments import commendation_entry, rules
from assessments.forms import (
    COMMENDED,
    NOT_RATED,
    RatingGridFormSet,
    editable_names,
    row_data,
    row_digest,
    text_digest,
    untouched,
    value_text,
)
from assessments.grid_html import Line
from assessments.models import (
    SCORE_FIELDS,
    Rating,
    RatingLevel,
    RatingScheme,
    Resolution,
)
from assessments.services import RatingChange, save_ratings
from organizations.models import Kind, PlaceType, Tier, Unit, UnitPlace, year_end


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


def level_label(level: RatingLevel) -> str:
    """A level as the grid's choices name it: "Hoàn thành xuất sắc nhiệm vụ (HTXSNV)"."""
    if not level.abbreviation or level.abbreviation.casefold() in level.name.casefold():
        return level.name  # "Yếu kém (không hoàn thành nhiệm vụ)" names its abbreviation already
    return f"{level.name} ({level.abbreviation})"


class FormRows(Sequence):
    """(unit, row form) pairs, built only when read: the page itself is written from its lines,
    the forms are there for whoever reads the rows one by one (tests posting a page back)."""

    def __init__(self, units, formset):
        self.units, self.formset = units, formset

    @cached_property
    def pairs(self):
        return list(zip(self.units, self.formset.forms, strict=True))

    def __getitem__(self, index):
        return self.pairs[index]

    def __len__(self):
        return len(self.units)


class Grid:
    model = Rating
    formset_class = RatingGridFormSet
    tiers = Rating.TIERS
    kinds = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL, Kind.SUBORDINATE_CELL)
    prefix = RatingGridFormSet.get_default_prefix()

    def __init__(self, *, user, committee: Unit, year: int):
        self.user, self.committee, self.year = user, committee, year
        self.scheme = RatingScheme.objects.in_force(year)

    # Which units ------------------------------------------------------------------------
    def base_units(self):
        # As the tree stood at the year's end: a past year's grid is its committee's then.
        units = Unit.objects.for_user_in(self.user, self.year).to_rate(
            self.year, committee=self.committee, tiers=self.tiers
        )
        # The same units, narrowed first to those the committee held that day: `to_rate` alone
        # reads every unit of the tree through its correlated place subqueries, which PostgreSQL
        # costs high enough to JIT-compile (≈ 190 ms for Kon Tum city's 2015 grid; 6–11 ms with
        # this semi-join). To move into `to_rate` itself (organizations) for its other callers.
        held = UnitPlace.objects.on(year_end(self.year)).filter(committee=self.committee, tier__in=self.tiers)
        return units.filter(pk__in=held.order_by().values("unit_id"))

    def units(self, grid_filter: GridFilter) -> list[Unit]:
        """The units the page lists, in tree order (`Unit.tree_key`: cells under their organization).

        Each cell's organization is taken from the list itself (fetched apart only when the filter
        leaves it out) rather than joined to every row: half the objects for a 500-unit page.
        """
        units = self.base_units()
        if grid_filter.kind:
            units = units.filter(kind=grid_filter.kind)
        if grid_filter.place_type:
            units = units.filter(year_place_type=grid_filter.place_type)
        if grid_filter.only_empty:
            units = units.pending_in(self.year, self.model)
        units = list(units)
        by_pk = {unit.pk: unit for unit in units}
        missing = {u.parent_id for u in units if u.tier == Tier.CELL and u.parent_id not in by_pk}
        if missing:
            by_pk.update((unit.pk, unit) for unit in Unit.objects.filter(pk__in=missing))
        for unit in units:
            if unit.tier == Tier.CELL:
                unit.parent = by_pk[unit.parent_id]
            elif unit.parent_id == self.committee.pk:
                unit.parent = self.committee
        return sorted(units, key=Unit.tree_key)

    def progress(self, whole: list[Unit] | None = None, rows: dict | None = None) -> tuple[int, int]:
        """(units with a row this year, units to rate), over the whole committee.

        A page without a filter lists the whole committee (`whole`, with its `rows_by_unit`, which
        read `recorded` by the model's own rule): counted from them, not from the units again.
        """
        if whole is not None:
            return sum(1 for row in rows.values() if row["recorded"]), len(whole)
        units = self.base_units()
        recorded = units.recorded_in(self.year, self.model).values("pk")
        counts = units.aggregate(total=Count("pk"), done=Count("pk", filter=Q(pk__in=recorded)))
        return counts["done"], counts["total"]

    # What the page reads of a stored row (values, not model instances: a tenth of the cost).
    stored_fields = (
        "version",
        "not_rated",
        "level_id",
        "self_level_id",
        "appraised_level_id",
        "not_rated_reason",
        "decision_number",
        "decision_date",
        "note",
        *SCORE_FIELDS,
    )

    def rows_by_unit(self, units: list[Unit]) -> dict[int, dict]:
        """The values stored for `units` this year (`stored_fields`), by unit id."""
        if not units:
            return {}
        rows = self.model.objects.filter(year=self.year, unit__in=[u.pk for u in units])
        fields = (*self.stored_fields, "commendation") if self.commendation else self.stored_fields
        # Whether the row counts as entered (`progress`), by the model's own rule.
        recorded = ExpressionWrapper(self.model.RECORDED or Q(pk__isnull=False), output_field=BooleanField())
        return {
            row["unit_id"]: row
            for row in rows.annotate(recorded=recorded).values("unit_id", "recorded", *fields)
        }

    # Forms ---------------------------------------------------------------------------------
    @cached_property
    def levels(self) -> dict[str, RatingLevel]:
        """The year's levels by the value the form posts (their pk), best first."""
        if self.scheme is None:
            return {}
        return {
            str(level.pk): level for level in RatingLevel.objects.filter(scheme=self.scheme).order_by("rank")
        }

    @cached_property
    def commendation(self) -> bool:
        """Whether the resolution judging the year counts the commendation "TSVM tiêu biểu": only
        then the grid has its column (grassroots organizations' rows)."""
        resolution = Resolution.objects.in_force(self.year)
        return bool(resolution and resolution.exemplary_by_commendation)

    def form_kwargs(self) -> dict:
        return {
            "level_choices": [(pk, level_label(level)) for pk, level in self.levels.items()],
            "scored": bool(self.scheme and self.scheme.scored),
            "three_steps": bool(self.scheme and self.scheme.three_steps),
            "commendation": self.commendation,
        }

    def initial(self, unit: Unit, row: dict | None) -> dict:
        """A unit's stored values (`rows_by_unit`) as its row form's initial data."""
        if row is None:
            return {"unit": unit.pk, "version": 0}
        return {
            "unit": unit.pk,
            "version": row["version"],
            # A rating only self-assessed or appraised has no decision yet: its level is empty.
            "level": NOT_RATED if row["not_rated"] else str(row["level_id"] or ""),
            "not_rated_reason": row["not_rated_reason"],
            "decision_number": row["decision_number"],
            "decision_date": row["decision_date"],
            "note": row["note"],
            "self_level": str(row["self_level_id"] or ""),
            "appraised_level": str(row["appraised_level_id"] or ""),
            **{name: row[name] for name in SCORE_FIELDS},
            "commended": COMMENDED if row.get("commendation") else "",
        }

    @cached_property
    def prototype(self):
        """An unbound row form: the columns, their labels and choices."""
        return self.formset_class.form(**self.form_kwargs())

    @cached_property
    def names(self) -> list[str]:
        return editable_names(self.prototype)

    def formset(self, units, rows: dict, data=None, *, initial=None, disabled=False):
        """The rows' formset; its forms are only built when read (`FormRows`)."""
        initial = self.shown(units, rows)[0] if initial is None else initial
        kwargs = {**self.form_kwargs(), "disabled": disabled}
        return self.formset_class(data, initial=initial, form_kwargs=kwargs)

    def column_labels(self) -> list[str]:
        """The headers of the editable columns, in the order the rows show them."""
        return [field.label for field in self.prototype.visible_fields()]

    # Lines: what each row shows ---------------------------------------------------------------
    def shown(self, units, rows: dict) -> tuple[list[dict], list[Line]]:
        """The rows of a page as stored: each unit's initial form data (with `shown`, the digest of
        its texts) and its line (the texts its inputs show)."""
        names, empty = self.names, row_digest(self.names, {})
        initial, lines = [], []
        for index, unit in enumerate(units):
            values = self.initial(unit, rows.get(unit.pk))
            texts = {name: value_text(values.get(name)) for name in names}
            values["shown"] = digest = text_digest(texts.values())
            initial.append(values)
            lines.append(
                Line(
                    unit=unit,
                    index=index,
                    version=str(values["version"]),
                    shown="" if digest == empty else digest,
                    texts=texts,
                )
            )
        return initial, lines

    def posted_lines(self, data, units, forms: dict, unit_errors: dict | None = None) -> list[Line]:
        """The rows of a page as posted, with the errors of their forms (`forms`: by row index)
        and those the service found (`unit_errors`: ValidationError by unit)."""
        lines = []
        for index, unit in enumerate(units):
            prefix = f"{self.prefix}-{index}-"
            row = row_data(data, prefix, self.names)
            line = Line(
                unit=unit,
                index=index,
                version=str(row[prefix + "version"]),
                shown=row[prefix + "shown"],
                texts={name: row[prefix + name] for name in self.names},
            )
            if index in forms:
                for name, errors in forms[index].errors.items():
                    line.errors[name if name in self.names else ""] = list(errors)
            if unit_errors and unit in unit_errors:
                add_errors(line, unit_errors[unit], self.names)
            lines.append(line)
        return lines

    # A save -----------------------------------------------------------------------------------
    def touched(self, data, count: int) -> list[int]:
        """The indexes of the posted rows whose texts are not those they were shown with."""
        names, empty = self.names, row_digest(self.names, {})
        found = []
        for index in range(count):
            prefix = f"{self.prefix}-{index}-"
            shown = data.get(prefix + "shown", "").rpartition(".")[2] or empty
            if text_digest(data.get(prefix + name, "") for name in names) != shown:
                found.append(index)
        return found

    def check_posted(self, pks: list[int]) -> None:
        """Every posted unit is one this grid lists (in the user's scope, of the committee, to rate
        that year); else 404, before anything is read."""
        found = set(self.base_units().filter(pk__in=pks).values_list("pk", flat=True))
        if len(found) != len(set(pks)):
            raise Http404

    def units_at(self, pks: list[int], rows) -> dict[int, Unit]:
        """The units of the posted rows `rows` (indexes into `pks`, the unit of each posted row, all
        checked by `check_posted`), by row index, in one query: a save of one changed row builds
        one unit, not five hundred."""
        wanted = {pks[i] for i in rows}
        units = self.base_units().filter(pk__in=wanted).select_related("parent") if wanted else ()
        found = {unit.pk: unit for unit in units}
        return {i: found[pks[i]] for i in rows}

    def row_forms(self, data, units: dict[int, Unit]) -> dict:
        """The bound forms of the rows `units` (by row index), each with its stored values as initial."""
        stored = self.rows_by_unit(list(units.values()))
        kwargs = self.form_kwargs()
        forms = {}
        for i, unit in units.items():
            prefix = f"{self.prefix}-{i}"
            forms[i] = self.formset_class.form(
                row_data(data, prefix + "-", self.names),
                prefix=prefix,
                initial=self.initial(unit, stored.get(unit.pk)),
                **kwargs,
            )
        return forms

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

    def conflict_note(self, stored: Rating | None) -> str:
        """What another editor stored meanwhile, beside the row."""
        if stored is None:
            return _("Deleted meanwhile.")
        if stored.not_rated:
            now = _("Not rated")
        else:
            level = self.levels.get(str(stored.level_id))
            now = level_label(level) if level else "—"
        return _("Now stored: %(value)s (%(who)s)") % {"value": now, "who": stored.changed_by or "—"}

    def warnings(self, rows: dict) -> dict[int, str]:
        """The scheme's cross-unit rules broken by the committee's grassroots organizations."""
        return rules.by_unit(rules.findings(self.year, committee_ids=[self.committee.pk]))

    def commendation_marks(self, forms: dict, units: dict) -> tuple[list[Unit], list[Unit]]:
        """(checked, unchecked): the grassroots organizations whose "TSVM tiêu biểu" box the user
        changed in this save (a row posted as it was shown is left alone)."""
        checked, unchecked = [], []
        if not self.commendation:
            return checked, unchecked
        for i, form in forms.items():
            unit = units[i]
            if unit.tier != Tier.BASE or untouched(form) or "commended" not in form.changed_data:
                continue
            (checked if form.cleaned_data["commended"] else unchecked).append(unit)
        return checked, unchecked

    granted = 0  # commendations granted by the last save

    def save(self, changes, *, channel="form", marks=((), ())):
        """The rows through the shared writer, then the commendation column, in one transaction."""
        checked, unchecked = marks
        with transaction.atomic():
            result = save_ratings(
                user=self.user, committee=self.committee, year=self.year, changes=changes, channel=channel
            )
            self.granted, withdrawn = commendation_entry.mark(
                user=self.user, year=self.year, checked=checked, unchecked=unchecked, channel=channel
            )
        result.withdrawn += withdrawn
        return result


def add_errors(line: Line, error, names) -> None:
    """Put a service's ValidationError on the fields it names (the row for the others)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            line.errors.setdefault(name if name in names else "", []).extend(messages)
    else:
        line.errors.setdefault("", []).extend(error.messages)
