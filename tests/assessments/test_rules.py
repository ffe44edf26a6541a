"""Cross-unit rules of the scheme in force, with their numbers: where ratings are entered, on the
season status page, and (when the scheme says so) refused by the writer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assessments import rules
from assessments.models import Rating, SubordinateRule
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """Pages are read in English (the msgids): the language cookie, as the language switch sets it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def committee_rated(base_level, cell_levels, year=2019):
    committee = b.committee("A")
    base = b.base_org(committee, "A-001")
    for j, code in enumerate(cell_levels, start=1):
        b.rate(b.cell(base, f"A-001-{j:02d}"), year, code)
    b.rate(base, year, base_level)
    return committee, base


def test_htxsnv_with_a_cell_below_htnv_breaks_the_hd21_rule_with_the_numbers():
    committee, base = committee_rated("HTXSNV", ["HTXSNV", "HTTNV", "HTTNV", "HTTNV", "KHTNV"])
    (finding,) = rules.findings(2019, committee_ids=[committee.pk])
    assert finding.unit_id == base.pk and not finding.refuses
    assert "100% of its rated subordinate cells at HTNV or better: 4 of 5 are" in finding.message


def test_htxsnv_with_fewer_than_80_percent_at_httnv_breaks_the_second_rule():
    committee, _base = committee_rated("HTXSNV", ["HTTNV", "HTTNV", "HTTNV", "HTNV", "HTNV"])
    (finding,) = rules.findings(2019, committee_ids=[committee.pk])
    assert "80% of its rated subordinate cells at HTTNV or better: 3 of 5 are" in finding.message


def test_exactly_80_percent_meets_the_rule():
    committee, _base = committee_rated("HTXSNV", ["HTTNV", "HTTNV", "HTTNV", "HTTNV", "HTNV"])
    assert rules.findings(2019, committee_ids=[committee.pk]) == []


def test_the_2015_scheme_allows_a_third_of_the_cells_weak_but_not_more():
    committee, _base = committee_rated("TSVM", ["TSVM", "TSVM", "YK"], year=2015)
    assert rules.findings(2015, committee_ids=[committee.pk]) == []
    b.rate(b.cell(committee.scoped_units.get(code="A-001"), "A-001-09"), 2015, "YK")
    (finding,) = rules.findings(2015, committee_ids=[committee.pk])
    assert "2 of 4 are" in finding.message


def test_the_grid_shows_the_finding_beside_the_row(client):
    committee, _base = committee_rated("HTXSNV", ["HTXSNV", "KHTNV"])
    client.force_login(b.staff_of(committee))
    page = client.get(reverse("assessments:rating-grid", args=[2019])).content.decode()
    assert 'class="small text-warning-emphasis rule-warning"' in page and "1 of 2 are" in page


def test_the_season_status_counts_the_committees_findings(client, django_user_model):
    committee, _base = committee_rated("HTXSNV", ["HTXSNV", "KHTNV"])
    client.force_login(
        django_user_model.objects.create_user(username="p", password="x", role="province_staff")
    )
    page = client.get(reverse("assessments:season-status", args=[2019])).content.decode()
    cell = page[page.index('class="num rule-warnings"') :][:300]
    assert "1 grassroots organization" in cell


def test_a_rule_that_refuses_undoes_the_save():
    SubordinateRule.objects.filter(level__scheme__code="HTNV-2018").update(refuses=True)
    committee = b.committee("A")
    base = b.base_org(committee, "A-001")
    b.rate(b.cell(base, "A-001-01"), 2019, "KHTNV")
    with pytest.raises(ValidationError) as refused:
        b.rate(base, 2019, "HTXSNV")  # the single-row writer turns RowErrors into a ValidationError
    assert "0 of 1 are" in str(refused.value)
    assert not Rating.objects.filter(unit=base).exists()
