"""Scores where the scheme has them (Quy định 366-QĐ/TW, from 2025): the grid, the import and the
command carry the score, and all three refuse a level above what the score and conditions allow
with the same message naming the band."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from assessments.models import Rating
from imports import services
from imports.export import export_table
from tests import builders as b
from tests.imports.files import csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """Pages are read in English (the msgids): the language cookie, as the language switch sets it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


YEAR = 2025


@pytest.fixture(autouse=True)
def open_seasons(db):
    """The seasons these tests write in, opened as provincial staff open them."""
    for year in (2019, YEAR, 2026):
        b.season(year)


HEADERS = [
    "Mã đơn vị",
    "Năm",
    "Xếp loại",
    "Điểm",
    "100% nhiệm vụ đúng hạn",
    "Tỷ lệ nhiệm vụ vượt (%)",
    "Có kỷ luật",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def grid_page(client, user):
    client.force_login(user)
    return client.get(reverse("assessments:rating-grid", args=[YEAR]))


def grid_post(page, code, **values):
    formset = page.context["formset"]
    data = {f"form-{k}": v for k, v in formset.management_form.initial.items()}
    for i, (unit, form) in enumerate(page.context["rows"]):
        for name in form.fields:
            value = form.initial.get(name)
            data[f"form-{i}-{name}"] = "" if value is None else value
        if unit.code == code:
            data.update({f"form-{i}-{name}": value for name, value in values.items()})
    return data


def test_the_grid_of_a_scored_year_has_the_score_columns(client, staff, committee_a):
    page = grid_page(client, staff)
    labels = [str(label) for label in page.context["grid"].column_labels()]
    assert "score" in labels and "every task done on time" in labels
    assert 'name="form-0-score"' in page.content.decode()


def test_the_grid_of_a_year_without_scores_has_none(client, staff, committee_a):
    client.force_login(staff)
    page = client.get(reverse("assessments:rating-grid", args=[2019]))
    assert 'name="form-0-score"' not in page.content.decode()


def test_the_grid_refuses_a_level_above_the_band_and_names_it(client, staff, committee_a):
    page = grid_page(client, staff)
    data = grid_post(page, "A-001", level=str(b.level(YEAR, "HTXSNV").pk), score="72", tasks_on_time="1")
    response = client.post(reverse("assessments:rating-grid", args=[YEAR]), data)
    assert response.status_code == 400
    assert (
        "72 points" in response.content.decode()
        and "at most Hoàn thành tốt nhiệm vụ" in response.content.decode()
    )
    assert not Rating.objects.exists()


def test_the_grid_saves_a_level_within_its_band_with_its_score(client, staff, committee_a):
    page = grid_page(client, staff)
    data = grid_post(page, "A-001", level=str(b.level(YEAR, "HTTNV").pk), score="72,5", tasks_on_time="1")
    assert client.post(reverse("assessments:rating-grid", args=[YEAR]), data).status_code == 302
    rating = Rating.objects.get()
    assert (rating.level.code, rating.score, rating.tasks_on_time) == ("HTTNV", Decimal("72.5"), True)


def test_a_grid_save_keeps_the_parts_of_the_score_it_does_not_show(client, staff, committee_a):
    unit = b.unit("A-001")
    b.rate(
        unit,
        YEAR,
        "HTTNV",
        scores={
            "score": Decimal("75"),
            "score_general": Decimal("25"),
            "score_tasks": Decimal("50"),
            "tasks_on_time": True,
        },
    )
    page = grid_page(client, staff)
    data = grid_post(page, "A-001", note="đã rà soát", tasks_on_time="1")
    assert client.post(reverse("assessments:rating-grid", args=[YEAR]), data).status_code == 302
    rating = Rating.objects.get()
    assert (rating.note, rating.score_general, rating.score_tasks) == (
        "đã rà soát",
        Decimal("25"),
        Decimal("50"),
    )


def import_rows(user, *rows):
    return services.preview(csv_text(HEADERS, *rows).encode(), "xep-loai-2025.csv", user=user)


def test_the_import_refuses_a_level_above_the_band_with_the_grids_message(staff, committee_a):
    prev = import_rows(staff, ["A-001", "2025", "HTXSNV", "72", "Có", "40", "Không"])
    (error,) = prev.errors
    assert (
        error.column == "Xếp loại"
        and "72 points" in error.message
        and "at most Hoàn thành tốt" in error.message
    )


def test_the_import_reads_scores_and_conditions_as_offices_write_them(staff, committee_a):
    prev = import_rows(staff, ["A-001", "2025", "HTXSNV", "92,5", "x", "35", "không"])
    assert not prev.errors
    services.commit(prev, user=staff)
    rating = Rating.objects.get()
    assert (rating.score, rating.tasks_on_time, rating.tasks_exceeded_percent, rating.disciplined) == (
        Decimal("92.5"),
        True,
        35,
        False,
    )


def test_a_scored_year_without_a_score_column_is_refused_row_by_row(staff, committee_a):
    prev = services.preview(
        csv_text(["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", "2025", "HTNV"]).encode(), "x.csv", user=staff
    )
    (error,) = prev.errors
    assert "enter the score" in error.message


def test_the_command_refuses_a_level_above_the_band(staff, committee_a, tmp_path):
    path = tmp_path / "xep-loai-2025.csv"
    path.write_text(
        csv_text(HEADERS, ["A-001", "2025", "HTXSNV", "72", "Có", "40", "Không"]), encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("import_ratings", str(path), "--user", staff.username)
    assert not Rating.objects.exists()


def test_the_export_of_a_scored_year_carries_the_score_and_reads_back(staff, committee_a):
    prev = import_rows(staff, ["A-001", "2025", "HTTNV", "75", "Có", "10", "Không"])
    services.commit(prev, user=staff)
    table = export_table(kind="ratings", year=YEAR)
    assert "Điểm" in table.headers
    again = services.preview(csv_text(table.headers, *table.rows).encode(), "again.csv", user=staff)
    assert not again.errors and again.counts["unchanged"] == 1
