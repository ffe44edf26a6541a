"""The tree as it stood on a date: nested nodes with the counts of grassroots organizations and
cells under each, built once (`_nodes`) and given two ways —

- `tree_for(user, date, query=)`, the page's: the units the user may see, with a search by name or
  code that ignores diacritics and case ("dak la" finds "Đảng bộ xã Đăk La"); the page walks
  `rows()`, a flat sequence of open/leaf/close steps, so that a tree of thousands of units is
  rendered without recursion;
- `tree_on(date)`, `org_tree`'s: the province and each reporting committee of that day (a
  committee directly under the province, or a grassroots organization directly under it, its own
  committee) with what is under it; the shape of `as_document` is stable for scripts.

Read from the dated places (`organizations.lineage.places_on`) in one query, so that the tree of
1 July 2025 is the tree of that day, not today's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import ngettext

from imports.cells import key
from organizations.lineage import places_on
from organizations.models import Tier, Unit


@dataclass
class Node:
    pk: int
    code: str
    name: str
    tier: str
    kind: str
    parent_id: int | None
    committee_id: int | None = None
    children: list[Node] = field(default_factory=list)
    bases: int = 0
    cells: int = 0
    matched: bool = False
    open: bool = False

    @property
    def counts(self) -> str:
        """ "12 grassroots organizations, 30 cells" under a committee; "3 cells" under an organization."""
        cells = ngettext("%(n)d cell", "%(n)d cells", self.cells) % {"n": self.cells}
        if self.tier in (Tier.PROVINCE, Tier.COMMITTEE) or self.bases:
            bases = ngettext("%(n)d grassroots organization", "%(n)d grassroots organizations", self.bases)
            return f"{bases % {'n': self.bases}}, {cells}"
        return cells if self.cells else ""

    @property
    def is_reporting_committee(self) -> bool:
        """`Unit.is_reporting_committee` on the place of that day."""
        return self.tier == Tier.COMMITTEE or (self.tier == Tier.BASE and self.committee_id == self.pk)


@dataclass(frozen=True)
class Row:
    """One step of the page's walk: "open" a node with children, a "leaf", or "close"."""

    step: str
    node: Node | None = None


@dataclass
class Tree:
    date: datetime.date
    roots: list[Node]
    query: str = ""
    found: int = 0

    def rows(self):
        for root in self.roots:
            yield from _walk(root)


def _walk(node: Node):
    if not node.children:
        yield Row("leaf", node)
        return
    yield Row("open", node)
    for child in node.children:
        yield from _walk(child)
    yield Row("close")


def _nodes(places) -> tuple[dict[int, Node], list[Node]]:
    """The places as nodes (by unit id) and the roots of their tree, each node's children in code
    order and counted."""
    nodes = {
        pk: Node(pk=pk, code=code, name=name, tier=tier, kind=kind, parent_id=parent, committee_id=committee)
        for pk, code, name, tier, kind, parent, committee in places.values_list(
            "unit_id", "unit__code", "name", "tier", "kind", "parent_id", "committee_id"
        )
    }
    roots = []
    for node in sorted(nodes.values(), key=lambda n: n.code):
        parent = nodes.get(node.parent_id)
        (parent.children if parent else roots).append(node)
    for root in roots:
        _count(root)
    return nodes, roots


def tree_for(user, date: datetime.date, *, query: str = "") -> Tree:
    """The units `user` may see as they stood on `date`, filtered by `query` when given."""
    nodes, roots = _nodes(places_on(date).filter(unit__in=Unit.objects.for_user(user, on=date)))
    tree = Tree(date=date, roots=roots, query=query)
    if query.strip():
        wanted = key(query) or query.strip().casefold()
        tree.roots = [root for root in roots if _filter(root, wanted)]
        tree.found = sum(1 for node in nodes.values() if node.matched)
    for root in tree.roots:
        root.open = root.open or root.tier == Tier.PROVINCE
    return tree


def _count(node: Node) -> tuple[int, int]:
    bases = cells = 0
    for child in node.children:
        below = _count(child)
        bases += below[0] + (child.tier == Tier.BASE)
        cells += below[1] + (child.tier == Tier.CELL)
    node.bases, node.cells = bases, cells
    return bases, cells


def _matches(node: Node, wanted: str) -> bool:
    return wanted in key(node.name) or wanted in key(node.code)


def _filter(node: Node, wanted: str) -> bool:
    """Keep `node` when it or something under it matches; a match keeps its whole subtree
    (closed, its own matches marked), the path down to a match is open."""
    node.matched = _matches(node, wanted)
    if node.matched:
        _mark(node.children, wanted)
        return True
    node.children = [child for child in node.children if _filter(child, wanted)]
    node.open = bool(node.children)
    return node.open


def _mark(nodes: list[Node], wanted: str) -> None:
    for node in nodes:
        node.matched = _matches(node, wanted)
        _mark(node.children, wanted)


# ------------------------------------------------------------------ the committees (org_tree)


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
    """The whole tree on `date`, counted under each reporting committee of that day (one query).
    A grassroots organization that is its own committee counts itself among its grassroots
    organizations."""
    nodes, _roots = _nodes(places_on(date))
    ordered = sorted(nodes.values(), key=lambda n: n.code)
    provinces = [node for node in ordered if node.tier == Tier.PROVINCE]

    def summary(node: Node) -> Committee:
        parent = nodes.get(node.parent_id)
        grassroots = node.bases + (node.tier == Tier.BASE)
        return Committee(node.code, node.name, node.kind, parent and parent.code, grassroots, node.cells)

    committees = [summary(node) for node in ordered if node.is_reporting_committee]
    province = None
    if provinces:
        province = Committee(provinces[0].code, provinces[0].name, provinces[0].kind, None)
        province.grassroots = sum(c.grassroots for c in committees)
        province.cells = sum(c.cells for c in committees)
    under_province = sum(len(node.children) for node in provinces)
    return TreeOn(date, province, committees, under_province)
