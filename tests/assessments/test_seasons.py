"""assessments.seasons: a year's state, the working season, the latest closed one, the reporting rate."""

import datetime

import pytest

from assessments import seasons
from assessments.models import Rating, RatingYear
from assessments.season import approve, set_year_lock, submit
from assessments.services import RatingChange, save_ratings
from tests import builders as b

pytestmark = pytest.mark.django_db


def test_a_year_without_a_season_is_not_opened(committee_a):
    assert seasons.season_state(2016) == seasons.NOT_OPENED


def test_an_opened_year_is_in_progress_until_every_committee_is_approved(
    committee_a, committee_b, staff, other_staff, province_staff
):
    b.rate(b.unit("A-002"), 2015, "TSVM")
    assert seasons.season_state(2015) == seasons.OPEN
    submit(user=staff, committee=committee_a, year=2015)
    approve(user=province_staff, committee=committee_a, year=2015)
    assert seasons.is_in_progress(2015)  # B is not approved yet
    submit(user=other_staff, committee=committee_b, year=2015)
    approve(user=province_staff, committee=committee_b, year=2015)
    assert seasons.season_state(2015) == seasons.CLOSED


def test_a_locked_year_is_closed(committee_a, province_staff):
    b.rate(b.unit("A-002"), 2015, "TSVM")
    set_year_lock(user=province_staff, year=2015, locked=True)
    assert seasons.season_state(2015) == seasons.CLOSED


def test_in_january_to_march_the_working_year_is_the_previous_one(db):
    assert seasons.calendar_year(datetime.date(2026, 1, 15)) == 2025
    assert seasons.calendar_year(datetime.date(2026, 3, 31)) == 2025
    assert seasons.calendar_year(datetime.date(2026, 4, 1)) == 2026


def test_the_working_year_is_the_open_season_whatever_the_calendar(committee_a):
    b.season(2019)
    assert seasons.working_year(datetime.date(2026, 6, 1)) == 2019


def test_the_latest_closed_season_skips_a_year_in_progress(committee_a, province_staff):
    b.rate(b.unit("A-002"), 2015, "TSVM")
    set_year_lock(user=province_staff, year=2015, locked=True)
    b.rate(b.unit("A-002"), 2016, "TSVM")  # 2016 opened, one unit of four entered
    assert seasons.latest_closed() == 2015
    assert seasons.default_year(province_staff) == 2015


def test_without_a_closed_season_the_default_is_the_latest_year_with_data(committee_a, province_staff):
    b.rate(b.unit("A-002"), 2016, "TSVM")
    assert seasons.latest_closed() is None
    assert seasons.default_year(province_staff) == 2016


def test_the_reporting_rate_counts_units_recorded_of_units_to_rate(committee_a, committee_b):
    b.rate(b.unit("A-002"), 2015, "TSVM")
    b.rate(b.unit("A-001-01"), 2015, None)  # marked not rated: reported all the same
    rate = seasons.reporting(2015)
    assert (rate.reported, rate.total, rate.in_progress) == (2, 5, True)
    assert seasons.reporting(2015, committee_b).as_json() == {"state": "open", "reported": 0, "total": 1}


def test_a_self_assessment_not_decided_yet_is_not_reported(committee_a, staff):
    """The years page and the season status page read this one count: a row only self-assessed
    is a unit still to report (the years page counted it as rated: 1,993 against 1,811)."""
    b.season(2015)
    unit = b.unit("A-002")
    change = RatingChange(unit=unit, level=None, self_level=b.level(2015, "TSVM"), decided=False)
    save_ratings(user=staff, committee=committee_a, year=2015, changes=[change])
    b.rate(b.unit("A-001-01"), 2015, "TSVM")
    assert Rating.objects.filter(year=2015).count() == 2
    assert (seasons.reporting(2015).reported, seasons.reporting_of([2015])[2015].reported) == (1, 1)


def test_the_reporting_of_a_year_not_opened_says_so(committee_a):
    assert seasons.reporting(2016).as_json() == {"state": "not_opened", "reported": 0, "total": 4}


def test_the_reporting_rates_of_many_years_take_a_fixed_number_of_queries(
    committee_a, django_assert_num_queries
):
    b.rate(b.unit("A-002"), 2015, "TSVM")
    seasons.reporting_of(range(2010, 2020))  # the summaries counted
    states = seasons.states(range(2010, 2020))
    with django_assert_num_queries(2):  # the summaries' stamps, the counts
        rates = seasons.reporting_of(range(2010, 2020), states_by_year=states)
    assert (rates[2015].reported, rates[2015].total, rates[2016].reported) == (1, 4, 0)


def test_the_years_listed_run_from_the_first_with_data_to_the_working_one(committee_a):
    b.rate(b.unit("A-002"), 2015, "TSVM")
    listed = seasons.listed_years(datetime.date(2026, 2, 1))
    assert listed == list(range(2025, 2014, -1))


@pytest.mark.usefixtures("no_report_cache")  # the counting itself
def test_the_states_of_many_years_take_a_fixed_number_of_queries(
    committee_a, staff, province_staff, django_assert_num_queries
):
    for year in (2015, 2016, 2017):
        RatingYear.objects.create(year=year, opened_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    with django_assert_num_queries(2):  # nothing approved: no year to count the committees of
        states = seasons.states(range(2010, 2020))
    assert states[2016] == seasons.OPEN and states[2012] == seasons.NOT_OPENED
    for year in (2015, 2016):
        submit(user=staff, committee=committee_a, year=year)
        approve(user=province_staff, committee=committee_a, year=year)
    with django_assert_num_queries(3):  # the committees of both years approved in, in one query
        states = seasons.states(range(2010, 2020))
    assert (states[2015], states[2016], states[2017]) == (seasons.CLOSED, seasons.CLOSED, seasons.OPEN)


def test_the_states_kept_move_with_an_approval(committee_a, staff, province_staff):
    b.season(2015)
    assert seasons.states([2015])[2015] == seasons.OPEN
    submit(user=staff, committee=committee_a, year=2015)
    approve(user=province_staff, committee=committee_a, year=2015)
    assert seasons.states([2015])[2015] == seasons.CLOSED


def test_the_overview_names_the_scheme_by_its_regulation_and_says_when_no_target_applies(db):
    overview = seasons.overview(2015)
    assert overview.scheme is not None and overview.scheme.title
    assert seasons.overview(2099).targets == []
