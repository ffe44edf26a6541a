import pytest

from assessments.models import Rating, RatingTally
from reports.dashboard import trends
from tests import builders as b

pytestmark = pytest.mark.django_db


def test_a_saved_rating_shows_in_the_trend_at_once():
    unit = b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"]).scoped_units.get(code="A-001")
    assert trends(None)[0].base["clean_strong"] == 1
    b.rate(unit, 2015, "HTNV")
    assert trends(None)[0].base.get("clean_strong", 0) == 0


def test_a_deleted_rating_leaves_the_trend():
    b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"])
    assert trends(None)[0].base["total"] == 2
    Rating.objects.filter(unit__code="A-001").first().delete()
    assert trends(None)[0].base["total"] == 1


def test_a_write_during_a_recount_keeps_the_year_stale():
    b.committee_with("A", 2015, base_levels=["TSVM"])
    tally = RatingTally.objects.get(year=2015)
    RatingTally.mark_stale(2015)  # a write lands after the reader read the version
    RatingTally.objects.filter(pk=tally.pk, version=tally.version).update(stale=False)
    assert RatingTally.objects.get(year=2015).stale


def test_trends_of_a_committee_count_only_its_rows():
    a = b.committee_with("A", 2015, base_levels=["TSVM"])
    b.committee_with("B", 2015, base_levels=["HTNV", "HTNV"])
    assert (trends(a)[0].base["total"], trends(None)[0].base["total"]) == (1, 3)
