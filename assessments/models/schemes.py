"""Rating schemes as data, each named by its regulation: an ordered list of levels and, where the
scheme scores (Quy định 366-QĐ/TW), the band each level needs. The scheme in force for a year is
the one with the latest `valid_from` not after that year. Also the years the data model holds.

Which levels count as "trong sạch vững mạnh" is not a property of a level (no national rule says
so after 2018): each resolution decides it for its own targets (`assessments.models.targets`).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MIN_YEAR = 2000
MAX_YEAR = 2100
year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
percent_validators = [MinValueValidator(0), MaxValueValidator(100)]


class RatingSchemeQuerySet(models.QuerySet):
    def in_force(self, year: int):
        """The scheme in force in `year`, or None."""
        return self.filter(valid_from__lte=year).order_by("-valid_from").first()


class RatingScheme(models.Model):
    code = models.CharField(gettext_lazy("code"), max_length=32, unique=True)
    name = models.CharField(gettext_lazy("name"), max_length=255)
    regulation = models.CharField(
        gettext_lazy("regulation"),
        max_length=128,
        blank=True,
        help_text=gettext_lazy("As it is cited, e.g. “Quy định 366-QĐ/TW”."),
    )
    regulation_date = models.DateField(gettext_lazy("date of the regulation"), null=True, blank=True)
    guidance = models.CharField(
        gettext_lazy("guidance"),
        max_length=128,
        blank=True,
        help_text=gettext_lazy("The Central Organizing Committee's guidance, e.g. “Hướng dẫn 43-HD/BTCTW”."),
    )
    valid_from = models.PositiveSmallIntegerField(
        gettext_lazy("in force from year"), unique=True, validators=year_validators
    )
    valid_to = models.PositiveSmallIntegerField(
        gettext_lazy("last year in force"),
        null=True,
        blank=True,
        validators=year_validators,
        help_text=gettext_lazy("Empty: until a later scheme comes into force."),
    )
    scored = models.BooleanField(
        gettext_lazy("levels reached by a score out of 100"),
        default=False,
        help_text=gettext_lazy("The level must then agree with the score and the conditions of its band."),
    )
    three_steps = models.BooleanField(
        gettext_lazy("rated in three steps (self-assessment, appraisal, decision)"),
        default=False,
        help_text=gettext_lazy("Quy định 124-QĐ/TW and later: the grid and the import take each step."),
    )
    description = models.TextField(gettext_lazy("how a level is reached"), blank=True)
    member_excellent_cap = models.PositiveSmallIntegerField(
        gettext_lazy("cap on excellent members (percent of those completing duties well)"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Empty: no cap. Exceeding it is shown as a warning."),
    )

    objects = RatingSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("rating scheme")
        verbose_name_plural = gettext_lazy("rating schemes")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                name="scheme_years_ordered",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        """How every screen and report names the scheme: by its regulation (and guidance)."""
        if not self.regulation:
            return self.name
        return f"{self.regulation}, {self.guidance}" if self.guidance else self.regulation

    @cached_property
    def ordered_levels(self) -> list[RatingLevel]:
        """The levels best first, read once per scheme object (a grid or an import checks every
        row against the same object)."""
        return list(self.levels.order_by("rank"))

    @property
    def years(self) -> tuple[int, int | None]:
        return (self.valid_from, self.valid_to)

    def as_dict(self) -> dict:
        return {
            "regulation": self.regulation or self.name,
            "guidance": self.guidance,
            "title": self.title,
            "years": [self.valid_from, self.valid_to],
            "scored": self.scored,
        }


class RatingLevel(models.Model):
    scheme = models.ForeignKey(
        RatingScheme, verbose_name=gettext_lazy("scheme"), on_delete=models.CASCADE, related_name="levels"
    )
    code = models.CharField(gettext_lazy("code"), max_length=16)
    name = models.CharField(gettext_lazy("Vietnamese name"), max_length=255)
    abbreviation = models.CharField(gettext_lazy("abbreviation"), max_length=32)
    rank = models.PositiveSmallIntegerField(gettext_lazy("rank (1 = best)"))
    # The band of a scored scheme: what a rating needs to be given this level. Empty: no condition.
    min_score = models.DecimalField(
        gettext_lazy("minimum score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    needs_all_on_time = models.BooleanField(gettext_lazy("needs every task done on time"), default=False)
    needs_all_done = models.BooleanField(gettext_lazy("needs every task done"), default=False)
    min_exceeded_percent = models.PositiveSmallIntegerField(
        gettext_lazy("minimum share of tasks exceeded (%)"),
        null=True,
        blank=True,
        validators=percent_validators,
    )
    max_late_percent = models.PositiveSmallIntegerField(
        gettext_lazy("maximum share of tasks late (%)"), null=True, blank=True, validators=percent_validators
    )
    needs_no_discipline = models.BooleanField(
        gettext_lazy("needs no subordinate organization or member disciplined"), default=False
    )

    class Meta:
        verbose_name = gettext_lazy("rating level")
        verbose_name_plural = gettext_lazy("rating levels")
        ordering = ["scheme", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="level_code_unique_in_scheme"),
            models.UniqueConstraint(fields=["scheme", "rank"], name="level_rank_unique_in_scheme"),
            models.CheckConstraint(
                name="level_min_score_within_100",
                condition=Q(min_score__isnull=True) | Q(min_score__gte=0, min_score__lte=100),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})"

    def unmet(self, result: ScoredResult) -> list[str]:
        """What `result` lacks for this level's band, as phrases ("chưa đủ 90 điểm"); [] when met."""
        missing = []
        if self.min_score is not None and (result.score is None or result.score < self.min_score):
            missing.append(_("fewer than %(points)s points") % {"points": _points(self.min_score)})
        if self.needs_all_on_time and result.tasks_on_time is not True:
            missing.append(_("not every task done on time"))
        if self.needs_all_done and result.tasks_all_done is not True:
            missing.append(_("not every task done"))
        if self.min_exceeded_percent is not None and (
            result.tasks_exceeded_percent is None or result.tasks_exceeded_percent < self.min_exceeded_percent
        ):
            missing.append(
                _("fewer than %(percent)s%% of tasks exceeded") % {"percent": self.min_exceeded_percent}
            )
        if self.max_late_percent is not None and (
            result.tasks_late_percent is None or result.tasks_late_percent > self.max_late_percent
        ):
            missing.append(_("more than %(percent)s%% of tasks late") % {"percent": self.max_late_percent})
        if self.needs_no_discipline and result.disciplined is not False:
            missing.append(_("a subordinate organization or member disciplined"))
        return missing


