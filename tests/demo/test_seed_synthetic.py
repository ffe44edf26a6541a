"""`manage.py seed_synthetic`: fills every unit and year; refuses to run over its own data."""

import pytest
from django.core.management import CommandError, call_command

from assessments.models import MemberStats, Rating
from reports.engine import build_report

pytestmark = pytest.mark.django_db


def test_seed_synthetic_fills_every_unit_and_year(capsys):
    call_command(
        "seed_synthetic", "--base-orgs", "160", "--cells", "400", "--years", "2", "--last-year", "2024"
    )
    report = build_report(2024)
    assert (report.base.total, report.cells.total, report.base.rated, report.cells.rated) == (
        160,
        400,
        160,
        400,
    )
    assert Rating.objects.filter(year=2023).count() == 560
    assert MemberStats.objects.filter(year=2024).count() == 160
    assert build_report(2022).has_data is False


def test_seed_synthetic_refuses_to_run_twice():
    call_command(
        "seed_synthetic", "--base-orgs", "10", "--cells", "10", "--years", "1", "--last-year", "2024"
    )
    with pytest.raises(CommandError):
        call_command("seed_synthetic", "--base-orgs", "10", "--cells", "10", "--years", "1")
