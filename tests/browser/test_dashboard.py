"""The 2015 dashboard in a real browser: the article's figures, nothing from another host, nothing
that the Content-Security-Policy blocks; at 1366 px the committee table fits without scrolling, at
390 px (a phone) nothing is wider than the screen and the committee table reads as a list.
Screenshots land in artifacts/."""

import pytest
from django.db import connection

from demo.generator import load_demo as load_demo_data
from demo.generator import load_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def load_demo():
    """The demo, with PostgreSQL's planner statistics brought up to date: after earlier tests left
    the tables analyzed while nearly empty, the first pages would otherwise be planned for a few
    rows and take tens of seconds (the live server answers in time in production, where autovacuum
    analyzes after a bulk load)."""
    load_demo_data()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# Every element of the page that reaches beyond the viewport's right edge (0 = none).
OVERFLOW = """() => [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && e.getClientRects().length)
    .filter(e => !e.closest('.visually-hidden, thead'))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)"""

# Elements that scroll sideways inside the page (a table in an overflow box).
SCROLLERS = """() => [...document.querySelectorAll('main *')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)"""


def log_in(page, base: str, username: str):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", load_spec()["demo_password"])
    page.locator('form[action="/accounts/login/"] button[type="submit"]').click()
    page.wait_for_url(f"{base}/")


def test_the_2015_dashboard_shows_the_articles_figures_from_the_site_alone(
    live_server, chromium, artifacts_dir
):
    load_demo()
    base = live_server.url
    requested = []
    console_errors = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
        log_in(page, base, "leader")
        policy = page.goto(f"{base}/dashboard/2015/").headers["content-security-policy"]
        shares = page.locator("td.clean-strong-percent").all_inner_texts()
        cell_card = page.locator('[data-target="CHIBO_TSVM"]')
        card_text = " ".join(cell_card.inner_text().split())
        table = page.locator("#by-committee")
        table_box, main_box = table.bounding_box(), page.locator("main .container, main").first.bounding_box()
        document_width = page.evaluate("document.documentElement.scrollWidth")
        overflow, scrollers = page.evaluate(OVERFLOW), page.evaluate(SCROLLERS)
        headers = page.locator("#by-committee thead th").all_inner_texts()
        konplong = " ".join(page.locator('#by-committee tr[data-committee="KONPLONG"]').inner_text().split())
        page.screenshot(path=str(artifacts_dir / "dashboard-2015-1366.png"), full_page=True)
        context.close()
    assert "script-src 'self'" in policy and "unsafe" not in policy
    # e.g. "Refused to apply inline style because it violates ... Content Security Policy ..."
    assert [error for error in console_errors if "Content Security Policy" in error] == []
    assert shares == ["56,87%", "53,54%"]
    assert "53,54%" in card_text and "118" in card_text
    assert requested and all(url.startswith(f"{base}/") for url in requested), [
        url for url in requested if not url.startswith(f"{base}/")
    ]
    # The committee table at 1366 px: every column in view, nothing to scroll.
    assert document_width <= 1366 and overflow == [] and scrollers == []
    assert table_box["x"] >= main_box["x"] and table_box["x"] + table_box["width"] <= 1366
    assert len(headers) == 8 and all(h.strip() for h in headers)
    assert not any(h.strip() in {"1", "2", "3", "4", "5"} for h in headers)
    # Kon Plông misses two targets: each shortfall with its unit, never "3 8".
    assert "42,86%" in konplong and "54,17%" in konplong and "3 8" not in konplong
    assert konplong.count("✗") == 2


def test_the_dashboard_on_a_phone_is_no_wider_than_the_screen(live_server, chromium, artifacts_dir):
    load_demo()
    base = live_server.url
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, locale="vi-VN"
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, base, "province")
        page.goto(f"{base}/dashboard/2015/")
        document_width = page.evaluate("document.documentElement.scrollWidth")
        overflow, scrollers = page.evaluate(OVERFLOW), page.evaluate(SCROLLERS)
        cards = [box["x"] for box in (c.bounding_box() for c in page.locator(".target-card").all())]
        select = page.locator("#committee-select").bounding_box()
        buttons = [b.bounding_box()["height"] for b in page.locator(".dashboard-actions a").all()]
        row = page.locator('#by-committee tr[data-committee="KONPLONG"]')
        row_box = row.bounding_box()
        row_text = " ".join(row.inner_text().split())
        label = page.evaluate(
            """() => getComputedStyle(
                document.querySelector('#by-committee td.target-cell'), '::before').content"""
        )
        trend_rows = [r.bounding_box()["height"] for r in page.locator("#trend-table tbody tr").all()]
        page.screenshot(path=str(artifacts_dir / "dashboard-2015-390.png"), full_page=True)
        page.goto(f"{base}/dashboard/2015/units/?tier=cell&level=clean_strong")
        drill_width = page.evaluate("document.documentElement.scrollWidth")
        drill_overflow = page.evaluate(OVERFLOW)
        page.screenshot(path=str(artifacts_dir / "drilldown-2015-390.png"))
        context.close()
    assert document_width <= 390 and overflow == [] and scrollers == []
    assert len(set(cards)) == 1  # the target cards stack
    assert select["width"] >= 250  # the committee's name shows, not "Toàn·"
    assert max(buttons) < 40  # "Tất cả tổ chức" on one line
    # The committee table as a list: the name, each target's figure and verdict, the shortfall.
    assert row_box["x"] >= 0 and row_box["x"] + row_box["width"] <= 390
    assert "Huyện ủy Kon Plông" in row_text and "42,86%" in row_text and "54,17%" in row_text
    assert "✗" in row_text and "✓" in row_text and "3" in row_text and "8" in row_text
    assert label not in ("none", "normal", "") and "50%" in label
    assert max(trend_rows) < 500  # no tall blank blocks
    assert drill_width <= 390 and drill_overflow == []


def test_the_dashboard_in_english(live_server, chromium, artifacts_dir):
    load_demo()
    base = live_server.url
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="en-US")
        page = context.new_page()
        log_in(page, base, "leader")
        page.goto(f"{base}/dashboard/2015/")
        with page.expect_navigation():
            page.select_option("#language-select", "en")
        heading = page.locator("h1").inner_text()
        headers = page.locator("#by-committee thead th").all_inner_texts()
        page.screenshot(path=str(artifacts_dir / "dashboard-2015-1366-en.png"), full_page=True)
        context.close()
    assert heading.startswith("Targets dashboard 2015 — Whole province")
    assert headers[0] == "Committee" and "Season" in headers[-1]
    assert any(h.startswith("Organizations clean and strong") for h in headers)
