"""`manage.py import_targets PATH [--dry-run] [--user USERNAME]`: resolutions and their targets
from JSON, CSV and XLSX through the resolutions service; a dry run and a refused file write
nothing, and a refusal names the row (or item) and the column (or field)."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from assessments.models import AuditEntry, CountedLevel, Resolution, Target
from assessments.resolution_entries import parse_threshold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the msgids), whatever the catalogs translate."""
    with translation.override("en"):
        yield


HEADER = [
    "Cơ quan ban hành",
    "Số nghị quyết",
    "Ngày ban hành",
    "Tên nghị quyết",
    "Nhiệm kỳ",
    "Từ năm",
    "Đến năm",
    "HTNV-2018",
    "Quy định 124-QĐ/TW",
    "Thứ tự",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Chỉ số",
    "So sánh",
    "Ngưỡng",
    "Mẫu số",
    "Chỉ tiêu từ năm",
    "Chỉ tiêu đến năm",
]
MAPPING = "TSVM = HTXSNV + HTTNV; tiêu biểu = HTXSNV"
ROWS = [
    [
        "Ban Thường vụ Tỉnh ủy",
        "01-NQ/TU",
        "28/12/2020",
        "Nghị quyết nhiệm kỳ 2020–2025",
        "2020–2025",
        "2021",
        "2025",
        MAPPING,
        "TSVM: HTXSNV, HTTNV\ntiêu biểu: HTXSNV",
        "1",
        "NQ01_TSVM",
        "TCCSĐ đạt trong sạch vững mạnh",
        "base_clean_strong",
        "≥",
        "50",
        "all_units",
        "2021",
        "",
    ],
    # The resolution's columns left blank below: the same resolution. Labels instead of codes.
    ["", "", "", "", "", "", "", "", "", "2", "NQ01_KETNAP", "Kết nạp đảng viên mới", "admissions_term", ">",
     "6.000", "none", "2021", "2025"],
    ["", "01-NQ/TU", "", "", "", "", "", "", "", "3", "NQ01_DV", "Đảng viên HTTNV trở lên",
     "Members completing duties well or better", ">=", "85,5", "Members rated", "2021", "2025"],
]  # fmt: skip

DOCUMENT = [
    {
        "issuing_body": "Ban Thường vụ Tỉnh ủy",
        "number": "02-NQ/TU",
        "date": "2025-12-30",
        "title": "Nghị quyết nhiệm kỳ 2025–2030",
        "term": "2025–2030",
        "first_year": 2026,
        "last_year": 2030,
        "counted_levels": {"QD366-2025": {"clean_strong": ["HTXSNV", "HTTNV"], "exemplary": ["HTXSNV"]}},
        "targets": [
            {
                "position": 1,
                "code": "NQ02_TSVM",
                "label": "TCCSĐ đạt trong sạch vững mạnh",
                "metric": "base_clean_strong",
                "comparator": ">=",
                "threshold": 60,
                "denominator": "all_units",
                "start_year": 2026,
                "end_year": 2030,
            },
            {
                "code": "NQ02_TIEUBIEU",
                "label": "TCCSĐ tiêu biểu",
                "metric": "base_exemplary",
                "comparator": ">",
                "threshold": 20.5,
                "denominator": "clean_strong_units",
                "start_year": 2026,
            },
        ],
    }
]


def state():
    return (
        sorted(Resolution.objects.values_list("pk", "number", "first_year", "last_year")),
        sorted(Target.objects.values_list("code", "threshold", "end_year")),
        sorted(CountedLevel.objects.values_list("resolution_id", "level_id", "counted_as")),
        AuditEntry.objects.count(),
    )


def write_csv(path, rows, header=HEADER):
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


