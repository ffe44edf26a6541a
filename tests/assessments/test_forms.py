"""The grid's row forms: dates as clerks type them, counts with thousands dots, the row digest and
the hidden field that carries a row's version and digest."""

import datetime

import pytest
from django import forms
from django.utils import translation

from assessments.forms import (
    CountField,
    GridDateField,
    MemberRowForm,
    editable_names,
    row_data,
    row_digest,
    text_digest,
    untouched,
    value_text,
)


@pytest.mark.parametrize("text", ["20/1/2022", "20/01/2022", "20/1/22", "20-01-2022", "20.1.2022", "44581"])
def test_a_decision_date_is_read_as_offices_type_it(text):
    assert GridDateField().clean(text) == datetime.date(2022, 1, 20)


@pytest.mark.parametrize("text", ["31/2/2020", "2022", "20/13/2022", "tomorrow", "1/1/20222"])
def test_an_impossible_or_unreadable_date_is_refused_with_the_sites_message(text):
    with translation.override("en"):  # the messages are read in English too
        with pytest.raises(forms.ValidationError) as refused:
            GridDateField().clean(text)
        assert refused.value.messages == [
            "Enter the date as day/month/year, for example 20/1/2022 or 20/1/22."
        ]


@pytest.mark.parametrize(
    ("text", "count"), [("1234", 1234), ("1.234", 1234), ("1 234", 1234), ("0", 0), ("1.000", 1000)]
)
def test_a_count_is_read_with_or_without_thousands_dots(text, count):
    assert CountField().clean(text) == count


@pytest.mark.parametrize("text", ["1,5", "1.5", "12.0", "1.23", "1.2345", "-1", "①", "²", "1234567890"])
def test_a_count_that_is_not_a_whole_number_as_people_write_it_is_refused(text):
    with translation.override("en"):  # the messages are read in English too
        with pytest.raises(forms.ValidationError) as refused:
            CountField().clean(text)
        assert "1.234" in refused.value.messages[0]


def test_a_count_beyond_the_bound_is_refused():
    with pytest.raises(forms.ValidationError):
        CountField(max_value=100_000).clean("100.001")


def test_counts_are_text_inputs_the_browser_does_not_check():
    field = MemberRowForm().fields["member_count"]
    assert field.widget.input_type == "text"
    assert field.widget_attrs(field.widget) == {"inputmode": "numeric"}


def test_a_value_shows_as_its_input_shows_it():
    assert [value_text(v) for v in (None, True, False, datetime.date(2016, 1, 5), 12, "x")] == [
        "",
        "1",
        "0",
        "05/01/2016",
        "12",
        "x",
    ]


def test_the_digest_of_the_values_is_the_digest_of_their_texts():
    values = {"level": "3", "decision_date": datetime.date(2016, 1, 5), "note": ""}
    names = ["level", "decision_date", "note"]
    assert row_digest(names, values) == text_digest(["3", "05/01/2016", ""])


def test_the_version_and_digest_are_read_from_the_pages_one_hidden_field():
    row = row_data({"form-2-shown": "11.abcdef", "form-2-note": "x"}, "form-2-", ["note"])
    assert (row["form-2-version"], row["form-2-shown"], row["form-2-note"]) == ("11", "abcdef", "x")


def test_the_version_and_digest_posted_as_two_fields_are_read_as_they_are():
    row = row_data({"form-0-version": "4", "form-0-shown": "abc"}, "form-0-", [])
    assert (row["form-0-version"], row["form-0-shown"]) == ("4", "abc")


def test_a_row_shown_empty_has_version_zero_and_no_digest():
    row = row_data({"form-0-unit": "7"}, "form-0-", ["note"])
    assert (row["form-0-version"], row["form-0-shown"], row["form-0-note"]) == ("0", "", "")


def test_a_row_shown_empty_and_posted_empty_is_untouched():
    form = MemberRowForm(row_data({"form-0-unit": "7"}, "form-0-", []), prefix="form-0")
    assert form.is_valid() and untouched(form)
    typed = MemberRowForm(
        {"form-0-unit": "7", "form-0-version": "0", "form-0-member_count": "3"}, prefix="form-0"
    )
    assert typed.is_valid() and not untouched(typed)
    assert "member_count" in editable_names(typed)
