"""Structured request logging: one JSON line per request, never a password, a query or a file."""

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from kontum_party.middleware import JsonFormatter
from tests import builders as b

pytestmark = pytest.mark.django_db

LOGGER = "kontum_party.requests"
FILE_SECRET = "NOI-DUNG-TEP-BI-MAT-4417"
FIELDS = {"time", "level", "logger", "message", "user_id", "username", "method", "path", "status"}
FIELDS |= {"duration_ms", "remote_addr"}


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)

    def lines():
        """The request log as it is written: parsed JSON lines."""
        formatter = JsonFormatter()
        return [json.loads(formatter.format(r)) for r in caplog.records if r.name == LOGGER]

    lines.text = lambda: caplog.text + "".join(JsonFormatter().format(r) for r in caplog.records)
    return lines


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_login_is_logged_without_the_password(log, staff):
    response = Client().post(
        reverse("login"), {"username": staff.username, "password": b.PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 302
    [line] = log()
    assert FIELDS <= set(line)
    assert line["method"] == "POST" and line["path"] == "/accounts/login/" and line["status"] == 302
    assert line["user_id"] == staff.pk and line["username"] == staff.username  # who logged in
    assert line["remote_addr"] == "10.1.2.3" and line["duration_ms"] >= 0
    assert b.PASSWORD not in log.text()  # in no logger at all


def test_a_failed_login_is_logged_as_anonymous_without_the_password(log, staff):
    Client().post(reverse("login"), {"username": staff.username, "password": b.PASSWORD + "x"})
    [line] = log()
    assert line["username"] == "anonymous" and line["user_id"] is None and line["status"] == 200
    assert b.PASSWORD not in log.text()


def test_an_upload_is_logged_without_the_file(log, staff):
    client = Client()
    client.force_login(staff)
    content = f"Mã đơn vị,Năm,Xếp loại,Ghi chú\r\nA-001,2015,TSVM,{FILE_SECRET}\r\n".encode()
    client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("xep-loai.csv", content)})
    [line] = log()
    assert line["method"] == "POST" and line["path"] == "/imports/" and line["username"] == staff.username
    assert FILE_SECRET not in log.text()


def test_the_query_string_is_not_logged_and_a_logout_names_who_left(log, staff):
    client = Client()
    client.force_login(staff)
    client.get(reverse("reports:dashboard", args=[2015]) + "?committee=A&token=SECRET-QUERY")
    client.post(reverse("logout"))
    dashboard, logout = log()
    assert dashboard["path"] == "/dashboard/2015/" and "SECRET-QUERY" not in log.text()
    assert logout["path"] == "/accounts/logout/" and logout["username"] == staff.username


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(log):
    Client().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.8.7")
    [line] = log()
    assert line["remote_addr"] == "10.9.8.7"  # the forged entry on the left is ignored


def test_every_record_is_one_json_line():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "Đắk Hà %s", ("ok",), None)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line)["message"] == "Đắk Hà ok" and json.loads(line)["level"] == "WARNING"
