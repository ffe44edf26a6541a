"""The import page (upload → preview → confirm) and the template download, for committee staff."""

import io
import os
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import AuditEntry, Rating
from imports import services, views
from tests import builders as b
from tests.imports.conftest import db_state
from tests.imports.files import csv_text, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["Mã đơn vị", "Năm", "Xếp loại", "Ghi chú"]


def upload(client, data, name="dakha-2015.csv", **fields):
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, data), **fields})


def digest(response) -> str:
    return re.search(r'name="digest" value="([0-9a-f]+)"', response.content.decode()).group(1)


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def test_upload_preview_confirm(logged_in, tree, staff):
    b.rate(tree["other"], 2015, "HTNV")
    data = csv_text(
        HEADERS, ["A-001", "2015", "TSVM", "<script>alert(1)</script>"], ["A-002", "2015", "HTTNV", ""]
    )
    response = upload(logged_in, data.encode())
    assert response.status_code == 302
    before = db_state()
    page = logged_in.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="new"' in html and 'data-status="changed"' in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert db_state() == before  # the preview wrote nothing

    done = logged_in.post(response.url, {"confirm": "1", "digest": digest(page)})
    assert done.status_code == 302
    assert Rating.objects.get(unit__code="A-001", year=2015).level.code == "TSVM"
    assert Rating.objects.get(unit__code="A-002", year=2015).level.code == "HTTNV"
    assert set(AuditEntry.objects.filter(channel="import").values_list("source", flat=True)) == {
        "dakha-2015.csv"
    }
    # The upload is gone once written.
    assert logged_in.get(response.url).status_code == 404


def test_a_file_with_errors_imports_nothing_unless_valid_rows_only_is_chosen(logged_in, tree):
    data = csv_text(HEADERS, ["A-001", "2015", "TSVM", ""], ["B-001", "2015", "TSVM", ""])
    url = upload(logged_in, data.encode()).url
    page = logged_in.get(url)
    html = page.content.decode()
    assert 'data-row="3" data-status="error"' in html and "B-001" in html
    before = db_state()
    refused = logged_in.post(url, {"confirm": "1", "digest": digest(page)})
    assert refused.status_code == 400
    assert db_state() == before
    done = logged_in.post(url, {"confirm": "1", "valid_only": "1", "digest": digest(page)})
    assert done.status_code == 302
    assert list(Rating.objects.values_list("unit__code", flat=True)) == ["A-001"]


def test_a_change_between_preview_and_confirm_is_shown_not_overwritten(logged_in, tree):
    url = upload(logged_in, csv_text(HEADERS, ["A-001", "2015", "TSVM", ""]).encode()).url
    page = logged_in.get(url)
    b.rate(tree["base"], 2015, "HTNV")
    before = db_state()
    response = logged_in.post(url, {"confirm": "1", "digest": digest(page)})
    assert response.status_code == 409
    assert db_state() == before


def test_cancel_forgets_the_upload(logged_in, tree, staff, upload_root):
    url = upload(logged_in, csv_text(HEADERS, ["A-001", "2015", "TSVM", ""]).encode()).url
    (waiting,) = (upload_root / str(staff.pk)).iterdir()  # in the user's own folder, named by the token
    assert waiting.name in url and oct(waiting.stat().st_mode & 0o777) == "0o600"
    assert logged_in.post(url, {"cancel": "1"}).status_code == 302
    assert not waiting.exists()
    assert logged_in.get(url).status_code == 404
    assert not Rating.objects.exists()


def test_a_refused_file_is_said_on_the_upload_form(logged_in, tree, settings):
    response = upload(logged_in, b"\x89PNG\r\n\x1a\n\x00\x00", name="anh.xlsx")
    assert response.status_code == 400 and "anh.xlsx" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 10
    response = upload(logged_in, csv_text(HEADERS, ["A-001", "2015", "TSVM", ""]).encode())
    assert response.status_code == 400
    assert not Rating.objects.exists() and not AuditEntry.objects.exists()


def test_another_users_upload_is_a_404(client, logged_in, tree, province_staff):
    url = upload(logged_in, csv_text(HEADERS, ["A-001", "2015", "TSVM", ""]).encode()).url
    client.force_login(province_staff)
    assert client.get(url).status_code == 404
    assert client.get("/imports/..%2F..%2Fetc%2Fpasswd/").status_code == 404
    assert client.get(reverse("imports:confirm", args=["x" * 32])).status_code == 404


