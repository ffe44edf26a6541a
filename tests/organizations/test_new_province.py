"""A new installation for another province, set up from the command line alone, without the demo:
its first provincial staff member (createsuperuser), its tree (import_units, kinds and types of
place written as offices write them), its resolution (import_targets), a year's ratings
(import_ratings); then quality_report gives the figures computed here by hand."""

import io
import json

import pytest
from django.core.management import call_command

from organizations.models import Kind, Tier, Unit
from tests.imports.files import csv_text

pytestmark = pytest.mark.django_db
YEAR = 2021

TREE = [
    ["STT", "Mã", "Tên", "Mã cấp trên", "Loại", "Loại hình", "Ngày thành lập"],
    ["1", "GL", "Đảng bộ tỉnh Gia Lai", "", "Đảng bộ tỉnh", "", ""],
    ["2", "CHUPAH", "Huyện ủy Chư Păh", "GL", "Huyện ủy", "", "01/01/1991"],
    ["3", "CHUPAH-IALY", "Đảng bộ xã Ia Ly", "CHUPAH", "Đảng bộ cơ sở", "xã", ""],
    ["4", "CHUPAH-IALY-T1", "Chi bộ thôn 1", "CHUPAH-IALY", "Chi bộ trực thuộc", "thôn", ""],
    ["5", "CHUPAH-IALY-T2", "Chi bộ làng Ia Kha", "CHUPAH-IALY", "chi bo truc thuoc", "Làng", ""],
    ["6", "CHUPAH-IALY-T3", "Chi bộ thôn 3", "CHUPAH-IALY", "CBTT", "thôn", ""],
    ["7", "CHUPAH-VP", "Chi bộ Văn phòng Huyện ủy", "CHUPAH", "Chi bộ cơ sở", "Cơ quan", ""],
    ["8", "CHUPAH-TRUONG", "Chi bộ Trường THPT Chư Păh", "CHUPAH", "Chi bộ cơ sở", "Trường học", ""],
    ["9", "KHOICQ", "Đảng bộ Khối các cơ quan tỉnh", "GL", "Đảng ủy khối", "", ""],
    ["10", "KHOICQ-STC", "Đảng bộ Sở Tài chính", "KHOICQ", "Đảng bộ cơ sở", "Cơ quan", ""],
    ["11", "KHOICQ-STC-1", "Chi bộ Phòng Ngân sách", "KHOICQ-STC", "Chi bộ trực thuộc", "cơ quan", ""],
]

RESOLUTION = ["Cơ quan ban hành", "Số nghị quyết", "Ngày ban hành", "Tên nghị quyết", "Nhiệm kỳ", "Từ năm",
              "Đến năm", "HTNV-2018"]  # fmt: skip
TARGET = ["Thứ tự", "Mã chỉ tiêu", "Tên chỉ tiêu", "Chỉ số", "So sánh", "Ngưỡng", "Mẫu số", "Chỉ tiêu từ năm",
          "Chỉ tiêu đến năm"]  # fmt: skip
ISSUED = ["Ban Thường vụ Tỉnh ủy", "09-NQ/TU", "15/12/2020", "Nâng cao chất lượng TCCSĐ", "2020–2025", "2021",
          "2025", "TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV"]  # fmt: skip
TARGETS = [
    [*RESOLUTION, *TARGET],
    [
        *ISSUED,
        "1",
        "GL_TCCSD",
        "TCCSĐ trong sạch vững mạnh",
        "base_clean_strong",
        "≥",
        "75",
        "all_units",
        "2021",
        "",
    ],
    [
        *ISSUED,
        "2",
        "GL_CB",
        "Chi bộ trực thuộc TSVM",
        "cell_clean_strong",
        ">",
        "75",
        "all_units",
        "2021",
        "",
    ],
]

RATINGS = [
    ["Mã đơn vị", "Năm", "Xếp loại"],
    ["CHUPAH-IALY", YEAR, "HTTNV"],
    ["CHUPAH-VP", YEAR, "Hoàn thành xuất sắc nhiệm vụ"],
    ["CHUPAH-TRUONG", YEAR, "htnv"],
    ["KHOICQ-STC", YEAR, "HTXSNV"],
    ["CHUPAH-IALY-T1", YEAR, "HTTNV"],
    ["CHUPAH-IALY-T2", YEAR, "HTTNV"],
    ["CHUPAH-IALY-T3", YEAR, "KHTNV"],
    ["KHOICQ-STC-1", YEAR, "HTXSNV"],
]


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text(csv_text(*rows), encoding="utf-8")
    return str(path)


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except Exception as error:
        raise AssertionError(err.getvalue()) from error
    return out.getvalue()


@pytest.fixture
def installed(tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-Long-first-passw0rd")
    call_command(
        "createsuperuser", interactive=False, username="btc", email="btc@example.org", stdout=io.StringIO()
    )
    run("import_units", write(tmp_path, "to-chuc.csv", TREE), "--user", "btc")
    run("import_targets", write(tmp_path, "nghi-quyet.csv", TARGETS), "--user", "btc")
    run("open_season", str(YEAR), "--user", "btc")
    run("import_ratings", write(tmp_path, "xep-loai.csv", RATINGS), "--user", "btc")
    return tmp_path


def test_the_tree_is_read_as_offices_write_it(installed):
    assert Unit.objects.get(code="GL").tier == Tier.PROVINCE
    assert Unit.objects.get(code="KHOICQ").kind == Kind.BLOC
    assert Unit.objects.get(code="CHUPAH-IALY-T2").committee.code == "CHUPAH"
    tree = json.loads(run("org_tree", "--as-of", f"{YEAR}-12-31", "--format", "json"))
    assert tree["totals"] == {"committees": 2, "grassroots": 4, "cells": 4, "directly_under_province": 2}


def test_the_report_gives_the_figures_computed_by_hand(installed):
    document = json.loads(run("quality_report", "--year", str(YEAR), "--format", "json"))
    figures = {t["code"]: t for t in document["targets"]}
    assert document["resolution"]["number"] == "09-NQ/TU"
    # 4 grassroots organizations: HTXSNV (CHUPAH-VP, KHOICQ-STC), HTTNV (CHUPAH-IALY), HTNV: 3 of 4
    # clean and strong (HTXSNV + HTTNV) = 75%, ≥ 75%: met exactly, 2 of the 3 exemplary.
    base = figures["GL_TCCSD"]
    assert (base["count"], base["denominator"], base["actual"], base["met"]) == (3, 4, 75.0, True)
    assert document["base_organizations"]["exemplary"]["count"] == 2
    # 4 subordinate cells: HTTNV, HTTNV, KHTNV, HTXSNV: 3 of 4 = 75%, not > 75%: missed by one cell.
    cells = figures["GL_CB"]
    assert (cells["count"], cells["denominator"], cells["met"], cells["shortfall_units"]) == (3, 4, False, 1)
