"""assessments.policy: nothing changes before the season is opened, nor after the year is locked."""

import pytest
from django.utils import translation

from assessments.policy import EditRefused, check_can_edit
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
