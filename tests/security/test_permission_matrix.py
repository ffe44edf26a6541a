"""Who may do what, URL by URL: every URL of the project's own apps × five kinds of user × GET/POST.

The table below is the specification. The URLs are enumerated from the resolver, and
`test_the_table_covers_every_url_of_the_project` fails as soon as a URL is added without a row here,
so that nobody ships a page whose permissions were never written down.

Columns, named as the actors of tests/conftest.py: nobody logged in (anonymous); committee A's
staff, whose things every request is about (staff); committee B's staff (other_staff); a
provincial leader, read only (leader); provincial organizing-committee staff (province_staff).
Each cell is "GET status/POST status"; a "+" after the POST status means that this POST must
change data, every other request must change nothing (ratings, member statistics, submissions,
year locks and audit entries are compared).

Read as: anonymous users are sent to the login page (302), except by the JSON API, which answers
401 (405 to a POST: it is GET-only before it looks at the user). Anything of committee A is a 404
for the staff of committee B. Leaders read (200) and are refused every change (403); GET-only
views answer 405 to a POST and POST-only actions 405 to a GET. The report pages (home, dashboard,
print view, drill-down, XLSX) do not restrict the method: a POST reads the page like a GET and
changes nothing. Imports: uploading only stores a file for its preview (no data changes); leaders
may not import (403); the staff of B may upload, but A's rows in their file are errors
(`test_it_rejects_other_committee_units_in_an_uploaded_file`), and the preview of an upload by
A's staff is a 404 for them.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import AuditEntry, MemberStats, Rating, RatingYear, Submission
from assessments.season import set_year_lock, submit
from tests import builders as b

pytestmark = pytest.mark.django_db

YEAR = 2015
USERS = ("anonymous", "staff", "other_staff", "leader", "province_staff")

# fmt: off
TABLE = {
    #                  anonymous   staff          other_staff      leader     province_staff
    "reports:home":           ("302/302", "200/405",     "200/405",       "200/405", "200/405"),
    "reports:dashboard-latest": ("302/302", "302/405",   "302/405",       "302/405", "302/405"),
    "reports:dashboard":      ("302/302", "200/405",     "404/405",       "200/405", "200/405"),
    "reports:dashboard-print": ("302/302", "200/405",    "404/405",       "200/405", "200/405"),
    "reports:drilldown":      ("302/302", "200/405",     "404/405",       "200/405", "200/405"),
    "reports:report-xlsx":    ("302/302", "200/405",     "404/405",       "200/405", "200/405"),
    "reports:api-report":     ("401/405", "200/405",     "404/405",       "200/405", "200/405"),
    "reports:api-report-latest": ("401/405", "200/405",  "404/405",       "200/405", "200/405"),
    "assessments:rating-grid":    ("302/302", "200/302+",    "404/404",       "200/403", "200/302+"),
    "assessments:member-grid":    ("302/302", "200/302+",    "404/404",       "200/403", "200/302+"),
    "assessments:grid-xlsx":      ("302/302", "200/405",     "404/405",       "200/405", "200/405"),
    "assessments:member-grid-xlsx": ("302/302", "200/405",   "404/405",       "200/405", "200/405"),
    "assessments:season-status":  ("302/302", "200/405",     "200/405",       "200/405", "200/405"),
    "assessments:submit":         ("302/302", "405/302+",    "405/404",       "405/403", "405/302+"),
    "assessments:withdraw":       ("302/302", "405/302+",    "405/404",       "405/403", "405/403"),
    "assessments:approve":        ("302/302", "405/403",     "405/404",       "405/403", "405/302+"),
    "assessments:return":         ("302/302", "405/403",     "405/404",       "405/403", "405/302+"),
    "assessments:years":          ("302/302", "404/405",     "404/405",       "200/405", "200/405"),
    "assessments:open-season":    ("302/302", "404/404",     "404/404",       "403/403", "200/302+"),
    "assessments:lock-year":      ("302/302", "405/403",     "405/403",       "405/403", "405/302+"),
    "assessments:unlock-year":    ("302/302", "405/403",     "405/403",       "405/403", "405/302+"),
    "assessments:unit-history":   ("302/302", "200/405",     "404/405",       "200/405", "200/405"),
    "assessments:cancel-decision": ("302/302", "200/302+",  "404/404",       "403/403", "200/302+"),
    "assessments:resolutions":    ("302/302", "404/405",     "404/405",       "200/405", "200/405"),
    "assessments:resolution-create": ("302/302", "404/404",  "404/404",       "403/403", "200/200"),
    "assessments:resolution-edit": ("302/302", "404/404",    "404/404",       "200/403", "200/200"),
    "assessments:schemes":        ("302/302", "404/405",     "404/405",       "200/405", "200/405"),
    "assessments:scheme-new":     ("302/302", "404/404",     "404/404",       "403/403", "200/200"),
    "imports:template": ("302/302", "200/405",    "404/405",       "200/405", "200/405"),
    "imports:upload":  ("302/302", "200/302",     "200/302",       "403/403", "200/302"),
    "imports:confirm": ("302/302", "200/302+",    "404/404",       "403/403", "200/302+"),
    "organizations:tree":       ("302/302", "200/405",   "200/405",       "200/405", "200/405"),
    "organizations:timeline":   ("302/302", "200/405",   "404/405",       "200/405", "200/405"),
    "organizations:found-cell": ("302/302", "200/302+",  "404/404",       "403/403", "200/302+"),
    "organizations:found":      ("302/302", "404/404",   "404/404",       "403/403", "200/200"),
    "organizations:rename":     ("302/302", "404/404",   "404/404",       "403/403", "200/200"),
    "organizations:move":       ("302/302", "404/404",   "404/404",       "403/403", "200/200"),
    "organizations:merge":      ("302/302", "404/404",   "404/404",       "403/403", "200/302+"),
    "organizations:split":      ("302/302", "404/404",   "404/404",       "403/403", "200/200"),
    "organizations:dissolve":   ("302/302", "404/404",   "404/404",       "403/403", "200/200"),
    "organizations:refound":    ("302/302", "404/404",   "404/404",       "403/403", "200/200"),
    "organizations:bulk-units":   ("302/302", "404/404", "404/404",       "403/403", "200/302"),
    "organizations:bulk-units-confirm": ("302/302", "404/404", "404/404", "403/403", "200/302+"),
    "organizations:bulk-mapping": ("302/302", "404/404", "404/404",       "403/403", "200/302"),
    "organizations:bulk-mapping-confirm": ("302/302", "404/404", "404/404", "403/403", "200/302+"),
}
# fmt: on

# URLs about one committee get `?committee=A` (the import template also the year); a unit code is
# always a unit of A; an import token is one of an upload of a file about A's units.
COMMITTEE_URLS = {
    "reports:dashboard-latest",
    "reports:dashboard",
    "reports:dashboard-print",
    "reports:drilldown",
    "reports:report-xlsx",
    "reports:api-report",
    "reports:api-report-latest",
    "assessments:rating-grid",
    "assessments:member-grid",
    "assessments:grid-xlsx",
    "assessments:member-grid-xlsx",
    "assessments:submit",
    "assessments:withdraw",
    "assessments:approve",
    "assessments:return",
    "imports:template",
}
EXTRA_QUERY = {"imports:template": f"&year={YEAR}"}
URL_ARGUMENTS = {"year": YEAR, "code": "A-001"}

# Named URLs that Django itself provides (login, logout, password change, language switching): not
# part of the matrix (tests/security/test_anonymous_walk.py and tests/accounts cover them), but
# listed, so that a new include is noticed too. No password reset by e-mail: no mail is configured.
FRAMEWORK_URLS = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "set_language",
}


@dataclass(frozen=True)
class Expected:
    get: int
    post: int
    post_writes: bool


def parse(cell: str) -> Expected:
    get, post = cell.split("/")
    return Expected(int(get), int(post.rstrip("+")), post.endswith("+"))


EXPECTED = {
    (name, who): parse(cell) for name, row in TABLE.items() for who, cell in zip(USERS, row, strict=True)
}
# A grassroots-committee user (staff of a commune party committee directly under the province, its
# own reporting committee) is, towards committee A, another committee: every cell as other_staff's.
EXPECTED.update({(name, "grassroots_staff"): EXPECTED[name, "other_staff"] for name in TABLE})
# The reorganizations posted in full (previewed first for the digest, then confirmed); the other
# operations are posted empty (the form again, with its errors).
REORGANIZATIONS = {
    "organizations:found-cell": {"code": "A-001-09", "name": "Chi bộ thôn 9"},
    "organizations:merge": {"unit_codes": "A-001-01", "into": "A-001-02"},
}
# The tree files as provincial staff upload them: a unit founded under A; A-002 renamed.
TREE_FILES = {
    "organizations:bulk-units": [
        ["Mã", "Tên", "Mã cấp trên", "Loại"],
        ["A-003", "Chi bộ Trường", "A", "Chi bộ cơ sở"],
    ],
    "organizations:bulk-mapping": [
        ["Mã cũ", "Thao tác", "Ngày hiệu lực", "Tên mới"],
        ["A-002", "đổi tên", f"1/3/{YEAR + 1}", "Chi bộ Mới"],
    ],
}


# The URL patterns -------------------------------------------------------------------------------


def walk(patterns, namespace=None):
    """(namespace, name as reverse() takes it, view module, converters) of every URL pattern,
    includes followed."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield namespace, name, entry.callback.__module__, set(entry.pattern.converters)


