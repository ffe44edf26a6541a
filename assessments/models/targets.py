"""The resolution's targets: which figure, compared how, with which threshold and denominator, over
which years."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.models.schemes import year_validators


class Metric(models.TextChoices):
    BASE_CLEAN_STRONG = "base_clean_strong", _("Grassroots organizations clean and strong")
    CELL_CLEAN_STRONG = "cell_clean_strong", _("Subordinate cells clean and strong")
    BASE_EXEMPLARY = "base_exemplary", _("Grassroots organizations exemplary clean and strong")
    CELL_EXEMPLARY = "cell_exemplary", _("Subordinate cells exemplary clean and strong")
    MEMBERS_GOOD = "members_good", _("Members completing duties well or better")
    ADMISSIONS_TERM = "admissions_term", _("New members admitted over the term")


class Denominator(models.TextChoices):
    ALL_UNITS = "all_units", _("All units, rated or not")
    RATED_UNITS = "rated_units", _("Rated units only")
    CLEAN_STRONG_UNITS = "clean_strong_units", _("Clean-and-strong units")
    MEMBERS_RATED = "members_rated", _("Members rated")
    NONE = "none", _("None: a count, not a share")


class Comparator(models.TextChoices):
    GTE = ">=", "≥"
    GT = ">", ">"


class TargetQuerySet(models.QuerySet):
    def applying_to(self, year: int):
        return self.filter(
            Q(start_year__lte=year), Q(end_year__isnull=True) | Q(end_year__gte=year)
        ).order_by("position", "code")


class Target(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    label = models.CharField(_("label"), max_length=255)
    resolution = models.CharField(_("resolution"), max_length=255, blank=True)
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=2)
    denominator = models.CharField(_("denominator"), max_length=32, choices=Denominator.choices)
    start_year = models.PositiveSmallIntegerField(_("from year"), validators=year_validators)
    end_year = models.PositiveSmallIntegerField(
        _("to year"), null=True, blank=True, validators=year_validators
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(name="target_comparator_valid", condition=Q(comparator__in=[">=", ">"])),
            models.CheckConstraint(name="target_threshold_not_negative", condition=Q(threshold__gte=0)),
            models.CheckConstraint(
                name="target_years_ordered",
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
            ),
            # A count target (the term's admissions) has no denominator; a share always has one.
            models.CheckConstraint(
                name="target_denominator_matches_metric",
                condition=Q(metric="admissions_term", denominator="none")
                | (~Q(metric="admissions_term") & ~Q(denominator="none")),
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.get_comparator_display()} {self.threshold}"

    @property
    def is_share(self) -> bool:
        return self.denominator != Denominator.NONE
