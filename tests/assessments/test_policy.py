"""assessments.policy: nothing changes before the season is opened, nor after the year is locked."""

import pytest
from django.utils import translation

from assessments.policy import EditRefused, check_can_edit, check_can_edit_many
from tests import builders as b

pytestmark = pytest.mark.django_db


def test_a_season_not_opened_refuses_every_change_and_says_who_opens_it(committee_a, province_staff):
    with (
        translation.override("en"),
        pytest.raises(EditRefused, match="provincial organizing committee opens it"),
    ):
        check_can_edit(user=province_staff, committee=committee_a, year=2016)


def test_the_system_too_waits_for_the_season(committee_a):
    with pytest.raises(EditRefused):
        check_can_edit(user=None, committee=committee_a, year=2016)


def test_an_opened_season_lets_the_committee_enter(committee_a, staff):
    b.season(2016)
    check_can_edit(user=staff, committee=committee_a, year=2016)


def test_a_locked_year_refuses_even_an_opened_season(committee_a, province_staff):
    b.season(2016, locked=True)
    with translation.override("en"), pytest.raises(EditRefused, match="locked"):
        check_can_edit(user=province_staff, committee=committee_a, year=2016)


def test_the_staff_of_a_dissolved_committee_read_its_history_but_cannot_change_it(staff, committee_a):
    import datetime

    from django.utils import timezone

    from assessments.policy import EditRefused, check_can_edit
    from tests import builders

    builders.season(2019)
    committee_a.dissolved = timezone.localdate() - datetime.timedelta(days=1)
    committee_a.save()
    staff.refresh_from_db()
    with pytest.raises(EditRefused):
        check_can_edit(user=staff, committee=committee_a, year=2019)


def test_many_committee_years_are_checked_in_two_queries_whatever_their_number(
    committee_a, staff, django_assert_num_queries
):
    for year in range(2010, 2020):
        b.season(year)
    staff = type(staff).objects.select_related("committee").get(pk=staff.pk)
    with django_assert_num_queries(2):
        check_can_edit_many(user=staff, pairs=[(committee_a, year) for year in range(2010, 2020)])


def test_many_committee_years_refuse_the_first_refused_one_as_the_single_check_does(committee_a, staff):
    from assessments.models import Status, Submission

    for year in (2017, 2018, 2019):
        b.season(year)
    Submission.objects.create(committee=committee_a, year=2018, status=Status.SUBMITTED)
    b.season(2019, locked=True)
    pairs = [(committee_a, 2017), (committee_a, 2018), (committee_a, 2019)]
    with translation.override("en"), pytest.raises(EditRefused) as many:
        check_can_edit_many(user=staff, pairs=pairs)
    with translation.override("en"), pytest.raises(EditRefused) as single:
        check_can_edit(user=staff, committee=committee_a, year=2018)
    assert str(many.value) == str(single.value)
    assert "2018" in str(many.value)
