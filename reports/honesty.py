"""Are ratings honest? The article's own complaint is that ratings "chưa sát, chưa phản ánh đúng
thực chất". Per committee and year, from the three steps: how often the decision differs from
the unit's self-assessment (raised, lowered), the share rated at the scheme's top level against
the province's, and two flags for the provincial staff to look into — a committee that rates
every unit at the top two levels, and one whose self-assessments are never corrected.

One grouped query, whatever the number of units (the decisions counted by the year's summary,
`reports.summary`), grouped by the committee's id alone and joined to its code and name after
(grouping by the names too costs a national installation's 700 committees a third more). Flags
need a minimum of rows, so that a committee with three units is not flagged by chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q, Sum

from organizations.models import Unit
from reports import summary
from reports.cache import remembered
from reports.figures import percent

FLAG_MINIMUM = 5  # decided ratings (or self-assessments) a committee needs before it is flagged


@dataclass(frozen=True)
class Committee:
    """A committee as its figures name it: read with them, not as a model (700 of them nationally)."""

    pk: int
    code: str
    name: str


@dataclass
class Honesty:
    committee: Unit | Committee | None
    decided: int = 0
    top: int = 0  # decided at the scheme's best level (rank 1)
    top_two: int = 0
    self_assessed: int = 0  # decided ratings that also have a self-assessment
    raised: int = 0
    lowered: int = 0
    flags: list[str] = field(default_factory=list)

    @property
    def top_percent(self):
        return percent(self.top, self.decided)

    @property
    def corrected(self) -> int:
        return self.raised + self.lowered

    def as_dict(self, province: Honesty | None = None) -> dict:
        return {
            "committee": self.committee.code if self.committee else None,
            "decided": self.decided,
            "top_level": {"count": self.top, "percent": _num(self.top_percent)},
            "province_top_level_percent": _num(province.top_percent) if province else None,
            "self_assessed": self.self_assessed,
            "decision_raised": self.raised,
            "decision_lowered": self.lowered,
            "flags": self.flags,
        }


def _num(value):
    return None if value is None else float(value)


# Each figure of a committee as a conditional sum in SQL: one row per committee comes back.
COUNTS = {
    "decided": Q(),
    "top": Q(level__rank=1),
    "top_two": Q(level__rank__lte=2),
    "self_assessed": Q(self_level__isnull=False),
    "raised": Q(level__rank__lt=F("self_level__rank")),  # a better level than the unit's own
    "lowered": Q(level__rank__gt=F("self_level__rank")),
}


@remembered("honesty", years=lambda year, *args, **kwargs: [year])
def honesty(year: int, committee: Unit | None = None) -> tuple[Honesty, list[Honesty]]:
    """(the scope's figures, one per committee under it) for `year`."""
    decided = summary.rating_counts(year, committee).filter(pending=False, level__isnull=False)
    grouped = decided.values("committee_id").annotate(
        **{name: Sum("n", filter=condition, default=0) for name, condition in COUNTS.items()}
    )
    whole = Honesty(committee=committee)
    result = []
    for pk, code, name, *figures in sorted(_with_names(grouped), key=lambda row: row[1]):
        one = Honesty(committee=Committee(pk, code, name), **dict(zip(COUNTS, figures, strict=True)))
        one.flags = _flags(one)
        result.append(one)
        for count in COUNTS:
            setattr(whole, count, getattr(whole, count) + getattr(one, count))
    whole.flags = _flags(whole)
    return whole, result


def _with_names(grouped) -> list[tuple]:
    """(committee id, code, name, *figures) per row of `grouped`: its SQL joined to the units."""
    sql, params = grouped.order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    figures = ", ".join(f"g.{quote(name)}" for name in COUNTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g.committee_id, u.code, u.name, {figures} FROM ({sql}) g"
            f" JOIN {quote(Unit._meta.db_table)} u ON u.id = g.committee_id",
            params,
        )
        return cursor.fetchall()


def _flags(figures: Honesty) -> list[str]:
    flags = []
    if figures.decided >= FLAG_MINIMUM and figures.top_two == figures.decided:
        flags.append("all_top_two")
    if figures.self_assessed >= FLAG_MINIMUM and figures.corrected == 0:
        flags.append("never_corrected")
    return flags


def as_dict(year: int, committee: Unit | None = None) -> dict:
    whole, committees = honesty(year, committee)
    return {
        "denominator": "decided ratings (self-assessments: decided ratings that have one)",
        "scope": whole.as_dict(),
        # Beside the province's share only where the scope is the province (one committee's
        # scope is that committee: its own share is no province's).
        "committees": [c.as_dict(whole if committee is None else None) for c in committees],
    }
