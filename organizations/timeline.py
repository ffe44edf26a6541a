"""A unit's life as one dated list: founded, renamed, moved, merged into…, split, re-founded,
dissolved — each with the decision that did it, where one was recorded.

Read from what the tree keeps, never stored twice: the unit's dated places (`UnitPlace`: a new
period is a rename, a move or a change of tier), its lineage links (`Lineage`, which carry their
`Reorganization` and so the decision), and its end. A change of place has no link of its own; its
decision is the reorganization effective that day whose number the unit's audit entries give
as their reason (the services write the decision's text there).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assessments.models import AuditEntry
from organizations.history import Lineage, LineageKind, Reorganization
from organizations.models import Tier, Unit

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Event:
    date: datetime.date | None
    kind: str  # a LineageKind value
    text: str
    decision: Reorganization | None = None
    other: Unit | None = None  # the unit the event names (a successor, a predecessor)
    ends: bool = False  # the unit ends here (merged, split, re-founded)

    @property
    def label(self) -> str:
        return LineageKind(self.kind).label


def _tier(value: str) -> str:
    return str(Tier(value).label) if value in Tier.values else value


class _Decisions:
    """The reorganizations effective on a day that this unit's audit entries name as reason."""

    def __init__(self, unit: Unit, dates):
        self.reasons = [
            r
            for r in AuditEntry.objects.filter(unit=unit, action__startswith="unit.").values_list(
                "reason", flat=True
            )
            if r
        ]
        wanted = [d for d in dates if d]
        self.by_date: dict[datetime.date, list[Reorganization]] = {}
        for record in Reorganization.objects.filter(effective__in=wanted).order_by("pk"):
            self.by_date.setdefault(record.effective, []).append(record)

    def on(self, date: datetime.date | None, kinds=None) -> Reorganization | None:
        for record in self.by_date.get(date, []):
            if kinds and record.kind not in kinds:
                continue
            named = record.decision_number or record.note
            if named and any(named in reason for reason in self.reasons):
                return record
        return None


def _place_events(places, decisions: _Decisions) -> list[Event]:
    events = []
    previous = None
    for place in places:
        if previous is None:
            events.append(
                Event(
                    place.valid_from,
                    LineageKind.FOUND,
                    (
                        _("Founded as %(name)s under %(parent)s.")
                        if place.valid_from
                        else _("Registered as %(name)s under %(parent)s (its founding date is not recorded).")
                    )
                    % {"name": place.name, "parent": place.parent.name if place.parent else "—"},
                    decisions.on(
                        place.valid_from,
                        [LineageKind.FOUND, LineageKind.MERGE, LineageKind.SPLIT, LineageKind.REFOUND],
                    ),
                )
            )
        else:
            decision = decisions.on(place.valid_from)
            if place.name != previous.name:
                events.append(
                    Event(
                        place.valid_from,
                        LineageKind.RENAME,
                        _("Renamed from %(old)s to %(new)s.") % {"old": previous.name, "new": place.name},
                        decision,
                    )
                )
            if place.parent_id != previous.parent_id or place.committee_id != previous.committee_id:
                events.append(Event(place.valid_from, LineageKind.MOVE, _moved(previous, place), decision))
            if place.tier != previous.tier:
                events.append(
                    Event(
                        place.valid_from,
                        LineageKind.MOVE,
                        _("Became a %(tier)s (was a %(old)s).")
                        % {"tier": _tier(place.tier), "old": _tier(previous.tier)},
                        decision,
                    )
                )
        previous = place
    return events


def _moved(previous, place) -> str:
    text = _("Moved from %(old)s to %(new)s.") % {
        "old": previous.parent.name if previous.parent else "—",
        "new": place.parent.name if place.parent else "—",
    }
    if place.committee_id != previous.committee_id and place.committee_id != place.parent_id:
        text += " " + _("Reporting committee: %(old)s → %(new)s.") % {
            "old": previous.committee.name if previous.committee else "—",
            "new": place.committee.name if place.committee else "—",
        }
    return text


LINK_TEXTS = {
    # (kind, this unit is the predecessor): the sentence
    (LineageKind.MERGE, True): gettext_noop("Merged into %(unit)s."),
    (LineageKind.MERGE, False): gettext_noop("%(unit)s merged into it."),
    (LineageKind.SPLIT, True): gettext_noop("Split; %(unit)s is one of its successors."),
    (LineageKind.SPLIT, False): gettext_noop("Founded by the split of %(unit)s."),
    (LineageKind.REFOUND, True): gettext_noop("Re-founded as %(unit)s."),
    (LineageKind.REFOUND, False): gettext_noop("Re-founded from %(unit)s."),
}


def _link_events(unit: Unit) -> list[Event]:
    events = []
    links = Lineage.objects.filter(predecessor=unit) | Lineage.objects.filter(successor=unit)
    for link in links.select_related("predecessor", "successor", "reorganization").order_by("date", "pk"):
        ours = link.predecessor_id == unit.pk
        other = link.successor if ours else link.predecessor
        template = LINK_TEXTS.get((link.kind, ours), "%(unit)s")
        text = _(template) % {"unit": other.name}
        if ours and link.kind == LineageKind.SPLIT and link.carries_history:
            text += " " + _("It carries the history.")
        events.append(Event(link.date, link.kind, text, link.reorganization, other, ends=ours))
    return events


def timeline_of(unit: Unit) -> list[Event]:
    """Every dated event of `unit`, oldest first (an unknown founding date first of all)."""
    places = list(unit.places.select_related("parent", "committee").order_by("valid_from", "pk"))
    places.sort(key=lambda p: (p.valid_from is not None, p.valid_from or datetime.date.min))
    dates = {p.valid_from for p in places}
    if unit.dissolved:
        dates.add(unit.dissolved + ONE_DAY)
    decisions = _Decisions(unit, dates)
    events = _place_events(places, decisions) + _link_events(unit)
    if unit.dissolved and not any(event.ends for event in events):
        if unit.merged_into_id:
            text = _("Merged into %(unit)s.") % {"unit": unit.merged_into.name}
            kind, other = LineageKind.MERGE, unit.merged_into
        else:
            last_day = date_format(unit.dissolved, "d/m/Y")
            text, kind, other = (
                _("Dissolved; its last day was %(date)s.") % {"date": last_day},
                LineageKind.DISSOLVE,
                None,
            )
        decision = decisions.on(unit.dissolved + ONE_DAY)
        events.append(Event(unit.dissolved + ONE_DAY, kind, text, decision, other))
    events.sort(key=lambda e: (e.date is not None, e.date or datetime.date.min))
    return events