def test_leaders_and_anonymous_users_cannot_import(client, leader):
    assert client.get(reverse("imports:upload")).status_code == 302  # to the login page
    client.force_login(leader)
    assert client.get(reverse("imports:upload")).status_code == 403


def test_the_template_round_trip(logged_in, tree):
    logged_in.cookies["django_language"] = "en"
    b.rate(tree["base"], 2015, "TSVM")
    response = logged_in.get(reverse("imports:template"), {"committee": "A", "year": "2015"})
    assert response.status_code == 200 and "A-2015.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows.index(next(r for r in rows if r[0] == "Mã đơn vị"))
    assert rows[header][:6] == ["Mã đơn vị", "Tên đơn vị", "Trực thuộc", "Loại hình", "Năm", "Xếp loại"]
    units = {r[0]: r for r in rows[header + 1 :]}
    assert set(units) == {"A-001", "A-001-01", "A-001-02", "A-002"}
    assert units["A-001"][5] == "TSVM" and units["A-001-01"][2] == "Đảng bộ A-001"

    # Fill two rows, leave one empty, upload the file as it is.
    for row in sheet.iter_rows(min_row=header + 2):
        if row[0].value == "A-001-01":
            row[5].value = "Hoàn thành tốt nhiệm vụ"
        if row[0].value == "A-002":
            row[5].value = "yếu kém"
    out = io.BytesIO()
    workbook.save(out)
    url = upload(logged_in, out.getvalue(), name="mau.xlsx").url
    page = logged_in.get(url)
    html = page.content.decode()
    counts = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}
    expected = {"attention": 2, "error": 0, "new": 2, "changed": 0, "unchanged": 1, "skipped": 1, "all": 4}
    assert counts == expected
    # Listed first: what will be written (not every row of the committee).
    assert re.findall(r'data-status="(\w+)"', html) == ["new", "new"]
    assert "Write 2 rows: 2 new, 0 changed" in html
    every = logged_in.get(url, {"show": "all"}).content.decode()
    assert sorted(re.findall(r'data-status="(\w+)"', every)) == ["new", "new", "skipped", "unchanged"]
    assert logged_in.post(url, {"confirm": "1", "digest": digest(page)}).status_code == 302
    assert dict(Rating.objects.values_list("unit__code", "level__code")) == {
        "A-001": "TSVM",
        "A-001-01": "HTTNV",
        "A-002": "YK",
    }


def test_the_template_of_another_committee_is_a_404(logged_in, client, tree, province_staff):
    assert logged_in.get(reverse("imports:template"), {"committee": "B", "year": "2015"}).status_code == 404
    assert logged_in.get(reverse("imports:template"), {"year": "1900"}).status_code == 404
    client.force_login(province_staff)
    assert client.get(reverse("imports:template"), {"year": "2015"}).status_code == 404  # which committee?
    response = client.get(reverse("imports:template"), {"committee": "B", "year": "2019", "kind": "members"})
    assert response.status_code == 200


def test_the_page_and_the_command_give_the_same_results(logged_in, tree, staff, tmp_path):
    from django.core.management import CommandError, call_command

    b.rate(tree["base"], 2015, "TSVM")
    data = xlsx(
        ["Bảng xếp loại"],
        HEADERS,
        ["A-001", 2015, "TSVM", ""],
        ["A-002", 2015, "HTNV", ""],
        ["A-001-01", 2015, "Giỏi", ""],
        ["B-001", 2015, "TSVM", ""],
    )
    page = logged_in.get(upload(logged_in, data, name="same.xlsx").url)
    html = page.content.decode()
    page_counts = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}
    page_errors = re.findall(r'<div class="text-danger">(.*?)</div>', html)

    path = tmp_path / "same.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_ratings",
            str(path),
            "--user",
            staff.username,
            "--dry-run",
            stdout=out,
            stderr=io.StringIO(),
        )
    prev = services.preview(data, "same.xlsx", user=staff)
    assert prev.counts == {"new": 1, "changed": 0, "unchanged": 1, "skipped": 0, "error": 2}
    assert {k: page_counts[k] for k in prev.counts} == prev.counts
    assert len(page_errors) == 2
    for error in prev.errors:
        assert str(error) in out.getvalue()
        assert f"“{error.value}”" in out.getvalue()
    assert [e.row for e in prev.errors] == [5, 6]


