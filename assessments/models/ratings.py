"""What is recorded per unit and year: its rating, and (grassroots organizations only) its members'
statistics. Both keep the committee they were counted under that year, and each says, in one
place, which units it belongs to and what must hold before it is written (`validate_for`)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.models.schemes import (
    RatingLevel,
    RatingScheme,
    band_error,
    percent_validators,
    year_validators,
)
from organizations.models import RATED_TIERS, REPORTING_COMMITTEES, PlaceType, ScopedQuerySet, Tier, Unit

# The fields of a scored rating, audited and carried by the grid, the import and the exports.
SCORE_FIELDS = (
    "score",
    "score_general",
    "score_tasks",
    "tasks_on_time",
    "tasks_all_done",
    "tasks_exceeded_percent",
    "tasks_late_percent",
    "disciplined",
)


class Tracked(models.Model):
    """Who changed a row last, when, and its version: bumped on every change, so that a form can
    tell that somebody else saved in between (see `assessments.services`)."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class Rating(Tracked):
    """One unit's rating for one year.

    `committee` and `tier` are what the unit was counted as *that year*: a later move,
    merger or change of kind never rewrites where an old rating was counted.
    """

    TIERS = RATED_TIERS
    # A row that counts as the year's rating: decided, or marked not rated (see `under_way`).
    RECORDED = Q(level__isnull=False) | Q(not_rated=True)

    # No index of its own: the unique (unit, year) leads with the unit.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="ratings", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    committee = models.ForeignKey(
        Unit,
        verbose_name=_("counted under committee"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=REPORTING_COMMITTEES,
    )
    tier = models.CharField(_("counted as"), max_length=16, choices=[(t.value, t.label) for t in RATED_TIERS])
    # The type of place that year: a commune that later becomes a ward keeps its old ratings
    # counted as a commune.
    place_type = models.CharField(_("type of place"), max_length=32, choices=PlaceType.choices, blank=True)
    level = models.ForeignKey(
        RatingLevel,
        verbose_name=_("level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    not_rated = models.BooleanField(_("not rated"), default=False)
    # The three steps (Quy định 124 and 366): the unit's self-assessment, the appraisal by the
    # superior's organizing board, then the decision (`level`, with its number and date). Reports
    # count the decision only: a row with the first steps and no decision yet is still pending.
    self_level = models.ForeignKey(
        RatingLevel,
        verbose_name=_("self-assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appraised_level = models.ForeignKey(
        RatingLevel,
        verbose_name=_("appraisal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    not_rated_reason = models.CharField(_("reason for not rating"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The score, where the scheme scores (Quy định 366-QĐ/TW): out of 100, its general part (of 30)
    # and its task part (of 70) when known, and the conditions its bands ask for.
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True, blank=True)
    score_general = models.DecimalField(
        _("score for the general criteria (of 30)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    score_tasks = models.DecimalField(
        _("score for the results of tasks (of 70)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    tasks_on_time = models.BooleanField(_("every task done on time"), null=True, blank=True)
    tasks_all_done = models.BooleanField(_("every task done"), null=True, blank=True)
    tasks_exceeded_percent = models.PositiveSmallIntegerField(
        _("share of tasks exceeded (%)"), null=True, blank=True, validators=percent_validators
    )
    tasks_late_percent = models.PositiveSmallIntegerField(
        _("share of tasks late (%)"), null=True, blank=True, validators=percent_validators
    )
    disciplined = models.BooleanField(
        _("a subordinate organization or member disciplined"), null=True, blank=True
    )
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta(Tracked.Meta):
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["year", "unit__code"]
        indexes = [
            # Covers the engine's grouped counts (index-only scans at national scale).
            models.Index(
                fields=["year", "committee", "tier", "level", "not_rated", "place_type"],
                name="rating_report_cover",
            ),
            # "Pending" units: the anti-join on the year's ratings.
            models.Index(fields=["year", "unit"], name="rating_year_unit"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_rating_per_unit_year"),
            # Decided (a level), not rated (with a reason), or under way (a self-assessment or an
            # appraisal, no decision yet).
            models.CheckConstraint(
                name="rating_decided_not_rated_or_under_way",
                condition=Q(not_rated=False, level__isnull=False)
                | (Q(not_rated=True, level__isnull=True) & ~Q(not_rated_reason=""))
                | (
                    Q(not_rated=False, level__isnull=True)
                    & (Q(self_level__isnull=False) | Q(appraised_level__isnull=False))
                ),
            ),
            models.CheckConstraint(
                name="rating_tier_is_rated", condition=Q(tier__in=[t.value for t in RATED_TIERS])
            ),
            models.CheckConstraint(
                name="rating_scores_within_bounds",
                condition=(Q(score__isnull=True) | Q(score__gte=0, score__lte=100))
                & (Q(score_general__isnull=True) | Q(score_general__gte=0, score_general__lte=30))
                & (Q(score_tasks__isnull=True) | Q(score_tasks__gte=0, score_tasks__lte=70)),
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} {self.year}: {self.level or _('not rated')}"

    def clean(self):
        self.validate_for(RatingScheme.objects.in_force(self.year) if self.year else None)

    @classmethod
    def check_unit(cls, unit: Unit, year: int) -> None:
        """A rating belongs to a grassroots organization or a cell that existed that year."""
        if unit.tier not in cls.TIERS:
            raise ValidationError(
                {"unit": _("Only grassroots organizations and subordinate cells are rated.")}
            )
        unit.check_existed_in(year)

    def validate_for(self, scheme: RatingScheme | None) -> None:
        """The rules beyond single fields, given the year's scheme (no query of its own, so that a
        grid or an import can check hundreds of rows with one scheme lookup)."""
        errors = {}
        if self.unit_id and self.year:
            try:
                self.check_unit(self.unit, self.year)
            except ValidationError as error:
                errors.update(error.message_dict)
        for name in ("level", "self_level", "appraised_level"):
            level = getattr(self, name)
            if level is not None and self.year and (scheme is None or level.scheme_id != scheme.pk):
                errors[name] = _("“%(level)s” is not a level of the %(year)s rating scheme.") % {
                    "level": level.name,
                    "year": self.year,
                }
        if self.not_rated and self.level_id:
            errors["level"] = _("A unit marked not rated cannot have a level.")
        if self.not_rated and not self.not_rated_reason.strip():
            errors["not_rated_reason"] = _("Give the reason why the unit is not rated.")
        if not self.not_rated and not self.level_id and not self.under_way:
            errors["level"] = _("Choose a level or mark the unit as not rated.")
        if not errors and scheme is not None:
            errors.update(self.score_errors(scheme))
        if errors:
            raise ValidationError(errors)

    @property
    def under_way(self) -> bool:
        """A self-assessment or an appraisal is recorded, and no decision yet."""
        return (
            not self.not_rated
            and self.level_id is None
            and bool(self.self_level_id or self.appraised_level_id)
        )

    @property
    def is_decided(self) -> bool:
        return self.level_id is not None or self.not_rated

    def score_errors(self, scheme: RatingScheme) -> dict:
        """A scored scheme's rules: the parts add up, a rated unit has a score, and its level is no
        higher than its band allows (lower is allowed: the deciding committee may lower it)."""
        errors = {}
        parts = (self.score_general, self.score_tasks)
        if self.score is not None and None not in parts and parts[0] + parts[1] != self.score:
            errors["score"] = _(
                "The score %(score)s is not the sum of its parts (%(general)s + %(tasks)s)."
            ) % {
                "score": self.score,
                "general": parts[0],
                "tasks": parts[1],
            }
        if not scheme.scored or self.not_rated or self.level_id is None:
            return errors
        if self.score is None:
            errors["score"] = _("%(scheme)s rates by points: enter the score out of 100.") % {
                "scheme": scheme.title
            }
        elif not errors and (problem := band_error(scheme.ordered_levels, self.level, self)):
            errors["level"] = problem
        return errors

    def audit_values(self) -> dict:
        """The audited fields as plain JSON values (a level by its abbreviation)."""
        return {
            "level": self.level.abbreviation if self.level_id else None,
            "self_level": self.self_level.abbreviation if self.self_level_id else None,
            "appraised_level": self.appraised_level.abbreviation if self.appraised_level_id else None,
            "not_rated_reason": self.not_rated_reason,
            "note": self.note,
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            **{name: _json(getattr(self, name)) for name in SCORE_FIELDS},
        }


def _json(value):
    return str(value) if isinstance(value, Decimal) else value


MEMBER_FIELDS = ("member_count", "excellent", "good", "completed", "not_completed", "not_rated", "admitted")
# The counts that split the members by their own rating; together at most `member_count`.
MEMBER_LEVEL_FIELDS = MEMBER_FIELDS[1:6]
# Of those, the members who were rated (every share of members divides by their sum).
MEMBER_RATED_FIELDS = MEMBER_FIELDS[1:5]
# No grassroots organization has this many members: the bound keeps a typing slip (or a crafted
# number) from overflowing the yearly sums (SQLite's SUM is a 64-bit integer).
MEMBER_COUNT_MAX = 100_000
member_count_validators = [MaxValueValidator(MEMBER_COUNT_MAX)]


class MemberStats(Tracked):
    """Per grassroots organization and year: member counts, never individual members."""

    TIERS = (Tier.BASE,)
    RECORDED = Q()  # every row of member statistics counts

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("grassroots organization"),
        on_delete=models.PROTECT,
        related_name="member_stats",
        limit_choices_to={"tier": Tier.BASE},
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    committee = models.ForeignKey(
        Unit,
        verbose_name=_("counted under committee"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=REPORTING_COMMITTEES,
    )
    member_count = models.PositiveIntegerField(_("members"), validators=member_count_validators)
    excellent = models.PositiveIntegerField(
        _("completed duties excellently"), default=0, validators=member_count_validators
    )
    good = models.PositiveIntegerField(
        _("completed duties well"), default=0, validators=member_count_validators
    )
    completed = models.PositiveIntegerField(
        _("completed duties"), default=0, validators=member_count_validators
    )
    not_completed = models.PositiveIntegerField(
        _("did not complete duties"), default=0, validators=member_count_validators
    )
    not_rated = models.PositiveIntegerField(
        _("members not rated"), default=0, validators=member_count_validators
    )
    admitted = models.PositiveIntegerField(
        _("new members admitted"), default=0, validators=member_count_validators
    )

    objects = ScopedQuerySet.as_manager()

    class Meta(Tracked.Meta):
        verbose_name = _("member statistics")
        verbose_name_plural = _("member statistics")
        ordering = ["year", "unit__code"]
        indexes = [models.Index(fields=["year", "committee"])]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_member_stats_per_unit_year"),
            models.CheckConstraint(
                name="member_counts_bounded",
                condition=Q(member_count__lte=MEMBER_COUNT_MAX, admitted__lte=MEMBER_COUNT_MAX),
            ),
            models.CheckConstraint(
                name="member_levels_within_member_count",
                condition=Q(
                    member_count__gte=F("excellent")
                    + F("good")
                    + F("completed")
                    + F("not_completed")
                    + F("not_rated")
                ),
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} {self.year}"

    @property
    def rated(self) -> int:
        return sum(getattr(self, name) for name in MEMBER_RATED_FIELDS)

    def audit_values(self) -> dict:
        return {name: getattr(self, name) for name in MEMBER_FIELDS}

    def excellent_cap_warning(self, scheme: RatingScheme | None) -> str | None:
        """The four-level scheme caps "excellent" members at 20% of those completing well.

        A warning, not an error: the committee may have a reason; the provincial staff decide.
        """
        cap_percent = scheme.member_excellent_cap if scheme else None
        if cap_percent is None or self.excellent * 100 <= self.good * cap_percent:
            return None
        return _(
            "%(excellent)s members rated excellent: over %(percent)s%% of the members who completed "
            "duties well (at most %(cap)s)."
        ) % {
            "excellent": self.excellent,
            "percent": cap_percent,
            "good": self.good,
            "cap": self.good * cap_percent // 100,
        }

    @classmethod
    def check_unit(cls, unit: Unit, year: int) -> None:
        """Member statistics belong to a grassroots organization that existed that year."""
        if unit.tier not in cls.TIERS:
            raise ValidationError({"unit": _("Member statistics belong to grassroots organizations.")})
        unit.check_existed_in(year)

    def validate_for(self, year: int) -> None:
        """Every rule beyond single fields, for a row of `year` (no query of its own)."""
        if self.unit_id:
            self.check_unit(self.unit, year)
        self.clean()

    def clean(self):
        total = sum(getattr(self, name) or 0 for name in MEMBER_LEVEL_FIELDS)
        if self.member_count is not None and total > self.member_count:
            raise ValidationError(
                _("Members per level add up to %(total)s, more than the %(count)s members.")
                % {"total": total, "count": self.member_count}
            )
