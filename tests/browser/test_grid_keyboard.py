"""The rating grid by keyboard, in a real browser, as a committee clerk uses it on a 1366×768
screen: at least 20 rows in view under a header that stays, levels typed down a column (Enter
goes to the next row and never submits), an impossible date met again through the error summary's
link, corrected, saved; leaving with unsaved changes asks first.
"""

import datetime

import pytest
from django.utils import translation

from assessments.models import Rating
from tests import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

YEAR = 2019  # the four-level scheme: HTXSNV, HTTNV, HTNV, KHTNV
ROWS = 20


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def build():
    """Committee A: one grassroots party committee with 60 cells, and its clerk."""
    committee = b.committee("A", name="Huyện ủy Alpha")
    base = b.base_org(committee, "A-001", name="Đảng bộ xã Đăk La")
    for n in range(1, 61):
        b.cell(base, f"A-001-{n:02d}", name=f"Chi bộ thôn {n}")
    b.season(YEAR)
    return b.staff_of(committee, "clerk")


def log_in(page, base_url: str):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", b.PASSWORD)
    page.locator('form[action="/accounts/login/"] button[type="submit"]').click()
    page.wait_for_load_state()


def rows_in_view(page) -> int:
    """Rows wholly visible between the sticky header and the sticky save bar."""
    return page.evaluate(
        """() => {
        const top = document.querySelector('table.grid thead').getBoundingClientRect().bottom;
        const bottom = document.querySelector('.grid-savebar').getBoundingClientRect().top;
        return [...document.querySelectorAll('table.grid tbody tr')].filter(row => {
            const box = row.getBoundingClientRect();
            return box.height > 0 && box.top >= top - 1 && box.bottom <= bottom + 1;
        }).length;
    }"""
    )


def focused_name(page) -> str:
    return page.evaluate("() => document.activeElement.name || ''")


def test_a_clerk_fills_twenty_rows_by_keyboard_and_corrects_the_refused_one(
    live_server, chromium, artifacts_dir
):
    build()
    base = live_server.url
    dialogs = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, base)
        page.goto(f"{base}/ratings/{YEAR}/")

        # Twenty rows or more in view once the grid is scrolled to; the header stays on top.
        page.mouse.wheel(0, 900)
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts_dir / "grid-1366x768.png"))
        assert rows_in_view(page) >= 20
        header = page.locator("table.grid thead th").first.bounding_box()
        assert header["y"] >= -1 and header["y"] < 5  # stuck at the top of the window

        # The organization's name above its cells, the level's full name among the choices.
        assert "Đảng bộ xã Đăk La" in page.locator("table.grid tbody").first.inner_text()
        options = page.locator('select[name="form-0-level"] option').all_inner_texts()
        assert "Hoàn thành xuất sắc nhiệm vụ (HTXSNV)" in options

        # Down the level column: type the level's first letter, Enter to the next row.
        page.locator('select[name="form-0-level"]').focus()
        for row in range(ROWS):
            assert focused_name(page) == f"form-{row}-level"
            page.keyboard.type("H")  # the first option beginning with H: HTXSNV
            page.keyboard.press("Enter")
        assert focused_name(page) == f"form-{ROWS}-level"  # Enter moved on, the form was not sent
        assert page.url.endswith(f"/ratings/{YEAR}/")

        # A decision date that does not exist, typed in the fourth row; Tab along the row.
        page.locator('input[name="form-3-decision_number"]').focus()
        page.keyboard.type("12-QĐ/ĐU")
        page.keyboard.press("Tab")
        assert focused_name(page) == "form-3-decision_date"
        page.keyboard.type("31/2/2020")

        # A decision number and date filled in at once in the rows ticked (5 to 7, Shift+click).
        page.locator("tr:has(input[name='form-5-unit']) input.pick").click()
        page.locator("tr:has(input[name='form-7-unit']) input.pick").click(modifiers=["Shift"])
        assert page.locator("#fill-count").inner_text() == "3"
        page.fill("#fill-number", "99-QĐ/ĐU")
        page.fill("#fill-date", "1/2/20")
        page.click("#fill-apply")
        filled = [page.input_value(f'input[name="form-{row}-decision_number"]') for row in (4, 5, 6, 7, 8)]
        assert filled == ["", "99-QĐ/ĐU", "99-QĐ/ĐU", "99-QĐ/ĐU", ""]

        # The organization's cells fold away and come back.
        toggle = page.locator("tbody").first.locator("button.gt")
        toggle.click()
        assert not page.locator('select[name="form-1-level"]').is_visible()
        toggle.click()
        assert page.locator('select[name="form-1-level"]').is_visible()

        # Leaving now asks first (the changes are not saved).
        page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
        page.locator(".navbar-brand").click()
        page.wait_for_timeout(300)
        assert dialogs == ["beforeunload"]
        assert page.url.endswith(f"/ratings/{YEAR}/")

        page.locator("#save-grid").click()
        page.wait_for_load_state()

        # Refused: the summary names the row and leads to the date to correct.
        summary = page.locator("#grid-errors")
        assert "Chi bộ thôn 3" in summary.inner_text() and "A-001-03" in summary.inner_text()
        assert page.evaluate("() => document.activeElement.id") == "grid-errors"
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        # The link opens the row's group, then moves the focus: wait for it on a busy machine.
        page.wait_for_function("() => (document.activeElement || {}).name === 'form-3-decision_date'")
        assert focused_name(page) == "form-3-decision_date"
        page.keyboard.press("Control+A")
        page.keyboard.type("20/1/20")
        page.locator("#save-grid").click()
        page.wait_for_load_state()
        assert page.locator(".alert-success").count() == 1
        assert page.locator("#grid-errors").count() == 0
        context.close()

    stored = Rating.objects.filter(year=YEAR).select_related("unit", "level")
    assert stored.count() == ROWS and {r.level.code for r in stored} == {"HTXSNV"}
    third = stored.get(unit__code="A-001-03")
    assert (third.decision_number, third.decision_date) == ("12-QĐ/ĐU", datetime.date(2020, 1, 20))
    filled = stored.filter(decision_number="99-QĐ/ĐU").values_list("unit__code", "decision_date")
    assert sorted(filled) == [(f"A-001-0{n}", datetime.date(2020, 2, 1)) for n in (5, 6, 7)]
