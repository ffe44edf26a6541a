"""The web shell's world: Đắk Hà and Kon Tum, with the 2015 ratings behind the home page's figures.

Built with tests/builders.py. The actors are the shared ones of tests/conftest.py
(province_staff, superuser, ...); this world adds the staff of Đắk Hà (dakha_staff). Two names
are kept for tests/web/test_web_admin.py: `province` (the province unit, province_unit elsewhere)
and `committee_user` (dakha_staff).
"""

import pytest

from assessments.models import RatingScheme
from organizations.models import Kind, PlaceType
from tests import builders as b


@pytest.fixture
def province(province_unit):
    """The province unit under the name tests/web/test_web_admin.py uses."""
    return province_unit


@pytest.fixture
def dakha(db):
    return b.committee("DAKHA", name="Huyện ủy Đắk Hà")


@pytest.fixture
def kontum_city(db):
    return b.committee("KONTUM", name="Thành ủy Kon Tum", kind=Kind.CITY)


@pytest.fixture
def scheme_2015(db):
    """The 2015 scheme, as the reference-data migration ships it."""
    return RatingScheme.objects.in_force(2015)


@pytest.fixture
def ratings_2015(dakha, kontum_city):
    """Đắk Hà: 2 grassroots organizations (TSVM, HTTNV) and 1 cell (HTNV); Kon Tum: 1 (TSVM tiêu biểu)."""
    dakla = b.base_org(dakha, "DAKHA.DAKLA", name="Đảng bộ xã Đăk La")
    other = b.base_org(
        dakha, "DAKHA.CB01", with_cells=False, place=PlaceType.AGENCY, name="Chi bộ cơ sở thử nghiệm"
    )
    thon1a = b.cell(dakla, "DAKHA.DAKLA.1A", name="Chi bộ thôn 1A")
    city_base = b.base_org(kontum_city, "KONTUM.P01", place=PlaceType.WARD, name="Đảng bộ phường thử nghiệm")
    return [
        b.rate(dakla, 2015, "TSVM"),
        b.rate(other, 2015, "HTTNV"),
        b.rate(thon1a, 2015, "HTNV"),
        b.rate(city_base, 2015, "TSVM_TB"),
    ]


@pytest.fixture
def dakha_staff(dakha):
    return b.staff_of(dakha, "dakha")


@pytest.fixture
def committee_user(dakha_staff):
    """The staff of Đắk Hà under the name tests/web/test_web_admin.py uses."""
    return dakha_staff
