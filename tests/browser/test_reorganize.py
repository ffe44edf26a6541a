"""A reorganization in a real browser: provincial staff merge two cells into a new one, read the
preview, confirm, and land on the new cell's timeline, which tells the merger and its decision."""

import datetime

import pytest

from organizations.models import Unit
from tests import builders as b

# Transactional (the live server answers from another thread); see tests/browser/test_rating_flow.py.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def text(locator) -> str:
    return " ".join(locator.inner_text().split())


def test_provincial_staff_merge_two_cells_preview_confirm_and_see_the_timeline(
    live_server, chromium, artifacts_dir
):
    # The database is read and written outside the browser block (see the `chromium` fixture).
    b.small_committee("A", name="Huyện ủy Alpha")
    b.province_staff("province")
    base = live_server.url

    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/accounts/login/?next=/to-chuc/")
        page.fill("#id_username", "province")
        page.fill("#id_password", b.PASSWORD)
        page.locator('form[action^="/accounts/login/"] button[type="submit"]').click()
        page.wait_for_url(f"{base}/to-chuc/")

        # The tree: the province open, the district closed; opening it and then its commune
        # shows the two cells.
        assert not page.locator('li[data-unit="A-001"]').is_visible()
        page.locator('li[data-unit="A"] > details > summary').click(position={"x": 4, "y": 8})  # the marker
        assert not page.locator('li[data-unit="A-001-02"]').is_visible()
        page.locator('li[data-unit="A-001"] > details > summary').click(position={"x": 4, "y": 8})
        assert page.locator('li[data-unit="A-001-02"]').is_visible()

        page.goto(f"{base}/to-chuc/sap-nhap/")
        page.fill("#id_unit_codes", "A-001-01, A-001-02")
        page.fill("#id_new_code", "A-001-10")
        page.fill("#id_new_name", "Chi bộ thôn Hợp Nhất")
        page.select_option("#id_new_kind", "subordinate_cell")
        page.fill("#id_new_parent", "A-001")
        page.fill("#id_on", "1/7/2025")
        page.fill("#id_decision_number", "27-QĐ/HU")
        page.fill("#id_decision_date", "20/6/2025")
        page.click('button[name="preview"]')
        page.wait_for_load_state()
        preview = text(page.locator(".org-preview"))
        assert "Chi bộ A-001-01 merges into Chi bộ thôn Hợp Nhất from 01/07/2025" in preview
        assert "Chi bộ A-001-02 merges into Chi bộ thôn Hợp Nhất from 01/07/2025" in preview
        page.screenshot(path=str(artifacts_dir / "reorganize-preview.png"))

        page.click('button[name="confirm"]')
        page.wait_for_url(f"{base}/to-chuc/don-vi/A-001-10/")
        assert "Done:" in text(page.locator(".alert-success"))
        timeline = text(page.locator(".org-timeline"))
        assert "Chi bộ A-001-01 merged into it." in timeline
        assert "Chi bộ A-001-02 merged into it." in timeline
        assert "27-QĐ/HU" in timeline
        page.screenshot(path=str(artifacts_dir / "reorganize-timeline.png"))
        context.close()

    merged = Unit.objects.get(code="A-001-01")
    assert merged.dissolved == datetime.date(2025, 6, 30) and merged.merged_into.code == "A-001-10"
