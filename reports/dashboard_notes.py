"""The dashboard's section "Are ratings honest?" (issue #10, point 7), arranged for a page.

`reports.honesty` counts (the same figures as the API and `quality_report --format json`); this
module only words and orders them for the dashboard: the scope's line first, then one line per
committee, those flagged for the provincial staff to look into first. Kept apart from
`reports.dashboard`, which arranges the engine's report figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from organizations.models import Unit
from reports.figures import percent
from reports.honesty import FLAG_MINIMUM, Honesty, honesty

# The flags of `reports.honesty`, in words.
FLAG_LABELS = {
    "all_top_two": _("every unit rated at the top two levels"),
    "never_corrected": _("self-assessments never corrected"),
}


@dataclass
class HonestyLine:
    """One committee's figures (or the scope's), with the province's top-level share beside them."""

    figures: Honesty
    province_top_percent: Decimal | None = None

    @property
    def committee(self) -> Unit | None:
        return self.figures.committee

    @property
    def decided(self) -> int:
        return self.figures.decided

    @property
    def self_assessed(self) -> int:
        return self.figures.self_assessed

    @property
    def raised(self) -> int:
        return self.figures.raised

    @property
    def lowered(self) -> int:
        return self.figures.lowered

    @property
    def differ_percent(self) -> Decimal | None:
        """How often the decision differs from the unit's own assessment, of those that have one."""
        return percent(self.figures.corrected, self.figures.self_assessed)

    @property
    def top_percent(self) -> Decimal | None:
        return self.figures.top_percent

    @property
    def above_province(self) -> bool:
        top, province = self.top_percent, self.province_top_percent
        return top is not None and province is not None and top > province

    @property
    def flags(self) -> list[str]:
        return [str(FLAG_LABELS.get(flag, flag)) for flag in self.figures.flags]


@dataclass
class HonestyNotes:
    year: int
    scope: HonestyLine
    committees: list[HonestyLine] = field(default_factory=list)
    minimum: int = FLAG_MINIMUM  # the ratings a committee needs before it is flagged

    @property
    def has_data(self) -> bool:
        return self.scope.decided > 0

    @property
    def flagged(self) -> int:
        return sum(1 for line in self.committees if line.flags)


def honesty_notes(year: int, committee: Unit | None) -> HonestyNotes:
    """The section's figures for the dashboard's scope: the whole province, with a line per
    committee beside the province's top-level share; or one committee, its own figures only (its
    staff read nothing of the others, the province's total included)."""
    whole, committees = honesty(year, committee)
    if committee is not None:
        return HonestyNotes(year=year, scope=HonestyLine(whole))
    lines = [HonestyLine(one, province_top_percent=whole.top_percent) for one in committees]
    lines.sort(key=lambda line: (not line.flags, line.committee.code))
    return HonestyNotes(year=year, scope=HonestyLine(whole), committees=lines)
