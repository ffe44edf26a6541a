"""Spreadsheet export of every admin resource, and the admin's import of the organization tree.

Every exported cell goes through `reports.export.safe_cell` (`EscapedResource`): a value a user
typed — a unit's name, a rating's note — that a spreadsheet would run as a formula (=, +, -, @,
tab, carriage return) is written with a leading apostrophe, in every format the admin offers
(CSV, TSV, XLSX, ODS, JSON, HTML). django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT
only strips a leading "=" and turns every cell into text, so it is not used. Numbers are written
plain (2015), not localized (2.015).

The unit import writes through `organizations.services.save_unit` — the same checks, cascade
(cells follow their grassroots organization, are dissolved with it) and audit record (channel
"import", the file's name) as the admin's form — never by saving the row itself. Its columns are
the unit's editable fields (`services.EDITABLE_FIELDS`), which the registry file's columns
(`organizations.registry_columns`) accept as headers: the admin's export is also a file
`import_units` and the registry page read back unchanged (tests/organizations/test_registry.py).
"""

import re

from django.db import models
from django.utils.safestring import mark_safe
from import_export import fields, resources
from import_export.resources import Diff
from import_export.widgets import ForeignKeyWidget

from assessments.models import Channel
from imports.services import source_name
from organizations import services
from organizations.models import Unit
from reports.export import safe_cell, unescape


class PlainDiff(Diff):
    """The import preview's old → new, without the inline styles the site's Content-Security-Policy
    blocks (diff_match_patch writes <ins style="...">): static/css/admin_import_export.css colours it.
    The values themselves are escaped by diff_match_patch before this sees them."""

    STYLE = re.compile(r'<(ins|del) style="[^"<>]*">')

    def as_html(self):
        return [mark_safe(self.STYLE.sub(r"<\1>", html)) for html in super().as_html()]


class EscapedResource(resources.ModelResource):
    """A resource whose export escapes every cell (and header) a spreadsheet would run as a formula."""

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.IntegerField | models.DecimalField | models.FloatField):
            # Plain numbers: a year is 2015, never the localized 2.015 a spreadsheet reads as 2,015.
            kwargs.setdefault("coerce_to_string", False)
        return kwargs

    def export_field(self, field, instance, **kwargs):
        # Covers `dehydrate_<field>` methods too: django-import-export calls them from here.
        return safe_cell(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, selected_fields=None):
        return [safe_cell(header) for header in super().get_export_headers(selected_fields)]


def unit_code_field(name: str) -> fields.Field:
    """A column naming a unit by its code, so a spreadsheet never depends on database ids."""
    return fields.Field(attribute=name, column_name=name, widget=ForeignKeyWidget(Unit, field="code"))


class UnitResource(EscapedResource):
    parent = unit_code_field("parent")
    merged_into = unit_code_field("merged_into")

    class Meta:
        model = Unit
        fields = services.EDITABLE_FIELDS
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def get_diff_class(self):
        return PlainDiff

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.import_user = kwargs.get("user")
        self.import_source = source_name(kwargs.get("file_name") or "")

    def before_import_row(self, row, **kwargs):
        # A file exported here comes back with its escaped cells ("'=x" was written for "=x").
        for key, value in row.items():
            if isinstance(value, str):
                row[key] = unescape(value)
        super().before_import_row(row, **kwargs)

    def do_instance_save(self, instance, is_create):
        services.save_unit(
            user=getattr(self, "import_user", None),
            unit=instance,
            channel=Channel.IMPORT,
            source=getattr(self, "import_source", ""),
        )