def write_xlsx(path, rows, header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Chỉ tiêu"
    sheet.append(["Danh mục chỉ tiêu nghị quyết"])  # a title above the table
    sheet.append(header)
    for row in rows:
        # numbers as numbers, as Excel stores them
        sheet.append([int(v) if v.isdigit() else v for v in row])
    book.save(path)
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_targets", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path, *args) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_targets", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def check_sheet_import():
    resolution = Resolution.objects.get(number="01-NQ/TU")
    assert (resolution.first_year, resolution.last_year, str(resolution.date)) == (2021, 2025, "2020-12-28")
    counted = sorted(
        resolution.counted_levels.values_list("level__scheme__code", "level__code", "counted_as")
    )
    assert counted == sorted(
        (scheme, level, kind)
        for scheme in ("HTNV-2018", "QD124-2023")
        for level, kind in (("HTXSNV", "clean_strong"), ("HTTNV", "clean_strong"), ("HTXSNV", "exemplary"))
    )
    targets = {t.code: t for t in resolution.targets.all()}
    assert set(targets) == {"NQ01_TSVM", "NQ01_KETNAP", "NQ01_DV"}
    assert targets["NQ01_TSVM"].end_year == 2025  # blank: the resolution's last year
    assert str(targets["NQ01_KETNAP"].threshold) == "6000.00"
    assert (targets["NQ01_DV"].metric, targets["NQ01_DV"].denominator) == ("members_good", "members_rated")
    assert str(targets["NQ01_DV"].threshold) == "85.50"


def test_a_csv_file_is_imported_then_found_unchanged(tmp_path, province_staff):
    path = write_csv(tmp_path / "chi-tieu.csv", ROWS)
    out, _err = run(path, "--user", "province")
    assert "created; targets: 3 new" in out
    check_sheet_import()
    entry = AuditEntry.objects.get(action="resolution.create")
    assert (entry.user, entry.channel, entry.source) == (province_staff, "import", "chi-tieu.csv")
    before = state()
    out, _err = run(path)
    assert "unchanged" in out and state() == before


def test_an_xlsx_file_is_imported(tmp_path):
    run(write_xlsx(tmp_path / "chi-tieu.xlsx", ROWS))
    check_sheet_import()


def test_a_json_file_is_imported(tmp_path):
    path = tmp_path / "nghi-quyet.json"
    path.write_text(json.dumps(DOCUMENT, ensure_ascii=False), encoding="utf-8")
    out, _err = run(path)
    assert "Nghị quyết 02-NQ/TU (2026–2030): created" in out
    resolution = Resolution.objects.get(number="02-NQ/TU")
    assert resolution.counted_levels.count() == 3
    exemplary = resolution.targets.get(code="NQ02_TIEUBIEU")
    assert (str(exemplary.threshold), exemplary.end_year) == ("20.50", 2030)
    assert AuditEntry.objects.filter(action="target.create", source="nghi-quyet.json").count() == 2


def test_a_dry_run_reports_and_writes_nothing(tmp_path):
    before = state()
    out, _err = run(write_csv(tmp_path / "chi-tieu.csv", ROWS), "--dry-run")
    assert "created; targets: 3 new" in out and "nothing was written" in out
    assert state() == before


def test_a_file_with_a_bad_cell_names_its_row_and_column_and_writes_nothing(tmp_path):
    rows = [list(row) for row in ROWS]
    rows[1][14] = "nhiều"  # row 3 of the sheet: the threshold
    rows[2][12] = "thời tiết"  # row 4: the figure
    before = state()
    err = refused(write_csv(tmp_path / "sai.csv", rows))
    assert "row 3, column “Ngưỡng”: “nhiều” is not a threshold" in err
    assert "row 4, column “Chỉ số”: “thời tiết”" in err
    assert state() == before


def test_a_refusal_of_the_service_names_the_row_and_nothing_of_the_file_is_written(tmp_path):
    rows = [list(row) for row in ROWS]
    rows[1][16] = "2020"  # a target before the years the resolution judges (row 3)
    second = [list(row) for row in ROWS[:1]]  # another, valid resolution in the same file
    second[0][1], second[0][3], second[0][5], second[0][6] = "09-NQ/TU", "Khác", "2026", "2030"
    second[0][7] = second[0][8] = ""
    second[0][16], second[0][10] = "2026", "NQ09_TSVM"
    before = state()
    err = refused(write_csv(tmp_path / "sai.csv", second + rows))
    assert "row 4, column “Chỉ tiêu từ năm”" in err and "outside" in err
    assert state() == before


def test_overlapping_years_are_refused(tmp_path):
    rows = [list(row) for row in ROWS]
    rows[0][5] = "2019"
    before = state()
    err = refused(write_csv(tmp_path / "sai.csv", rows))
    assert "rows 2–4, column “Từ năm”" in err and "overlap" in err
    assert state() == before


def test_a_repeated_resolution_column_must_say_the_same(tmp_path):
    rows = [list(row) for row in ROWS]
    rows[1][6] = "2024"
    err = refused(write_csv(tmp_path / "sai.csv", rows))
    assert "row 3, column “Đến năm”: “2024” differs from “2025”" in err


def test_an_unknown_level_in_a_scheme_column_is_refused(tmp_path):
    rows = [list(row) for row in ROWS]
    rows[0][7] = "TSVM = HTXSNV + TSVM"
    err = refused(write_csv(tmp_path / "sai.csv", rows))
    assert "row 2, column “HTNV-2018”: “TSVM” is no level" in err


def test_json_faults_name_the_item_and_the_field(tmp_path):
    document = json.loads(json.dumps(DOCUMENT))
    document[0]["fist_year"] = 2026
    document[0]["targets"][1]["denominator"] = "none"
    document[0]["counted_levels"]["QD366-2025"]["exemplary"] = ["KHTNV"]
    path = tmp_path / "sai.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = state()
    err = refused(path)
    assert "field “fist_year”: unknown field" in err
    assert state() == before
    del document[0]["fist_year"]
    path.write_text(json.dumps(document), encoding="utf-8")
    err = refused(path)
    assert "target 2, field “denominator”" in err and "share" in err
    assert "KHTNV" in err and "exemplary but not as clean and strong" in err
    assert state() == before


def test_an_update_from_a_file_replaces_the_targets_it_lists(tmp_path):
    path = tmp_path / "nghi-quyet.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    run(path)
    changed = json.loads(json.dumps(DOCUMENT))
    changed[0]["targets"] = changed[0]["targets"][:1]
    changed[0]["targets"][0]["threshold"] = "65"
    path.write_text(json.dumps(changed), encoding="utf-8")
    out, _err = run(path)
    assert "1 changed, 1 deleted" in out
    assert list(Target.objects.filter(code__startswith="NQ02").values_list("code", "threshold")) == [
        ("NQ02_TSVM", 65)
    ]
    # Without targets or counted levels, the stored ones are kept.
    del changed[0]["targets"], changed[0]["counted_levels"]
    path.write_text(json.dumps(changed), encoding="utf-8")
    before = state()
    out, _err = run(path)
    assert "unchanged" in out and state() == before


@pytest.mark.parametrize("who", ["leader", "staff", "nobody"])
def test_the_user_must_be_provincial_staff(tmp_path, request, who):
    if who != "nobody":
        request.getfixturevalue(who)
    username = {"leader": "leader", "staff": "staff-a", "nobody": "nobody"}[who]
    with pytest.raises(CommandError):
        run(write_csv(tmp_path / "chi-tieu.csv", ROWS), "--user", username)
    assert not Resolution.objects.filter(number="01-NQ/TU").exists()


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "chi-tieu.txt"
    path.write_text("x")
    with pytest.raises(CommandError):
        run(path)
    with pytest.raises(CommandError):
        run(write_csv(tmp_path / "khac.csv", [["a", "b"]], header=["Họ tên", "Tuổi"]))


@pytest.mark.parametrize(
    "text,value",
    [
        ("50", "50"),
        ("50,5", "50.5"),
        ("50.25", "50.25"),
        ("5.000", "5000"),
        ("1.234.567,5", "1234567.5"),
        ("15%", "15"),
    ],
)
def test_thresholds_are_read_as_offices_write_them(text, value):
    assert str(parse_threshold(text)) == value


@pytest.mark.parametrize("text", ["", "abc", "1.000.5", "5,000,0", "-3", "1e3"])
def test_a_threshold_that_is_no_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_threshold(text)


def test_a_target_row_with_blank_cells_says_which_are_required(tmp_path):
    rows = [list(row) for row in ROWS]
    rows[1][12] = rows[1][14] = ""  # row 3: no figure, no threshold
    err = refused(write_csv(tmp_path / "thieu.csv", rows))
    assert "row 3, column “Chỉ số”" in err and "row 3, column “Ngưỡng”" in err
    assert "required" in err
