"""Rating schemes as data: an ordered list of levels, the scheme in force for a year being the one
with the latest `valid_from` not after that year. Also the years the data model holds."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 2000
MAX_YEAR = 2100
year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class RatingSchemeQuerySet(models.QuerySet):
    def in_force(self, year: int):
        """The scheme in force in `year`, or None."""
        return self.filter(valid_from__lte=year).order_by("-valid_from").first()


class RatingScheme(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    valid_from = models.PositiveSmallIntegerField(
        _("in force from year"), unique=True, validators=year_validators
    )
    description = models.TextField(_("description"), blank=True)
    member_excellent_cap = models.PositiveSmallIntegerField(
        _("cap on excellent members (percent of those completing duties well)"),
        null=True,
        blank=True,
        help_text=_("Empty: no cap. Exceeding it is shown as a warning."),
    )

    objects = RatingSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating scheme")
        verbose_name_plural = _("rating schemes")
        ordering = ["valid_from"]

    def __str__(self):
        return self.name


class RatingLevel(models.Model):
    scheme = models.ForeignKey(
        RatingScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="levels"
    )
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("Vietnamese name"), max_length=255)
    abbreviation = models.CharField(_("abbreviation"), max_length=32)
    rank = models.PositiveSmallIntegerField(_("rank (1 = best)"))
    is_clean_strong = models.BooleanField(_("counts as clean and strong"), default=False)
    is_exemplary = models.BooleanField(_("counts as exemplary"), default=False)

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["scheme", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="level_code_unique_in_scheme"),
            models.UniqueConstraint(fields=["scheme", "rank"], name="level_rank_unique_in_scheme"),
            models.CheckConstraint(
                name="level_exemplary_is_clean_strong",
                condition=Q(is_exemplary=False) | Q(is_clean_strong=True),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})"
