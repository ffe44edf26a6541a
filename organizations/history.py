"""The tree through time: where each unit sat on each date, and which units became which.

`UnitPlace` keeps one row per period a unit held a place (parent, reporting committee, name,
tier, kind, type of place), so the tree on a date is one query, `UnitPlace.objects.on(date)`.
The `Unit` row is the current place; its places are written only by
`organizations.services.save_unit`, the one writer of the tree.

`Reorganization` is one decided change (who, when, the decision number and date); `Lineage`
the links it writes from predecessors to successors. A restated report follows, from each unit,
the one link that carries its history (`carries_history`): a merger's links all carry, a split
names the successor that does, so that every past rating is counted once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

PLACE_FIELDS = ("parent_id", "committee_id", "name", "tier", "kind", "place_type")


class PlaceQuerySet(models.QuerySet):
    def on(self, date: datetime.date):
        """The places held on `date`: the tree on that day, one row per unit that existed (unordered:
        the default order would join every unit for its code, which a large IN list makes slow)."""
        return self.order_by().filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=date),
            Q(valid_to__isnull=True) | Q(valid_to__gte=date),
        )


class UnitPlace(models.Model):
    """A unit's place from `valid_from` to `valid_to` (both days included; open when null)."""

    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="places"
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)
    parent = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=255)
    tier = models.CharField(_("tier"), max_length=16)
    kind = models.CharField(_("kind"), max_length=32)
    place_type = models.CharField(_("type of place"), max_length=32, blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place of a unit")
        verbose_name_plural = _("places of units")
        ordering = ["unit", "valid_from"]
        indexes = [models.Index(fields=["valid_from", "valid_to"]), models.Index(fields=["committee"])]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="one_place_per_unit_and_start"),
            models.CheckConstraint(
                name="place_ends_after_it_starts",
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.valid_from or '…'} – {self.valid_to or '…'}"

    @classmethod
    def values_of(cls, unit) -> dict:
        """The place `unit` holds now, as the fields of a place."""
        return {name: getattr(unit, name) for name in PLACE_FIELDS}

    @classmethod
    def first_of(cls, unit) -> UnitPlace:
        """A new unit's first place, from its founding (or always, when the founding is unknown)."""
        return cls.objects.create(
            unit=unit, valid_from=unit.founded, valid_to=unit.dissolved, **cls.values_of(unit)
        )

    @classmethod
    def bulk_first_of(cls, units, *, batch_size: int = 1000) -> list[UnitPlace]:
        """`first_of` for units written with `bulk_create` (which calls no `save()`): their first
        places, a few inserts whatever their number (the demo and bulk loads)."""
        rows = [
            cls(unit=unit, valid_from=unit.founded, valid_to=unit.dissolved, **cls.values_of(unit))
            for unit in units
        ]
        return cls.objects.bulk_create(rows, batch_size=batch_size)

    @classmethod
    def bulk_moved(cls, units, *, on: datetime.date, batch_size: int = 1000) -> None:
        """Units whose place the caller changed and wrote in bulk, effective `on`: each one's
        place held that day ends the day before (or, begun that very day, is dropped) and its new
        place begins — what `Unit.save` does for one unit (`organizations.places`). Three
        statements whatever the number of units."""
        ids = [unit.pk for unit in units]
        held = cls.objects.on(on).filter(unit_id__in=ids)
        held.filter(valid_from=on).delete()
        held.update(valid_to=on - datetime.timedelta(days=1))
        rows = [
            cls(unit=unit, valid_from=on, valid_to=unit.dissolved, **cls.values_of(unit)) for unit in units
        ]
        cls.objects.bulk_create(rows, batch_size=batch_size)

    @classmethod
    def bulk_closed(cls, units) -> None:
        """Units ended in bulk (their `dissolved` set by the caller): the place each held that day
        ends then, and any begun after it was never held. Two statements per day of ending."""
        by_day: dict = {}
        for unit in units:
            by_day.setdefault(unit.dissolved, []).append(unit.pk)
        for day, ids in by_day.items():
            cls.objects.filter(unit_id__in=ids, valid_from__gt=day).delete()
            cls.objects.on(day).filter(unit_id__in=ids).update(valid_to=day)


class LineageKind(models.TextChoices):
    FOUND = "found", _("Founded")
    RENAME = "rename", _("Renamed")
    MOVE = "move", _("Moved")
    MERGE = "merge", _("Merged")
    SPLIT = "split", _("Split")
    DISSOLVE = "dissolve", _("Dissolved")
    REFOUND = "refound", _("Re-founded")


class Reorganization(models.Model):
    """One decided change of the tree, as the decision says it: the unit of audit and undo."""

    kind = models.CharField(_("change"), max_length=16, choices=LineageKind.choices)
    effective = models.DateField(_("effective from"))
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reorganization")
        verbose_name_plural = _("reorganizations")
        ordering = ["-effective", "-pk"]

    def __str__(self):
        decision = f" ({self.decision_number})" if self.decision_number else ""
        return f"{self.get_kind_display()} {self.effective:%d/%m/%Y}{decision}"


class Lineage(models.Model):
    """`predecessor` became (part of) `successor` on `date`."""

    reorganization = models.ForeignKey(
        Reorganization, verbose_name=_("reorganization"), on_delete=models.CASCADE, related_name="links"
    )
    predecessor = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("change"), max_length=16, choices=LineageKind.choices)
    carries_history = models.BooleanField(_("carries the history"), default=True)

    class Meta:
        verbose_name = _("lineage link")
        verbose_name_plural = _("lineage links")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(name="lineage_not_to_itself", condition=~Q(predecessor=F("successor"))),
            models.UniqueConstraint(fields=["predecessor", "successor"], name="one_link_per_pair"),
            # A past rating is counted once: one successor at most carries a unit's history.
            models.UniqueConstraint(
                fields=["predecessor"], condition=Q(carries_history=True), name="one_heir_per_unit"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor_id} → {self.successor_id} ({self.get_kind_display()} {self.date})"
