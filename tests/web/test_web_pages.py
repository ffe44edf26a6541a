"""The web shell: login, home page, language switching, static assets."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests import builders as b

pytestmark = pytest.mark.django_db

EXTERNAL_ASSET = re.compile(
    r"<(?:link|script|img)\b[^>]*\b(?:href|src)\s*=\s*[\"']?(?:https?:)?//(?!testserver[/:\"'])",
    re.IGNORECASE,
)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_login_page_is_vietnamese_by_default(client):
    html = page(client.get(reverse("login")))
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Mật khẩu" in html  # Django's own form labels are translated too


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_then_home(client, province_staff):
    response = client.post(reverse("login"), {"username": province_staff.username, "password": b.PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("reports:home")
    html = page(client.get(reverse("reports:home")))
    assert "Nguyễn Văn An" in html
    assert "Toàn tỉnh" in html or "Toàn Đảng bộ tỉnh" in html


def test_home_without_data_says_so(client, province_staff):
    client.force_login(province_staff)
    html = page(client.get(reverse("reports:home")))
    assert "Chưa có dữ liệu" in html


def test_home_for_the_province(client, province_staff, ratings_2015):
    client.force_login(province_staff)
    html = page(client.get(reverse("reports:home")))
    assert "năm 2015" in html and "2.015" not in html
    # 3 grassroots organizations: 1 exemplary, 1 clean and strong, 1 completed duties well.
    assert "33,33%" in html
    assert "66,67%" in html
    # The ≥ 50% target is met: 2 of 3 against the 2 required, margin 0.
    assert "Đạt" in html
    assert "Quản trị" not in html  # not staff


def test_home_is_scoped_to_the_committee(client, dakha_staff, ratings_2015):
    client.force_login(dakha_staff)
    html = page(client.get(reverse("reports:home")))
    assert "Huyện ủy Đắk Hà" in html
    # Đắk Hà alone: 2 grassroots organizations, 1 clean and strong = 50,00%; none exemplary.
    assert "50,00%" in html
    assert "33,33%" not in html


def test_committee_without_ratings_in_the_latest_year_sees_no_data(client, kontum_city, ratings_2015):
    from assessments.models import Rating

    # Its one grassroots organization is merely pending: the engine counts that as no data.
    Rating.objects.filter(committee=kontum_city).delete()
    client.force_login(b.staff_of(kontum_city, "kontum"))
    assert "Chưa có dữ liệu" in page(client.get(reverse("reports:home")))


def test_pending_units_are_shown_in_the_totals(client, dakha_staff, dakha, ratings_2015):
    from organizations.models import Unit

    Unit.objects.create(
        code="DAKHA.NEW", name="Chi bộ cơ sở chưa nhập", tier="base", kind="grassroots_cell", parent=dakha
    )
    client.force_login(dakha_staff)
    html = page(client.get(reverse("reports:home")))
    assert "Tổng số 3: đã xếp loại 2, không xếp loại 0, chưa nhập kết quả 1." in html


def test_numbers_use_vietnamese_format(client, province_staff, ratings_2015, scheme_2015):
    from assessments.models import MemberStats
    from organizations.models import Unit

    dakla = Unit.objects.get(code="DAKHA.DAKLA")
    MemberStats.objects.create(
        unit=dakla,
        year=2015,
        committee=dakla.committee,
        member_count=24300,
        excellent=300,
        good=20000,
        completed=3000,
        not_completed=1000,
    )
    client.force_login(province_staff)
    html = page(client.get(reverse("reports:home")))
    assert "24.300" in html


def test_switch_to_english(client, province_staff):
    client.force_login(province_staff)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("reports:home")}, follow=True
    )
    html = page(response)
    assert '<html lang="en">' in html
    assert "Log out" in html
    assert "There is no rating data yet." in html
    # and back
    html = page(client.post(reverse("set_language"), {"language": "vi", "next": "/"}, follow=True))
    assert '<html lang="vi">' in html


def test_english_numbers(client, province_staff, ratings_2015):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.force_login(province_staff)
    html = page(client.get(reverse("reports:home")))
    assert "33.33%" in html and "Quality ratings of 2015" in html


def test_logout_is_a_post(client, province_staff):
    client.force_login(province_staff)
    html = page(client.get(reverse("reports:home")))
    assert f'<form method="post" action="{reverse("logout")}"' in html
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("reports:home")).status_code == 302


def test_staff_sees_the_admin_link(client, superuser):
    client.force_login(superuser)
    html = page(client.get(reverse("reports:home")))
    assert reverse("admin:index") in html


def test_bootstrap_and_app_assets_are_local():
    for path in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "css/app.css",
        "js/app.js",
    ):
        assert finders.find(path), path


@pytest.mark.parametrize("url_name", ["login", "reports:home"])
def test_own_pages_have_no_external_assets_and_no_inline_scripts(client, superuser, ratings_2015, url_name):
    if url_name != "login":
        client.force_login(superuser)
    html = page(client.get(reverse(url_name)))
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert not EXTERNAL_ASSET.search(html)
    assert not INLINE_SCRIPT.search(html)
    assert "fonts.googleapis" not in html and "cdn" not in html.lower()
