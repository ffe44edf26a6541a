from django import forms
from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = set(form.changed_data)
        # Moves and dissolutions go through the services, which carry the cells along.
        if change and "parent" in changed:
            services.move_unit(unit=obj, new_parent=obj.parent)
        if change and obj.dissolved and changed & {"dissolved", "merged_into"}:
            services.dissolve_unit(unit=obj, on=obj.dissolved, merged_into=obj.merged_into)
