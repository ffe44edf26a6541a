"""Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright's sync API.

No browser is ever downloaded (never `playwright install`). Without /usr/bin/chromium the tests
are skipped, except in CI (CI=true), where that is a failure: CI must run them (.ci/run installs
the chromium package).
"""

import contextlib
import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
        if in_ci():
            pytest.fail(f"{message} (required when CI=true).", pytrace=False)
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture
def chromium(chromium_path):
    """`with chromium() as browser:` a headless Chromium, closed at the end of the block.

    Keep database work outside the block. Playwright's sync API runs an asyncio event loop and
    switches greenlets in the test's thread: inside the block Django's ORM refuses to run ("You
    cannot call this from an async context"), and a connection opened there would live in a
    greenlet's context that the test teardown never closes (PostgreSQL then refuses to drop the
    test database: "being accessed by other users"). The pages are served by the live server's
    own threads, which are not affected.
    """

    @contextlib.contextmanager
    def launch():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()

    return launch


@pytest.fixture
def artifacts_dir() -> Path:
    """Screenshots land in artifacts/ at the project root (git-ignored)."""
    path = Path(settings.BASE_DIR) / "artifacts"
    path.mkdir(exist_ok=True)
    return path


def pytest_collection_modifyitems(items):
    """With the tests spread over processes (pytest-xdist, `--dist loadgroup`), the browser tests
    all run in one of them, one after another: two Chromiums and their live servers at once on a
    2-core machine starve each other past the pages' timeouts. They run on the SQLite run only."""
    here = Path(__file__).parent
    on_postgresql = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.xdist_group("browser"))
            if on_postgresql:
                # They drive the pages, not the database: they run on the SQLite run, the database
                # `make run` serves, and the PostgreSQL run covers every page and write without
                # them (each loads the demo: six loads on PostgreSQL made its run the CI's longest).
                item.add_marker(pytest.mark.skip(reason="the browser tests run on the SQLite run"))
