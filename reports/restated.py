"""Restated figures: a year's ratings counted under the structure of another date (issue #9).

Every report of year Y counts each rating under the committee it was counted under then (the
2015 figures never move). The restated view of Y "under the structure of D" attributes each
rating, each unit still pending and each row of member statistics of Y to the unit carrying its
unit's history on D (`organizations.lineage.heirs_on`) and to that unit's reporting committee on
D (`committees_on`): a committee founded in 2025 sees its predecessors' 2015–2024 figures, and a
trend across a merger compares like with like. Each past rating counts once (a split's history
goes to the successor that carries it); one whose history goes nowhere alive on D (a unit
dissolved without successor) counts in the province's totals and under no committee, so the
province's totals are those of the year as counted.

The mapping is applied in SQL: a CASE over the units whose committee on D is not their current
one (the reorganized units, few), the current committee otherwise. A fixed number of queries
whatever the size: three for the tree on D, then the engine's grouped ones (a page that reads the
tree on D for several things, the dashboard's figures and trend, builds it once: `one_structure`).
The type of place of a rating stays the one it was counted under; the honesty figures stay as
counted.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Value, When

from assessments.models import MemberStats, Rating
from organizations.lineage import committees_on, heirs_on
from organizations.models import Unit
from reports import summary

# The structures already built inside `one_structure()` ({date: Structure}), else None.
_built: contextvars.ContextVar[dict | None] = contextvars.ContextVar("restated_structures", default=None)


@contextlib.contextmanager
def one_structure():
    """Inside it, `Structure.on(date)` builds each date's structure once (a page reading its
    figures and its trend restated on the same date); outside, every call reads the tree afresh."""
    token = _built.set({})
    try:
        yield
    finally:
        _built.reset(token)


@dataclass
class Structure:
    """Where the history of each unit goes on `date`: the committee id of the units whose restated
    committee is not their current one (None: their history goes nowhere alive on `date`)."""

    date: datetime.date
    moved: dict[int, int | None]

    @classmethod
    def on(cls, date: datetime.date) -> Structure:
        built = _built.get()
        if built is None:
            return cls.build(date)
        if date not in built:
            built[date] = cls.build(date)
        return built[date]

    @classmethod
    def build(cls, date: datetime.date) -> Structure:
        heirs, committees = heirs_on(date), committees_on(date)
        moved = {}
        for pk, current in Unit.objects.values_list("pk", "committee_id"):
            heir = heirs.get(pk)
            committee = committees.get(heir) if heir is not None else None
            if committee != current:
                moved[pk] = committee
        return cls(date=date, moved=moved)

    def committee(self, unit_field: str, current: str) -> Case:
        """The restated committee of a row whose unit is `unit_field` (its current committee being
        `current`), as an SQL expression."""
        by_committee: dict[int | None, list[int]] = {}
        for pk, committee in self.moved.items():
            by_committee.setdefault(committee, []).append(pk)
        whens = [
            When(**{f"{unit_field}__in": sorted(pks)}, then=Value(committee))
            for committee, pks in sorted(by_committee.items(), key=lambda item: item[0] or 0)
        ]
        return Case(*whens, default=F(current), output_field=IntegerField())


class RestatedCounts:
    """The counts of `year` under the structure of `date` (in `committee`, by its restated
    figures, when given): the same two methods as `reports.engine.SummaryCounts`."""

    def __init__(self, year: int, date: datetime.date, committee: Unit | None = None, *, structure=None):
        self.year, self.committee = year, committee
        self.structure = structure or Structure.on(date)

    def _scoped(self, rows, unit_field: str, current: str):
        rows = rows.annotate(restated=self.structure.committee(unit_field, current))
        return rows if self.committee is None else rows.filter(restated=self.committee.pk)

    @staticmethod
    def _key(field: str | None) -> dict:
        if field is None:
            return {}
        return {"k": F("restated") if field == "committee_id" else F(field)}

    def ratings(self, field: str | None) -> list[tuple]:
        """[(group key, tier, level id, not rated, pending, count)]: ratings, then pending units."""
        key = self._key(field)
        ratings = self._scoped(Rating.objects.filter(year=self.year), "unit_id", "unit__committee_id")
        ratings = ratings.values(**key, t=F("tier"), lv=F("level_id"), nr=F("not_rated"))
        rows = [
            (*row[: len(key) + 3], False, row[-1]) for row in summary.fetch(ratings.annotate(n=Count("id")))
        ]
        pending = Unit.objects.to_rate(self.year).pending_in(self.year)
        pending = self._scoped(pending, "pk", "committee_id").values(**key, t=F("tier"))
        pending = summary.fetch(pending.annotate(n=Count("id")))
        rows += [(*row[:-1], None, False, True, row[-1]) for row in pending]
        return rows if field else [(None, *row) for row in rows]

    def members(self, field: str | None, term) -> list[tuple]:
        """[(group key, the sums of MEMBER_FIELDS for the year, admissions over the term so far)]."""
        year = self.year
        first_year = min(year, term.start_year) if term else year
        stats = MemberStats.objects.filter(year__gte=first_year, year__lte=year)
        stats = self._scoped(stats, "unit_id", "unit__committee_id")
        if field == "place_type":
            stats = stats.annotate(place_type=F("unit__place_type"))
        aggregates = summary.member_aggregates(year, term)
        if field is None:
            return [(None, *stats.aggregate(**aggregates).values())]
        return summary.fetch(stats.values(**self._key(field)).annotate(**aggregates))


def trend_rows(committee: Unit | None, date: datetime.date) -> list[dict]:
    """Every year's recorded ratings restated under the structure of `date` (in `committee`), as
    the trend reads the tallies: {"year", "tier", "level_id", "not_rated", "n"}. One query for
    every year, after the structure's three."""
    counts = RestatedCounts(0, date, committee)  # (the year is not read: every year is grouped)
    ratings = counts._scoped(Rating.objects.all(), "unit_id", "unit__committee_id")
    grouped = ratings.values("year", "tier", "level_id", "not_rated").annotate(n=Count("id"))
    return [
        {"year": year, "tier": tier, "level_id": level, "not_rated": not_rated, "n": n}
        for year, tier, level, not_rated, n in summary.fetch(grouped)
    ]
