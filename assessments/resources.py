"""Spreadsheet import/export of ratings and member statistics (minimal; a later issue enriches it)."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from assessments.models import MemberStats, Rating
from organizations.models import Unit


def unit_field(name: str) -> fields.Field:
    """A column naming a unit by its code, never by a database id."""
    return fields.Field(attribute=name, column_name=name, widget=ForeignKeyWidget(Unit, field="code"))


class AuditedResource(resources.ModelResource):
    """Records who imported a row, as the admin does for a form."""

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance.changed_by = user
        super().before_save_instance(instance, row, **kwargs)


class RatingResource(AuditedResource):
    unit = unit_field("unit")
    committee = unit_field("committee")

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


class MemberStatsResource(AuditedResource):
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
