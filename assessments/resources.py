"""Spreadsheet import/export of ratings and member statistics in the admin.

Imports go through the imports app (`imports.resources.import_dataset`): the same reading, scope,
checks, services and audit (channel "import", the file's name) as the import page and the
import_ratings command. Exports write a level by its abbreviation, as the import reads it.
"""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from assessments.models import MemberStats, Rating
from organizations.models import Unit


def unit_field(name: str) -> fields.Field:
    """A column naming a unit by its code, never by a database id."""
    return fields.Field(attribute=name, column_name=name, widget=ForeignKeyWidget(Unit, field="code"))


class ThroughImportsApp:
    """`import_data` checked and written by the imports app, not row by row by django-import-export."""

    import_kind = ""

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        from imports.resources import import_dataset

        return import_dataset(
            dataset,
            kind=self.import_kind,
            dry_run=dry_run,
            user=kwargs.get("user"),
            file_name=kwargs.get("file_name"),
            raise_errors=raise_errors,
        )


class AuditedResource(resources.ModelResource):
    """Records who imported a row, as the admin does for a form."""

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance.changed_by = user
        super().before_save_instance(instance, row, **kwargs)


class RatingResource(ThroughImportsApp, AuditedResource):
    import_kind = "ratings"
    unit = unit_field("unit")
    committee = unit_field("committee")

    def dehydrate_level(self, rating):
        from imports.levels import NOT_RATED_LABEL

        return rating.level.abbreviation if rating.level_id else NOT_RATED_LABEL

    class Meta:
        model = Rating
        fields = (
            "unit",
            "year",
            "committee",
            "tier",
            "level",
            "not_rated",
            "not_rated_reason",
            "decision_number",
            "decision_date",
            "note",
        )
        import_id_fields = ("unit", "year")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False


class MemberStatsResource(ThroughImportsApp, AuditedResource):
    import_kind = "members"
    unit = unit_field("unit")
    committee = unit_field("committee")

    class Meta:
        model = MemberStats
        fields = (
            "unit",
            "year",
            "committee",
            "member_count",
            "excellent",
            "good",
            "completed",
            "not_completed",
            "not_rated",
            "admitted",
        )
        import_id_fields = ("unit", "year")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
