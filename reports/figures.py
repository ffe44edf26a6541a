"""The figures of a report, as plain data: counts and shares by level, members and admissions,
each target judged with its margin or shortfall, and `as_dict`, the JSON document the command and
the API print. `reports.engine` fills them; nothing here queries the database.

Percentages have two decimals, rounded half up; whether a target is met is decided on exact
counts (`units_required`), never on a rounded percentage.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from assessments.models import MEMBER_RATED_FIELDS, Comparator, Denominator, RatingScheme, Resolution
from organizations.models import Unit

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """part/whole in percent, two decimals, rounded half up; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def units_required(*, threshold: Decimal, comparator: str, denominator: int | None) -> int:
    """The least count that meets the target, computed exactly (never from a rounded percent).

    With a denominator the threshold is a percentage of it; without one it is a count.
    60% of 1,810 is exactly 1,086: ">" then needs 1,087, "≥" needs 1,086.
    """
    bound = Decimal(threshold) if denominator is None else Decimal(threshold) * denominator / HUNDRED
    if comparator == Comparator.GTE:
        return math.ceil(bound)
    return math.floor(bound) + 1


@dataclass
class LevelCount:
    code: str
    label: str
    abbreviation: str
    rank: int
    is_clean_strong: bool
    is_exemplary: bool
    count: int = 0
    percent: Decimal | None = None


@dataclass
class TierSummary:
    tier: str
    levels: list[LevelCount]
    not_rated: int = 0
    pending: int = 0
    # Under a resolution that counts the commendation "TSVM tiêu biểu" as exemplary: the
    # organizations commended that year (rated, decided, in scope); None: exemplary is a level.
    commended: int | None = None

    @property
    def rated(self) -> int:
        return sum(level.count for level in self.levels)

    @property
    def total(self) -> int:
        return self.rated + self.not_rated + self.pending

    @property
    def clean_strong(self) -> int:
        return sum(level.count for level in self.levels if level.is_clean_strong)

    @property
    def exemplary(self) -> int:
        if self.commended is not None:
            return self.commended
        return sum(level.count for level in self.levels if level.is_exemplary)

    @property
    def clean_strong_percent(self) -> Decimal | None:
        return percent(self.clean_strong, self.total)

    @property
    def exemplary_percent_of_clean_strong(self) -> Decimal | None:
        return percent(self.exemplary, self.clean_strong)

    @property
    def exemplary_percent_of_total(self) -> Decimal | None:
        return percent(self.exemplary, self.total)

    def denominator(self, kind: str) -> int:
        return {
            Denominator.ALL_UNITS: self.total,
            Denominator.RATED_UNITS: self.rated,
            Denominator.CLEAN_STRONG_UNITS: self.clean_strong,
        }[kind]

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "rated": self.rated,
            "not_rated": self.not_rated,
            "pending": self.pending,
            "denominator": "total (rated + not rated + pending)",
            "levels": {
                level.code: {
                    "label": level.label,
                    "abbreviation": level.abbreviation,
                    "count": level.count,
                    "percent": _num(level.percent),
                    "clean_strong": level.is_clean_strong,
                    "exemplary": level.is_exemplary,
                }
                for level in self.levels
            },
            "clean_strong": {
                "count": self.clean_strong,
                "percent": _num(self.clean_strong_percent),
            },
            "exemplary": {
                "count": self.exemplary,
                "percent_of_clean_strong": _num(self.exemplary_percent_of_clean_strong),
                "percent_of_total": _num(self.exemplary_percent_of_total),
            },
        }


@dataclass
class MemberSummary:
    total: int = 0
    excellent: int = 0
    good: int = 0
    completed: int = 0
    not_completed: int = 0
    not_rated: int = 0

    @property
    def rated(self) -> int:
        return sum(getattr(self, name) for name in MEMBER_RATED_FIELDS)

    @property
    def good_or_better(self) -> int:
        return self.excellent + self.good

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "rated": self.rated,
            "not_rated": self.not_rated,
            "levels": {
                name: {
                    "count": getattr(self, name),
                    "percent": _num(percent(getattr(self, name), self.rated)),
                }
                for name in MEMBER_RATED_FIELDS
            },
            "completed_well_or_better": {
                "count": self.good_or_better,
                "percent": _num(percent(self.good_or_better, self.rated)),
                "denominator": "members rated",
            },
        }


@dataclass
class Admissions:
    in_year: int = 0
    term_start: int | None = None
    term_end: int | None = None
    term_to_date: int = 0

    def as_dict(self, year: int) -> dict:
        term = None
        if self.term_start is not None:
            term = {
                "start": self.term_start,
                "end": self.term_end,
                "count": self.term_to_date,
                "through_year": min(year, self.term_end) if self.term_end else year,
                "years_left": max(0, self.term_end - year) if self.term_end else None,
            }
        return {"in_year": self.in_year, "term": term}


@dataclass
class TargetResult:
    code: str
    label: str
    metric: str
    comparator: str
    threshold: Decimal
    denominator_kind: str
    count: int
    denominator: int | None
    actual: Decimal | None
    required: int | None
    met: bool | None
    margin_units: int | None
    shortfall_units: int | None
    # For a term target judged at the term's end: the years still to come and the yearly
    # count needed to reach it ("pace"), so a mid-term shortfall is not read as a failure.
    years_left: int | None = None
    pace_needed_per_year: int | None = None
    # A count target (the term's admissions) is set for the whole province: a committee's or a
    # group's own count is shown but not judged against it.
    province_only: bool = False

    @property
    def in_progress(self) -> bool:
        return bool(self.years_left) and not self.met

    def as_dict(self) -> dict:
        data = asdict(self)
        data["threshold"] = _num(self.threshold)
        data["actual"] = _num(self.actual) if self.denominator is not None else self.count
        data["in_progress"] = self.in_progress
        return data


@dataclass
class QualityReport:
    year: int
    committee: Unit | None
    scheme: RatingScheme | None
    base: TierSummary
    cells: TierSummary
    members: MemberSummary
    admissions: Admissions
    targets: list[TargetResult] = field(default_factory=list)
    # The resolution whose targets judge the year, and what it counts as clean and strong.
    resolution: Resolution | None = None
    mapping: str = ""
    # The restated view: every rating counted under the unit and committee carrying its history
    # on this date (`reports.restated`); None: as counted that year.
    structure_of: datetime.date | None = None

    @property
    def scheme_title(self) -> str:
        return self.scheme.title if self.scheme else ""

    @property
    def has_data(self) -> bool:
        # Units merely pending do not make a year "with data": a unit with no founding date
        # would otherwise be pending in every year since forever.
        recorded = self.base.rated + self.base.not_rated + self.cells.rated + self.cells.not_rated
        return bool(recorded or self.members.total or self.admissions.in_year)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "committee": self.committee.code if self.committee else None,
            "committee_name": self.committee.name if self.committee else None,
            "scheme": self.scheme.as_dict() if self.scheme else None,
            "resolution": {
                **self.resolution.as_dict(),
                "mapping": self.mapping,
                "exemplary_counted_by": "commendation" if self.base.commended is not None else "levels",
            }
            if self.resolution
            else None,
            "base_organizations": self.base.as_dict(),
            "cells": self.cells.as_dict(),
            "members": self.members.as_dict(),
            "admissions": self.admissions.as_dict(self.year),
            "targets": [target.as_dict() for target in self.targets],
            "structure_of": self.structure_of.isoformat() if self.structure_of else None,
        }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
