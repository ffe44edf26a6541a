"""Admin for ratings, member statistics, schemes, targets and the workflow records.

Ratings and member statistics are written and deleted through `assessments.services` (the same
checks, version bump and audit record as every other channel); they can be exported here, but
spreadsheets are imported only through the imports app's page. The workflow records (years,
submissions, audit entries) are read-only here: they change only through the services' transitions.
Resolutions, their targets and counted levels too: they are written on the app's resolution pages
(the service's checks and audit), to which each row links.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from assessments import removal, services
from assessments.models import (
    MEMBER_FIELDS,
    SCORE_FIELDS,
    AuditEntry,
    Channel,
    Commendation,
    MemberStats,
    Rating,
    RatingLevel,
    RatingScheme,
    RatingTally,
    RatingYear,
    Submission,
    SubordinateRule,
)
from assessments.policy import EditRefused, check_can_edit
from assessments.resources import MemberStatsResource, RatingResource
from kontum_party import admin_base


def year_column(field: str, label):
    """A year shown as 2015, not localized with a thousands separator (2.015)."""

    @admin.display(description=label, ordering=field)
    def column(obj):
        value = getattr(obj, field)
        return "" if value is None else str(value)

    column.__name__ = f"{field}_column"
    return column


class PlainYearMixin:
    """Shows a read-only `year` as 2015; Django would localize it like an amount (2.015)."""

    @admin.display(description=_("year"))
    def plain_year(self, obj):
        return "" if obj.year is None else str(obj.year)

    def year_is_read_only(self, request, obj) -> bool:
        raise NotImplementedError

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.year_is_read_only(request, obj):
            return ["plain_year" if name == "year" else name for name in fields]
        return fields


class EditableNowForm(forms.ModelForm):
    """Refuses, as a form error, a change the policy forbids now (locked year, submitted...)."""

    user = None  # set per request by ServiceWrittenAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit") or getattr(self.instance, "unit", None)
        year = cleaned.get("year") or self.instance.year
        if unit is not None and year and unit.committee_id:
            try:
                check_can_edit(user=self.user, committee=unit.committee_in(year), year=year)
            except (EditRefused, PermissionDenied) as error:
                raise ValidationError(str(error)) from None
        return cleaned


class DeleteRefused(Exception):
    """The services refused a delete (locked year, submitted ratings...); nothing was deleted."""


def audited_delete_selected(modeladmin, request, queryset):
    """Django's "delete selected" action, all or nothing: a refusal is shown, nothing is deleted
    (the admin's own log entries are rolled back with it)."""
    try:
        with transaction.atomic():
            return delete_selected(modeladmin, request, queryset)
    except DeleteRefused as refused:
        modeladmin.message_user(request, str(refused), messages.ERROR)
        return None


class ServiceWrittenAdmin(PlainYearMixin, ExportMixin, admin.ModelAdmin):
    """Per unit and year rows written and deleted through the services: unit and year fixed once
    recorded; exported by the admin, never imported by it."""

    form = EditableNowForm
    readonly_fields = ("committee", "changed_by", "changed_at")
    autocomplete_fields = ("unit",)
    search_fields = ("unit__code", "unit__name")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def year_is_read_only(self, request, obj):
        return obj is not None

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A row belongs to one unit and year: changing those would make it another row.
        return (*fields, "unit", "plain_year") if obj else fields

    def save_model(self, request, obj, form, change):
        saved = self.write(request, obj)
        obj.pk, obj._state.adding = saved.pk, False

    def write(self, request, obj):
        raise NotImplementedError

    def delete_rows(self, request, rows) -> int:
        """Delete through the services (checked, audited, all or nothing)."""
        raise NotImplementedError

    def _delete(self, request, rows):
        try:
            self.delete_rows(request, list(rows))
        except (EditRefused, PermissionDenied) as refused:
            raise DeleteRefused(str(refused)) from None

    def delete_model(self, request, obj):
        self._delete(request, [obj])

    def delete_queryset(self, request, queryset):
        self._delete(request, queryset)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DeleteRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            opts = self.model._meta
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change",
                args=[object_id],
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (audited_delete_selected, name, description)
        return actions


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0
    fields = (
        "rank",
        "code",
        "name",
        "abbreviation",
        "min_score",
        "needs_all_on_time",
        "needs_all_done",
        "min_exceeded_percent",
        "max_late_percent",
        "needs_no_discipline",
    )


@admin.register(RatingScheme)
class RatingSchemeAdmin(admin.ModelAdmin):
    list_display = (
        "regulation",
        "guidance",
        year_column("valid_from", _("in force from year")),
        year_column("valid_to", _("last year in force")),
        "scored",
    )
    search_fields = ("code", "name", "regulation", "guidance")
    inlines = [RatingLevelInline]


@admin.register(RatingLevel)
class RatingLevelAdmin(admin.ModelAdmin):
    list_display = ("name", "abbreviation", "code", "scheme", "rank", "min_score")
    list_filter = ("scheme",)
    search_fields = ("code", "name", "abbreviation")
    list_select_related = ("scheme",)


@admin.register(Rating)
class RatingAdmin(ServiceWrittenAdmin):
    resource_classes = [RatingResource]
    list_display = (
        "unit",
        year_column("year", _("year")),
        "level",
        "not_rated",
        "committee",
        "tier",
        "decision_number",
        "changed_by",
        "changed_at",
    )
    list_filter = ("year", "tier", "level__scheme", "not_rated", "committee")
    list_select_related = ("unit", "level", "committee", "changed_by")
    fields = (
        "unit",
        "year",
        "level",
        "not_rated",
        "not_rated_reason",
        "note",
        "decision_number",
        "decision_date",
        *SCORE_FIELDS,
        "committee",
        "tier",
        "changed_by",
        "changed_at",
    )
    # Where a rating was counted is fixed by the service when it is first recorded.
    readonly_fields = (*ServiceWrittenAdmin.readonly_fields, "tier")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "level":
            # Schemes share level names (HTTNV is in both): say which scheme a level belongs to.
            formfield.queryset = formfield.queryset.select_related("scheme")
            formfield.label_from_instance = lambda level: f"{level} — {level.scheme.title}"
        return formfield

    def write(self, request, obj):
        return services.record_rating(
            unit=obj.unit,
            year=obj.year,
            level=obj.level,
            not_rated_reason=obj.not_rated_reason,
            note=obj.note,
            decision_number=obj.decision_number,
            decision_date=obj.decision_date,
            scores={name: getattr(obj, name) for name in SCORE_FIELDS},
            by=request.user,
            channel=Channel.ADMIN,
        )

    def delete_rows(self, request, rows):
        return removal.delete_ratings(user=request.user, ratings=rows, channel=Channel.ADMIN)


@admin.register(MemberStats)
class MemberStatsAdmin(ServiceWrittenAdmin):
    resource_classes = [MemberStatsResource]
    list_display = (
        "unit",
        year_column("year", _("year")),
        "committee",
        "member_count",
        "excellent",
        "good",
        "completed",
        "not_completed",
        "not_rated",
        "admitted",
        "changed_by",
        "changed_at",
    )
    list_filter = ("year", "committee")
    list_select_related = ("unit", "committee", "changed_by")
    fields = ("unit", "year", *MEMBER_FIELDS, "committee", "changed_by", "changed_at")

    def write(self, request, obj):
        change = services.MemberChange(
            unit=obj.unit, values={name: getattr(obj, name) for name in MEMBER_FIELDS}
        )
        services.save_member_stats(
            user=request.user,
            committee=obj.unit.committee_in(obj.year),
            year=obj.year,
            changes=[change],
            channel=Channel.ADMIN,
        )
        return MemberStats.objects.get(unit=obj.unit, year=obj.year)

    def delete_rows(self, request, rows):
        return removal.delete_member_stats(user=request.user, stats=rows, channel=Channel.ADMIN)


class SubordinateRuleInline(admin.TabularInline):
    model = SubordinateRule
    fk_name = "level"
    extra = 0


@admin.register(SubordinateRule)
class SubordinateRuleAdmin(admin.ModelAdmin):
    """The scheme's cross-unit rules; whether each refuses or warns is data too."""

    list_display = ("level", "at_or_above", "share_num", "share_den", "refuses")
    list_filter = ("level__scheme", "refuses")
    list_select_related = ("level__scheme", "at_or_above")


class ReadOnlyAdmin(PlainYearMixin, admin_base.ReadOnlyAdmin):
    """Records that change only through the services' transitions: viewable, never edited here."""

    def year_is_read_only(self, request, obj):
        return True


@admin.register(RatingYear)
class RatingYearAdmin(ReadOnlyAdmin):
    list_display = (year_column("year", _("year")), "is_locked", "locked_by", "locked_at")
    list_filter = ("is_locked",)
    list_select_related = ("locked_by",)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = (
        "committee",
        year_column("year", _("year")),
        "status",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
    )
    list_filter = ("year", "status", "committee")
    list_select_related = ("committee", "submitted_by", "approved_by")


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyAdmin):
    """Granted and withdrawn through `assessments.commendations` (audited): listed here."""

    list_display = ("rating", "decision_number", "decision_date", "by", "at")
    search_fields = ("rating__unit__code", "rating__unit__name", "decision_number")
    list_select_related = ("rating__unit", "by")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "channel", "action", "unit", "committee", year_column("year", _("year")))
    list_filter = ("channel", "action", "year", ("committee", admin.RelatedOnlyFieldListFilter))
    search_fields = ("unit__code", "unit__name", "user__username", "action", "source", "reason")
    list_select_related = ("user", "unit", "committee")
    date_hierarchy = "at"


@admin.register(RatingTally)
class RatingTallyAdmin(ReadOnlyAdmin):
    """A derived summary, recounted by itself: shown for checking, never edited."""

    list_display = (year_column("year", _("year")), "stale", "version")
    exclude = ("rows", "totals")


# Resolutions, their targets and counted levels: read only, linked to the app's pages.
from assessments import admin_resolutions  # noqa: E402, F401
