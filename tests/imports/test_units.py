"""imports.units: a file's units are read by the codes it names, within the user's scope; the whole
scope only for a row named without a code."""

import pytest

from imports import columns as C
from imports.limits import Sheet
from imports.units import Scope
from tests import builders as b

pytestmark = pytest.mark.django_db


def table_of(*codes):
    sheet = Sheet(name="Sheet1", rows=[["Mã đơn vị"], *([code] for code in codes)])
    return C.Table(sheet=sheet, header_row=1, columns={"code": 0}, headers={"code": "Mã đơn vị"})


def test_a_tables_codes_are_read_in_one_query_and_only_within_the_scope(
    tree, staff, django_assert_num_queries
):
    scope, table = Scope(staff), table_of("A-001", "a-002 ", tree["b"].code)
    with django_assert_num_queries(1):
        found = [scope.unit_by_code(code, table) for code in ("A-001", "A-002", tree["b"].code)]
    assert found == [tree["base"], tree["other"], None]  # B is another committee's


def test_the_committees_of_the_named_units_are_read_once_and_the_whole_scope_never(
    tree, staff, django_assert_num_queries
):
    scope = Scope(staff)
    scope.unit_by_code("A-001-01", table_of("A-001-01"))
    with django_assert_num_queries(1):
        assert tree["committee"].pk in scope.committees
        assert scope.committees[tree["committee"].pk] == tree["committee"]
    assert tree["b"].pk not in scope.committees  # outside the scope
    assert scope._units is None


def test_a_row_without_a_code_reads_the_scope_for_its_name(tree, staff):
    scope = Scope(staff)
    assert scope.by_name(tree["base"].name) == [tree["base"]]
    assert {u.code for u in scope.units} >= {"A-001", "A-002"}
    assert b.unit("A-001") == scope.unit_by_code("A-001")