def project_packages() -> set[str]:
    base = Path(settings.BASE_DIR).resolve()
    local = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and ".venv" not in Path(config.path).parts
    }
    return local | {settings.ROOT_URLCONF.split(".")[0]}


def non_admin_patterns():
    return [p for p in walk(get_resolver().url_patterns) if p[0] != "admin"]


def url_for(name: str, **arguments) -> str:
    converters = next(conv for _ns, n, _module, conv in non_admin_patterns() if n == name)
    url = reverse(name, kwargs={key: {**URL_ARGUMENTS, **arguments}[key] for key in converters})
    return f"{url}?committee=A{EXTRA_QUERY.get(name, '')}" if name in COMMITTEE_URLS else url


def test_the_table_covers_every_url_of_the_project():
    patterns = non_admin_patterns()
    assert [p for p in patterns if not p[1]] == [], "every non-admin URL pattern has a name"
    ours = project_packages()
    project = {name for _ns, name, module, _conv in patterns if module.split(".")[0] in ours}
    framework = {name for _ns, name, module, _conv in patterns if module.split(".")[0] not in ours}
    assert project == set(TABLE), "each URL of the project needs a row in TABLE (and only those)"
    assert framework == FRAMEWORK_URLS
    assert COMMITTEE_URLS <= set(TABLE)


