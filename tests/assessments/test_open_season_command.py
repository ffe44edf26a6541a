"""`manage.py open_season`: a year opened from the command line, audited; refusals in one line."""

import pytest
from django.core.management import CommandError, call_command

from assessments.models import AuditEntry, RatingYear

pytestmark = pytest.mark.django_db


def test_a_year_is_opened_with_its_deadline_and_audited(province_staff):
    call_command("open_season", "2024", "--deadline", "2025-01-31", "--user", province_staff.username)
    season = RatingYear.objects.get(year=2024)
    assert season.is_opened and str(season.deadline) == "2025-01-31"
    assert AuditEntry.objects.get(action="year.open", year=2024).channel == "command"


def test_a_year_already_open_is_refused():
    call_command("open_season", "2024")
    with pytest.raises(CommandError):
        call_command("open_season", "2024")


def test_committee_staff_cannot_open_a_year(staff):
    with pytest.raises(CommandError):
        call_command("open_season", "2024", "--user", staff.username)
    assert not RatingYear.objects.filter(year=2024, opened_at__isnull=False).exists()
