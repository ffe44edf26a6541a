"""The reporting rate the summaries carry (reports.summary.reporting_counts): the units recorded and
to rate of a year, for the whole province from the year's summary, for a committee from its rows;
never stale, whatever wrote the ratings."""

import pytest
from django.db import connection

from assessments.models import Rating
from organizations.models import Unit
from reports import summary
from tests import builders as b

pytestmark = pytest.mark.django_db


def test_the_whole_years_rate_is_the_sum_of_its_committees():
    b.committee_with("A", 2015, base_levels=["TSVM", None, "HTNV"])
    b.committee_with("B", 2015, base_levels=["TSVM"])
    b.base_org(Unit.objects.get(code="B"), "B-900")  # pending
    a, bb = Unit.objects.get(code="A"), Unit.objects.get(code="B")
    by_committee = [summary.reporting_counts([2015], c)[2015] for c in (a, bb)]
    assert by_committee == [(3, 3), (1, 2)]
    assert summary.reporting_counts([2015, 2016]) == {2015: (4, 5), 2016: (0, 5)}


def test_a_rating_written_without_the_services_moves_the_rate():
    b.committee_with("A", 2015, base_levels=["TSVM", "HTNV"])
    assert summary.reporting_counts([2015])[2015] == (2, 2)
    with connection.cursor() as cursor:  # as an import by COPY, or a fix by hand, would write
        cursor.execute("DELETE FROM assessments_rating WHERE id = %s", [Rating.objects.first().pk])
    assert summary.reporting_counts([2015])[2015] == (1, 2)
