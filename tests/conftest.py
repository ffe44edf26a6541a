"""The actors every test speaks of, one name each (after healthchecks' hc/test.py).

The province's tree, as small as the tests need:

    province_unit  TINH, Đảng bộ tỉnh
    committee_a    A, Huyện ủy Alpha: grassroots committee A-001 (cells A-001-01 and A-001-02)
                   and grassroots cell A-002
    committee_b    B, Huyện ủy Beta: grassroots committee B-001

And who uses it (every password is builders.PASSWORD):

    staff           committee A's staff ("staff-a", Trần Thị Bình)
    other_staff     committee B's staff ("staff-b")
    leader          a provincial leader, read only ("leader")
    province_staff  provincial organizing-committee staff ("province", Nguyễn Văn An)
    superuser       provincial staff who also administer the site in Django's admin ("admin")
    anonymous       nobody logged in

Nothing here is autouse but the folders of waiting uploads: a test has the units and users it
names, no more. Build anything else with tests/builders.py.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests import builders as b


@pytest.fixture(autouse=True)
def upload_folders(tmp_path, monkeypatch):
    """Uploads waiting for confirmation go to the test's own folders: they are kept per user id,
    and the tests run in parallel processes (pytest-xdist), each with its own database whose
    user ids are the same numbers."""
    from imports import views
    from organizations import bulk_uploads

    monkeypatch.setattr(views, "UPLOAD_ROOT", tmp_path / "uploads")
    monkeypatch.setattr(bulk_uploads, "UPLOAD_ROOT", tmp_path / "tree-files")


@pytest.fixture
def province_unit(db):
    return b.province_unit()


@pytest.fixture
def committee_a(db):
    return b.small_committee("A", name="Huyện ủy Alpha")


@pytest.fixture
def committee_b(db):
    committee = b.committee("B", name="Huyện ủy Beta")
    b.base_org(committee, "B-001")
    return committee


@pytest.fixture
def staff(committee_a):
    return b.staff_of(committee_a, "staff-a", first_name="Trần Thị", last_name="Bình")


@pytest.fixture
def other_staff(committee_b):
    return b.staff_of(committee_b, "staff-b")


@pytest.fixture
def leader(db):
    return b.leader("leader")


@pytest.fixture
def province_staff(db):
    return b.province_staff("province", first_name="Nguyễn Văn", last_name="An")


@pytest.fixture
def superuser(db):
    return b.province_staff("admin", admin=True)


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture(autouse=True)
def reports_cache():
    """Each test starts with no kept report (reports.cache): a test's rollback takes the stamps
    back, and the next test's writes would count the same numbers again."""
    from reports.cache import kept

    kept.clear()
    yield
    kept.clear()


@pytest.fixture
def no_report_cache(settings):
    """Reports counted afresh at every call (the query-count guards measure the counting)."""
    settings.REPORTS_KEPT = 0
