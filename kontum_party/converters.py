"""Path converters: what a URL segment means is decided here, once, never again in a view.

`<year:year>` matches four digits and only the years the data model holds
(`assessments.models.MIN_YEAR`..`MAX_YEAR`); anything else is a 404 before any view runs.
"""

from django.urls import register_converter

from assessments.models import MAX_YEAR, MIN_YEAR


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(value)  # the resolver then tries the next pattern, and 404s
        return year

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


def register() -> None:
    register_converter(YearConverter, "year")
