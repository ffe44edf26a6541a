"""The import tests: messages in English, uploads in the test's folder, the shared tree by role."""

import pytest
from django.utils import translation

from tests import builders as b


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (their msgids); pages pick their language per request."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def seasons_open(db):
    """Every year these tests write is an opened rating season (provincial staff open a season
    before anything is entered); a test about a season not yet opened closes its own."""
    from django.utils import timezone

    from assessments.models import RatingYear

    for year in range(2010, timezone.localdate().year + 1):
        RatingYear.objects.update_or_create(year=year, defaults={"opened_at": timezone.now()})


@pytest.fixture
def upload_root(upload_folders, tmp_path):
    """The test's own folder of uploads waiting for confirmation (tests/conftest.py)."""
    return tmp_path / "uploads"


@pytest.fixture
def tree(committee_a, committee_b):
    """The shared tree (tests/conftest.py) by role in an import: {"committee": A, "base": A-001,
    "cells": [A-001-01, A-001-02], "other": A-002, "b": B}. The users are the shared ones too
    (staff, province_staff, leader)."""
    return {
        "committee": committee_a,
        "base": b.unit("A-001"),
        "cells": [b.unit("A-001-01"), b.unit("A-001-02")],
        "other": b.unit("A-002"),
        "b": committee_b,
    }


def db_state():
    """Everything an import may write, to check that a refused one wrote nothing."""
    from assessments.models import AuditEntry, MemberStats, Rating

    return (
        sorted(Rating.objects.values_list("unit__code", "year", "level__code", "note", "version")),
        sorted(MemberStats.objects.values_list("unit__code", "year", "member_count", "version")),
        AuditEntry.objects.count(),
    )
