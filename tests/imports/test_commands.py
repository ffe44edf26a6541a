"""The two commands: export_ratings writes what import_ratings takes back unchanged."""

import codecs
import datetime

import pytest
from django.core.management import CommandError, call_command

from assessments.models import AuditEntry, MemberStats, Rating
from tests import builders as b
from tests.imports.conftest import db_state
from tests.imports.files import csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(tree):
    b.rate(
        tree["base"],
        2015,
        "TSVM_TB",
        note="-5 điểm vì chậm nộp\ndòng thứ hai",
        decision_number="=12-QĐ/HU",
        decision_date=datetime.date(2016, 1, 15),
    )
    b.rate(tree["cells"][0], 2015, "HTNV", note="@chú ý")
    b.rate(tree["cells"][1], 2015, None, reason="Mới thành lập")
    b.rate(tree["other"], 2015, "YK")
    b.member_stats(tree["base"], 2015, members=120, excellent=10, good=90, completed=15, admitted=4)
    return tree


def stored():
    return sorted(
        Rating.objects.values_list(
            "unit__code",
            "year",
            "level__code",
            "not_rated_reason",
            "note",
            "decision_number",
            "decision_date",
        )
    )


def run(*args):
    """(stdout, error message or None)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def count(output, label):
    for line in output.splitlines():
        if line.split(":")[0].strip() == label:
            return int(line.split(":")[1])
    raise AssertionError(f"no {label} in {output}")


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_export_then_import_round_trips(rated, staff, tmp_path, ext):
    path = tmp_path / f"xep-loai-2015.{ext}"
    out, error = run("export_ratings", "--year", "2015", "--committee", "A", "--output", str(path))
    assert error is None and "4" in out
    before = stored()

    # Taken back unchanged.
    out, error = run("import_ratings", str(path), "--user", staff.username)
    assert error is None, out
    assert (count(out, "Created"), count(out, "Updated"), count(out, "Unchanged"), count(out, "Errors")) == (
        0,
        0,
        4,
        0,
    )
    assert not AuditEntry.objects.filter(channel="import").exists()

    # And everything comes back after a loss.
    Rating.objects.all().delete()
    out, error = run("import_ratings", str(path), "--user", staff.username)
    assert error is None, out
    assert count(out, "Created") == 4
    assert stored() == before
    assert AuditEntry.objects.filter(channel="import", source=path.name).count() == 4


def test_export_escapes_formula_cells(rated, tmp_path):
    path = tmp_path / "x.csv"
    run("export_ratings", "--year", "2015", "--output", str(path))
    text = path.read_text(encoding="utf-8-sig")
    assert "'=12-QĐ/HU" in text and "'@chú ý" in text and "\"'-5 điểm" in text


def test_member_statistics_round_trip(rated, staff, tmp_path):
    path = tmp_path / "dang-vien.xlsx"
    run("export_ratings", "--year", "2015", "--members", "--output", str(path))
    MemberStats.objects.all().delete()
    out, error = run("import_ratings", str(path), "--user", staff.username, "--members")
    assert error is None, out
    assert MemberStats.objects.get().admitted == 4


def test_errors_are_listed_and_the_exit_status_is_non_zero(tree, staff, tmp_path):
    path = tmp_path / "loi.csv"
    path.write_text(
        csv_text(["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", "2015", "TSVM"], ["B-001", "2015", "Giỏi"])
    )
    before = db_state()
    out, error = run("import_ratings", str(path), "--user", staff.username)
    assert error is not None
    assert count(out, "Errors") == 1 and count(out, "Created") == 1  # what the file holds
    assert "B-001" in out and "3" in out
    assert db_state() == before

    out, error = run("import_ratings", str(path), "--user", staff.username, "--valid-only")
    assert error is not None  # still non-zero: a row failed
    assert list(Rating.objects.values_list("unit__code", flat=True)) == ["A-001"]


def test_dry_run_writes_nothing(tree, staff, tmp_path):
    path = tmp_path / "thu.csv"
    path.write_text(csv_text(["Mã đơn vị", "Năm", "Xếp loại"], ["A-001", "2015", "TSVM"]))
    before = db_state()
    out, error = run("import_ratings", str(path), "--user", staff.username, "--dry-run")
    assert error is None and count(out, "Created") == 1
    assert db_state() == before


def test_the_command_uses_the_users_scope(tree, staff, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(csv_text(["Mã đơn vị", "Năm", "Xếp loại"], ["B-001", "2015", "TSVM"]))
    out, error = run("import_ratings", str(path), "--user", staff.username)
    assert error is not None and count(out, "Errors") == 1
    assert not Rating.objects.exists()


def test_a_refused_file_and_an_unknown_user(tree, staff, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a spreadsheet")
    _out, error = run("import_ratings", str(path), "--user", staff.username)
    assert "x.xlsx" in error
    _out, error = run("import_ratings", str(path), "--user", "nobody")
    assert "nobody" in error


def test_a_broken_utf16_file_is_one_clear_line_not_a_traceback(tree, staff, tmp_path):
    path = tmp_path / "hong.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "Mã đơn vị,Năm".encode("utf-16-le") + b"x")
    with pytest.raises(CommandError) as refused:
        call_command("import_ratings", str(path), "--user", staff.username)
    assert "hong.csv" in str(refused.value) and "\n" not in str(refused.value)


def test_an_export_to_a_folder_that_does_not_exist_is_one_clear_line(tree, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("export_ratings", "--year", "2015", "--output", str(tmp_path / "khong-co" / "x.csv"))
    assert "khong-co" in str(refused.value)
