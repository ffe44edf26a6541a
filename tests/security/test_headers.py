"""The Content-Security-Policy and the other security headers, on every page of a logged-in user.

The policy allows this site alone ('self'), no inline script or style, no framing; the pages keep
to it: no <script> without src, no style or on* attribute, nothing loaded from another host.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import builders as b
from tests.security.test_anonymous_walk import URLS, YEAR

pytestmark = pytest.mark.django_db

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
OTHER_HOST = re.compile(
    r"<(?:link|script|img|iframe|source|embed|object)\b[^>]*\b(?:href|src|data)\s*=\s*[\"']?(?:[a-z]+:)?//",
    re.IGNORECASE,
)


def policy(response) -> dict:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def assert_secure_headers(response, url):
    assert policy(response) == EXPECTED_POLICY, url
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY", url
    assert response.headers["X-Content-Type-Options"] == "nosniff", url


def assert_keeps_to_the_policy(html: str, url: str):
    assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html))
    assert not INLINE_STYLE.search(html), (url, INLINE_STYLE.search(html))
    assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html))
    assert not OTHER_HOST.search(html), (url, OTHER_HOST.search(html))


@pytest.fixture
def superuser_client(committee_a, superuser):
    """Provincial staff who administer the site, logged in; committee A (tests/conftest.py) rated."""
    b.rate(b.unit("A-001"), YEAR, "TSVM")
    return b.login(Client(), superuser)


def test_every_page_of_a_logged_in_user_has_the_policy_and_keeps_to_it(superuser_client):
    pages = 0
    for name, url, _pattern in URLS:
        if url.startswith("/admin/") and name not in ("admin:index", "admin:accounts_user_changelist"):
            continue  # the admin's own pages: two of them stand for all
        query = "" if url.startswith("/admin/") else f"?committee=A&year={YEAR}"
        response = superuser_client.get(url + query)
        assert response.status_code != 500
        assert_secure_headers(response, url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert_keeps_to_the_policy(response.content.decode(), url)
            pages += 1
    assert pages >= 15


def test_the_templates_have_no_inline_script_or_style():
    for template in Path(settings.BASE_DIR, "templates").rglob("*.*"):
        assert_keeps_to_the_policy(template.read_text(encoding="utf-8"), str(template))


def test_the_error_and_login_pages_have_the_policy():
    client = Client()
    for response in (client.get("/no-such-page/"), client.get(reverse("login"))):
        assert_secure_headers(response, response.wsgi_request.path)


def test_the_language_cookie_is_same_site_lax(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["samesite"] == "Lax"
