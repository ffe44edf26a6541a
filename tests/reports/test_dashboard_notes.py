"""The dashboard's notes on a year: the resolution's mapping and the scheme by its regulation, and
whether the ratings look honest (reports.honesty's figures, worded and ordered for the page)."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from assessments.models import Rating
from assessments.services import RatingChange, save_ratings
from reports.dashboard_notes import honesty_notes
from reports.engine import build_report
from tests import builders as b

pytestmark = pytest.mark.django_db

YEAR = 2023


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def decide(user, unit, *, own: str, level: str):
    change = RatingChange(
        unit=unit,
        level=b.level(YEAR, level),
        self_level=b.level(YEAR, own),
        appraised_level=None,
        decided=True,
    )
    save_ratings(user=user, committee=unit.committee, year=YEAR, changes=[change])
    return Rating.objects.get(unit=unit, year=YEAR)


@pytest.fixture
def decided(committee_a, committee_b, province_staff):
    """A: six cells decided as they assessed themselves (HTXSNV), never corrected; B: one lowered."""
    b.season(YEAR)
    base = b.unit("A-001")
    for j in range(3, 9):
        decide(province_staff, b.cell(base, f"A-001-{j:02d}"), own="HTXSNV", level="HTXSNV")
    decide(province_staff, b.unit("B-001"), own="HTXSNV", level="HTNV")


def test_the_province_lists_each_committee_beside_the_provinces_top_share_flagged_first(decided):
    notes = honesty_notes(YEAR, None)
    assert (notes.scope.decided, notes.scope.lowered, notes.scope.raised) == (7, 1, 0)
    a, beta = notes.committees
    assert a.committee.code == "A" and a.flags == [
        "every unit rated at the top two levels",
        "self-assessments never corrected",
    ]
    assert beta.committee.code == "B" and beta.flags == [] and beta.differ_percent == 100
    assert a.province_top_percent == notes.scope.top_percent and a.above_province and notes.flagged == 1


def test_a_committee_reads_its_own_figures_and_nothing_of_the_province(decided, committee_b):
    notes = honesty_notes(YEAR, committee_b)
    assert notes.committees == [] and notes.scope.decided == 1 and notes.scope.province_top_percent is None


def test_the_section_says_raised_lowered_and_the_flags(decided):
    report = build_report(YEAR, None)
    html = render_to_string(
        "reports/_section_honesty.html", {"report": report, "honesty": honesty_notes(YEAR, None)}
    )
    assert "the decision raised 0 and lowered 1" in html and 'data-committee="A"' in html
    flagged = html[html.index('id="honesty-flagged-list"') : html.index("</ul>")]
    assert (
        "Huyện ủy Alpha</span>: every unit rated at the top two levels; self-assessments never corrected"
        in flagged
    )
    assert "Beta" not in flagged and "from 5 ratings on" in html
    assert render_to_string("reports/_section_honesty.html", {"report": report}).strip() == ""


def test_the_sections_table_escapes_a_committees_name(decided, committee_a):
    committee_a.name = "Huyện ủy <b>Alpha</b>"
    committee_a.save()
    table = honesty_notes(YEAR, None).table_rows
    assert 'data-committee="A" class="table-warning honesty-flagged"' in table
    assert "Huyện ủy &lt;b&gt;Alpha&lt;/b&gt;" in table and "<b>" not in table


def test_the_dashboard_names_the_scheme_and_the_resolutions_mapping(client, leader, committee_a):
    b.rate(b.unit("A-001"), 2019, "HTXSNV")
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("reports:dashboard", args=[2019])).content.decode()
    assert "Quy định 132-QĐ/TW" in html and "HTNV-2018" not in html
    mapping = html[html.index('id="resolution-mapping"') :]
    assert "TSVM = HTXSNV + HTTNV" in mapping[: mapping.index("</li>")]
