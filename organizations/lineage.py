"""Selectors of the tree through time: the tree on a date, and who carries whose history.

A restated report ("the structure of date D") attributes each past rating to the unit that carries
its unit's history on D, and to that unit's reporting committee on D. Both maps are built here,
in two queries whatever the size of the tree, so that reports never walk lineage themselves; the
history a scope reads (`predecessors_of`) is walked back from the scope's own units instead.
"""

from __future__ import annotations

import datetime

from organizations.history import Lineage, UnitPlace


def places_on(date: datetime.date):
    """The tree on `date`: one place per unit that existed that day (one query)."""
    return UnitPlace.objects.on(date)


def committees_on(date: datetime.date, unit_ids=None) -> dict[int, int | None]:
    """Each unit alive on `date` (of `unit_ids`, when given) → the id of its reporting committee
    that day."""
    places = places_on(date) if unit_ids is None else places_on(date).filter(unit_id__in=unit_ids)
    return dict(places.values_list("unit_id", "committee_id"))


def heirs_on(date: datetime.date) -> dict[int, int]:
    """Each unit id → the id of the unit carrying its history on `date`.

    A unit alive on `date` is its own heir. A unit that ended before is followed along the links
    that carry history (dated on or before `date`) until a unit alive that day; a unit whose
    history goes nowhere alive (dissolved without a successor) has no entry.
    """
    alive = set(places_on(date).values_list("unit_id", flat=True))
    successor = dict(
        Lineage.objects.filter(carries_history=True, date__lte=date).values_list(
            "predecessor_id", "successor_id"
        )
    )
    heirs = {pk: pk for pk in alive}
    for start in successor:
        if start in heirs:
            continue
        seen, pk = [], start
        while pk not in heirs and pk in successor and pk not in seen:
            seen.append(pk)
            pk = successor[pk]
        heir = heirs.get(pk)
        for visited in seen:
            if heir is not None:
                heirs[visited] = heir
    return heirs


def predecessors_of(unit_ids, date: datetime.date) -> set[int]:
    """Every unit whose history is carried, on `date`, by one of `unit_ids` (them included): the
    predecessors `heirs_on` would map into them, found by walking the links back from them
    (a query or two per generation of mergers), not by mapping the whole province.

    The walk starts from those of `unit_ids` alive on `date` (each its own heir) and goes back
    through units that ended: a unit still alive carries its own history, and one of `unit_ids`
    that ended hands its predecessors to its own heir, which may lie elsewhere.
    """
    wanted = set(unit_ids)
    frontier = set(places_on(date).filter(unit_id__in=wanted).values_list("unit_id", flat=True))
    found: set[int] = set(frontier)
    while frontier:
        links = Lineage.objects.filter(carries_history=True, date__lte=date, successor_id__in=frontier)
        earlier = set(links.order_by().values_list("predecessor_id", flat=True)) - found
        alive = set(places_on(date).filter(unit_id__in=earlier).values_list("unit_id", flat=True))
        frontier = earlier - alive
        found |= frontier
    return found | wanted
