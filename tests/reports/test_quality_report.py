import json

import pytest
from django.core.management import CommandError, call_command

from demo.generator import load_demo
from tests import builders as b

pytestmark = pytest.mark.django_db


def run_json(capsys, *args):
    call_command("quality_report", *args, "--format", "json")
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def demo():
    return load_demo()


def test_2015_demo_reproduces_the_article(demo, capsys):
    report = run_json(capsys, "--year", "2015")
    base, cells = report["base_organizations"], report["cells"]
    assert (report["year"], report["committee"]) == (2015, None)
    assert (base["total"], base["rated"], cells["total"], cells["rated"]) == (684, 684, 1810, 1810)
    assert base["clean_strong"] == {"count": 389, "percent": 56.87}
    assert base["exemplary"] == {"count": 89, "percent_of_clean_strong": 22.88, "percent_of_total": 13.01}
    assert {code: (lv["count"], lv["percent"]) for code, lv in base["levels"].items()} == {
        "TSVM_TB": (89, 13.01),
        "TSVM": (300, 43.86),
        "HTTNV": (247, 36.11),
        "HTNV": (40, 5.85),
        "YK": (8, 1.17),
    }
    assert cells["clean_strong"] == {"count": 969, "percent": 53.54}
    assert cells["exemplary"]["percent_of_clean_strong"] == 16.72
    assert {
        code: lv["percent"] for code, lv in cells["levels"].items() if code in ("HTTNV", "HTNV", "YK")
    } == {"HTTNV": 41.16, "HTNV": 4.70, "YK": 0.61}
    assert report["members"]["total"] == 24321
    targets = {t["code"]: t for t in report["targets"]}
    assert (targets["TCCSD_TSVM"]["met"], targets["TCCSD_TSVM"]["margin_units"]) == (True, 47)
    assert targets["TCCSD_TSVM"]["comparator"] == ">=" and targets["TCCSD_TSVM"]["threshold"] == 50.0
    cell_target = targets["CHIBO_TSVM"]
    assert (
        cell_target["met"],
        cell_target["actual"],
        cell_target["shortfall_units"],
        cell_target["required"],
    ) == (False, 53.54, 118, 1087)

    # The same figures for 2020 match the public ones, and the term target is reached.
    report = run_json(capsys, "--year", "2020")
    assert report["base_organizations"]["total"] == 660
    assert report["members"]["total"] == 28964
    assert report["admissions"]["term"] == {
        "start": 2015,
        "end": 2020,
        "count": 5853,
        "through_year": 2020,
        "years_left": 0,
    }
    committees = {r["committee"] for r in [report]}
    assert committees == {None}


def test_committee_figures_add_up_to_the_province(demo, capsys):
    from organizations.models import Unit

    codes = Unit.objects.committees().active_in(2015).values_list("code", flat=True)
    totals = [
        run_json(capsys, "--year", "2015", "--committee", code)["cells"]["clean_strong"]["count"]
        for code in codes
    ]
    assert len(totals) == 15 and sum(totals) == 969


def test_table_format_uses_vietnamese_numbers(capsys):
    b.committee_with("A", 2015, base_levels=["TSVM", "HTTNV", "HTNV"])
    call_command("quality_report", "--year", "2015")
    out = capsys.readouterr().out
    assert "33,33%" in out and "≥ 50,00%" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2001"], "Không có dữ liệu đánh giá năm 2001"),
        (["--year", "0"], "“0”"),
        (["--year", "-5"], "“-5”"),
        (["--year", "99999"], "“99999”"),
        (["--year", "2015", "--committee", "NOPE"], "Không có đảng bộ trực thuộc mã “NOPE”"),
        (["--year", "2015", "--format", "xml"], "Định dạng không hợp lệ “xml”"),
    ],
)
def test_bad_requests_fail_with_one_clear_line(args, message):
    b.committee_with("A", 2015, base_levels=["TSVM"])
    with pytest.raises(CommandError, match=message):
        call_command("quality_report", *args)


def test_command_line_exit_status_is_non_zero(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "manage.py", "quality_report", "--year", "2015", "--format", "xml"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("CommandError: Định dạng không hợp lệ")


def test_the_demos_2024_restated_under_the_structure_of_2025_keeps_the_province_and_lists_the_new_committees(
    demo, capsys
):
    import datetime

    from organizations.models import Lineage, Unit

    counted = run_json(capsys, "--year", "2024")
    restated = run_json(capsys, "--year", "2024", "--structure-of", "2025-12-31")
    for part in ("base_organizations", "cells"):
        assert restated[part] == counted[part]
    assert restated["members"] == counted["members"] and restated["structure_of"] == "2025-12-31"
    assert counted["structure_of"] is None and "committees" not in counted
    # Every committee founded in 2025 that carries a predecessor's history has its row.
    end = datetime.date(2025, 12, 31)
    links = Lineage.objects.filter(carries_history=True)
    heirs = set(links.values_list("successor__committee__code", flat=True))
    new = {u.code for u in Unit.objects.committees().on(end).filter(founded__year=2025) if u.code in heirs}
    codes = {row["code"] for row in restated["committees"]}
    assert new and new <= codes
    assert sum(row["cells"]["total"] for row in restated["committees"]) <= counted["cells"]["total"]
