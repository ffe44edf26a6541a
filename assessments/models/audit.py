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
