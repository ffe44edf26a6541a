"""The grid's "TSVM tiêu biểu" column: on grassroots organizations' rows of a year whose resolution
counts the commendation, saved with the rows in one transaction, refused below the best level,
withdrawn when unchecked; a save costs the same queries at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AuditEntry, Commendation, Rating, Resolution
from tests import builders as b
from tests.assessments.test_views_grids import grid_url, level_pk, post_data

pytestmark = pytest.mark.django_db

YEAR = 2021


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def counted(db):
    """A resolution judging 2021 that counts the commendation; the 2021 season opened."""
    b.season(YEAR)
    return Resolution.objects.create(
        issuing_body="Ban Thường vụ Tỉnh ủy",
        number="01-NQ/TU",
        title="Nghị quyết thử",
        term="2020–2025",
        first_year=2021,
        last_year=2025,
        exemplary_by_commendation=True,
    )


def boxes(html: str) -> int:
    return html.count('type="checkbox" name="form-')


def test_the_column_is_on_grassroots_organizations_rows_only(client, staff, counted):
    client.force_login(staff)
    page = client.get(grid_url(YEAR))
    assert "Exemplary “TSVM tiêu biểu”" in page.content.decode()
    assert boxes(page.content.decode()) == 2  # not their cells


def test_no_column_when_the_resolution_does_not_count_it(client, staff, counted):
    Resolution.objects.filter(pk=counted.pk).update(exemplary_by_commendation=False)
    client.force_login(staff)
    assert boxes(client.get(grid_url(YEAR)).content.decode()) == 0


def test_checking_a_best_row_commends_it_by_the_ratings_decision(client, staff, counted):
    client.force_login(staff)
    page = client.get(grid_url(YEAR))
    row = {"level": level_pk(YEAR, "HTXSNV"), "decision_number": "7-QĐ/HU", "decision_date": "15/01/2022"}
    response = client.post(grid_url(YEAR), post_data(page, **{"A-002": {**row, "commended": "x"}}))
    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert (commendation.rating.unit.code, commendation.decision_number) == ("A-002", "7-QĐ/HU")
    assert str(commendation.decision_date) == "2022-01-15"
    assert AuditEntry.objects.filter(action="rating.commend", unit__code="A-002").exists()
    assert "1 commendation “TSVM tiêu biểu” recorded." in client.get(grid_url(YEAR)).content.decode()


def test_a_row_not_at_the_best_level_is_refused_naming_it_and_nothing_is_saved(client, staff, counted):
    client.force_login(staff)
    page = client.get(grid_url(YEAR))
    rows = {
        "A-001": {"level": level_pk(YEAR, "HTXSNV")},
        "A-002": {"level": level_pk(YEAR, "HTTNV"), "commended": "x"},
    }
    response = client.post(grid_url(YEAR), post_data(page, **rows))
    assert response.status_code == 400
    name = b.unit("A-002").name
    assert [item["unit"].code for item in response.context["refused"]] == ["A-002"]
    assert name in response.context["refused"][0]["text"]
    assert not Rating.objects.exists() and not Commendation.objects.exists()


def test_unchecking_withdraws_it_with_its_reason(client, staff, counted):
    client.force_login(staff)
    page = client.get(grid_url(YEAR))
    top = {"level": level_pk(YEAR, "HTXSNV"), "commended": "x"}
    client.post(grid_url(YEAR), post_data(page, **{"A-002": top}))
    page = client.get(grid_url(YEAR))
    response = client.post(grid_url(YEAR), post_data(page, **{"A-002": {"commended": ""}}))
    assert response.status_code == 302
    assert not Commendation.objects.exists()
    assert AuditEntry.objects.get(action="rating.uncommend").reason == "Unchecked on the entry grid"
    assert Rating.objects.get().level_id == int(top["level"])


def count_save_queries(client, staff, size):
    units = [b.base_org(staff.committee, f"A-{size}{j:02d}", with_cells=False) for j in range(size)]
    page = client.get(grid_url(YEAR))
    top = {"level": level_pk(YEAR, "HTXSNV"), "commended": "x"}
    data = post_data(page, **{unit.code: top for unit in units})
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(grid_url(YEAR), data).status_code == 302
    assert Commendation.objects.filter(rating__unit__in=units).count() == size
    Rating.objects.all().delete()
    return len(ctx.captured_queries)


def test_a_save_with_commendations_costs_the_same_queries_at_two_sizes(client, staff, counted):
    client.force_login(staff)
    assert count_save_queries(client, staff, 2) == count_save_queries(client, staff, 6)
