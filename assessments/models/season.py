"""The rating season's workflow: a year's season (opened by provincial staff, with its deadline,
later locked), and each committee-year's submission state. They change only through
`assessments.season`'s transitions; `assessments.seasons` reads them (open, closed, in progress)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.schemes import year_validators
from organizations.models import REPORTING_COMMITTEES, Unit


class RatingYear(models.Model):
    """A year's rating season. Absent row, or no `opened_at` = not opened yet: nobody enters its
    ratings until provincial staff open it. Opened and not locked = the committees enter, submit
    and get approved; locked = final."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=year_validators)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("The date by which committees submit their ratings."),
    )
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

    @property
    def is_opened(self) -> bool:
        return self.opened_at is not None


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
        limit_choices_to=REPORTING_COMMITTEES,
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
