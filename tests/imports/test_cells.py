"""Dates as offices type them (the import's cells and the grid's date inputs read them here)."""

import datetime

import pytest

from imports.cells import parse_date

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/01/2016", D(2016, 1, 15)),
        ("5/1/2016", D(2016, 1, 5)),
        ("5/1/16", D(2016, 1, 5)),
        ("15-01-2016", D(2016, 1, 15)),
        ("15.01.2016", D(2016, 1, 15)),
        ("2016-01-15", D(2016, 1, 15)),
        ("2016-01-15 00:00:00", D(2016, 1, 15)),
        (" 15/01/2016 ", D(2016, 1, 15)),
    ],
)
def test_dates_as_offices_type_them(text, expected):
    assert parse_date(text) == expected


def test_an_excel_serial_number_is_a_date():
    assert parse_date("44581") == D(2022, 1, 20)
    assert parse_date("42384.0") == D(2016, 1, 15)


@pytest.mark.parametrize("text", ["", "2016", "31/02/2016", "13/13/2016", "15/01-2016", "1/2", "abc"])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)
