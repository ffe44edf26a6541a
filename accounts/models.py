"""Users and their scope: the whole province or one committee directly under it."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import SCOPE_UNITS


class Role(models.TextChoices):
    PROVINCE_STAFF = "province_staff", _("Provincial organizing-committee staff")
    LEADER = "leader", _("Provincial leader (read only)")
    COMMITTEE_STAFF = "committee_staff", _("Committee staff")


class ScopedUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A superuser administers the whole province, never one committee.
        extra_fields.setdefault("role", Role.PROVINCE_STAFF)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COMMITTEE_STAFF)
    committee = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        limit_choices_to=SCOPE_UNITS,
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Committee staff belong to exactly one committee; provincial users to none.
            models.CheckConstraint(
                name="user_committee_matches_role",
                condition=Q(role="committee_staff", committee__isnull=False)
                | (~Q(role="committee_staff") & Q(committee__isnull=True)),
            ),
        ]

    @property
    def sees_whole_province(self) -> bool:
        return self.role in (Role.PROVINCE_STAFF, Role.LEADER)

    @property
    def is_province_staff(self) -> bool:
        """Provincial organizing-committee staff, an active account: the only users who decide for
        the whole province (open, approve, return and lock seasons; change the organization). The
        one test of it, for views, services and commands alike."""
        return self.is_active and self.role == Role.PROVINCE_STAFF

    def check_province_staff(self, message: str = "") -> None:
        """PermissionDenied (with `message`, or the general one) unless `is_province_staff`."""
        if not self.is_province_staff:
            raise PermissionDenied(message or str(_("Only the provincial organizing committee can do this.")))

    @property
    def can_edit_ratings(self) -> bool:
        return self.role in (Role.PROVINCE_STAFF, Role.COMMITTEE_STAFF)

    @property
    def scope_label(self) -> str:
        return str(_("Whole province")) if self.sees_whole_province else str(self.committee)
