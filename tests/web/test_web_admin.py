"""The admin: every model has a working changelist, with import/export where promised."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXTERNAL_ASSET = re.compile(
    r"<(?:link|script|img)\b[^>]*\b(?:href|src)\s*=\s*[\"']?(?:https?:)?//(?!testserver[/:\"'])",
    re.IGNORECASE,
)
PROJECT_APPS = ("accounts", "organizations", "assessments")
PROJECT_MODELS = [model for app in PROJECT_APPS for model in apps.get_app_config(app).get_models()]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_registered(model):
    assert admin.site.is_registered(model)


@pytest.fixture
def every_model_filled(superuser, committee_user, dakha, ratings_2015):
    """At least one row of every model, the workflow ones made the way the product makes them."""
    from assessments import season
    from assessments.models import MemberStats
    from organizations.models import Unit

    dakla = Unit.objects.get(code="DAKHA.DAKLA")
    MemberStats.objects.create(
        unit=dakla,
        year=2015,
        committee=dakha,
        member_count=120,
        excellent=10,
        good=90,
        completed=15,
        not_completed=5,
    )
    from assessments import commendations
    from assessments.models import Rating

    best = Rating.objects.filter(year=2015, tier="base", level__rank=1).first()
    commendations.commend(user=superuser, rating=best, decision_number="05-QĐ/HU")
    season.submit(user=committee_user, committee=dakha, year=2015)
    season.set_year_lock(user=superuser, year=2015, locked=True)
    from organizations import reorganize

    cell = Unit.objects.filter(parent=dakla).first()
    reorganize.merge(
        user=superuser,
        units=[cell],
        into=reorganize.NewUnit(
            code="DAKHA.DAKLA.M", name="Chi bộ mới", tier=cell.tier, kind=cell.kind, parent=dakla
        ),
        on=datetime.date(2016, 1, 1),
        decision=reorganize.Decision(number="01-QĐ/HU"),
    )


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_changelist_add_and_change_pages(client, superuser, every_model_filled, model):
    client.force_login(superuser)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert not EXTERNAL_ASSET.search(response.content.decode())
    # Workflow records are read-only in the admin: they change only through the services.
    can_add = admin.site.get_model_admin(model).has_add_permission(response.wsgi_request)
    assert client.get(admin_url(model, "add")).status_code == (200 if can_add else 403)
    obj = model._default_manager.first()
    assert obj is not None
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_changelist_search_and_filters(client, superuser, ratings_2015):
    from assessments.models import Rating
    from organizations.models import Unit

    client.force_login(superuser)
    response = client.get(admin_url(Unit, "changelist"), {"q": "Đăk La", "tier__exact": "base"})
    assert response.status_code == 200 and "DAKHA.DAKLA" in response.content.decode()
    response = client.get(admin_url(Rating, "changelist"), {"year": "2015", "q": "DAKHA"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2015" in html and ">2.015<" not in html  # years are not localized like amounts


@pytest.mark.parametrize(
    "model_name", ["organizations.Unit", "assessments.Rating", "assessments.MemberStats"]
)
def test_export_pages(client, superuser, ratings_2015, model_name):
    model = apps.get_model(model_name)
    client.force_login(superuser)
    assert client.get(admin_url(model, "export")).status_code == 200
    changelist = client.get(admin_url(model, "changelist")).content.decode()
    assert admin_url(model, "export") in changelist


def test_units_are_imported_in_the_admin(client, superuser):
    from organizations.models import Unit

    client.force_login(superuser)
    assert client.get(admin_url(Unit, "import")).status_code == 200
    assert admin_url(Unit, "import") in client.get(admin_url(Unit, "changelist")).content.decode()


@pytest.mark.parametrize("model_name", ["assessments.Rating", "assessments.MemberStats"])
def test_ratings_and_member_statistics_are_never_imported_in_the_admin(
    client, superuser, ratings_2015, model_name
):
    """The import page of the app (/imports/) is the one import path: no admin import at all."""
    from django.urls import NoReverseMatch, resolve

    from assessments.models import AuditEntry

    model = apps.get_model(model_name)
    name = f"{model._meta.app_label}_{model._meta.model_name}"
    for view in ("import", "process_import"):
        with pytest.raises(NoReverseMatch):
            admin_url(model, view)
    client.force_login(superuser)
    path = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    for url in (path + "import/", path + "process_import/"):
        # Only the admin's catch-all for an object id matches ("import" is no object): no import view.
        assert resolve(url).url_name not in (f"{name}_import", f"{name}_process_import")
    assert "import/" not in client.get(path).content.decode()
    before = (model.objects.count(), AuditEntry.objects.count())
    for url in (path + "import/", path + "process_import/"):
        response = client.post(url, {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"})
        assert response.status_code in (301, 302, 403, 404, 405)
    assert (model.objects.count(), AuditEntry.objects.count()) == before


def test_admin_is_vietnamese(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Quản trị hệ thống theo dõi chất lượng tổ chức cơ sở đảng" in html  # site header
    assert "Tổ chức đảng" in html  # Unit's verbose name
    assert "Kết quả xếp loại" in html and "Số liệu đảng viên" in html


def test_admin_rejects_committee_staff_without_committee(client, superuser, province):
    from accounts.models import User

    client.force_login(superuser)
    response = client.post(
        admin_url(User, "add"),
        {
            "username": "nobody",
            "usable_password": "true",
            "password1": "a-Long-test-passw0rd",
            "password2": "a-Long-test-passw0rd",
            "role": "committee_staff",
            "committee": "",
        },
    )
    assert response.status_code == 200  # the form comes back with an error, no 500
    assert not User.objects.filter(username="nobody").exists()


def test_admin_changes_a_rating_through_the_service(client, superuser, ratings_2015):
    from assessments.models import Rating

    rating = ratings_2015[0]
    client.force_login(superuser)
    response = client.post(
        admin_url(Rating, "change", rating.pk),
        {
            "level": rating.level_id,
            "not_rated_reason": "",
            "note": "kiểm tra",
            "decision_number": "12-QĐ/HU",
            "decision_date": "31/12/2015",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    changed = Rating.objects.get(pk=rating.pk)
    assert changed.changed_by == superuser and changed.decision_number == "12-QĐ/HU"
    assert changed.version == rating.version + 1
    assert str(changed.decision_date) == "2015-12-31"


def test_committee_staff_cannot_open_the_admin(client, committee_user):
    client.force_login(committee_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_admin_records_a_new_rating_through_the_service(client, superuser, dakha, scheme_2015):
    from assessments.models import Rating, RatingLevel
    from organizations.models import Unit
    from tests import builders

    builders.season(2015)  # opened, as provincial staff open a year before it is entered
    unit = Unit.objects.create(
        code="DAKHA.CB09", name="Chi bộ cơ sở mới", tier="base", kind="grassroots_cell", parent=dakha
    )
    level = RatingLevel.objects.get(scheme=scheme_2015, code="TSVM")
    client.force_login(superuser)
    response = client.post(
        admin_url(Rating, "add"),
        {
            "unit": unit.pk,
            "year": 2015,
            "level": level.pk,
            "not_rated_reason": "",
            "note": "",
            "decision_number": "",
            "decision_date": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    rating = Rating.objects.get(unit=unit, year=2015)
    assert (rating.committee, rating.tier, rating.changed_by, rating.version) == (dakha, "base", superuser, 1)


def test_moving_a_grassroots_organization_in_the_admin_carries_its_cells(
    client, superuser, dakha, kontum_city, ratings_2015
):
    from assessments.models import AuditEntry
    from organizations.models import Unit

    dakla = Unit.objects.get(code="DAKHA.DAKLA")
    client.force_login(superuser)
    response = client.post(
        admin_url(Unit, "change", dakla.pk),
        {
            "code": dakla.code,
            "name": dakla.name,
            "tier": "base",
            "kind": dakla.kind,
            "place_type": dakla.place_type,
            "parent": kontum_city.pk,
            "founded": "",
            "dissolved": "",
            "merged_into": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Unit.objects.get(code="DAKHA.DAKLA.1A").committee == kontum_city
    # The 2015 rating stays counted where it was.
    ratings_2015[0].refresh_from_db()
    assert ratings_2015[0].committee == dakha
    # Audited, for the organization and for its cell, through the admin.
    moves = AuditEntry.objects.filter(action="unit.move").order_by("pk")
    assert [(e.unit.code, e.channel, e.user, e.changes) for e in moves] == [
        (
            "DAKHA.DAKLA",
            "admin",
            superuser,
            {"parent": ["DAKHA", "KONTUM"], "committee": ["DAKHA", "KONTUM"]},
        ),
        ("DAKHA.DAKLA.1A", "admin", superuser, {"committee": ["DAKHA", "KONTUM"]}),
    ]


def test_a_unit_added_and_renamed_in_the_admin_is_audited(client, superuser, dakha):
    from assessments.models import AuditEntry
    from organizations.models import Unit

    client.force_login(superuser)
    form = {
        "code": "DAKHA.NEW",
        "name": "Chi bộ mới",
        "tier": "base",
        "kind": "grassroots_cell",
        "place_type": "agency",
        "parent": dakha.pk,
        "founded": "",
        "dissolved": "",
        "merged_into": "",
    }
    response = client.post(admin_url(Unit, "add"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    unit = Unit.objects.get(code="DAKHA.NEW")
    response = client.post(admin_url(Unit, "change", unit.pk), {**form, "name": "Chi bộ Cơ quan mới"})
    assert response.status_code == 302, response.content.decode()[:3000]
    entries = AuditEntry.objects.filter(unit=unit).order_by("pk")
    assert [(e.action, e.channel, e.user) for e in entries] == [
        ("unit.create", "admin", superuser),
        ("unit.update", "admin", superuser),
    ]
    assert entries[1].changes == {"name": ["Chi bộ mới", "Chi bộ Cơ quan mới"]}


def test_units_are_dissolved_never_deleted_in_the_admin(client, superuser, ratings_2015):
    from organizations.models import Unit

    unit = Unit.objects.get(code="DAKHA.CB01")
    client.force_login(superuser)
    assert client.post(admin_url(Unit, "delete", unit.pk), {"post": "yes"}).status_code == 403
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_admin_refuses_a_merger_across_tiers(client, superuser, ratings_2015):
    from organizations.models import Unit

    dakla = Unit.objects.get(code="DAKHA.DAKLA")
    cell = Unit.objects.get(code="DAKHA.DAKLA.1A")
    client.force_login(superuser)
    response = client.post(
        admin_url(Unit, "change", dakla.pk),
        {
            "code": dakla.code,
            "name": dakla.name,
            "tier": "base",
            "kind": dakla.kind,
            "place_type": dakla.place_type,
            "parent": dakla.parent_id,
            "founded": "",
            "dissolved": "2020-12-31",
            "merged_into": cell.pk,
        },
    )
    assert response.status_code == 200
    assert "Chỉ sáp nhập được vào một tổ chức đảng cùng cấp." in response.content.decode()
    assert Unit.objects.get(pk=dakla.pk).dissolved is None


def test_admin_refuses_changes_to_a_locked_year_with_a_form_error(client, superuser, ratings_2015):
    from assessments import season
    from assessments.models import Rating

    season.set_year_lock(user=superuser, year=2015, locked=True)
    rating = ratings_2015[0]
    client.force_login(superuser)
    response = client.post(
        admin_url(Rating, "change", rating.pk),
        {
            "level": rating.level_id,
            "not_rated_reason": "",
            "note": "muộn",
            "decision_number": "",
            "decision_date": "",
        },
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert Rating.objects.get(pk=rating.pk).note == ""


@pytest.mark.parametrize("model_name", ["Rating", "MemberStats", "RatingYear", "Submission", "AuditEntry"])
def test_read_only_years_are_not_localized_like_amounts(client, superuser, every_model_filled, model_name):
    model = apps.get_model("assessments", model_name)
    client.force_login(superuser)
    html = client.get(admin_url(model, "change", model._default_manager.filter(year=2015).first().pk))
    html = html.content.decode()
    assert "2.015" not in html and "2015" in html


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_ATTRIBUTE = re.compile(r"<[^>]+\s(?:on[a-z]+|style)\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    "model_name,view",
    [
        ("organizations.Unit", "export"),
        ("assessments.Rating", "export"),
        ("assessments.MemberStats", "export"),
        ("organizations.Unit", "import"),
    ],
)
def test_import_export_pages_keep_to_the_content_security_policy(
    client, superuser, ratings_2015, model_name, view
):
    """No inline script, style or event handler (the policy blocks them: the page would not work)."""
    model = apps.get_model(model_name)
    client.force_login(superuser)
    response = client.get(admin_url(model, view))
    html = response.content.decode()
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_ATTRIBUTE.search(html), INLINE_ATTRIBUTE.search(html)
    for attribute in ("onchange=", "onclick=", "style="):
        assert attribute not in html
    assert not EXTERNAL_ASSET.search(html)
    if view == "export":
        # "Select all" is still there, wired by the site's own script.
        assert 'class="select-toggle"' in html and "/static/js/admin_export.js" in html


def test_the_export_script_and_style_are_served_by_the_site(client):
    from django.contrib.staticfiles import finders

    script = finders.find("js/admin_export.js")
    assert script and "select-toggle" in open(script, encoding="utf-8").read()
    assert finders.find("css/admin_import_export.css")
