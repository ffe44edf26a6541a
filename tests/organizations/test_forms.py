"""The reorganization forms: codes and dates as offices type them, and what they refuse by name."""

import datetime

import pytest
from django.utils import translation

from organizations.forms_operations import MergeForm, SplitForm
from organizations.reorganize import NewUnit
from tests import builders as b

pytestmark = pytest.mark.django_db
DECISION = {"on": "1.7.2025", "decision_number": "3-QĐ/TU"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_codes_in_any_case_and_separator_once_each(committee_a, province_staff):
    form = MergeForm(
        {**DECISION, "unit_codes": "a-001-01; A-001-02\na-001-01", "into": "a-002"}, user=province_staff
    )
    assert form.is_valid(), form.errors
    assert [u.code for u in form.merged] == ["A-001-01", "A-001-02"]
    assert form.successor.code == "A-002"
    assert form.cleaned_data["on"] == datetime.date(2025, 7, 1)


def test_a_year_alone_is_not_a_date(committee_a, province_staff):
    form = MergeForm(
        {**DECISION, "on": "2025", "unit_codes": "A-001-01", "into": "A-002"}, user=province_staff
    )
    assert form.errors["on"] == ["“2025” is not a date: write it as d/m/yyyy, e.g. 1/7/2025."]


def test_a_merger_needs_the_unit_it_merges_into(committee_a, province_staff):
    form = MergeForm({**DECISION, "unit_codes": "A-001-01"}, user=province_staff)
    assert not form.is_valid() and "Name the unit they merge into" in form.non_field_errors()[0]


def test_units_out_of_scope_are_unknown_codes(committee_a, committee_b, staff):
    form = MergeForm({**DECISION, "unit_codes": "B-001", "into": "A-002"}, user=staff)
    assert form.errors["unit_codes"] == ["No unit has the code B-001."]


def test_split_successors_new_and_existing(committee_a, province_staff):
    data = {**DECISION, "unit_code": "A-001", "successors": "A-002\nA-003 Đảng bộ xã Mới", "heir": "2"}
    form = SplitForm(data, user=province_staff)
    assert form.is_valid(), form.errors
    existing, new = form.into
    assert existing.code == "A-002" and isinstance(new, NewUnit)
    assert (new.name, new.parent.code, new.kind) == ("Đảng bộ xã Mới", "A", b.unit("A-001").kind)


def test_split_heir_must_be_one_of_the_lines(committee_a, province_staff):
    data = {**DECISION, "unit_code": "A-001", "successors": "A-003 Một\nA-004 Hai", "heir": "3"}
    assert SplitForm(data, user=province_staff).errors["heir"] == ["Choose a line between 1 and 2."]
