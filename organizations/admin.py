"""Admin for the organization tree.

Every change — the unit form, the registry import (django-import-export) — is written through
`organizations.services.save_unit`: the model's checks, the cascade to the cells (they follow a
moved grassroots organization, are dissolved with it) and an audit record in the same transaction.
Units are dissolved or merged, never deleted: their history stays.

An uploaded registry file passes `imports.reader.check_file` (size, content matching the
extension, zip bombs, declared sheet sizes) before django-import-export parses anything, on the
upload and again when the import is confirmed.
"""

from __future__ import annotations

import codecs
import unicodedata

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from assessments.models import Channel
from imports import reader
from kontum_party import admin_base
from organizations import services
from organizations.models import Lineage, Reorganization, Unit, UnitPlace
from organizations.resources import UnitResource


def _upload_bytes(upload) -> bytes:
    """At most one byte more than the limit: enough for check_file to refuse a file too large."""
    upload.seek(0)
    data = upload.read(reader.max_bytes() + 1)
    upload.seek(0)
    return data


class CheckedFormat:
    """An import format that hands the file to `imports.reader.check_file` before parsing it.

    Read as bytes whatever the format, so that the check sees exactly what was uploaded.
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream.encode() if isinstance(in_stream, str) else bytes(in_stream)
        # By now only the stored copy of an upload that passed the same check: named by its format.
        reader.check_file(data, f"import.{self.get_extension()}")
        return super().create_dataset(self.decode(data), **kwargs)

    def decode(self, data: bytes):
        return data


class CheckedCSV(CheckedFormat, base_formats.CSV):
    def decode(self, data: bytes) -> str:
        # As the reader: UTF-16 with a BOM, UTF-8 with or without one, else what Excel writes on
        # Vietnamese Windows (check_file has refused what none of them decodes); then NFC, since
        # Windows-1258 writes tone marks as separate characters.
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1258")
        return unicodedata.normalize("NFC", text)


class CheckedXLSX(CheckedFormat, base_formats.XLSX):
    pass


class CheckedODS(CheckedFormat, base_formats.ODS):
    pass


class CheckedImportForm(ImportForm):
    """The import form, refusing with the reader's message a file `check_file` refuses."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            reader.check_file(_upload_bytes(upload), upload.name)
        except reader.FileRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return upload


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = services.EDITABLE_FIELDS


class ReadOnlyInline(admin.TabularInline):
    """History is written by the services only: shown here, never edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LinkInline(ReadOnlyInline):
    model = Lineage
    fields = ("predecessor", "successor", "date", "kind", "carries_history")
    readonly_fields = fields


@admin.register(Reorganization)
class ReorganizationAdmin(admin_base.ReadOnlyAdmin):
    list_display = ("effective", "kind", "decision_number", "decision_date", "user", "created_at")
    list_filter = ("kind",)
    search_fields = ("decision_number", "note", "links__predecessor__code", "links__successor__code")
    inlines = [LinkInline]


@admin.register(Lineage)
class LineageAdmin(admin_base.ReadOnlyAdmin):
    list_display = ("date", "kind", "predecessor", "successor", "carries_history")
    list_filter = ("kind", "carries_history")
    search_fields = ("predecessor__code", "successor__code", "predecessor__name", "successor__name")
    list_select_related = ("predecessor", "successor")


@admin.register(UnitPlace)
class UnitPlaceAdmin(admin_base.ReadOnlyAdmin):
    list_display = ("unit", "valid_from", "valid_to", "name", "tier", "parent", "committee")
    list_filter = ("tier",)
    search_fields = ("unit__code", "name")
    list_select_related = ("unit", "parent", "committee")


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    form = UnitAdminForm
    resource_classes = [UnitResource]
    import_form_class = CheckedImportForm
    import_formats = [CheckedCSV, CheckedXLSX, CheckedODS]
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
    fields = services.AUDITED_FIELDS  # the editable ones and, read only, the committee

    def has_delete_permission(self, request, obj=None):
        # A unit that no longer exists is dissolved (or merged): its ratings and history stay.
        return False

    def save_model(self, request, obj, form, change):
        services.save_unit(user=request.user, unit=obj, channel=Channel.ADMIN)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, reader.FileRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except reader.FileRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:organizations_unit_import", current_app=self.admin_site.name)
            )
