"""The tree commands: org_tree on small trees built here, import_units and reorganize end to end."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from organizations import reorganize
from organizations.models import Kind, PlaceType, Tier, Unit
from organizations.reorganize import Decision, NewUnit
from tests import builders
from tests.imports.files import csv_text

D = datetime.date


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def org_tree(*args) -> str:
    out = io.StringIO()
    call_command("org_tree", *args, stdout=out)
    return out.getvalue()


def tree_json(day: str) -> dict:
    return json.loads(org_tree("--as-of", day, "--format", "json"))


@pytest.fixture
def reorganized(db):
    """A (A-001 with two cells, A-002) and B (B-001 with two cells); from 1/7/2025 A-001 and B-001
    merge into the commune XA1 directly under the province, and A-002 is dissolved."""
    builders.small_committee("A")
    builders.small_committee("B")
    commune = NewUnit(code="XA1", name="Đảng bộ xã Một", tier=Tier.BASE, kind=Kind.GRASSROOTS_COMMITTEE,
                      parent=builders.province_unit(), place_type=PlaceType.COMMUNE)  # fmt: skip
    on, decision = D(2025, 7, 1), Decision(number="1-QĐ/TU")
    reorganize.merge(user=None, units=[builders.unit("A-001"), builders.unit("B-001")], into=commune, on=on,
                     decision=decision)  # fmt: skip
    reorganize.dissolve(user=None, unit=builders.unit("A-002"), on=on, decision=decision)


def test_org_tree_counts_under_each_committee_on_a_date(reorganized):
    document = tree_json("2024-12-31")
    assert document["as_of"] == "2024-12-31"
    assert document["province"]["code"] == "TINH"
    assert document["committees"] == [
        {
            "code": "A",
            "name": "Huyện ủy A",
            "kind": "district",
            "parent": "TINH",
            "grassroots": 2,
            "cells": 2,
        },
        {
            "code": "B",
            "name": "Huyện ủy B",
            "kind": "district",
            "parent": "TINH",
            "grassroots": 2,
            "cells": 2,
        },
    ]
    assert document["totals"] == {"committees": 2, "grassroots": 4, "cells": 4, "directly_under_province": 2}


def test_org_tree_after_the_merger_counts_the_commune_as_its_own_committee(reorganized):
    document = tree_json("2025-12-31")
    by_code = {c["code"]: c for c in document["committees"]}
    assert by_code["XA1"] == {"code": "XA1", "name": "Đảng bộ xã Một", "kind": "grassroots_committee",
                              "parent": "TINH", "grassroots": 1, "cells": 4}  # fmt: skip
    assert (by_code["A"]["grassroots"], by_code["B"]["grassroots"]) == (0, 1)  # A-002 dissolved, B-002 stays
    assert document["totals"] == {"committees": 3, "grassroots": 2, "cells": 4, "directly_under_province": 3}


def test_org_tree_as_a_table(reorganized, english):
    text = org_tree("--as-of", "2024-12-31")
    assert "Đảng bộ tỉnh (TINH)" in text
    assert "Total: 2 committees directly under the province" in text and "4 grassroots organizations" in text


@pytest.mark.parametrize("value", ["2015-13-01", "31/12", "hôm qua"])
def test_org_tree_refuses_a_date_that_is_not_one_in_one_line(db, value, english):
    with pytest.raises(CommandError, match="is not a date"):
        org_tree("--as-of", value)


def test_org_tree_refuses_an_unknown_format(db, english):
    with pytest.raises(CommandError, match="not a format"):
        org_tree("--as-of", "2015-12-31", "--format", "xml")


# import_units and reorganize ---------------------------------------------------------------------


def write(tmp_path, name, *rows):
    path = tmp_path / name
    path.write_text(csv_text(*rows), encoding="utf-8")
    return str(path)


UNITS = (
    ["Mã", "Tên", "Mã cấp trên", "Loại", "Loại hình"],
    ["TINH", "Đảng bộ tỉnh", "", "Đảng bộ tỉnh", ""],
    ["H1", "Huyện ủy Một", "TINH", "Huyện ủy", ""],
    ["H1-X1", "Đảng bộ xã Một", "H1", "Đảng bộ cơ sở", "xã"],
)


def test_import_units_dry_run_prints_the_plan_and_writes_nothing(tmp_path, province_staff, english):
    out = io.StringIO()
    call_command(
        "import_units", write(tmp_path, "dv.csv", *UNITS), "--user", "province", "--dry-run", stdout=out
    )
    assert "H1-X1 (new)" in out.getvalue() and "Dry run" in out.getvalue()
    assert not Unit.objects.exists()


def test_import_units_writes_the_tree(tmp_path, province_staff):
    call_command(
        "import_units", write(tmp_path, "dv.csv", *UNITS), "--user", "province", stdout=io.StringIO()
    )
    assert builders.unit("H1-X1").committee.code == "H1"


def test_import_units_with_an_error_exits_non_zero_and_writes_nothing(tmp_path, province_staff, english):
    path = write(tmp_path, "dv.csv", *UNITS, ["H2", "Huyện ủy Hai", "TINH", "Huyện quận", ""])
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_units", path, "--user", "province", stdout=io.StringIO(), stderr=err)
    assert "row 5, column “Loại”, value “Huyện quận”" in err.getvalue()
    assert not Unit.objects.exists()


@pytest.mark.parametrize("who", ["nobody", "leader"])
def test_the_tree_commands_need_an_existing_provincial_staff_member(tmp_path, leader, who, english):
    for command in ("import_units", "reorganize"):
        with pytest.raises(CommandError):
            call_command(command, write(tmp_path, "x.csv", *UNITS), "--user", who)


def test_reorganize_dry_run_prints_the_consequences(tmp_path, province_staff, english):
    builders.small_committee("A")
    path = write(tmp_path, "sx.csv", ["Mã cũ", "Thao tác", "Ngày hiệu lực", "Tên mới"],
                 ["A-002", "Đổi tên", "01/03/2025", "Chi bộ Văn phòng"])  # fmt: skip
    out = io.StringIO()
    call_command("reorganize", path, "--user", "province", "--dry-run", stdout=out)
    assert "is renamed Chi bộ Văn phòng from 01/03/2025" in out.getvalue()
    assert builders.unit("A-002").name != "Chi bộ Văn phòng"
    call_command("reorganize", path, "--user", "province", stdout=io.StringIO())
    assert builders.unit("A-002").name == "Chi bộ Văn phòng"


def test_the_tree_on_a_date_is_one_query(reorganized, django_assert_num_queries):
    from organizations.tree import tree_on

    with django_assert_num_queries(1):
        tree_on(D(2025, 12, 31))
