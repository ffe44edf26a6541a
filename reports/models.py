"""The reports' summaries: one year's ratings, units still pending and member statistics, already
counted by committee, type of place and level, so that a report of the whole nation reads
thousands of summary rows instead of hundreds of thousands of ratings (issue #13).

A summary never goes stale silently: database triggers (migration 0001) bump a stamp on every
write to ratings or member statistics (the stamp of that year, whatever wrote it: the services,
an import by COPY, the admin, raw SQL) and on every write to units (stamp 0: pending units and
types of place of any year), and (migration 0004) on every write to the rules reports are counted
by (stamp 1: schemes, levels, resolutions, targets, seasons, submissions, commendations,
reorganizations; `reports.cache`). A year's summary records the stamps it was counted at; a reader that
finds them moved recounts the year first (`reports.summary`). Nothing but `reports.summary`
writes these tables.
"""

from django.db import models

from assessments.models import RatingLevel
from organizations.models import Unit

UNITS_STAMP = 0  # the stamp of the units (any year)
RULES_STAMP = 1  # the stamp of the rules the reports are counted by (migration 0004)


class SummaryStamp(models.Model):
    """How often the data counted for `year` changed (year 0: the units; 1: the rules). Written
    by triggers."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.version}"


class YearSummary(models.Model):
    """A year's summary, the stamps it was counted at, and the whole year's reporting rate (the
    units recorded of the units to rate: read for every year of a trend, 15,000 summary rows a
    year at national scale otherwise)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    data_version = models.BigIntegerField(default=-1)
    units_version = models.BigIntegerField(default=-1)
    reported = models.IntegerField(default=0)
    to_rate = models.IntegerField(default=0)

    def __str__(self):
        return str(self.year)


class RatingCount(models.Model):
    """Ratings of a year counted as they were counted (committee and type of place of the rating),
    and (`pending`) the units still to rate, by their committee and type of place."""

    year = models.PositiveSmallIntegerField(db_index=True)
    committee = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    place_type = models.CharField(max_length=32, blank=True)
    tier = models.CharField(max_length=16)
    level = models.ForeignKey(
        RatingLevel, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    self_level = models.ForeignKey(
        RatingLevel, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    not_rated = models.BooleanField(default=False)
    pending = models.BooleanField(default=False)
    n = models.IntegerField()

    def __str__(self):
        return f"{self.year} {self.committee_id} {self.tier} {self.level_id}: {self.n}"


class MemberCount(models.Model):
    """Member statistics of a year summed by committee and the unit's type of place."""

    year = models.PositiveSmallIntegerField(db_index=True)
    committee = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    place_type = models.CharField(max_length=32, blank=True)
    member_count = models.IntegerField(default=0)
    excellent = models.IntegerField(default=0)
    good = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    not_completed = models.IntegerField(default=0)
    not_rated = models.IntegerField(default=0)
    admitted = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.year} {self.committee_id} {self.place_type}: {self.member_count}"
