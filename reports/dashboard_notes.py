"""The dashboard's section "Are ratings honest?" (issue #10, point 7), arranged for a page.

`reports.honesty` counts (the same figures as the API and `quality_report --format json`); this
module only words and orders them for the dashboard: the scope's line first, then one line per
committee, those flagged for the provincial staff to look into first. Kept apart from
`reports.dashboard`, which arranges the engine's report figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from html import escape  # (the standard library's: a row of 700 needs no lazy-aware one)

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from organizations.models import Unit
from reports.cache import remembered
from reports.dashboard_tables import table_numbers
from reports.figures import percent
from reports.honesty import FLAG_MINIMUM, Committee, Honesty, honesty
from reports.templatetags.report_format import percent as percent_text

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
    def committee(self) -> Unit | Committee | None:
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

    @cached_property
    def flags(self) -> list[str]:
        return [str(FLAG_LABELS.get(flag, flag)) for flag in self.figures.flags]

    def table_row(self, number=intcomma, share=percent_text) -> str:
        """The line as a row of the section's table, as HTML (see `HonestyNotes.table_rows`)."""
        flagged = ' class="table-warning honesty-flagged"' if self.flags else ""
        flags = "".join(
            f'<span class="d-block fw-semibold honesty-flag">⚑ {escape(f)}</span>' for f in self.flags
        )
        bold = " fw-bold" if self.above_province else ""
        return (
            f'<tr data-committee="{escape(self.committee.code)}"{flagged}>'
            f'<th scope="row" class="fw-normal">{escape(self.committee.name)}{flags}</th>'
            f'<td class="num">{number(self.decided)}</td>'
            f'<td class="num">{number(self.raised)} / {number(self.lowered)}</td>'
            f'<td class="num{bold}">{share(self.top_percent)}</td></tr>\n'
        )


@dataclass
class HonestyNotes:
    year: int
    scope: HonestyLine
    committees: list[HonestyLine] = field(default_factory=list)
    minimum: int = FLAG_MINIMUM  # the ratings a committee needs before it is flagged

    @property
    def has_data(self) -> bool:
        return self.scope.decided > 0

    @cached_property
    def flagged_lines(self) -> list[HonestyLine]:
        return [line for line in self.committees if line.flags]

    @property
    def flagged(self) -> int:
        return len(self.flagged_lines)

    @cached_property
    def table_rows(self) -> SafeString:
        """The table's rows as HTML, written here rather than by a template loop (a national
        installation's 700 committees took the template 300 ms a page)."""
        number, share = table_numbers()
        return mark_safe("".join(line.table_row(number, share) for line in self.committees))


@remembered("honesty_notes", years=lambda year, *args, **kwargs: [year])
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
