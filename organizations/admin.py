"""Admin for the organization tree.

Every change — the unit form, the registry import (django-import-export) — is written through
`organizations.services.save_unit`: the model's checks, the cascade to the cells (they follow a
moved grassroots organization, are dissolved with it) and an audit record in the same transaction.
Units are dissolved or merged, never deleted: their history stays.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from assessments.models import Channel
from organizations import services
from organizations.models import Unit
from organizations.resources import UnitResource


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = (
            "code",
            "name",
            "tier",
            "kind",
            "place_type",
            "parent",
            "founded",
            "dissolved",
            "merged_into",
        )


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    form = UnitAdminForm
    resource_classes = [UnitResource]
    list_display = (
        "code",
        "name",
        "tier",
        "kind",
        "place_type",
        "parent",
        "committee",
        "founded",
        "dissolved",
    )
    # Only the units that are somebody's committee, not the whole tree.
    list_filter = ("tier", "kind", "place_type", ("committee", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "merged_into")
    readonly_fields = ("committee",)
    list_select_related = ("parent", "committee")
    fields = (
        "code",
        "name",
        "tier",
        "kind",
        "place_type",
        "parent",
        "committee",
        "founded",
        "dissolved",
        "merged_into",
    )

    def has_delete_permission(self, request, obj=None):
        # A unit that no longer exists is dissolved (or merged): its ratings and history stay.
        return False

    def save_model(self, request, obj, form, change):
        services.save_unit(user=request.user, unit=obj, channel=Channel.ADMIN)
