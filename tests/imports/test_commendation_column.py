"""The import's "TSVM tiêu biểu" column: Có/x commends, Không withdraws, blank leaves it as it is;
refused on a row not at the best level; written after the shared writer, in its transaction."""

import pytest

from assessments import commendations
from assessments.models import AuditEntry, Commendation
from imports import services as imports
from tests import builders as b
from tests.imports.files import csv_text

pytestmark = pytest.mark.django_db

YEAR = 2019
HEADER = ["Mã đơn vị", "Năm", "Xếp loại", "Số quyết định", "Khen TSVM tiêu biểu"]


def preview(user, *rows):
    return imports.preview(csv_text(HEADER, *rows).encode(), "xep-loai.csv", user=user)


def test_x_commends_by_the_rows_decision(committee_a, staff):
    b.season(YEAR)
    prev = preview(staff, ["A-002", str(YEAR), "HTXSNV", "7-QĐ/HU", "x"])
    assert imports.commit(prev, user=staff).granted == 1
    commendation = Commendation.objects.get()
    assert (commendation.rating.unit.code, commendation.decision_number) == ("A-002", "7-QĐ/HU")
    assert AuditEntry.objects.get(action="rating.commend").channel == "import"


def test_a_row_not_at_the_best_level_is_an_error_of_that_cell(committee_a, staff):
    b.season(YEAR)
    prev = preview(staff, ["A-002", str(YEAR), "HTTNV", "", "Có"])
    (error,) = prev.errors
    assert error.column == "Khen TSVM tiêu biểu"
    assert b.unit("A-002").name in error.message


def test_khong_withdraws_and_blank_leaves_it(committee_a, staff, province_staff):
    kept, taken = (b.rate(b.unit(code), YEAR, "HTXSNV") for code in ("A-001", "A-002"))
    for rating in (kept, taken):
        commendations.commend(user=province_staff, rating=rating)
    prev = preview(staff, ["A-001", str(YEAR), "HTXSNV", "", ""], ["A-002", str(YEAR), "HTXSNV", "", "Không"])
    assert imports.commit(prev, user=staff).withdrawn == 1
    assert list(Commendation.objects.values_list("rating__unit__code", flat=True)) == ["A-001"]
    assert AuditEntry.objects.get(action="rating.uncommend").channel == "import"


def test_a_changed_commendation_alone_makes_the_row_changed(committee_a, staff):
    b.rate(b.unit("A-002"), YEAR, "HTXSNV")
    prev = preview(staff, ["A-002", str(YEAR), "HTXSNV", "", "Có"])
    assert [row.status for row in prev.rows] == ["changed"]
    imports.commit(prev, user=staff)
    assert Commendation.objects.exists()
