"""assessments.season's transitions added for the season: opening it, withdrawing a submission."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from assessments.models import AuditEntry, RatingYear, Status
from assessments.policy import EditRefused, submission_for
from assessments.season import approve, open_season, submit, withdraw
from tests import builders as b

pytestmark = pytest.mark.django_db


def test_provincial_staff_open_a_season_with_its_deadline_audited(province_staff):
    season = open_season(user=province_staff, year=2016, deadline=datetime.date(2017, 1, 31))
    assert (season.opened_by, season.deadline, season.is_opened) == (
        province_staff,
        datetime.date(2017, 1, 31),
        True,
    )
    entry = AuditEntry.objects.get(action="year.open")
    assert (entry.user, entry.year, entry.changes["deadline"]) == (province_staff, 2016, [None, "2017-01-31"])


def test_a_season_opens_once(province_staff):
    open_season(user=province_staff, year=2016)
    with pytest.raises(EditRefused):
        open_season(user=province_staff, year=2016)
    assert AuditEntry.objects.filter(action="year.open").count() == 1


def test_only_provincial_staff_open_a_season(staff, leader):
    for user in (staff, leader):
        with pytest.raises(PermissionDenied):
            open_season(user=user, year=2016)
    assert not RatingYear.objects.exists()


def test_a_future_season_cannot_be_opened(province_staff):
    with pytest.raises(EditRefused):
        open_season(user=province_staff, year=datetime.date.today().year + 1)


def test_the_system_opens_a_season_too(db):
    assert open_season(user=None, year=2015).is_opened  # the demo, a command
    assert AuditEntry.objects.get(action="year.open").channel == "command"


def test_committee_staff_withdraw_their_submission_until_it_is_approved(committee_a, staff, province_staff):
    b.rate(b.unit("A-002"), 2015, "TSVM")
    submit(user=staff, committee=committee_a, year=2015)
    withdraw(user=staff, committee=committee_a, year=2015)
    submission = submission_for(committee_a, 2015)
    assert (submission.status, submission.submitted_at) == (Status.DRAFT, None)
    assert AuditEntry.objects.filter(action="submission.withdrawn", user=staff).count() == 1
    submit(user=staff, committee=committee_a, year=2015)
    approve(user=province_staff, committee=committee_a, year=2015)
    with pytest.raises(EditRefused):
        withdraw(user=staff, committee=committee_a, year=2015)
    assert submission_for(committee_a, 2015).status == Status.APPROVED


def test_a_draft_cannot_be_withdrawn(committee_a, staff):
    b.season(2015)
    with pytest.raises(EditRefused):
        withdraw(user=staff, committee=committee_a, year=2015)


def test_provincial_staff_return_rather_than_withdraw(committee_a, staff, province_staff):
    b.rate(b.unit("A-002"), 2015, "TSVM")
    submit(user=staff, committee=committee_a, year=2015)
    with pytest.raises(PermissionDenied):
        withdraw(user=province_staff, committee=committee_a, year=2015)


def test_a_deactivated_provincial_account_decides_nothing(province_staff):
    """The one province-staff gate (as the tree's services apply it): an account switched off
    keeps its role but opens no season (a command naming it with --user is refused)."""
    province_staff.is_active = False
    province_staff.save()
    with pytest.raises(PermissionDenied):
        open_season(user=province_staff, year=2016)
    assert not RatingYear.objects.exists()
