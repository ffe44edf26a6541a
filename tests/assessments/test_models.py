import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.models import MEMBER_COUNT_MAX, MemberStats, Rating, RatingScheme, Target
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def open_seasons(db):
    """The seasons these tests write in, opened as provincial staff open them."""
    for year in (2015, 2016, 2018, 2019):
        b.season(year)


@pytest.fixture
def unit(committee_a):
    return b.unit("A-001")


def test_both_schemes_ship_in_rank_order():
    assert list(RatingScheme.objects.in_force(2015).levels.values_list("code", flat=True)) == [
        "TSVM_TB",
        "TSVM",
        "HTTNV",
        "HTNV",
        "YK",
    ]
    assert list(RatingScheme.objects.in_force(2018).levels.values_list("code", flat=True)) == [
        "HTXSNV",
        "HTTNV",
        "HTNV",
        "KHTNV",
    ]
    assert RatingScheme.objects.in_force(2017).code == "TSVM-2015"
    assert RatingScheme.objects.in_force(1990) is None


def test_the_five_targets_ship():
    targets = {
        t.code: (t.comparator, str(t.threshold), t.denominator) for t in Target.objects.applying_to(2015)
    }
    assert targets == {
        "TCCSD_TSVM": (">=", "50.00", "all_units"),
        "CHIBO_TSVM": (">", "60.00", "all_units"),
        "TCCSD_TIEUBIEU": (">", "15.00", "clean_strong_units"),
        "DANGVIEN_HTTNV": (">", "70.00", "members_rated"),
        "KETNAP_NHIEMKY": (">", "5000.00", "none"),
    }


def test_one_rating_per_unit_and_year_is_a_database_constraint(unit):
    b.rate(unit, 2015, "TSVM")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            unit=unit, year=2015, committee=unit.committee, tier=unit.tier, level=b.level(2015, "HTNV")
        )
    assert Rating.objects.get(unit=unit, year=2015).level.code == "TSVM"


def test_record_rating_changes_the_existing_row(unit):
    b.rate(unit, 2015, "TSVM")
    rating = b.rate(unit, 2015, "HTTNV", note="sửa")
    assert Rating.objects.filter(unit=unit).count() == 1
    assert (rating.level.code, rating.version, rating.note) == ("HTTNV", 2, "sửa")


def test_not_rated_needs_a_reason_in_the_database(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(unit=unit, year=2015, committee=unit.committee, tier=unit.tier, not_rated=True)


def test_a_level_and_not_rated_exclude_each_other_in_the_database(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            unit=unit,
            year=2015,
            committee=unit.committee,
            tier=unit.tier,
            not_rated=True,
            not_rated_reason="x",
            level=b.level(2015, "TSVM"),
        )


def test_not_rated_is_explicit_with_a_reason(unit):
    rating = b.rate(unit, 2015, None, reason="Mới thành lập")
    assert (rating.not_rated, rating.level, rating.not_rated_reason) == (True, None, "Mới thành lập")


def test_it_refuses_a_level_of_another_years_scheme(unit):
    with pytest.raises(ValidationError, match="không phải|is not a level"):
        from assessments.services import record_rating

        record_rating(unit=unit, year=2019, level=b.level(2015, "TSVM"))


def test_it_refuses_a_unit_that_did_not_exist_that_year(committee_a):
    unit = b.base_org(committee_a, "A-003", founded=datetime.date(2019, 7, 1))
    with pytest.raises(ValidationError):
        b.rate(unit, 2018, "HTTNV")


def test_committees_are_not_rated(committee_a):
    with pytest.raises(ValidationError):
        b.rate(committee_a, 2015, "TSVM")


def test_ratings_keep_the_committee_and_tier_they_were_counted_as(unit):
    rating = b.rate(unit, 2015, "TSVM")
    assert (rating.committee.code, rating.tier) == ("A", "base")


def test_member_levels_cannot_exceed_the_member_count_in_the_database(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        b.member_stats(unit, 2015, members=10, good=8, completed=3)


def test_member_counts_cannot_be_negative_in_the_database(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        b.member_stats(unit, 2015, members=10, good=-1)


def test_member_stats_validation_names_the_numbers(unit):
    stats = MemberStats(unit=unit, year=2015, committee=unit.committee, member_count=10, good=8, completed=3)
    with pytest.raises(ValidationError, match="11.*10"):
        stats.full_clean()


def test_one_member_statistics_row_per_unit_and_year(unit):
    b.member_stats(unit, 2015, members=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        b.member_stats(unit, 2015, members=12)


def test_the_database_refuses_a_member_count_beyond_the_bound(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        b.member_stats(unit, 2019, members=MEMBER_COUNT_MAX + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        b.member_stats(unit, 2019, members=10, admitted=MEMBER_COUNT_MAX + 1)


def test_a_unit_with_an_audit_cannot_be_deleted_though_the_audit_has_no_database_constraint(unit):
    from django.db.models import ProtectedError

    from assessments.models import AuditEntry, Channel

    AuditEntry.objects.create(channel=Channel.COMMAND, action="rating.create", unit=unit, year=2015)
    with pytest.raises(ProtectedError):
        unit.delete()


def test_a_deleted_user_leaves_their_audit_entries_anonymous(committee_a, staff):
    from assessments.models import AuditEntry, Channel

    entry = AuditEntry.objects.create(user=staff, channel=Channel.FORM, action="rating.update")
    staff.delete()
    entry.refresh_from_db()
    assert entry.user_id is None
