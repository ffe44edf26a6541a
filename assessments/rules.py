"""Cross-unit rules of the scheme in force (`SubordinateRule`): a grassroots party committee's level
read against its subordinate cells' levels that year. One home for the check: the grid shows the
findings beside the row, the season status page counts them per committee, and the writer refuses
a save when the scheme says a rule refuses.

Cells are read under their current grassroots organization; only rated cells count (a cell not
rated or still pending is neither for nor against).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from assessments.models import Rating, SubordinateRule
from organizations.models import Tier


@dataclass(frozen=True)
class Finding:
    unit_id: int
    committee_id: int
    message: str
    refuses: bool


def findings(year: int, *, committee_ids=None, unit_ids=None) -> list[Finding]:
    """The rules broken in `year` by the grassroots committees of `committee_ids` (or the units
    `unit_ids`): three queries whatever the number of units."""
    rules = defaultdict(list)
    for rule in SubordinateRule.objects.filter(level__scheme__valid_from__lte=year).select_related(
        "level", "at_or_above"
    ):
        rules[rule.level_id].append(rule)
    if not rules:
        return []
    bases = Rating.objects.filter(year=year, tier=Tier.BASE, level_id__in=list(rules)).select_related("unit")
    if committee_ids is not None:
        bases = bases.filter(committee_id__in=committee_ids)
    if unit_ids is not None:
        bases = bases.filter(unit_id__in=unit_ids)
    bases = list(bases)
    if not bases:
        return []
    # Per grassroots organization: its rated cells by level rank.
    ranks: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        Rating.objects.filter(
            year=year, tier=Tier.CELL, not_rated=False, unit__parent__in=[r.unit_id for r in bases]
        )
        .values("unit__parent_id", "level__rank")
        .annotate(n=Count("id"))
        .order_by()
    ):
        ranks[row["unit__parent_id"]][row["level__rank"]] = row["n"]
    found = []
    for rating in bases:
        cells = ranks.get(rating.unit_id, {})
        rated = sum(cells.values())
        if not rated:
            continue
        for rule in rules[rating.level_id]:
            good = sum(n for rank, n in cells.items() if rank <= rule.at_or_above.rank)
            if not rule.met_by(good, rated):
                found.append(
                    Finding(
                        unit_id=rating.unit_id,
                        committee_id=rating.committee_id,
                        message=rule.finding(rating.unit.name, good, rated),
                        refuses=rule.refuses,
                    )
                )
    return found


def by_unit(found: list[Finding]) -> dict[int, str]:
    messages = defaultdict(list)
    for finding in found:
        messages[finding.unit_id].append(finding.message)
    return {unit_id: " ".join(texts) for unit_id, texts in messages.items()}


def count_by_committee(found: list[Finding]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for unit_id in {(f.committee_id, f.unit_id) for f in found}:
        counts[unit_id[0]] += 1
    return counts
