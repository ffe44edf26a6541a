"""The admin of resolutions, their targets and the levels they count: read only.

They are written on the app's resolution pages (/resolutions/), where
`assessments.resolutions.save_resolution` checks every change and audits it; an admin form would
write them with neither. Each row links to the page that changes it. Imported by
`assessments.admin` (Django's autodiscovery reads that module only).
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assessments.admin import year_column
from assessments.models import CountedLevel, Resolution, Target
from assessments.resolution_rules import TARGET_FIELDS
from kontum_party import admin_base


def in_app_link(resolution: Resolution | None):
    """The app's page of `resolution` (addressed by the first year it judges), as a link."""
    if resolution is None:
        return "—"
    url = reverse("assessments:resolution-edit", args=[resolution.first_year])
    return format_html('<a href="{}">{}</a>', url, _("Change on the resolutions page"))


class ResolutionPagesAdmin(admin_base.ReadOnlyAdmin):
    """Read only here; the changelist says where resolutions are changed."""

    def changelist_view(self, request, extra_context=None):
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("Resolutions and their targets are changed in the app, checked and audited:"),
                reverse("assessments:resolutions"),
                _("the resolutions page"),
            ),
            messages.INFO,
        )
        return super().changelist_view(request, extra_context)


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetColumns:
    """A target's fields as the admin shows them, years written plainly (2015, not 2.015)."""

    target_fields = tuple(f for f in TARGET_FIELDS if f not in ("start_year", "end_year")) + (
        "start_year_column",
        "end_year_column",
    )
    start_year_column = staticmethod(year_column("start_year", _("from year")))
    end_year_column = staticmethod(year_column("end_year", _("to year")))


@admin.register(Target)
class TargetAdmin(TargetColumns, ResolutionPagesAdmin):
    list_display = (*TargetColumns.target_fields, "change_in_app")
    list_filter = ("resolution", "metric", "denominator")
    list_select_related = ("resolution",)
    search_fields = ("code", "label", "resolution__title", "resolution__number")
    fields = ("change_in_app", "resolution", *TargetColumns.target_fields)
    readonly_fields = ("change_in_app", "start_year_column", "end_year_column")

    @admin.display(description=_("change"))
    def change_in_app(self, obj):
        return in_app_link(obj.resolution)


class CountedLevelInline(ReadOnlyInline):
    model = CountedLevel


class TargetInline(TargetColumns, ReadOnlyInline):
    model = Target
    fields = TargetColumns.target_fields
    readonly_fields = ("start_year_column", "end_year_column")


@admin.register(CountedLevel)
class CountedLevelAdmin(ResolutionPagesAdmin):
    list_display = ("resolution", "level", "counted_as", "change_in_app")
    list_filter = ("resolution", "counted_as")
    list_select_related = ("resolution", "level__scheme")
    fields = ("change_in_app", "resolution", "level", "counted_as")
    readonly_fields = ("change_in_app",)

    @admin.display(description=_("change"))
    def change_in_app(self, obj):
        return in_app_link(obj.resolution)


@admin.register(Resolution)
class ResolutionAdmin(ResolutionPagesAdmin):
    """A resolution, the levels it counts as clean and strong or exemplary, and its targets."""

    list_display = (
        "title",
        "number",
        "issuing_body",
        "term",
        year_column("first_year", _("first year judged")),
        year_column("last_year", _("last year judged")),
        "change_in_app",
    )
    search_fields = ("title", "number", "issuing_body")
    first_year_column = staticmethod(year_column("first_year", _("first year judged")))
    last_year_column = staticmethod(year_column("last_year", _("last year judged")))
    fields = (
        "change_in_app",
        "issuing_body",
        "number",
        "date",
        "title",
        "term",
        "first_year_column",
        "last_year_column",
        "exemplary_by_commendation",
    )
    readonly_fields = ("change_in_app", "first_year_column", "last_year_column")
    inlines = [CountedLevelInline, TargetInline]

    @admin.display(description=_("change"))
    def change_in_app(self, obj):
        return in_app_link(obj)
