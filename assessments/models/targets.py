"""Resolutions and their targets. A resolution (issuing body, number, date, term) judges the
ratings of the years it covers; it says which levels of each scheme count as "trong sạch vững mạnh"
and as "tiêu biểu" for its targets (since 2018 no national rule does: the mapping is each
resolution's own), and holds its targets: which figure, compared how, with which threshold and
denominator, over which years.
"""

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


class ResolutionQuerySet(models.QuerySet):
    def in_force(self, year: int):
        """The resolution that judges the ratings of `year`, or None."""
        return self.filter(first_year__lte=year, last_year__gte=year).order_by("-first_year").first()


class Resolution(models.Model):
    issuing_body = models.CharField(_("issued by"), max_length=255)
    number = models.CharField(
        _("number"), max_length=64, blank=True, help_text=_("As it is cited, e.g. “05-NQ/TU”.")
    )
    date = models.DateField(_("date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    term = models.CharField(_("term"), max_length=32, help_text=_("e.g. “2015–2020”."))
    first_year = models.PositiveSmallIntegerField(_("first year judged"), validators=year_validators)
    last_year = models.PositiveSmallIntegerField(_("last year judged"), validators=year_validators)
    levels = models.ManyToManyField(
        "assessments.RatingLevel", through="CountedLevel", related_name="resolutions", blank=True
    )
    # Since 2018 "tiêu biểu" is a commendation, not a level: a resolution may count it instead.
    exemplary_by_commendation = models.BooleanField(
        _("exemplary = commended “TSVM tiêu biểu”"),
        default=False,
        help_text=_("Its exemplary targets count the organizations commended that year, not a level."),
    )

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["first_year"]
        constraints = [
            models.CheckConstraint(
                name="resolution_years_ordered", condition=Q(last_year__gte=F("first_year"))
            ),
        ]

    def __str__(self):
        return f"Nghị quyết {self.number}" if self.number else self.title

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "issued_by": self.issuing_body,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "term": self.term,
            "years": [self.first_year, self.last_year],
        }


def counted_levels(year: int) -> tuple[Resolution | None, dict[int, set[str]]]:
    """The resolution judging `year` and, by level id, what it counts each level as (one query;
    a second only for a resolution that counts no level)."""
    rows = list(
        CountedLevel.objects.filter(resolution__first_year__lte=year, resolution__last_year__gte=year)
        .select_related("resolution")
        .order_by("-resolution__first_year")
    )
    if not rows:
        return Resolution.objects.in_force(year), {}
    resolution = rows[0].resolution
    groups: dict[int, set[str]] = {}
    for row in rows:
        if row.resolution_id == resolution.pk:
            groups.setdefault(row.level_id, set()).add(row.counted_as)
    return resolution, groups


def counted_levels_by_year() -> dict[int, dict[int, set[str]]]:
    """{year: {level id: what it counts as}} for every year some resolution judges (one query)."""
    by_year: dict[int, dict[int, set[str]]] = {}
    rows = CountedLevel.objects.values_list(
        "resolution__first_year", "resolution__last_year", "level_id", "counted_as"
    ).order_by("resolution__first_year")
    for first, last, level_id, counted_as in rows:
        for year in range(first, last + 1):
            by_year.setdefault(year, {}).setdefault(level_id, set()).add(counted_as)
    return by_year


def describe_mapping(resolution: Resolution, groups: dict[int, set[str]], levels) -> str:
    """ "theo Nghị quyết …: TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV" for the levels of a year."""
    parts = []
    for counted_as, short in ((CountedAs.CLEAN_STRONG, "TSVM"), (CountedAs.EXEMPLARY, _("exemplary"))):
        names = [level.abbreviation for level in levels if counted_as in groups.get(level.pk, ())]
        if names:
            parts.append(f"{short} = {' + '.join(names)}")
    return _("according to %(resolution)s: %(mapping)s") % {
        "resolution": resolution,
        "mapping": "; ".join(parts) or _("no level is counted"),
    }


class CountedAs(models.TextChoices):
    CLEAN_STRONG = "clean_strong", _("clean and strong (trong sạch vững mạnh)")
    EXEMPLARY = "exemplary", _("exemplary (tiêu biểu)")


class CountedLevel(models.Model):
    """One level of one scheme that a resolution counts as clean and strong, or as exemplary."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="counted_levels")
    level = models.ForeignKey("assessments.RatingLevel", on_delete=models.PROTECT, related_name="+")
    counted_as = models.CharField(_("counted as"), max_length=16, choices=CountedAs.choices)

    class Meta:
        verbose_name = _("level counted by a resolution")
        verbose_name_plural = _("levels counted by a resolution")
        constraints = [
            models.UniqueConstraint(fields=["resolution", "level", "counted_as"], name="counted_level_once"),
            models.CheckConstraint(
                name="counted_as_valid", condition=Q(counted_as__in=["clean_strong", "exemplary"])
            ),
        ]

    def __str__(self):
        return f"{self.resolution}: {self.level} = {self.get_counted_as_display()}"


class TargetQuerySet(models.QuerySet):
    def applying_to(self, year: int):
        return self.filter(
            Q(start_year__lte=year), Q(end_year__isnull=True) | Q(end_year__gte=year)
        ).order_by("position", "code")


class Target(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    label = models.CharField(_("label"), max_length=255)
    resolution = models.ForeignKey(
        Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE, related_name="targets"
    )
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
