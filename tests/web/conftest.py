"""Fixtures for the web shell tests: a small tree, its committee staff and ratings."""

import pytest

from accounts.models import Role
from assessments.models import Rating, RatingLevel, RatingScheme, Target
from organizations.models import Unit

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
    """The 2015 scheme; the reference-data migration normally provides it already."""
    scheme, _ = RatingScheme.objects.get_or_create(
        code="TSVM-2015", defaults={"name": "Xếp loại theo mức TSVM", "valid_from": 2010}
    )
    levels = [
        ("TSVM_TB", "Trong sạch vững mạnh tiêu biểu", "TSVM tiêu biểu", True, True),
        ("TSVM", "Trong sạch vững mạnh", "TSVM", True, False),
        ("HTTNV", "Hoàn thành tốt nhiệm vụ", "HTTNV", False, False),
        ("HTNV", "Hoàn thành nhiệm vụ", "HTNV", False, False),
        ("YK", "Yếu kém (không hoàn thành nhiệm vụ)", "Yếu kém", False, False),
    ]
    for rank, (code, name, abbreviation, clean, exemplary) in enumerate(levels, start=1):
        RatingLevel.objects.get_or_create(
            scheme=scheme,
            code=code,
            defaults={
                "name": name,
                "abbreviation": abbreviation,
                "rank": rank,
                "is_clean_strong": clean,
                "is_exemplary": exemplary,
            },
        )
    Target.objects.get_or_create(
        code="TCCSD_TSVM",
        defaults={
            "label": "TCCSĐ đạt trong sạch vững mạnh hằng năm",
            "metric": "base_clean_strong",
            "comparator": ">=",
            "threshold": "50",
            "denominator": "all_units",
            "start_year": 2015,
            "end_year": 2020,
            "position": 1,
        },
    )
    return scheme


def rate(unit, year, level_code, scheme):
    return Rating.objects.create(
        unit=unit,
        year=year,
        committee=unit.committee,
        tier=unit.tier,
        level=RatingLevel.objects.get(scheme=scheme, code=level_code),
    )


@pytest.fixture
def ratings_2015(dakha, kontum_city, scheme_2015):
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
        rate(dakla, 2015, "TSVM", scheme_2015),
        rate(other, 2015, "HTTNV", scheme_2015),
        rate(thon1a, 2015, "HTNV", scheme_2015),
        rate(city_base, 2015, "TSVM_TB", scheme_2015),
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
