import datetime

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from assessments.season import set_year_lock
from tests import builders as b

NAV = Template("{% load season_tags l10n %}{% working_year as y %}{{ y|unlocalize }}")


def nav_year() -> int:
    return int(NAV.render(Context()))


def test_the_nav_leads_to_a_season_opened_after_the_last_page(committee_a, province_staff):
    b.season(2015)
    assert nav_year() == 2015
    b.season(2019)
    assert nav_year() == 2019
    set_year_lock(user=province_staff, year=2019, locked=True)
    assert nav_year() == 2015


def test_the_nav_year_is_worked_out_again_only_when_the_seasons_move(committee_a):
    b.season(2019)
    nav_year()
    with CaptureQueriesContext(connection) as ctx:
        assert nav_year() == 2019
    assert len(ctx.captured_queries) == 1  # the stamps alone (reports.cache)


def test_a_unit_written_works_the_nav_year_out_again(committee_a):
    b.season(2015)
    nav_year()
    b.base_org(committee_a, "A-NEW")
    with CaptureQueriesContext(connection) as ctx:
        assert nav_year() == 2015
    assert len(ctx.captured_queries) > 1


def test_without_an_open_season_the_nav_follows_the_calendar(db):
    assert nav_year() == datetime.date.today().year - (datetime.date.today().month <= 3)
