"""The tree on a date, counted: the province, each reporting committee that day (a committee
directly under the province, or a grassroots organization directly under it, its own committee)
and the grassroots organizations and subordinate cells under each. Read from the dated places
(`organizations.lineage.places_on`) in one query, so a past date shows the tree as it was then.
`org_tree` prints it; the shape of `as_document` is stable for scripts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from organizations.lineage import places_on
from organizations.models import Tier


@dataclass
class Committee:
    code: str
    name: str
    kind: str
    parent: str | None
    grassroots: int = 0
    cells: int = 0

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "parent": self.parent,
            "grassroots": self.grassroots,
            "cells": self.cells,
        }


@dataclass
class TreeOn:
    as_of: datetime.date
    province: Committee | None
    committees: list[Committee] = field(default_factory=list)
    directly_under_province: int = 0

    @property
    def grassroots(self) -> int:
        return sum(c.grassroots for c in self.committees)

    @property
    def cells(self) -> int:
        return sum(c.cells for c in self.committees)

    def as_document(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "province": self.province.as_dict() if self.province else None,
            "committees": [c.as_dict() for c in self.committees],
            "totals": {
                "committees": len(self.committees),
                "grassroots": self.grassroots,
                "cells": self.cells,
                "directly_under_province": self.directly_under_province,
            },
        }


def tree_on(date: datetime.date) -> TreeOn:
    """The tree on `date`, counted under each reporting committee of that day (one query)."""
    rows = list(
        places_on(date)
        .values_list(
            "unit_id", "unit__code", "name", "tier", "kind", "parent_id", "parent__code", "committee_id"
        )
        .order_by("unit__code")
    )
    province, committees, under_province = None, {}, 0
    provinces = {row[0] for row in rows if row[3] == Tier.PROVINCE}
    for pk, code, name, tier, kind, _parent, parent_code, committee in rows:
        if tier == Tier.PROVINCE and province is None:
            province = Committee(code, name, kind, None)
        if _parent in provinces:
            under_province += 1
        if tier == Tier.COMMITTEE or (tier == Tier.BASE and committee == pk):
            committees[pk] = Committee(code, name, kind, parent_code)
    for _pk, _code, _name, tier, _kind, _parent, _parent_code, committee in rows:
        holder = committees.get(committee)
        if holder is None:
            continue
        if tier == Tier.BASE:
            holder.grassroots += 1
        elif tier == Tier.CELL:
            holder.cells += 1
    if province is not None:
        province.grassroots = sum(c.grassroots for c in committees.values())
        province.cells = sum(c.cells for c in committees.values())
    return TreeOn(date, province, list(committees.values()), under_province)
