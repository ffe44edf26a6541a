"""The resolutions pages: the list (years, what each scheme's levels count as, the targets) and the
form with its counted levels and targets; who sees them (provincial staff edit, leaders read,
committee staff get a 404, anonymous users the login page), and refusals on the field at fault."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import AuditEntry, CountedLevel, RatingLevel, Resolution, Target
from tests import builders as b

pytestmark = pytest.mark.django_db

LIST = reverse("assessments:resolutions")
CREATE = reverse("assessments:resolution-create")


def edit_url(year=2015):
    return reverse("assessments:resolution-edit", args=[year])


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def state():
    return (
        sorted(Resolution.objects.values_list("pk", "title", "first_year", "last_year")),
        sorted(Target.objects.values_list("code", "threshold", "end_year", "resolution_id")),
        sorted(CountedLevel.objects.values_list("resolution_id", "level_id", "counted_as")),
        AuditEntry.objects.count(),
    )


def rendered(bound) -> str:
    """A field's value as its widget renders it (a select's is a list of one)."""
    value = bound.value()
    shown = "" if value is None else bound.field.widget.format_value(value)
    return str((shown or [""])[0] if isinstance(shown, list) else shown or "")


def body_of(page, **changes) -> dict:
    """The form as the browser posts it back (values as rendered), with `changes` applied:
    a field name, or "targets-N-field" for a target row."""
    form, formset = page.context["form"], page.context["formset"]
    data = {}
    for name in form.fields:
        if name in ("clean_strong", "exemplary"):
            data[name] = [str(v) for v in form[name].value() or []]
        elif name == "exemplary_by_commendation":  # a box ticked posts "on", else nothing
            if form[name].value():
                data[name] = "on"
        else:
            data[name] = rendered(form[name])
    data.update({f"targets-{k}": v for k, v in formset.management_form.initial.items()})
    for target_form in formset.forms:
        for name in target_form.fields:
            if name == "DELETE":
                continue
            data[target_form[name].html_name] = rendered(target_form[name])
    data.update(changes)
    return data


def level_ids(scheme, *codes):
    return [
        str(pk)
        for pk in RatingLevel.objects.filter(scheme__code=scheme, code__in=codes).values_list("pk", flat=True)
    ]


def new_resolution(client, **changes):
    page = client.get(CREATE)
    body = body_of(
        page,
        issuing_body="Ban Thường vụ Tỉnh ủy",
        number="01-NQ/TU",
        date="28/12/2020",
        title="Nghị quyết nhiệm kỳ 2020–2025",
        term="2020–2025",
        first_year="2021",
        last_year="2025",
        clean_strong=level_ids("HTNV-2018", "HTXSNV", "HTTNV") + level_ids("QD124-2023", "HTXSNV", "HTTNV"),
        exemplary=level_ids("HTNV-2018", "HTXSNV") + level_ids("QD124-2023", "HTXSNV"),
        **{
            "targets-0-position": "1",
            "targets-0-code": "NQ01_TSVM",
            "targets-0-label": "TCCSĐ đạt trong sạch vững mạnh",
            "targets-0-metric": "base_clean_strong",
            "targets-0-comparator": ">=",
            "targets-0-threshold": "50,5",
            "targets-0-denominator": "all_units",
            "targets-0-start_year": "2021",
            "targets-0-end_year": "",
        },
    )
    body.update(changes)
    return client.post(CREATE, body)


# Who sees what ---------------------------------------------------------------------------------


def test_the_list_shows_years_mapping_per_scheme_and_targets(client, province_staff):
    client.force_login(province_staff)
    page = html(client.get(LIST))
    assert "2015–2020" in page
    assert "TSVM = TSVM tiêu biểu + TSVM" in page  # Hướng dẫn 27's levels
    assert "TSVM = HTXSNV + HTTNV" in page  # Quy định 132's, as the 2015–2020 resolution counts them
    assert 'data-target="TCCSD_TSVM"' in page and "≥ 50%" in page and "&gt; 5.000" in page
    assert CREATE in page and edit_url(2015) in page


def test_leaders_read_the_list_and_the_form_but_cannot_change_anything(client, leader):
    client.force_login(leader)
    page = html(client.get(LIST))
    assert "TCCSD_TSVM" in page and CREATE not in page
    form = html(client.get(edit_url()))
    assert 'id="save-resolution"' not in form and "disabled" in form
    before = state()
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"title": "x"}).status_code == 403
    assert client.post(edit_url(), {"title": "x"}).status_code == 403
    assert state() == before


@pytest.mark.parametrize("url", [LIST, CREATE, edit_url()])
def test_committee_staff_are_told_nothing_exists(client, staff, url):
    client.force_login(staff)
    before = state()
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "x"}).status_code in (404, 405)
    assert state() == before


@pytest.mark.parametrize("url", [LIST, CREATE, edit_url()])
def test_anonymous_users_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(django_settings.LOGIN_URL) + "?next=")


def test_a_year_no_resolution_judges_has_no_page(client, province_staff):
    client.force_login(province_staff)
    assert client.get(edit_url(2040)).status_code == 404


def test_the_list_answers_a_post_with_405(client, province_staff):
    client.force_login(province_staff)
    assert client.post(LIST).status_code == 405


# Creating and changing ---------------------------------------------------------------------------


def test_provincial_staff_create_a_resolution_with_levels_and_targets(client, province_staff):
    client.force_login(province_staff)
    response = new_resolution(client)
    assert response.status_code == 302 and response["Location"] == LIST
    resolution = Resolution.objects.get(number="01-NQ/TU")
    assert (resolution.first_year, resolution.last_year, str(resolution.date)) == (2021, 2025, "2020-12-28")
    assert resolution.counted_levels.count() == 6
    target = resolution.targets.get()
    assert (target.code, str(target.threshold), target.end_year) == ("NQ01_TSVM", "50.50", 2025)
    entry = AuditEntry.objects.get(action="resolution.create")
    assert (entry.user, entry.channel) == (province_staff, "form")
    page = html(client.get(LIST))
    assert "Nghị quyết 01-NQ/TU" in page and "TSVM = HTXSNV + HTTNV; " in page
    assert html(client.get(edit_url(2023))).count("checked") == 6


def test_the_commendation_box_is_saved_audited_and_shown(client, province_staff):
    client.force_login(province_staff)
    response = new_resolution(client, exemplary=[], exemplary_by_commendation="on")
    assert response.status_code == 302
    assert Resolution.objects.get(number="01-NQ/TU").exemplary_by_commendation is True
    entry = AuditEntry.objects.get(action="resolution.create")
    assert entry.changes["exemplary_by_commendation"] == [None, True]
    client.cookies["django_language"] = "en"
    page = html(client.get(LIST))
    assert page.count('class="by-commendation"') == 1
    assert "exemplary = commended “TSVM tiêu biểu”" in page
    form = html(client.get(edit_url(2021)))
    assert re.search(r'<input type="checkbox" name="exemplary_by_commendation"[^>]* checked>', form)
    assert "Exemplary targets count the organizations commended “TSVM tiêu biểu”" in form


def test_the_commendation_box_posted_unchanged_stays_and_unticked_is_audited(client, province_staff):
    client.force_login(province_staff)
    new_resolution(client, exemplary=[], exemplary_by_commendation="on")
    page = client.get(edit_url(2021))
    before = state()
    assert client.post(edit_url(2021), body_of(page)).status_code == 302 and state() == before
    body = body_of(page)
    del body["exemplary_by_commendation"]
    assert client.post(edit_url(2021), body).status_code == 302
    assert Resolution.objects.get(number="01-NQ/TU").exemplary_by_commendation is False
    update = AuditEntry.objects.get(action="resolution.update")
    assert update.changes == {"exemplary_by_commendation": [True, False]}


def test_the_commendation_and_an_exemplary_level_together_are_refused(client, province_staff):
    client.force_login(province_staff)
    before = state()
    response = new_resolution(client, exemplary_by_commendation="on")
    assert response.status_code == 200 and response.context["form"].has_error("exemplary")
    assert re.search(r'<input type="checkbox" name="exemplary_by_commendation"[^>]* checked>', html(response))
    assert state() == before


def test_an_overlap_is_refused_on_the_years_and_nothing_is_written(client, province_staff):
    client.force_login(province_staff)
    before = state()
    response = new_resolution(client, first_year="2019")
    html(response)
    form = response.context["form"]
    assert form.has_error("first_year") and "2019–2025" in form.errors["first_year"][0]
    assert state() == before


def test_a_target_outside_the_years_is_refused_on_its_row(client, province_staff):
    client.force_login(province_staff)
    before = state()
    response = new_resolution(client, **{"targets-0-start_year": "2020"})
    html(response)
    row = response.context["formset"].forms[0]
    assert row.has_error("start_year") and "2020–2025" in row.errors["start_year"][0]
    assert state() == before


def test_an_exemplary_level_not_counted_as_clean_and_strong_is_refused(client, province_staff):
    client.force_login(province_staff)
    before = state()
    response = new_resolution(client, clean_strong=level_ids("HTNV-2018", "HTTNV"))
    assert response.context["form"].has_error("exemplary")
    # the boxes stay as they were ticked
    ticked = {
        str(level.pk): (cs, ex) for _s, levels in response.context["level_groups"] for level, cs, ex in levels
    }
    assert ticked[level_ids("HTNV-2018", "HTXSNV")[0]] == (False, True)
    assert state() == before


def test_a_count_with_a_denominator_is_refused_before_the_database_does(client, province_staff):
    client.force_login(province_staff)
    before = state()
    response = new_resolution(
        client, **{"targets-0-metric": "admissions_term", "targets-0-threshold": "6.000"}
    )
    assert response.context["formset"].forms[0].has_error("denominator")
    assert state() == before


def test_an_empty_post_shows_the_form_again_and_writes_nothing(client, province_staff):
    client.force_login(province_staff)
    before = state()
    for url in (CREATE, edit_url()):
        assert client.post(url, {}).status_code == 200
    assert state() == before


def test_editing_changes_a_threshold_and_deletes_a_target(client, province_staff):
    client.force_login(province_staff)
    page = client.get(edit_url())
    forms = page.context["formset"].forms
    codes = [form.initial["code"] for form in forms if form.initial]
    first, term = codes.index("TCCSD_TSVM"), codes.index("KETNAP_NHIEMKY")
    response = client.post(
        edit_url(),
        body_of(
            page,
            reason="Điều chỉnh thử",
            **{f"targets-{first}-threshold": "55", f"targets-{term}-DELETE": "on"},
        ),
    )
    assert response.status_code == 302
    assert Target.objects.get(code="TCCSD_TSVM").threshold == 55
    assert not Target.objects.filter(code="KETNAP_NHIEMKY").exists()
    assert AuditEntry.objects.filter(action="target.update", user=province_staff).count() == 1
    assert AuditEntry.objects.filter(action="target.delete").count() == 1


def test_posting_the_form_unchanged_changes_nothing(client, province_staff):
    client.force_login(province_staff)
    page = client.get(edit_url())
    before = state()
    response = client.post(edit_url(), body_of(page))
    assert response.status_code == 302 and state() == before


def test_a_crafted_target_id_of_another_resolution_is_refused(client, province_staff):
    client.force_login(province_staff)
    new_resolution(client)
    other = Target.objects.get(code="NQ01_TSVM")
    page = client.get(edit_url())
    before = state()
    response = client.post(edit_url(), body_of(page, **{"targets-0-id": str(other.pk)}))
    assert response.status_code == 200 and response.context["formset"].forms[0].non_field_errors()
    assert state() == before


def test_the_new_resolution_judges_the_dashboard_of_its_years(client, province_staff):
    b.committee_with("A", 2021, base_levels=["HTXSNV", "HTTNV", "HTNV"])
    client.force_login(province_staff)
    new_resolution(client)
    response = client.get(reverse("reports:api-report", args=[2021]))
    data = response.json()
    assert data["resolution"]["number"] == "01-NQ/TU"
    assert [t["code"] for t in data["targets"]] == ["NQ01_TSVM"]


# Whatever is posted -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"clean_strong": ["99999999999999999999"]},  # no database integer: refused, never a 500
        {"clean_strong": ["1", "abc"]},
        {"targets-0-id": "99999999999999999999"},
        {"targets-0-threshold": "NaN"},
        {"first_year": "99999999999999999999"},
        {"targets-TOTAL_FORMS": "99999999999"},
    ],
)
def test_crafted_values_are_refused_on_the_form(client, province_staff, changes):
    client.force_login(province_staff)
    page = client.get(edit_url())
    before = state()
    assert client.post(edit_url(), body_of(page, **changes)).status_code == 200
    assert state() == before


NASTY = st.sampled_from(
    [
        "",
        "\x00",
        "²",
        "١٢",
        "9223372036854775807",
        "99999999999999999999",
        "-1",
        "1e5",
        "NaN",
        "5.000,5",
        "x" * 3000,
    ]
)
TEXT = st.one_of(NASTY, st.text(st.characters(exclude_categories=("Cs",)), max_size=30))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(draw=st.data())
def test_any_post_of_the_form_is_saved_whole_or_refused_whole(client, province_staff, draw):
    client.force_login(province_staff)
    page = client.get(edit_url())
    data = body_of(page)
    keys = sorted(data)
    for key in draw.draw(st.lists(st.sampled_from(keys), max_size=6)):
        data[key] = draw.draw(TEXT)
    for key in draw.draw(st.lists(st.sampled_from(keys), max_size=2)):
        data.pop(key, None)
    before = state()
    response = client.post(edit_url(), data)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code != 302:
        assert state() == before
