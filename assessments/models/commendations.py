"""The commendation "trong sạch vững mạnh tiêu biểu" (TSVM tiêu biểu): since Quy định 132-QĐ/TW
(2018) not a level but a distinction the deciding committee grants to a grassroots organization
rated at the top level, recorded on its rating for one year; "five consecutive years" is derived
(`Commendation.objects.five_years_running`). A resolution counts it as "exemplary" when it says so
(`Resolution.exemplary_by_commendation`), instead of a level.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Tier

YEARS_RUNNING = 5


class CommendationQuerySet(models.QuerySet):
    def counted_in(self, year: int):
        """The commendations a report of `year` counts: on a grassroots organization's rating of
        that year, decided at its scheme's best level (one left on a rating since lowered is not)."""
        return self.filter(rating__year=year, rating__tier=Tier.BASE, rating__level__rank=1)

    def five_years_running(self, year: int):
        """Units commended in each of the five years up to `year` (their ids)."""
        first = year - YEARS_RUNNING + 1
        return (
            self.filter(rating__year__gte=first, rating__year__lte=year)
            .values("rating__unit_id")
            .annotate(years=models.Count("rating__year", distinct=True))
            .filter(years=YEARS_RUNNING)
            .values_list("rating__unit_id", flat=True)
        )


def running_in(years, year: int) -> bool:
    """Whether commendations in `years` make `year` the fifth year running (the rule of
    `five_years_running`, for years already read)."""
    return all(y in years for y in range(year - YEARS_RUNNING + 1, year + 1))


class Commendation(models.Model):
    """A grassroots organization commended "TSVM tiêu biểu" for the year of `rating`."""

    rating = models.OneToOneField(
        "assessments.Rating", verbose_name=_("rating"), on_delete=models.CASCADE, related_name="commendation"
    )
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation “TSVM tiêu biểu”")
        verbose_name_plural = _("commendations “TSVM tiêu biểu”")
        ordering = ["-rating__year"]

    def __str__(self):
        return f"TSVM tiêu biểu {self.rating.year}: {self.rating.unit}"
