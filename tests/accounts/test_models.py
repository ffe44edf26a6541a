import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_committee_staff_must_belong_to_a_committee():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="x", password="x", role=Role.COMMITTEE_STAFF)


def test_provincial_users_belong_to_no_committee(committee_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="x", password="x", role=Role.LEADER, committee=committee_a)


def test_a_superuser_administers_the_whole_province():
    user = User.objects.create_superuser(username="root", password="x")
    assert (user.role, user.sees_whole_province, user.can_edit_ratings) == (Role.PROVINCE_STAFF, True, True)


def test_leaders_read_but_do_not_edit(leader):
    assert (leader.sees_whole_province, leader.can_edit_ratings) == (True, False)
