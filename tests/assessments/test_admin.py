"""Deleting ratings and member statistics (the admin's delete and "delete selected"): the same rules
as a change, all or nothing, audited, and shown in the unit's history."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role, User
from assessments import removal, season
from assessments.models import AuditEntry, MemberStats, Rating, RatingTally
from assessments.policy import EditRefused
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def open_seasons(db):
    """The seasons these tests write in, opened as provincial staff open them."""
    for year in (2015, 2016):
        b.season(year)


@pytest.fixture
def tree():
    a = b.committee("A")
    base = b.base_org(a, "A-001")
    cell = b.cell(base, "A-001-01")
    other = b.base_org(b.committee("B"), "B-001")
    return {"committee": a, "base": base, "cell": cell, "other": other}


@pytest.fixture
def ratings(tree):
    return {
        "base": b.rate(tree["base"], 2015, "TSVM", note="đã kiểm tra", decision_number="12-QĐ/HU"),
        "cell": b.rate(tree["cell"], 2015, "HTNV"),
        "base2016": b.rate(tree["base"], 2016, "HTTNV"),
        "other": b.rate(tree["other"], 2015, None, reason="Mới thành lập"),
    }


@pytest.fixture
def stats(tree):
    return {
        "base": b.member_stats(tree["base"], 2015, members=30, good=20, completed=10, admitted=2),
        "base2016": b.member_stats(tree["base"], 2016, members=31, good=31),
    }


@pytest.fixture
def province():
    return User.objects.create_user(
        username="btc", password="x", role=Role.PROVINCE_STAFF, is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff(tree):
    return User.objects.create_user(
        username="a", password="x", role=Role.COMMITTEE_STAFF, committee=tree["committee"]
    )


def lock(year, user):
    season.set_year_lock(user=user, year=year, locked=True)


def history_url(code: str) -> str:
    return f"/units/{code}/history/"


def deletions():
    return list(AuditEntry.objects.filter(action__endswith=".delete").order_by("pk"))


# The services -----------------------------------------------------------------------------------


def test_a_deleted_rating_is_audited_with_its_old_values(ratings, province, tree):
    RatingTally.fresh()
    assert removal.delete_ratings(user=province, ratings=[ratings["base"]], channel="admin") == 1
    assert not Rating.objects.filter(pk=ratings["base"].pk).exists()
    (entry,) = deletions()
    assert (entry.action, entry.channel, entry.user, entry.unit, entry.committee, entry.year) == (
        "rating.delete",
        "admin",
        province,
        tree["base"],
        tree["committee"],
        2015,
    )
    assert entry.changes == {
        "level": ["TSVM", None],
        "note": ["đã kiểm tra", None],
        "decision_number": ["12-QĐ/HU", None],
    }
    # The year's tally is recounted on its next read.
    assert RatingTally.objects.get(year=2015).stale


def test_a_not_rated_row_keeps_its_reason_in_the_audit(ratings, province):
    removal.delete_ratings(user=province, ratings=[ratings["other"]], channel="admin")
    assert deletions()[0].changes == {"not_rated_reason": ["Mới thành lập", None]}


def test_a_locked_year_cannot_be_deleted(ratings, stats, province):
    lock(2015, province)
    audit = AuditEntry.objects.count()
    with pytest.raises(EditRefused, match="2015"):
        removal.delete_ratings(user=province, ratings=[ratings["base"]], channel="admin")
    with pytest.raises(EditRefused, match="2015"):
        removal.delete_member_stats(user=province, stats=[stats["base"]], channel="admin")
    assert Rating.objects.count() == 4 and MemberStats.objects.count() == 2
    assert AuditEntry.objects.count() == audit


def test_one_refused_row_refuses_the_whole_delete(ratings, province):
    lock(2015, province)
    with pytest.raises(EditRefused):
        removal.delete_ratings(user=province, ratings=[ratings["base2016"], ratings["base"]], channel="admin")
    assert Rating.objects.filter(pk=ratings["base2016"].pk).exists()
    assert deletions() == []


def test_committee_staff_follow_the_workflow_and_their_scope(ratings, staff, province, tree):
    season.submit(user=staff, committee=tree["committee"], year=2015)
    with pytest.raises(EditRefused):
        removal.delete_ratings(user=staff, ratings=[ratings["cell"]], channel="form")
    with pytest.raises(PermissionDenied):
        removal.delete_ratings(user=staff, ratings=[ratings["other"]], channel="form")
    assert removal.delete_ratings(user=staff, ratings=[ratings["base2016"]], channel="form") == 1
    # The provincial staff may still change — and delete — submitted ratings of an open year.
    assert removal.delete_ratings(user=province, ratings=[ratings["cell"]], channel="admin") == 1
    assert Rating.objects.count() == 2


def test_a_leader_cannot_delete(ratings):
    leader = User.objects.create_user(username="ld", password="x", role=Role.LEADER)
    with pytest.raises(PermissionDenied):
        removal.delete_ratings(user=leader, ratings=[ratings["base"]], channel="admin")
    assert Rating.objects.count() == 4


def test_member_statistics_deletes_are_audited(stats, province, tree):
    assert removal.delete_member_stats(user=province, stats=list(stats.values()), channel="admin") == 2
    entries = deletions()
    assert [(e.action, e.year) for e in entries] == [
        ("memberstats.delete", 2015),
        ("memberstats.delete", 2016),
    ]
    assert entries[0].changes == {
        "member_count": [30, None],
        "excellent": [0, None],
        "good": [20, None],
        "completed": [10, None],
        "not_completed": [0, None],
        "not_rated": [0, None],
        "admitted": [2, None],
    }


# The admin --------------------------------------------------------------------------------------


def delete_url(obj):
    return reverse(f"admin:assessments_{obj._meta.model_name}_delete", args=[obj.pk])


def changelist(model):
    return reverse(f"admin:assessments_{model._meta.model_name}_changelist")


def bulk_delete(client, model, objects):
    return client.post(
        changelist(model),
        {"action": "delete_selected", "_selected_action": [o.pk for o in objects], "post": "yes"},
        follow=True,
    )


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_the_admin_refuses_to_delete_a_rating_of_a_locked_year(client, ratings, province):
    lock(2015, province)
    client.force_login(province)
    response = client.post(delete_url(ratings["base"]), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "2015" in messages_of(response)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Rating.objects.filter(pk=ratings["base"].pk).exists()
    assert deletions() == [] and not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_the_admin_deletes_through_the_service(client, ratings, province, tree):
    client.force_login(province)
    assert client.get(delete_url(ratings["base"])).status_code == 200  # the confirmation page
    response = client.post(delete_url(ratings["base"]), {"post": "yes"})
    assert response.status_code == 302
    assert not Rating.objects.filter(pk=ratings["base"].pk).exists()
    (entry,) = deletions()
    assert (entry.action, entry.channel, entry.user) == ("rating.delete", "admin", province)
    # The unit's history shows the deletion with the values the rating had.
    page = client.get(history_url("A-001"))
    actions = [e.action for e, _label, _changes in page.context["entries"]]
    assert actions[0] == "rating.delete"
    html = page.content.decode()
    assert "TSVM → —" in html and "12-QĐ/HU → —" in html


def test_delete_selected_is_all_or_nothing(client, ratings, stats, province):
    lock(2015, province)
    client.force_login(province)
    response = bulk_delete(client, Rating, [ratings["base2016"], ratings["base"]])
    assert "2015" in messages_of(response)
    assert Rating.objects.count() == 4 and deletions() == []
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
    response = bulk_delete(client, MemberStats, list(stats.values()))
    assert MemberStats.objects.count() == 2 and deletions() == []


def test_delete_selected_audits_every_row(client, ratings, stats, province):
    client.force_login(province)
    bulk_delete(client, Rating, [ratings["base2016"], ratings["base"]])
    bulk_delete(client, MemberStats, [stats["base2016"]])
    assert sorted((e.action, e.year) for e in deletions()) == [
        ("memberstats.delete", 2016),
        ("rating.delete", 2015),
        ("rating.delete", 2016),
    ]
    assert Rating.objects.count() == 2 and MemberStats.objects.count() == 1
    page = client.get(history_url("A-001"))
    assert "memberstats.delete" in [e.action for e, _label, _changes in page.context["entries"]]
    assert 'data-action="memberstats.delete" class="table-warning"' in page.content.decode()


def test_the_workflow_of_a_deleted_year_stays_in_the_history(client, ratings, province, staff, tree):
    season.submit(user=staff, committee=tree["committee"], year=2015)
    removal.delete_ratings(user=province, ratings=[ratings["base"]], channel="admin")
    client.force_login(province)
    page = client.get(history_url("A-001"))
    actions = [e.action for e, _label, _changes in page.context["entries"]]
    assert actions[:2] == ["rating.delete", "submission.submitted"]
