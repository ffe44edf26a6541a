"""Fixtures for the web shell tests: a small tree, its committee staff and ratings."""

import pytest

from accounts.models import Role
from assessments.models import RatingScheme
from organizations.models import Unit
from tests import builders

PASSWORD = "a-Long-test-passw0rd"


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def province(db):
    return Unit.objects.create(code="PROV", name="Đảng bộ tỉnh", tier="province", kind="province")


@pytest.fixture
def dakha(province):
    return Unit.objects.create(
        code="DAKHA", name="Huyện ủy Đắk Hà", tier="committee", kind="district", parent=province
    )


@pytest.fixture
def kontum_city(province):
    return Unit.objects.create(
        code="KONTUM", name="Thành ủy Kon Tum", tier="committee", kind="city", parent=province
    )


@pytest.fixture
def scheme_2015(db):
    """The 2015 scheme, as the reference-data migration ships it."""
    return RatingScheme.objects.in_force(2015)


@pytest.fixture
def ratings_2015(dakha, kontum_city):
    """Đắk Hà: 2 grassroots organizations (TSVM, HTTNV) and 1 cell (HTNV); Kon Tum: 1 (TSVM tiêu biểu)."""
    dakla = Unit.objects.create(
        code="DAKHA.DAKLA",
        name="Đảng bộ xã Đăk La",
        tier="base",
        kind="grassroots_committee",
        place_type="commune",
        parent=dakha,
    )
    other = Unit.objects.create(
        code="DAKHA.CB01",
        name="Chi bộ cơ sở thử nghiệm",
        tier="base",
        kind="grassroots_cell",
        place_type="agency",
        parent=dakha,
    )
    thon1a = Unit.objects.create(
        code="DAKHA.DAKLA.1A",
        name="Chi bộ thôn 1A",
        tier="cell",
        kind="subordinate_cell",
        place_type="village",
        parent=dakla,
    )
    city_base = Unit.objects.create(
        code="KONTUM.P01",
        name="Đảng bộ phường thử nghiệm",
        tier="base",
        kind="grassroots_committee",
        place_type="ward",
        parent=kontum_city,
    )
    return [
        builders.rate(dakla, 2015, "TSVM"),
        builders.rate(other, 2015, "HTTNV"),
        builders.rate(thon1a, 2015, "HTNV"),
        builders.rate(city_base, 2015, "TSVM_TB"),
    ]


@pytest.fixture
def province_user(django_user_model):
    return django_user_model.objects.create_user(
        username="bantochuc",
        password=PASSWORD,
        role=Role.PROVINCE_STAFF,
        first_name="Nguyễn Văn",
        last_name="An",
    )


@pytest.fixture
def committee_user(django_user_model, dakha):
    return django_user_model.objects.create_user(
        username="dakha", password=PASSWORD, role=Role.COMMITTEE_STAFF, committee=dakha
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="admin", password=PASSWORD)
