"""Load test: committee staff and leaders using the site at once (run by benchmarks/load/run.sh).

    LOAD_USERS=users.json LOAD_PASSWORD=… locust -f benchmarks/load/locustfile.py --headless \
        -u 50 -r 10 -t 60s --host http://127.0.0.1:8000

Each virtual user logs in once (the real login form, the real password hasher), then, with a pause
of LOAD_WAIT seconds (default 1–3) between actions:

- committee staff (40 of 50): their committee's dashboard, its JSON report, the rating grid; now
  and then a save of one row of the grid (GET, change one unit's note, POST the whole grid, as the
  browser does) and an import preview (upload a 5-row CSV, read the preview, cancel);
- leaders (10 of 50): the province's dashboard and JSON report, a committee's grid (read only).

The year is the season being worked on (the demo's open 2026; setup_users.py picks it and the 15
largest committees whose staff may still enter it). Every clerk saves: a committee has two or three
of them (40 accounts over 15 committees), each looking after its own share of the committee's units
(unit id modulo the clerks), so that clerks of one committee save different rows of the same grid at
the same time, as offices do; a row not rated yet is given a level, then its note changes. Both saves
must succeed: the grid skips rows a user left alone, so a row another clerk saved meanwhile is
no conflict (a 409 would count as a failure). LOAD_GRID_WEIGHT=0 leaves the grid pages out
(to see what the rest costs).

Every response is checked (status, not the login page, expected content); the raw response times
of every request are written to LOAD_SUMMARY (JSON) when the run ends, for exact percentiles
(benchmarks/load/summary.py).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
ACCOUNTS = (
    json.loads(Path(os.environ["LOAD_USERS"]).read_text(encoding="utf-8"))
    if "LOAD_USERS" in os.environ
    else []
)
# The season being worked on, as setup_users.py chose it (the demo's open 2026), unless LOAD_YEAR.
YEAR = int(os.environ.get("LOAD_YEAR") or (ACCOUNTS[0].get("year") if ACCOUNTS else None) or 2026)
# The JSON report's year: the latest closed season (a committee with nothing entered yet for the
# open one has no report of it), as setup_users.py found it.
REPORT_YEAR = int((ACCOUNTS[0].get("report_year") if ACCOUNTS else None) or YEAR)
WAIT = [float(s) for s in os.environ.get("LOAD_WAIT", "1,3").split(",")]
# The run ends LOAD_STEADY seconds after the last login (run.sh: DURATION), however long the
# logins took on a busy machine (locust's own -t is only a cap); 0: locust's -t alone.
STEADY = float(os.environ.get("LOAD_STEADY", "0"))
EXPECTED_LOGINS = int(os.environ.get("LOAD_STAFF", "40")) + int(os.environ.get("LOAD_LEADERS", "10"))
_logins = [0]
GRID = int(os.environ.get("LOAD_GRID_WEIGHT", "3"))  # the other weights are fixed

_staff = itertools.cycle([a for a in ACCOUNTS if a["role"] == "staff"] or [None])
_leaders = itertools.cycle([a for a in ACCOUNTS if a["role"] == "leader"] or [None])


# Raw response times, by request name ------------------------------------------------------------

SAMPLES: dict[str, list[tuple[float, float]]] = {}  # name -> [(seconds since the start, ms)]
FAILURES: dict[str, list[float]] = {}  # name -> [seconds since the start]
STARTED = time.time()


@events.test_start.add_listener
def _started(environment, **kwargs):
    global STARTED
    STARTED = time.time()


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    now = round(time.time() - STARTED, 3)
    SAMPLES.setdefault(name, []).append((now, response_time))
    if exception is not None:
        FAILURES.setdefault(name, []).append(now)


@events.quitting.add_listener
def _write_summary(environment, **kwargs):
    path = os.environ.get("LOAD_SUMMARY")
    if path:
        Path(path).write_text(
            json.dumps(
                {
                    "started": STARTED,
                    "ended": time.time(),
                    "users": environment.runner.user_count if environment.runner else None,
                    "samples": SAMPLES,
                    "failures": FAILURES,
                }
            ),
            encoding="utf-8",
        )


# The grid form, as a browser would post it ------------------------------------------------------


class FormFields(HTMLParser):
    """name → value of the fields of the form with id `form_id`, as the browser would send them."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside = form_id, False
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.fields[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and a.get("name"):
            self.select, self.first_option = a["name"], None
            self.fields[self.select] = ""
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
                self.fields[self.select] = value
            if "selected" in a:
                self.fields[self.select] = value
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


# The levels of a row's decision (a level's value is its id; "" and "not_rated", which needs a
# reason, are not): the last, the lowest, is one that any points (a scored scheme) allow.
LEVEL_SELECT = re.compile(r'<select name="form-\d+-level"[^>]*>(.*?)</select>', re.S)
LEVELS = re.compile(r'<option (?:selected )?value="(\d+)">')


def lowest_level(html: str) -> str:
    select = LEVEL_SELECT.search(html)
    levels = LEVELS.findall(select.group(1)) if select else []
    return levels[-1] if levels else ""


def grid_fields(html: str) -> dict[str, str]:
    parser = FormFields("rating-grid")
    parser.feed(html)
    return parser.fields


# Users ------------------------------------------------------------------------------------------


class SiteUser(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    accounts = None

    def on_start(self):
        self.account = next(self.accounts)
        if self.account is None:
            raise RuntimeError("LOAD_USERS names no account of this kind: run benchmarks/load/setup_users.py")
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            {"username": self.account["username"], "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"login refused: {response.status_code}")
        _logins[0] += 1
        if STEADY and _logins[0] == EXPECTED_LOGINS:  # the last one: the steady state begins
            gevent.spawn_later(STEADY, self.environment.runner.quit)

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def page(self, url: str, name: str, must_contain: str = ""):
        """GET a page that must answer 200, and not the login page (a lost session)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure("sent to the login page")
            elif must_contain and must_contain not in response.text:
                response.failure(f"no {must_contain!r} in the page")
            return response

    def post(self, url: str, name: str, data: dict, files=None, expect: int = 302):
        data = {"csrfmiddlewaretoken": self.csrf(), **data}
        with self.client.post(
            url, data=data, files=files, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"status {response.status_code}, expected {expect}")
            return response


class CommitteeStaff(SiteUser):
    fixed_count = int(os.environ.get("LOAD_STAFF", "40"))
    accounts = _staff

    @task(3)
    def dashboard(self):
        self.page(f"/dashboard/{YEAR}/", "dashboard (committee)")

    @task(3)
    def api(self):
        self.page(
            f"/api/reports/{REPORT_YEAR}/?committee={self.account['committee']}",
            "API report (committee)",
            '"year"',
        )

    @task(GRID)
    def grid(self):
        self.page(f"/ratings/{YEAR}/", "rating grid", 'id="rating-grid"')

    @task(1 if GRID else 0)
    def grid_save(self):
        url = f"/ratings/{YEAR}/"
        response = self.page(url, "rating grid", 'id="rating-grid"')
        fields = grid_fields(response.text)
        clerks, ordinal = self.account.get("clerks", 1), self.account["ordinal"]
        mine = [  # the rows of this clerk's share
            int(m.group(1))
            for name in fields
            if (m := re.fullmatch(r"form-(\d+)-level", name))
            and int(fields.get(f"form-{m.group(1)}-unit") or 0) % clerks == ordinal
        ]
        if not mine:
            return
        rated = [i for i in mine if fields[f"form-{i}-level"]]
        row = random.choice(rated or mine)
        if not fields[f"form-{row}-level"]:  # nothing rated yet (the demo's 2026 is mostly empty): rate it
            fields[f"form-{row}-level"] = lowest_level(response.text)
            if fields.get(f"form-{row}-score") == "":  # a scored scheme (Quy định 366): its points too
                fields[f"form-{row}-score"] = "50"
        fields[f"form-{row}-note"] = f"Kiểm thử tải {self.account['username']} {time.time():.3f}"
        self.post(url, "rating grid: save one row", fields)

    @task(1)
    def import_preview(self):
        lines = ["Mã đơn vị,Năm,Xếp loại,Ghi chú"] + [
            f"{code},{YEAR},{random.choice(['TSVM', 'HTTNV', 'Hoàn thành nhiệm vụ'])},thử tải"
            for code in self.account["import_codes"]
        ]
        upload = self.post(
            "/imports/",
            "import: upload",
            {"kind": "ratings", "year": ""},
            files={"file": ("xep-loai.csv", ("\r\n".join(lines) + "\r\n").encode(), "text/csv")},
        )
        location = upload.headers.get("Location", "")
        if upload.status_code != 302 or "/imports/" not in location:
            return
        self.page(location, "import: preview", 'name="digest"')
        self.post(location, "import: cancel", {"cancel": "1"})


class Leader(SiteUser):
    fixed_count = int(os.environ.get("LOAD_LEADERS", "10"))
    accounts = _leaders

    @task(3)
    def dashboard(self):
        self.page(f"/dashboard/{YEAR}/", "dashboard (province)")

    @task(3)
    def api(self):
        self.page(f"/api/reports/{REPORT_YEAR}/", "API report (province)", '"year"')

    @task(1 if GRID else 0)
    def grid(self):
        code = random.choice(self.account["committees"])
        self.page(f"/ratings/{YEAR}/?committee={code}", "rating grid (read only)", 'id="rating-grid"')
