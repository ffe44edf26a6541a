"""What a year given from outside means, decided here once: in a URL (`<year:year>`, a path
converter) and on a command line (`command_year`).

Only four ASCII digits within the years the data model holds (`assessments.models.MIN_YEAR` ..
`MAX_YEAR`) are a year; anything else is a 404 before any view runs, or one line on stderr.
"""

import re

from django.core.management.base import CommandError
from django.urls import register_converter
from django.utils.translation import gettext as _

from assessments.models import MAX_YEAR, MIN_YEAR

_YEAR = re.compile(r"[0-9]{4}")


def parse_year(value: str) -> int:
    """The year written in `value`; ValueError for anything that is not one of the years held."""
    text = str(value).strip()
    if not _YEAR.fullmatch(text) or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise ValueError(value)
    return int(text)


def command_year(value: str) -> int:
    """A year given to a command: one clear line (a CommandError) instead of a traceback."""
    try:
        return parse_year(value)
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a year: write a year from %(min)s to %(max)s.")
            % {"value": value, "min": MIN_YEAR, "max": MAX_YEAR}
        ) from None


class YearConverter:
    regex = _YEAR.pattern

    def to_python(self, value: str) -> int:
        return parse_year(value)  # ValueError: the resolver tries the next pattern, then 404s

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


def register() -> None:
    register_converter(YearConverter, "year")


def command_date(value: str):
    """A date given to a command (2015-12-31, or 31/12/2015): one clear line instead of a traceback."""
    from imports.cells import parse_date  # the one reader of dates as offices write them

    try:
        return parse_date(value)
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2015-12-31.") % {"value": value}
        ) from None
