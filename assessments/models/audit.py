"""The append-only audit: one record per change, whoever made it and through whichever channel."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Unit


class Channel(models.TextChoices):
    FORM = "form", _("Web form")
    IMPORT = "import", _("Spreadsheet import")
    ADMIN = "admin", _("Administration")
    COMMAND = "command", _("Command")


class AuditEntry(models.Model):
    """An append-only record of one change: who, when, what, old → new, through which channel.

    Its user, unit and committee are plain ids in the database, without foreign-key constraints:
    every entry is written beside the row it records, whose own constraints check the same unit
    and committee, and checking them again at COMMIT cost 3 of the 7 checks per imported rating.
    Deletions still obey `on_delete` (Django's collector, not the database): a unit with an audit
    cannot be deleted (units are dissolved, never deleted), a deleted user leaves the entry
    anonymous."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    source = models.CharField(_("source"), max_length=255, blank=True, help_text=_("e.g. the file name"))
    action = models.CharField(_("action"), max_length=32)
    # No index of their own: the (unit, year) and (committee, year) indexes lead with them.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit",
        db_index=False,
        db_constraint=False,
    )
    committee = models.ForeignKey(
        Unit,
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
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
