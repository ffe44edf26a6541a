"""Fuzzing every form and every import path through the pages (hypothesis, on both databases).

Whatever a client sends — any text in any field (NUL characters, digits of other scripts, huge
numbers, long strings), fields dropped or repeated, any file bytes — a page answers with success
or a 4xx, never a server error (the test client re-raises one), and a refused request leaves the
database exactly as it was: nothing half-written. The world is committees A and B of
tests/conftest.py and their actors (staff, province_staff).
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assessments.models import AuditEntry, MemberStats, Rating, RatingYear, Submission
from tests.imports.files import csv_text, xlsx

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OK = {200, 302}
REFUSED = {400, 403, 404, 405, 409, 429}  # 429: django-axes locks out repeated failed logins

# Text a form field may receive: anything but lone surrogates (which no request can carry as
# UTF-8), biased towards what broke things before.
NASTY = st.sampled_from(
    ["", "\x00", "A\x00B", "²", "①", "١٢", "9223372036854775807", "-1", "1.234", "1,5", "20/1/22", "x" * 3000]
)
TEXT = st.one_of(NASTY, st.text(st.characters(exclude_categories=("Cs",)), max_size=40))


def db_state():
    return (
        sorted(Rating.objects.values_list("unit_id", "year", "level_id", "note", "version")),
        sorted(MemberStats.objects.values_list("unit_id", "year", "member_count", "admitted", "version")),
        sorted(Submission.objects.values_list("committee_id", "year", "status")),
        sorted(RatingYear.objects.values_list("year", "is_locked")),
        AuditEntry.objects.count(),
    )


def check(response, before):
    assert response.status_code in OK | REFUSED, response.status_code
    if response.status_code not in OK:
        assert db_state() == before


def grid_post(client, name: str, year: int) -> dict:
    """The grid form as the browser would post it back, unchanged."""
    page = client.get(reverse(name, args=[year]))
    formset = page.context["formset"]
    data = {f"form-{key}": str(value) for key, value in formset.management_form.initial.items()}
    for i, form in enumerate(formset.forms):
        for field in form.fields:
            value = form.initial.get(field, "")
            if isinstance(value, datetime.date):
                value = value.strftime("%d/%m/%Y")
            data[f"form-{i}-{field}"] = "" if value is None else str(value)
    return data


def mutated(data: dict, draw) -> dict:
    """`data` with some fields replaced by any text, some dropped, some sent twice."""
    data = dict(data)
    keys = sorted(data)
    for key in draw(st.lists(st.sampled_from(keys), max_size=6)):
        data[key] = draw(TEXT)
    for key in draw(st.lists(st.sampled_from(keys), max_size=2)):
        data.pop(key, None)
    for key in draw(st.lists(st.sampled_from(keys), max_size=2)):
        if key in data:
            data[key] = [data[key], draw(TEXT)]
    return data


@pytest.mark.parametrize(
    ("name", "year"), [("assessments:rating-grid", 2015), ("assessments:member-grid", 2019)]
)
@FUZZ
@given(draw=st.data())
def test_any_grid_post_is_saved_or_refused_whole(client, committee_b, staff, name, year, draw):
    client.force_login(staff)
    data = mutated(grid_post(client, name, year), draw.draw)
    # Some examples also choose levels and counts, so that saves happen too.
    for key in [k for k in data if k.endswith("-level") or k.endswith("-member_count")]:
        if draw.draw(st.booleans()) and not isinstance(data[key], list):
            choices = client.get(reverse(name, args=[year])).context["formset"].forms[0].fields
            field = choices["level"] if key.endswith("-level") else None
            data[key] = (
                draw.draw(st.sampled_from([v for v, _label in field.choices]))
                if field
                else str(draw.draw(st.integers(-5, 200_000)))
            )
    before = db_state()
    check(client.post(reverse(name, args=[year]), data), before)


WORKFLOW = [
    "assessments:submit",
    "assessments:approve",
    "assessments:return",
    "assessments:lock-year",
    "assessments:unlock-year",
]


@FUZZ
@given(
    name=st.sampled_from(WORKFLOW),
    fields=st.dictionaries(st.sampled_from(["reason", "next", "committee"]), TEXT),
)
def test_any_workflow_post_acts_or_is_refused(client, committee_a, committee_b, province_staff, name, fields):
    client.force_login(province_staff)
    before = db_state()
    query = (
        "?committee=A" if name in ("assessments:submit", "assessments:approve", "assessments:return") else ""
    )
    check(client.post(reverse(name, args=[2015]) + query, fields), before)


@FUZZ
@given(
    username=TEXT,
    password=TEXT,
    language=TEXT,
)
def test_any_login_or_language_post_is_answered_without_error(
    client, committee_b, staff, province_staff, username, password, language
):
    before = db_state()
    check(client.post(reverse("login"), {"username": username, "password": password}), before)
    check(client.post(reverse("set_language"), {"language": language, "next": "/"}), before)


QUERY_KEYS = ["committee", "level", "tier", "place_type", "sort", "year", "kind", "format", "only_empty"]


@FUZZ
@given(
    name=st.sampled_from(
        [
            "reports:dashboard",
            "reports:drilldown",
            "reports:api-report",
            "assessments:rating-grid",
            "assessments:member-grid",
            "assessments:season-status",
        ]
    ),
    query=st.dictionaries(st.sampled_from(QUERY_KEYS), TEXT, max_size=4),
)
def test_any_query_string_is_answered_without_error(
    client, committee_a, committee_b, province_staff, name, query
):
    client.force_login(province_staff)
    response = client.get(reverse(name, args=[2015]), query)
    assert response.status_code in {200, 302, 400, 404}


@FUZZ
@given(query=st.dictionaries(st.sampled_from(QUERY_KEYS), TEXT, max_size=4))
def test_any_template_request_is_a_file_or_a_404(client, committee_b, staff, query):
    client.force_login(staff)
    response = client.get(reverse("imports:template"), query)
    assert response.status_code in {200, 404, 400}


def _cell(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)  # openpyxl cannot write control characters


def any_file():
    cells = st.lists(st.lists(TEXT, max_size=5), max_size=6)
    header = st.sampled_from([["Mã đơn vị", "Năm", "Xếp loại"], ["Mã đơn vị", "Năm", "Số đảng viên"], []])
    return st.one_of(
        st.binary(max_size=300).map(lambda data: ("x.csv", data)),
        st.tuples(header, cells).map(lambda hc: ("x.csv", csv_text(hc[0], *hc[1]).encode())),
        st.tuples(header, cells).map(
            lambda hc: ("x.xlsx", xlsx(hc[0], *[[_cell(c) for c in r] for r in hc[1]]))
        ),
        st.binary(max_size=300).map(lambda data: ("x.xlsx", b"PK\x03\x04" + data)),
    )


@FUZZ
@given(file=any_file(), kind=TEXT, year=TEXT, confirm=st.booleans(), valid_only=st.booleans())
def test_any_upload_and_confirm_imports_whole_or_nothing(
    client, committee_b, staff, file, kind, year, confirm, valid_only
):
    client.force_login(staff)
    before = db_state()
    name, data = file
    response = client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile(name, data), "kind": kind, "year": year}
    )
    assert response.status_code in {200, 302, 400}
    assert db_state() == before  # a preview never writes
    if response.status_code != 302 or not confirm:
        return
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    digest = preview.context["digest"]
    result = client.post(response["Location"], {"digest": digest, "valid_only": "1" if valid_only else ""})
    check(result, before)
    if result.status_code == 302:
        written = preview.context["writes"] if not preview.context["preview"].has_errors or valid_only else 0
        assert AuditEntry.objects.count() - before[-1] == written
