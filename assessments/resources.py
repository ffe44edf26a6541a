"""Spreadsheet export of ratings and member statistics in the admin (export only).

Spreadsheets are imported through the imports app's page (/imports/) or the import_ratings
command, never through the admin. Every exported cell is escaped (`EscapedResource`); a level is
written by its abbreviation, as the import reads it.
"""

from assessments.models import MemberStats, Rating
from organizations.resources import EscapedResource, unit_code_field


class RatingResource(EscapedResource):
    unit = unit_code_field("unit")
    committee = unit_code_field("committee")

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


class MemberStatsResource(EscapedResource):
    unit = unit_code_field("unit")
    committee = unit_code_field("committee")

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
