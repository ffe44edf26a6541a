"""The season the navigation leads to (`assessments.seasons.working_year`): the open season, else
the year being rated by the calendar (the previous one in January–March).

Every page's navigation asks for it, and working it out counts the committees of each open year
over the whole tree (a few tens of milliseconds a page). The answer changes only when what
`seasons.states` reads changes: the seasons, their submissions, the units — every write to which
moves a stamp by trigger, whatever writes (`reports.cache`: the rules' and the units') — and the
calendar. So it is kept under those stamps and the date (`reports.cache.remembered`, the one home
of results kept until what they read moves) and worked out again only when one moves; within one
request it is asked for once.
"""

from django import template

from assessments import seasons
from reports.cache import remembered

register = template.Library()


@remembered("working_year", years=lambda: ())  # the units' and the rules' stamps, the date
def cached_working_year() -> int:
    return seasons.working_year()


@register.simple_tag(takes_context=True)
def working_year(context) -> int:
    request = context.get("request")
    if request is None:
        return cached_working_year()
    if not hasattr(request, "working_year"):
        request.working_year = cached_working_year()
    return request.working_year
