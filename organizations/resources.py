"""Spreadsheet import/export of the organization tree (minimal; a later issue enriches it)."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from organizations.models import Unit


class UnitResource(resources.ModelResource):
    # Units refer to their parent by code, so a spreadsheet never depends on database ids.
    parent = fields.Field(
        attribute="parent", column_name="parent", widget=ForeignKeyWidget(Unit, field="code")
    )

    class Meta:
        model = Unit
        fields = ("code", "name", "tier", "kind", "place_type", "parent", "founded", "dissolved")
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
