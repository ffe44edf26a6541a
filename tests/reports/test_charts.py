"""reports.charts: a year in progress is drawn apart, never as a point like the others."""

import pytest

from reports.charts import line_chart


def chart(partial=frozenset()):
    return line_chart([2015, 2016, 2017], [("Org", "series-base", [50, 60, 66.67])], [], partial=partial)


def test_every_closed_year_is_on_the_solid_line():
    series = chart().series[0]
    assert len(series.path.split()) == 3 and series.partial_path == ""


def test_a_year_in_progress_is_left_off_the_solid_line_and_joined_by_a_dashed_one():
    series = chart({2017}).series[0]
    assert [p[2] for p in series.closed_points] == [2015, 2016]
    assert [p[2] for p in series.partial_points] == [2017]
    assert len(series.path.split()) == 2
    assert series.partial_path.split()[0] == series.path.split()[-1]  # from 2016's point to 2017's


def test_a_lone_year_in_progress_has_a_point_but_no_line():
    series = line_chart([2021], [("Org", "series-base", [66.67])], [], partial={2021}).series[0]
    assert series.path == "" and series.partial_path == "" and len(series.partial_points) == 1


@pytest.mark.django_db
def test_the_trend_legend_and_lines_are_the_targets_of_the_year_shown():
    from django.utils import translation

    from assessments.models import Target
    from reports import dashboard

    with translation.override("en"):
        legend = dashboard.target_legend(2015, dashboard.target_lines(2015))
    base = Target.objects.applying_to(2015).get(metric="base_clean_strong")
    assert legend.startswith("Targets of 2015")
    assert f"{base.get_comparator_display()} 50% organizations" in legend
