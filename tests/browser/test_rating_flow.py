"""The rating season end to end, in a real browser: a committee enters and submits its ratings,
the province approves them, and the report counts exactly what was entered.

Demo data, with its 2021 season emptied first (an open season nobody has entered yet); 2021 uses
the four-level scheme (HTXSNV/HTTNV/HTNV/KHTNV).
"""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.models import User
from assessments.entry import Grid
from assessments.models import MemberStats, Rating, RatingYear, Status, Submission
from demo.generator import load_demo, load_spec
from organizations.models import Tier, Unit

# Transactional (the live server answers from another thread); serialized_rollback restores the
# reference data of the migrations (rating schemes, targets) should an earlier transactional test
# have flushed it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

YEAR = 2021
# The levels the committee staff choose, by unit; one of them is typed on the keyboard.
CHOSEN = {
    "DAKHA-001": "HTXSNV",  # grassroots organizations
    "DAKHA-002": "HTTNV",
    "DAKHA-001-01": "HTNV",  # subordinate cells
    "DAKHA-001-02": "HTTNV",
}
TYPED = ("DAKHA-003", "KHTNV")  # focus the select, type "K": the first option starting with K


def vi(message: str, **values) -> str:
    with translation.override("vi"):
        return translation.gettext(message) % values


def text(locator) -> str:
    return " ".join(locator.inner_text().split())


def log_in(page, base_url: str, username: str, password: str):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator('form[action="/accounts/login/"] button[type="submit"]').click()
    page.wait_for_url(f"{base_url}/")


def log_out(page, base_url: str):
    page.locator('form[action="/accounts/logout/"] button[type="submit"]').click()
    page.wait_for_url(f"{base_url}/accounts/login/")


def selected(select) -> str:
    """The abbreviation of the chosen level (the grid names a level in full: "… (HTXSNV)")."""
    return select.evaluate("s => s.options[s.selectedIndex].text.replace(/^.*[(](.*)[)]$/, '$1')")


def level_select(page, code: str):
    return page.locator(f'tr:has(a[href="/units/{code}/history/"]) select[name$="-level"]')


def choose(select, abbreviation: str):
    select.select_option(
        select.evaluate("(s, a) => [...s.options].find(o => o.text.endsWith(`(${a})`)).value", abbreviation)
    )


def test_committee_enters_and_submits_the_province_approves_and_the_report_counts_it(
    live_server, chromium, artifacts_dir
):
    # The database is read and written outside the browser block (see the `chromium` fixture).
    load_demo()
    for model in (Rating, MemberStats, Submission):
        model.objects.filter(year=YEAR).delete()
    RatingYear.objects.filter(year=YEAR).update(is_locked=False)
    # 2021 as it was lived: Đắk Hà's staff before its committee was dissolved in 2025 (a dissolved
    # committee's staff only read its history).
    Unit.objects.filter(code="DAKHA").update(dissolved=None)
    password = load_spec()["demo_password"]
    dakha = Unit.objects.get(code="DAKHA")
    _, total = Grid(user=User.objects.get(username="dakha"), committee=dakha, year=YEAR).progress()
    entered = len(CHOSEN) + 1
    expected_saved = vi(
        "Saved: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.",
        created=entered,
        updated=0,
        unchanged=total - entered,
    )
    expected_approved = vi(
        "The ratings of %(committee)s for %(year)s were approved: they now count as final.",
        committee=dakha.name,
        year=YEAR,
    )
    base = live_server.url
    requested = []

    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("request", lambda request: requested.append(request.url))

        # The committee's staff enter five ratings and save them in one go.
        log_in(page, base, "dakha", password)
        page.goto(f"{base}/ratings/{YEAR}/")
        assert text(page.locator("#progress")) == vi("Entered %(done)s of %(total)s", done=0, total=total)
        for code, abbreviation in CHOSEN.items():
            choose(level_select(page, code), abbreviation)
        code, abbreviation = TYPED
        level_select(page, code).focus()
        page.keyboard.type(abbreviation[0])
        assert selected(level_select(page, code)) == abbreviation
        page.click("#save-grid")
        page.wait_for_load_state()
        assert text(page.locator(".alert-success")) == expected_saved
        assert text(page.locator("#progress")) == vi(
            "Entered %(done)s of %(total)s", done=entered, total=total
        )
        for code, abbreviation in {**CHOSEN, TYPED[0]: TYPED[1]}.items():
            assert selected(level_select(page, code)) == abbreviation
        page.screenshot(path=str(artifacts_dir / "rating-grid.png"))

        # ... submit them for approval (the units left unrated named first, then submitted anyway),
        # and log out.
        page.click("#submit-ratings")
        page.wait_for_load_state()
        assert page.locator("#pending-units").count() == 1
        page.click("#confirm-action")
        page.wait_for_load_state()
        assert text(page.locator("#workflow-status")) == vi(Status.SUBMITTED.label)
        assert page.locator("#submit-ratings").count() == 0
        log_out(page, base)

        # The provincial staff approve.
        log_in(page, base, "province", password)
        page.goto(f"{base}/ratings/{YEAR}/?committee=DAKHA")
        assert text(page.locator("#workflow-status")) == vi(Status.SUBMITTED.label)
        page.click("#approve-ratings")
        page.wait_for_load_state()
        assert page.locator("#completeness").count() == 1  # the committee's completeness first
        page.click("#confirm-action")
        page.wait_for_load_state()
        assert text(page.locator("#workflow-status")) == vi(Status.APPROVED.label)
        assert text(page.locator(".alert-success")) == expected_approved
        context.close()

    # Everything the pages loaded came from the site itself.
    assert requested and all(url.startswith(f"{base}/") for url in requested), [
        url for url in requested if not url.startswith(f"{base}/")
    ]

    # The province's report for the year counts exactly the levels chosen.
    out = io.StringIO()
    call_command("quality_report", "--year", str(YEAR), "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    base_orgs, cells = report["base_organizations"], report["cells"]
    assert (base_orgs["rated"], base_orgs["not_rated"]) == (3, 0)
    assert {code: level["count"] for code, level in base_orgs["levels"].items()} == {
        "HTXSNV": 1,
        "HTTNV": 1,
        "HTNV": 0,
        "KHTNV": 1,
    }
    # The year's resolution (the demo's 2020–2025) counts as exemplary the organizations commended
    # "TSVM tiêu biểu", not a level: none of these was commended.
    assert report["resolution"]["exemplary_counted_by"] == "commendation"
    assert (base_orgs["clean_strong"]["count"], base_orgs["exemplary"]["count"]) == (2, 0)
    assert cells["rated"] == 2
    assert {code: level["count"] for code, level in cells["levels"].items()} == {
        "HTXSNV": 0,
        "HTTNV": 1,
        "HTNV": 1,
        "KHTNV": 0,
    }
    assert (cells["clean_strong"]["count"], cells["exemplary"]["count"]) == (1, 0)
    # Every other unit of the province is still pending, and counted in the denominator.
    # (each as it was placed that year: the 2025 reorganization made cells of many organizations)
    bases = Unit.objects.to_rate(YEAR, tiers=(Tier.BASE,)).count()
    all_cells = Unit.objects.to_rate(YEAR, tiers=(Tier.CELL,)).count()
    assert (base_orgs["total"], base_orgs["pending"]) == (bases, bases - 3)
    assert (cells["total"], cells["pending"]) == (all_cells, all_cells - 2)
