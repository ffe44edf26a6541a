"""Yearly ratings (đánh giá, xếp loại chất lượng), member statistics and the resolution's targets.

Rating schemes are data: an ordered list of levels, the scheme in force for a year being the
one with the latest `valid_from` not after that year.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organizations.models import RATED_TIERS, PlaceType, ScopedQuerySet, Tier, Unit

MIN_YEAR = 2000
MAX_YEAR = 2100
year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class RatingSchemeQuerySet(models.QuerySet):
    def for_year(self, year: int):
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


class Rating(models.Model):
    """One unit's rating for one year.

    `committee` and `tier` are what the unit was counted as *that year*: a later move,
    merger or change of kind never rewrites where an old rating was counted.
    """

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    committee = models.ForeignKey(
        Unit,
        verbose_name=_("counted under committee"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"tier": Tier.COMMITTEE},
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
    not_rated_reason = models.CharField(_("reason for not rating"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    # Bumped on every change; lets a form detect that somebody else saved in between.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
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
            models.CheckConstraint(
                name="rating_level_xor_not_rated",
                condition=Q(not_rated=False, level__isnull=False)
                | (Q(not_rated=True, level__isnull=True) & ~Q(not_rated_reason="")),
            ),
            models.CheckConstraint(
                name="rating_tier_is_rated", condition=Q(tier__in=[t.value for t in RATED_TIERS])
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} {self.year}: {self.level or _('not rated')}"

    def clean(self):
        self.validate_for(RatingScheme.objects.for_year(self.year) if self.year else None)

    TIERS = RATED_TIERS

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
        if self.level_id and self.year and (scheme is None or self.level.scheme_id != scheme.pk):
            errors["level"] = _("“%(level)s” is not a level of the %(year)s rating scheme.") % {
                "level": self.level.name,
                "year": self.year,
            }
        if self.not_rated and self.level_id:
            errors["level"] = _("A unit marked not rated cannot have a level.")
        if self.not_rated and not self.not_rated_reason.strip():
            errors["not_rated_reason"] = _("Give the reason why the unit is not rated.")
        if not self.not_rated and not self.level_id:
            errors["level"] = _("Choose a level or mark the unit as not rated.")
        if errors:
            raise ValidationError(errors)

    def audit_values(self) -> dict:
        """The audited fields as plain JSON values (a level by its abbreviation)."""
        return {
            "level": self.level.abbreviation if self.level_id else None,
            "not_rated_reason": self.not_rated_reason,
            "note": self.note,
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
        }


MEMBER_FIELDS = ("member_count", "excellent", "good", "completed", "not_completed", "not_rated", "admitted")
# The counts that split the members by their own rating; together at most `member_count`.
MEMBER_LEVEL_FIELDS = MEMBER_FIELDS[1:6]
# Of those, the members who were rated (every share of members divides by their sum).
MEMBER_RATED_FIELDS = MEMBER_FIELDS[1:5]
# No grassroots organization has this many members: the bound keeps a typing slip (or a crafted
# number) from overflowing the yearly sums (SQLite's SUM is a 64-bit integer).
MEMBER_COUNT_MAX = 100_000
member_count_validators = [MaxValueValidator(MEMBER_COUNT_MAX)]


class MemberStats(models.Model):
    """Per grassroots organization and year: member counts, never individual members."""

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
        limit_choices_to={"tier": Tier.COMMITTEE},
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

    objects = ScopedQuerySet.as_manager()

    class Meta:
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
            "%(excellent)s members rated excellent is more than %(percent)s%% of the %(good)s rated "
            "well (at most %(cap)s)."
        ) % {
            "excellent": self.excellent,
            "percent": cap_percent,
            "good": self.good,
            "cap": self.good * cap_percent // 100,
        }

    TIERS = (Tier.BASE,)

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
    def for_year(self, year: int):
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


class RatingYear(models.Model):
    """A year's rating season: whether it is locked. Absent row = open."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=year_validators)
    is_locked = models.BooleanField(_("locked"), default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating year")
        verbose_name_plural = _("rating years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class Submission(models.Model):
    """The workflow state of one committee's ratings for one year."""

    committee = models.ForeignKey(
        Unit,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="submissions",
        limit_choices_to={"tier": Tier.COMMITTEE},
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    returned_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-year", "committee__code"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="one_submission_per_committee_year"),
            models.CheckConstraint(
                name="submission_status_valid", condition=Q(status__in=["draft", "submitted", "approved"])
            ),
        ]

    def __str__(self):
        return f"{self.committee.code} {self.year}: {self.get_status_display()}"


class Channel(models.TextChoices):
    FORM = "form", _("Web form")
    IMPORT = "import", _("Spreadsheet import")
    ADMIN = "admin", _("Administration")
    COMMAND = "command", _("Command")


class AuditEntry(models.Model):
    """An append-only record of one change: who, when, what, old → new, through which channel."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    source = models.CharField(_("source"), max_length=255, blank=True, help_text=_("e.g. the file name"))
    action = models.CharField(_("action"), max_length=32)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="audit"
    )
    committee = models.ForeignKey(
        Unit, verbose_name=_("committee"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, help_text=_("field: [old, new]"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["unit", "year"]), models.Index(fields=["committee", "year"])]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"


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
