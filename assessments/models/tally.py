"""Yearly rating tallies: a summary for the trend chart, kept honest by a stale flag and a version."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from assessments.models.ratings import Rating
from assessments.models.schemes import year_validators


class RatingTally(models.Model):
    """One year's ratings counted by committee, tier and level: a summary for the trend chart,
    which would otherwise count every rating of every year on each view.

    Every write of ratings marks its year stale (`mark_stale`, in the same transaction); a reader
    recomputes a stale year and stores it only if no write marked it again meanwhile (`version`).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=year_validators)
    stale = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)
    # [[committee_id, tier, level_id, not_rated, count], ...]
    rows = models.JSONField(default=list)
    # The same summed over the committees, [[tier, level_id, not_rated, count], ...]: the province's
    # trend reads only this (the rows of a national data set are tens of thousands).
    totals = models.JSONField(default=list)

    class Meta:
        verbose_name = _("rating tally")
        verbose_name_plural = _("rating tallies")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)

    @classmethod
    def mark_stale(cls, year: int) -> None:
        # Always the same two statements, so that a save's query count does not depend on history.
        cls.objects.bulk_create([cls(year=year)], ignore_conflicts=True)
        cls.objects.filter(year=year).update(stale=True, version=F("version") + 1)

    @classmethod
    def fresh(cls, *, with_rows: bool = True) -> list["RatingTally"]:
        """Every year's tally, recomputing the stale ones (one grouped query per stale year).
        `with_rows=False` leaves the per-committee rows unread: the province needs the totals only."""
        tallies = list(
            cls.objects.order_by("year") if with_rows else cls.objects.defer("rows").order_by("year")
        )
        for tally in tallies:
            if tally.stale:
                rows = [
                    list(row)
                    for row in Rating.objects.filter(year=tally.year)
                    .values_list("committee_id", "tier", "level_id", "not_rated")
                    .annotate(n=models.Count("id"))
                    .order_by()
                ]
                totals: dict = {}
                for _committee, tier, level, not_rated, n in rows:
                    totals[(tier, level, not_rated)] = totals.get((tier, level, not_rated), 0) + n
                tally.rows, tally.totals = rows, [[*key, n] for key, n in totals.items()]
                cls.objects.filter(pk=tally.pk, version=tally.version).update(
                    rows=tally.rows, totals=tally.totals, stale=False
                )
        return tallies
