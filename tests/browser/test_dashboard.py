"""The 2015 dashboard in a real browser: the article's figures, nothing from another host, nothing
that the Content-Security-Policy blocks."""

import pytest

from demo.generator import load_demo, load_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_2015_dashboard_shows_the_articles_figures_from_the_site_alone(
    live_server, chromium, artifacts_dir
):
    load_demo()
    password = load_spec()["demo_password"]
    base = live_server.url
    requested = []
    console_errors = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "leader")
        page.fill("#id_password", password)
        page.locator('form[action="/accounts/login/"] button[type="submit"]').click()
        page.wait_for_url(f"{base}/")
        policy = page.goto(f"{base}/dashboard/2015/").headers["content-security-policy"]
        shares = page.locator("td.clean-strong-percent").all_inner_texts()
        cell_card = page.locator('[data-target="CHIBO_TSVM"]')
        card_text = " ".join(cell_card.inner_text().split())
        page.screenshot(path=str(artifacts_dir / "dashboard-2015.png"), full_page=True)
        context.close()
    assert "script-src 'self'" in policy and "unsafe" not in policy
    # e.g. "Refused to apply inline style because it violates ... Content Security Policy ..."
    assert [error for error in console_errors if "Content Security Policy" in error] == []
    assert shares == ["56,87%", "53,54%"]
    assert "53,54%" in card_text and "118" in card_text
    assert requested and all(url.startswith(f"{base}/") for url in requested), [
        url for url in requested if not url.startswith(f"{base}/")
    ]
