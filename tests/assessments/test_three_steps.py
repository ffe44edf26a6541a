"""The three steps of a rating (Quy định 124/366): self-assessment, appraisal, decision. Reports
count the decision only; a decision can be cancelled with a reason, audited; the grid and the
import take each step."""

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.models import AuditEntry, Rating
from assessments.policy import EditRefused
from assessments.removal import cancel_decision
from assessments.services import RatingChange, save_ratings
from imports import services as imports
from reports.engine import build_report
from reports.honesty import honesty
from tests import builders as b
from tests.imports.files import csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """Pages are read in English (the msgids): the language cookie, as the language switch sets it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


YEAR = 2023


@pytest.fixture(autouse=True)
def open_seasons(db):
    """The seasons these tests write in, opened as provincial staff open them."""
    for year in (2019, YEAR):
        b.season(year)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def save(user, unit, *, level=None, self_level=None, appraised=None, decided=True):
    change = RatingChange(
        unit=unit,
        level=b.level(YEAR, level) if level else None,
        self_level=b.level(YEAR, self_level) if self_level else None,
        appraised_level=b.level(YEAR, appraised) if appraised else None,
        decided=decided,
    )
    save_ratings(user=user, committee=unit.committee, year=YEAR, changes=[change])
    return Rating.objects.get(unit=unit, year=YEAR)


def test_a_self_assessment_without_a_decision_is_pending_in_every_report(staff, committee_a):
    unit = committee_a.scoped_units.get(code="A-002")
    rating = save(staff, unit, self_level="HTXSNV", appraised="HTTNV", decided=False)
    assert rating.under_way and not rating.is_decided
    report = build_report(YEAR, committee_a)
    assert (report.base.rated, report.base.pending) == (0, 2)  # A-001 has no row; A-002 is under way


def test_the_decision_is_what_counts(staff, committee_a):
    unit = committee_a.scoped_units.get(code="A-002")
    save(staff, unit, self_level="HTXSNV", decided=False)
    save(staff, unit, self_level="HTXSNV", level="HTTNV")
    report = build_report(YEAR, committee_a)
    assert [lv.count for lv in report.base.levels if lv.code == "HTTNV"] == [1]


def test_cancelling_a_decision_needs_a_reason_keeps_the_steps_and_is_audited(staff, committee_a):
    unit = committee_a.scoped_units.get(code="A-002")
    rating = save(staff, unit, self_level="HTTNV", level="HTXSNV")
    with pytest.raises(EditRefused):
        cancel_decision(user=staff, rating=rating, reason="  ")
    cancelled = cancel_decision(user=staff, rating=rating, reason="Chấm lại theo kết quả thẩm định")
    assert cancelled.under_way and cancelled.self_level.code == "HTTNV"
    entry = AuditEntry.objects.get(action="rating.cancel")
    assert entry.reason == "Chấm lại theo kết quả thẩm định" and entry.changes["level"] == ["HTXSNV", None]


def test_cancelling_a_decision_without_first_steps_removes_the_row(staff, committee_a):
    unit = committee_a.scoped_units.get(code="A-002")
    rating = save(staff, unit, level="HTNV")
    assert cancel_decision(user=staff, rating=rating, reason="Sai đơn vị") is None
    assert not Rating.objects.exists() and AuditEntry.objects.filter(action="rating.cancel").exists()


def test_the_grid_of_a_three_step_year_takes_each_step(client, staff, committee_a):
    client.force_login(staff)
    page = client.get(reverse("assessments:rating-grid", args=[YEAR]))
    labels = [str(label) for label in page.context["grid"].column_labels()]
    assert labels[:3] == ["self-assessment", "appraisal", "decision"]
    old = client.get(reverse("assessments:rating-grid", args=[2019]))
    assert "self-assessment" not in [str(label) for label in old.context["grid"].column_labels()]


def test_the_import_takes_the_steps_and_an_empty_decision_means_under_way(staff, committee_a):
    data = csv_text(
        ["Mã đơn vị", "Năm", "Tự đánh giá", "Thẩm định", "Xếp loại"],
        ["A-001", "2023", "HTXSNV", "HTTNV", ""],
        ["A-002", "2023", "HTTNV", "HTTNV", "HTTNV"],
    ).encode()
    prev = imports.preview(data, "ba-buoc.csv", user=staff)
    assert not prev.errors
    imports.commit(prev, user=staff)
    first, second = Rating.objects.order_by("unit__code")
    assert first.under_way and first.self_level.code == "HTXSNV"
    assert second.level.code == "HTTNV" and second.appraised_level.code == "HTTNV"


def test_honesty_counts_raised_and_lowered_decisions_and_flags_never_corrected(staff, committee_a):
    base = committee_a.scoped_units.get(code="A-001")
    units = [b.cell(base, f"A-001-{j:02d}") for j in range(3, 9)]
    for unit in units:
        save(staff, unit, self_level="HTTNV", level="HTTNV")
    whole, (one,) = honesty(YEAR)
    assert (one.self_assessed, one.raised, one.lowered) == (6, 0, 0)
    assert "never_corrected" in one.flags and "all_top_two" in one.flags
    save(staff, units[0], self_level="HTTNV", level="HTNV")
    save(staff, units[1], self_level="HTTNV", level="HTXSNV")
    _whole, (one,) = honesty(YEAR)
    assert (one.raised, one.lowered, one.flags) == (1, 1, [])
    assert one.top_percent is not None
