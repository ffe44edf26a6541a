"""A small tree for the import tests: committees A and B, their units, staff of A, a provincial user."""

import pytest
from django.utils import translation

from accounts.models import Role, User
from tests import builders as b


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (their msgids); pages pick their language per request."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def upload_root(tmp_path, monkeypatch):
    """Uploads waiting for confirmation go to the test's own folder."""
    from imports import views

    monkeypatch.setattr(views, "UPLOAD_ROOT", tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def tree(db):
    a = b.committee("A", name="Huyện ủy Đắk Hà")
    base = b.base_org(a, "A-001")
    cells = [b.cell(base, f"A-001-{j:02d}") for j in (1, 2)]
    other = b.base_org(a, "A-002", with_cells=False)
    other_committee = b.committee("B", name="Huyện ủy Sa Thầy")
    b.base_org(other_committee, "B-001")
    return {"committee": a, "base": base, "cells": cells, "other": other, "b": other_committee}


@pytest.fixture
def staff(tree):
    return User.objects.create(username="dakha", role=Role.COMMITTEE_STAFF, committee=tree["committee"])


@pytest.fixture
def province_staff(db):
    return User.objects.create(username="btc", role=Role.PROVINCE_STAFF)


@pytest.fixture
def leader(db):
    return User.objects.create(username="lanhdao", role=Role.LEADER)


def db_state():
    """Everything an import may write, to check that a refused one wrote nothing."""
    from assessments.models import AuditEntry, MemberStats, Rating

    return (
        sorted(Rating.objects.values_list("unit__code", "year", "level__code", "note", "version")),
        sorted(MemberStats.objects.values_list("unit__code", "year", "member_count", "version")),
        AuditEntry.objects.count(),
    )