class ScoredResult:
    """The part of a rating a scored scheme's bands read (duck-typed: a Rating is one)."""

    score: Decimal | None
    tasks_on_time: bool | None
    tasks_all_done: bool | None
    tasks_exceeded_percent: int | None
    tasks_late_percent: int | None
    disciplined: bool | None


def _points(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value}"
    return text.replace(".", ",")


def best_level_allowed(levels: list[RatingLevel], result) -> RatingLevel | None:
    """The best level of a scored scheme that `result` reaches (`levels` best first); None when not
    even the lowest band is met (a scheme's last level has no condition in the shipped data)."""
    return next((level for level in levels if not level.unmet(result)), None)


def band_error(levels: list[RatingLevel], chosen: RatingLevel, result) -> str | None:
    """Why `chosen` is above what the score and conditions allow ("72 điểm: tối đa …"), or None.

    A level below the band is allowed: the deciding committee may rate lower.
    """
    allowed = best_level_allowed(levels, result)
    if allowed is not None and chosen.rank >= allowed.rank:
        return None
    score = (
        _("no score") if result.score is None else _("%(points)s points") % {"points": _points(result.score)}
    )
    reason = f" ({'; '.join(chosen.unmet(result))})" if chosen.unmet(result) else ""
    if allowed is None:
        return _("%(score)s%(reason)s: no level of this scheme is reached.") % {
            "score": score,
            "reason": reason,
        }
    return _("%(score)s%(reason)s: at most %(level)s.") % {
        "score": score,
        "reason": reason,
        "level": allowed.name,
    }


class SubordinateRule(models.Model):
    """A cross-unit rule of a scheme: a grassroots party committee rated `level` needs at least
    `share_num`/`share_den` of its rated subordinate cells at `at_or_above` or better (Hướng dẫn
    21-HD/BTCTW: HTXSNV needs 100% of them at HTNV or better and 80% at HTTNV or better).
    `refuses`: the rating is refused; otherwise it is shown as a warning with the numbers."""

    level = models.ForeignKey(
        RatingLevel,
        verbose_name=gettext_lazy("level"),
        on_delete=models.CASCADE,
        related_name="subordinate_rules",
    )
    at_or_above = models.ForeignKey(
        RatingLevel,
        verbose_name=gettext_lazy("subordinate cells at or above"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    share_num = models.PositiveSmallIntegerField(gettext_lazy("share: numerator"))
    share_den = models.PositiveSmallIntegerField(gettext_lazy("share: denominator"))
    refuses = models.BooleanField(gettext_lazy("refuses the rating (else warns)"), default=False)

    class Meta:
        verbose_name = gettext_lazy("cross-unit rule")
        verbose_name_plural = gettext_lazy("cross-unit rules")
        constraints = [
            models.CheckConstraint(
                name="subordinate_rule_share_valid",
                condition=Q(share_den__gt=0, share_num__lte=F("share_den")),
            ),
        ]

    def __str__(self):
        return f"{self.level.abbreviation}: {self.share_text} ≥ {self.at_or_above.abbreviation}"

    @property
    def share_text(self) -> str:
        return f"{self.share_num * 100 // self.share_den}%"

    def met_by(self, at_or_above: int, rated: int) -> bool:
        """Exact, never on a rounded percentage: 2 of 3 meets "2/3", 66.67% would not."""
        return at_or_above * self.share_den >= self.share_num * rated

    def finding(self, unit_name: str, at_or_above: int, rated: int) -> str:
        return _(
            "%(unit)s is rated %(level)s, which needs %(share)s of its rated subordinate cells at "
            "%(minimum)s or better: %(count)s of %(rated)s are."
        ) % {
            "unit": unit_name,
            "level": self.level.abbreviation,
            "share": self.share_text,
            "minimum": self.at_or_above.abbreviation,
            "count": at_or_above,
            "rated": rated,
        }
