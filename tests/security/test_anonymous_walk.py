"""Every URL pattern of the site, the admin's included, walked as an anonymous user; and the views
that change data: POST only, and never without a CSRF token.

The URLs are enumerated from the resolver, so a new page is walked as soon as it is routed. An
anonymous GET or POST is sent to a login page (302), or refused by the JSON API (401/403/404/405):
never a 200 with data, never a 500 (the test client raises the exception behind a 500). The few
exceptions are listed in ANONYMOUS_EXCEPTIONS, with their reason. Every response carries the
Content-Security-Policy (tests/security/test_headers.py checks the pages of a logged-in user).
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from accounts.models import User
from tests import builders as b

pytestmark = pytest.mark.django_db

YEAR = 2015
UNIT_CODE = "A-001"  # a unit of committee_a (tests/conftest.py)
# Values for the path converters: a year of data, an existing unit code; a path is an object id.
CONVERTER_VALUES = {"int": str(YEAR), "year": str(YEAR), "str": UNIT_CODE, "path": "1", "slug": "a"}
LOGIN_PAGES = ("/accounts/login/?next=", "/admin/login/?next=")

# name: (GET status, POST status, where a redirect goes or None), for an anonymous user.
ANONYMOUS_EXCEPTIONS = {
    # The login pages themselves: a form and nothing else (an empty POST shows its errors).
    "login": (200, 200, None),
    "admin:login": (200, 200, None),
    # Logging out is POST only; an anonymous user is simply sent to the login page.
    "logout": (405, 302, "/accounts/login/"),
    # The language is changed by POST only; then back to the page asked for ("/" by default).
    "set_language": (405, 302, "/"),
    # The admin's logout sends anonymous users to the admin's index (itself behind its login).
    "admin:logout": (302, 302, "/admin/"),
    # The JSON API is GET only, and answers 401 without a session.
    "reports:api-report": (401, 405, None),
    "reports:api-report-latest": (401, 405, None),
}


def leaves(patterns, prefix=(), namespace=None):
    """(pattern chain, qualified name, URLPattern) of every URL pattern, includes followed."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from leaves(entry.url_patterns, (*prefix, entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield (*prefix, entry.pattern), name, entry


def fill_route(route: str) -> str:
    def value(match):
        converter = match["converter"] or "str"
        assert converter in CONVERTER_VALUES, f"no sample value for the converter {converter!r}"
        return CONVERTER_VALUES[converter]

    return re.sub(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>", value, route)


def fill_regex(regex: str) -> str:
    def value(match):
        body = match["body"]
        if body == ".*":  # a catch-all
            return "no-such-page/"
        alternatives = body.split("|")
        assert all(re.fullmatch(r"[\w-]+", alt) for alt in alternatives), f"cannot fill ({body})"
        return alternatives[0]

    text = re.sub(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)", value, regex)
    text = text.removeprefix("^").removesuffix("\\Z").removesuffix("$")
    assert not re.search(r"[\\()\[\]*+?^$]", text), f"cannot fill the regex {regex!r}"
    return text


def sample_url(chain) -> str:
    parts = [fill_route(str(p)) if isinstance(p, RoutePattern) else fill_regex(str(p)) for p in chain]
    return "/" + "".join(parts)


def every_url():
    seen = []
    for chain, name, pattern in leaves(get_resolver().url_patterns):
        seen.append((name or f"(unnamed) {''.join(str(p) for p in chain)}", sample_url(chain), pattern))
    return seen


URLS = every_url()


def test_the_walk_reaches_every_pattern_and_the_admin():
    for name, url, pattern in URLS:
        assert resolve(url).func is pattern.callback, (name, url)
    names = {name for name, _url, _pattern in URLS}
    assert {
        "reports:home",
        "assessments:rating-grid",
        "assessments:unit-history",
        "admin:index",
        "admin:accounts_user_change",
    } <= names
    assert set(ANONYMOUS_EXCEPTIONS) <= names
    assert len(URLS) > 100


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name,url", [(name, url) for name, url, _p in URLS], ids=[u for _n, u, _p in URLS])
def test_an_anonymous_user_gets_nothing(committee_a, name, url, method):
    client = Client()
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code != 500
    assert "Content-Security-Policy" in response.headers
    if name in ANONYMOUS_EXCEPTIONS:
        get, post, location = ANONYMOUS_EXCEPTIONS[name]
        assert response.status_code == (get if method == "GET" else post)
        if response.status_code == 302:
            assert response["Location"] == location
        if response.status_code == 200:  # a login page: its form, no data
            assert 'name="password"' in response.content.decode()
        return
    assert response.status_code == 302, f"{method} {url}: {response.status_code}"
    assert response["Location"].startswith(LOGIN_PAGES), response["Location"]


# Views that change data ---------------------------------------------------------------------------

# Their URLs answer a GET with 405: they change data and have no page of their own. (The grids,
# the password change and the import preview are pages whose form posts back to the same URL.)
POST_ONLY = [
    "assessments:submit",
    "assessments:approve",
    "assessments:return",
    "assessments:lock-year",
    "assessments:unlock-year",
    "logout",
    "set_language",
]
# Every URL whose POST changes something (data, the session, a stored upload, the language).
WRITERS = [
    *POST_ONLY,
    "assessments:rating-grid",
    "assessments:member-grid",
    "assessments:cancel-decision",
    "imports:upload",
    "imports:confirm",
    "password_change",
]
ARGUMENTS = {"year": YEAR, "token": "0" * 32, "code": UNIT_CODE}


def url_of(name: str) -> str:
    pattern = next(p for _chain, n, p in leaves(get_resolver().url_patterns) if n == name)
    kwargs = {key: ARGUMENTS[key] for key in pattern.pattern.converters}
    query = (
        "?committee=A" if name in ("assessments:submit", "assessments:approve", "assessments:return") else ""
    )
    return reverse(name, kwargs=kwargs) + query


@pytest.mark.parametrize("name", POST_ONLY)
def test_views_that_change_data_refuse_a_get(committee_a, superuser, name):
    client = b.login(Client(), superuser)
    assert client.get(url_of(name)).status_code == 405


@pytest.mark.parametrize("name", WRITERS)
def test_views_that_change_data_refuse_a_post_without_csrf_token(committee_a, superuser, name):
    client = b.login(Client(enforce_csrf_checks=True), superuser)
    session_key = client.session.session_key
    response = client.post(url_of(name), {"reason": "x", "language": "en", "next": "/"})
    assert response.status_code == 403
    assert client.session.session_key == session_key  # e.g. still logged in after a refused logout
    assert "django_language" not in client.cookies or client.cookies["django_language"].value != "en"


def test_the_admin_and_the_login_refuse_a_post_without_csrf_token(committee_a, superuser):
    client = Client(enforce_csrf_checks=True)
    login = {"username": superuser.username, "password": b.PASSWORD}
    assert client.post(reverse("login"), login).status_code == 403
    client.force_login(superuser)
    response = client.post(reverse("admin:accounts_user_add"), {"username": "intruder"})
    assert response.status_code == 403
    assert not User.objects.filter(username="intruder").exists()