def test_a_user_keeps_at_most_three_uploads_waiting_the_oldest_goes(logged_in, tree, upload_root):
    data = csv_text(HEADERS, ["A-001", "2015", "TSVM", ""]).encode()
    urls = [upload(logged_in, data, name=f"tep-{i}.csv").url for i in range(4)]
    waiting = [p for p in upload_root.glob("*/*")]
    assert len(waiting) == 3
    assert logged_in.get(urls[0]).status_code == 404
    assert all(logged_in.get(url).status_code == 200 for url in urls[1:])


def test_every_users_stale_uploads_are_removed_on_the_next_upload(logged_in, tree, upload_root):
    stale = upload_root / "999" / ("x" * 32)
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    old = time.time() - views.KEEP_SECONDS - 60
    os.utime(stale, (old, old))
    upload(logged_in, csv_text(HEADERS, ["A-001", "2015", "TSVM", ""]).encode())
    assert not stale.exists()


def test_the_confirm_button_says_what_it_writes_and_writes_it(logged_in, tree):
    logged_in.cookies["django_language"] = "en"
    b.rate(tree["other"], 2015, "HTNV")
    rows = [["A-001", "2015", "TSVM", ""], ["A-002", "2015", "HTTNV", ""], ["B-001", "2015", "TSVM", ""]]
    url = upload(logged_in, csv_text(HEADERS, *rows).encode()).url
    page = logged_in.get(url)
    html = page.content.decode()
    assert "Write 2 valid rows: 1 new, 1 changed; leave out 1 with errors" in html
    assert html.count("No unit of your scope has this code.") == 1  # one list of errors, not two
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert logged_in.post(url, {**form, "confirm": "1"}).status_code == 302
    stored = dict(Rating.objects.values_list("unit__code", "level__code"))
    assert stored == {"A-001": "TSVM", "A-002": "HTTNV"}


def test_nothing_to_write_offers_no_confirm_button(logged_in, tree):
    b.rate(tree["base"], 2015, "TSVM")
    page = logged_in.get(upload(logged_in, csv_text(HEADERS, ["A-001", "2015", "TSVM", ""]).encode()).url)
    html = page.content.decode()
    assert 'name="confirm"' not in html and 'id="nothing-to-write"' in html


def test_the_preview_filters_rows_by_status_with_counts(logged_in, tree):
    b.rate(tree["base"], 2015, "TSVM")
    rows = [["A-001", "2015", "TSVM", ""], ["A-002", "2015", "HTNV", ""], ["X-1", "2015", "TSVM", ""]]
    url = upload(logged_in, csv_text(HEADERS, *rows).encode()).url
    for show, statuses in [("error", ["error"]), ("new", ["new"]), ("unchanged", ["unchanged"])]:
        html = logged_in.get(url, {"show": show}).content.decode()
        assert re.findall(r'data-status="(\w+)"', html) == statuses
        assert f'data-filter="{show}" aria-current="page"' in html


def test_the_preview_links_back_to_the_grid_and_a_written_file_returns_there(logged_in, tree):
    url = upload(logged_in, csv_text(HEADERS, ["A-001", "2015", "TSVM", ""]).encode()).url
    page = logged_in.get(url)
    grid = reverse("assessments:rating-grid", kwargs={"year": 2015}) + "?committee=A"
    assert f'href="{grid}"' in page.content.decode()
    done = logged_in.post(url, {"confirm": "1", "digest": digest(page)})
    assert done.url == grid


def test_a_file_for_a_submitted_committee_year_is_refused_at_upload(logged_in, tree):
    from assessments.models import Submission

    Submission.objects.create(committee=tree["committee"], year=2015, status="submitted")
    logged_in.cookies["django_language"] = "en"
    response = upload(logged_in, csv_text(HEADERS, ["A-001", "2015", "TSVM", ""]).encode())
    assert response.status_code == 400
    assert "cannot be imported" in response.content.decode() and "submitted" in response.content.decode()
    assert not Rating.objects.exists()
