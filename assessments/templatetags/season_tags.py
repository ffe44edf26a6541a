"""The season the navigation leads to (`assessments.seasons.working_year`): the open season, else
the year being rated by the calendar (the previous one in January–March)."""

from django import template

from assessments import seasons

register = template.Library()


@register.simple_tag
def working_year() -> int:
    return seasons.working_year()