def test_the_table_never_lets_a_leader_or_another_committee_write():
    writers = {(name, who) for (name, who), expected in EXPECTED.items() if expected.post_writes}
    assert {who for _name, who in writers} == {"staff", "province_staff"}
    # Where somebody may write, the others are refused: never a 200, nor a 302 but to the login.
    refused = {"anonymous": (302,), "other_staff": (403, 404), "leader": (403,)}
    for name in {name for name, _who in writers}:
        for who, statuses in refused.items():
            assert EXPECTED[name, who].post in statuses, (name, who)
    # Staff of B never reach anything of A: whichever method a URL serves answers 404.
    for name in COMMITTEE_URLS - {"reports:dashboard-latest"}:  # a redirect to the dashboard, which 404s
        assert 404 in (EXPECTED[name, "other_staff"].get, EXPECTED[name, "other_staff"].post), name


# The world: committees A (Alpha) and B (Beta) of tests/conftest.py, each with a rating, and its actors


@pytest.fixture
def world(committee_a, committee_b, anonymous, staff, other_staff, leader, province_staff, superuser):
    b.rate(b.unit("A-001"), YEAR, "TSVM")  # so that the reports of A have data
    b.rate(b.unit("B-001"), YEAR, "HTTNV")
    return {
        "committee": committee_a,
        "anonymous": anonymous,
        "staff": staff,
        "other_staff": other_staff,
        "leader": leader,
        "province_staff": province_staff,
        "superuser": superuser,
    }


def client_for(user, **kwargs) -> Client:
    return b.login(Client(**kwargs), user)


def grid_body(world, name: str, rows: dict) -> dict:
    """The grid of committee A as the browser posts it, with `rows` = {unit code: {field: value}}.

    Read by provincial staff, so that it is the same valid body whoever posts it.
    """
    page = client_for(world["province_staff"]).get(url_for(name))
    assert page.status_code == 200
    formset = page.context["formset"]
    data = {f"form-{key}": value for key, value in formset.management_form.initial.items()}
    for i, (unit, form) in enumerate(page.context["rows"]):
        for field in form.fields:
            value = form.initial.get(field, "")
            data[f"form-{i}-{field}"] = "" if value is None else value
        for field, value in rows.get(unit.code, {}).items():
            data[f"form-{i}-{field}"] = value
    return data


def upload_body() -> dict:
    """A spreadsheet rating a unit of committee A (A-002, not rated yet), as the import page takes it."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(
        [["Mã đơn vị", "Năm", "Xếp loại"], ["A-002", YEAR, "TSVM"]]
    )
    return {"file": SimpleUploadedFile("xep-loai-A.csv", out.getvalue().encode())}


def tree_file(world, name: str, who: str, client: Client) -> tuple[dict, dict]:
    """A tree file's upload; for its confirmation, the token of one uploaded by the user themself
    where they may (provincial staff), else by provincial staff (unknown to the user's session)."""
    upload = name.removesuffix("-confirm")
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(TREE_FILES[upload])
    body = {"file": SimpleUploadedFile("to-chuc.csv", out.getvalue().encode())}
    if name == upload:
        return body, {}
    uploader = client if who == "province_staff" else client_for(world["province_staff"])
    uploaded = uploader.post(reverse(upload), body)
    assert uploaded.status_code == 302
    preview = uploader.get(uploaded["Location"])
    token = uploaded["Location"].rstrip("/").rsplit("/", 1)[-1]
    return {"confirm": "1", "digest": preview.context["digest"]}, {"token": token}


def prepare(world, name: str, who: str, client: Client) -> tuple[dict, dict]:
    """Put the data in the state where the URL's action makes sense.

    Returns the POST body and the URL's arguments (an import token).
    """
    committee, province_staff = world["committee"], world["province_staff"]
    if name.removesuffix("-confirm") in TREE_FILES:
        return tree_file(world, name, who, client)
    if name in REORGANIZATIONS:
        body = {**REORGANIZATIONS[name], "on": f"1/7/{YEAR}", "decision_number": "01-QĐ/TU"}
        if EXPECTED[name, who].post_writes:  # previewed by the user themself, then confirmed
            body.update(confirm="1", digest=client.post(url_for(name), body).context["digest"])
        return body, {}
    if name == "assessments:rating-grid":
        return grid_body(world, name, {"A-002": {"level": str(b.level(YEAR, "TSVM").pk)}}), {}
    if name == "assessments:member-grid":
        values = {"member_count": "10", "excellent": "1", "good": "7", "completed": "2", "admitted": "1"}
        return grid_body(world, name, {"A-001": values}), {}
    if name == "imports:upload":
        return upload_body(), {}
    if name == "imports:confirm":
        # Uploaded by the user themself where they may import; else by the staff of A.
        uploader = client if who in ("staff", "province_staff") else client_for(world["staff"])
        uploaded = uploader.post(reverse("imports:upload"), upload_body())
        assert uploaded.status_code == 302
        token = uploaded["Location"].rstrip("/").rsplit("/", 1)[-1]
        preview = uploader.get(uploaded["Location"])
        assert preview.status_code == 200
        return {"confirm": "1", "digest": preview.context["digest"]}, {"token": token}
    if name in ("assessments:approve", "assessments:return", "assessments:withdraw"):
        submit(user=world["staff"], committee=committee, year=YEAR)
    if name == "assessments:open-season":  # a season not opened yet, which provincial staff open
        RatingYear.objects.filter(year=YEAR).update(opened_at=None)
    if name in ("assessments:submit", "assessments:approve", "assessments:lock-year"):
        return {"confirmed": "yes"}, {}  # the second step, after the page that shows the numbers
    if name == "assessments:unlock-year":
        set_year_lock(user=province_staff, year=YEAR, locked=True)
    if name in ("assessments:return", "assessments:unlock-year", "assessments:cancel-decision"):
        return {"reason": "Thiếu quyết định công nhận"}, {}
    return {}, {}


def state() -> dict:
    """Everything a request could change: row counts, workflow states, year locks."""
    return {
        "ratings": sorted(
            Rating.objects.values_list("unit__code", "year", "level__code", "not_rated", "version")
        ),
        "member_stats": sorted(
            MemberStats.objects.values_list("unit__code", "year", "member_count", "version")
        ),
        "submissions": sorted(Submission.objects.values_list("committee__code", "year", "status")),
        "years": sorted(RatingYear.objects.values_list("year", "is_locked")),
        "audit_entries": AuditEntry.objects.count(),
    }


def run(world, name: str, who: str, method: str):
    client = client_for(world[who])
    body, arguments = prepare(world, name, who, client)
    before = state()
    url = url_for(name, **arguments)
    response = client.get(url) if method == "GET" else client.post(url, body)
    expected = EXPECTED[name, who]
    assert response.status_code == (expected.get if method == "GET" else expected.post)
    after = state()
    if method == "POST" and expected.post_writes:
        assert after != before and after["audit_entries"] > before["audit_entries"]
    else:
        assert after == before, "this request must change nothing"
    return response


def cases(who: str):
    return [
        pytest.param(name, method, id=f"{name}-{who}-{method}")
        for name in TABLE
        for method in ("GET", "POST")
    ]


# The matrix -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,method", cases("anonymous"))
def test_it_sends_anonymous_users_to_the_login_page(world, name, method):
    response = run(world, name, "anonymous", method)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize("name,method", cases("staff"))
def test_it_lets_committee_staff_work_on_their_own_committee(world, name, method):
    run(world, name, "staff", method)


@pytest.mark.parametrize("name,method", cases("other_staff"))
def test_it_rejects_other_committee(world, name, method):
    response = run(world, name, "other_staff", method)
    if response.status_code == 200:  # a page of their own: nothing of A (Huyện ủy Alpha) may show
        html = response.content.decode()
        assert "Alpha" not in html and "A-001" not in html


@pytest.mark.parametrize("name,method", cases("leader"))
def test_it_lets_leaders_read_but_never_write(world, name, method):
    run(world, name, "leader", method)


@pytest.mark.parametrize("name,method", cases("province_staff"))
def test_it_lets_provincial_staff_read_and_decide(world, name, method):
    run(world, name, "province_staff", method)


@pytest.fixture
def with_grassroots_staff(world):
    commune = b.base_org(b.province_unit(), "XA", name="Đảng bộ xã Đăk La")
    b.rate(b.cell(commune, "XA-01"), YEAR, "HTTNV")  # data of its own, like committee B
    return {**world, "grassroots_staff": b.staff_of(commune, "staff-xa")}


@pytest.mark.parametrize("name,method", cases("grassroots_staff"))
def test_it_rejects_a_grassroots_committee_user_like_another_committee(with_grassroots_staff, name, method):
    response = run(with_grassroots_staff, name, "grassroots_staff", method)
    if response.status_code == 200:
        html = response.content.decode()
        assert "Alpha" not in html and "A-001" not in html


# CSRF and the admin --------------------------------------------------------------------------------


def test_it_refuses_a_logged_in_post_without_csrf_token(world):
    body, _arguments = prepare(world, "assessments:rating-grid", "staff", None)
    before = state()
    client = client_for(world["staff"], enforce_csrf_checks=True)
    assert client.post(url_for("assessments:rating-grid"), body).status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("staff", 302), ("leader", 302), ("province_staff", 302), ("superuser", 200)],
)
def test_the_admin_is_for_provincial_staff_who_administer_the_site_only(world, who, status):
    response = client_for(world[who]).get(reverse("admin:index"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("admin:login") + "?next=")


def test_it_rejects_other_committee_units_in_an_uploaded_file(world):
    client = client_for(world["other_staff"])
    uploaded = client.post(reverse("imports:upload"), upload_body())
    assert uploaded.status_code == 302
    preview = client.get(uploaded["Location"])
    html = preview.content.decode()
    # The row is an error; the code written is repeated back, never what it names.
    assert 'data-status="error"' in html and "Alpha" not in html and "Đảng bộ A-002" not in html
    before = state()
    digest = preview.context["digest"]
    assert client.post(uploaded["Location"], {"confirm": "1", "digest": digest}).status_code == 400
    valid_only = client.post(uploaded["Location"], {"confirm": "1", "valid_only": "1", "digest": digest})
    assert valid_only.status_code == 302  # "0 new": nothing of A was written
    assert state() == before
