"""Time the rating grid the way a clerk meets it (issue #13.1): the GET of the largest committee's
grid (Kon Tum city, 475 units in the demo's 2015) and a save of one changed row of it, with
DEBUG off, in this process (server time: the view, its queries and its template; no network).

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/grid.py [--repeat 15] [--json]

Loads the demo first when the database has none (migrate + load_demo, in child processes with
DEBUG on, as load_demo requires). The save changes one row's note, back and forth, so no figure of
the demo moves (the note counts nowhere); each save leaves its audit record.

`run(small)` returns the figures for `benchmarks/run.py` ({figure, value, reference, goal, met});
it measures in a child process, so that DEBUG is off whatever the caller's settings.

REFERENCE holds the figures of the grid before its rewrite (commit c7c09b5), measured with this
script from a worktree of that commit (`git worktree add /tmp/grid-old c7c09b5`, then
`cp benchmarks/grid.py /tmp/grid-old/benchmarks/ && cd /tmp/grid-old && DATABASE_URL=...
/work/main/.venv/bin/python benchmarks/grid.py`) on the same machine and database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2015
COMMITTEE = "KONTUM"
BENCH_USER = "bench-grid-kontum"

# The grid before the rewrite (c7c09b5), measured with this script (median of 9) on the same
# machine (2 cores, shared) and database (PostgreSQL 15, the demo loaded at 92d5fdd), 2 Dec 2026.
# The rewrite, same conditions, the minute after: 77.3 ms (0.146 ms a row), 530,741 bytes, a save
# 59.4 ms; the member grid 36.8 ms, 117,161 bytes. (Issue #13 quotes 739 ms for the old GET on a
# quieter machine; on a loaded one every figure is 2-5 times higher.)
REFERENCE = {
    "get_ms": 1547.2,
    "ms_per_row": 2.93,
    "html_bytes": 1_345_482,
    "save_ms": 371.0,
    "member_get_ms": 553.0,
    "member_html_bytes": 402_184,
}
GOALS = {"ms_per_row": 0.15, "html_share": 0.40, "save_ms": 100.0, "get_ms": 100.0}


# Measuring (in a process whose settings have DEBUG off) ----------------------------------------------


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontum_party.settings")
    os.environ["DEBUG"] = "False"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret-" + "x" * 32)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)  # the request log's line per request


def _load_demo_if_needed():
    from organizations.models import Unit

    try:
        if Unit.objects.filter(code=COMMITTEE).exists():
            return
    except Exception:  # noqa: BLE001 - no tables yet
        pass
    env = {**os.environ, "DEBUG": "True"}
    for command in (["migrate", "-v0"], ["load_demo"]):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], check=True, env=env)


def _open_year():
    """The year must be open for entry (a season opened by provincial staff, where the code has
    seasons) and not locked; the benchmark's committee in draft."""
    from assessments.models import RatingYear

    fields = {f.name for f in RatingYear._meta.get_fields()}
    if "opened_at" in fields:
        from django.utils import timezone

        season, _ = RatingYear.objects.get_or_create(year=YEAR)
        if season.opened_at is None or season.is_locked:  # the demo locks its past years
            season.opened_at, season.is_locked = season.opened_at or timezone.now(), False
            season.save(update_fields=["opened_at", "is_locked"])


class _Form(HTMLParser):
    """What a browser posts from the form with `form_id`: every enabled named control's value."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields, self.select = form_id, False, {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("checkbox", "submit", "button"):
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.fields.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def posted(html: str, form_id: str) -> dict:
    parser = _Form(form_id)
    parser.feed(html)
    return parser.fields


def _median_ms(action, repeat) -> tuple[float, float]:
    """(median wall ms, median ms of this process's CPU) of `action`: on a machine shared with
    other work the wall time waits for the cores; the CPU time is the page's own Python (its SQL
    runs in the database server's process)."""
    action()  # warm-up: templates compiled, caches filled
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), statistics.median(cpu)


def measure(repeat: int) -> dict:
    _setup()
    _load_demo_if_needed()
    _open_year()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Role, User
    from organizations.models import Unit

    assert not settings.DEBUG
    committee = Unit.objects.get(code=COMMITTEE)
    # Provincial staff: the demo's Kon Tum city ended in 2025 (the province's reorganization), so
    # its own staff read its 2015 grid only; provincial staff still correct it, through the same
    # page (`?committee=`), its every input enabled.
    user, _ = User.objects.update_or_create(
        username=BENCH_USER,
        defaults={"role": Role.PROVINCE_STAFF, "committee": None, "is_active": True},
    )
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    url = f"{reverse('assessments:rating-grid', args=[YEAR])}?committee={COMMITTEE}"
    members_url = f"{reverse('assessments:member-grid', args=[YEAR])}?committee={COMMITTEE}"

    def get(address):
        response = client.get(address)
        assert response.status_code == 200, response.status_code
        return response

    page = get(url)
    rows = Unit.objects.to_rate(YEAR, committee=committee).count()
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        get(url)
    get_ms, get_cpu_ms = _median_ms(lambda: get(url), repeat)
    member_page = get(members_url)
    member_get_ms, _cpu = _median_ms(lambda: get(members_url), repeat)

    body = posted(page.content.decode(), "rating-grid")
    note = next(name for name in body if name.endswith("-note"))
    notes = ["benchmark note A", "benchmark note B"]
    turn = [0]

    def save():
        # A fresh page each time (the version moves with every save), then one changed note.
        data = posted(get(url).content.decode(), "rating-grid")
        turn[0] += 1
        data[note] = notes[turn[0] % 2]
        body = urlencode(data)  # as a browser posts a form (the test client's default is multipart)
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        elapsed = (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000
        assert response.status_code == 302, (response.status_code, response.content[:2000])
        return elapsed

    save()  # warm-up
    saves = [save() for _ in range(repeat)]
    save_ms = statistics.median(wall for wall, _cpu in saves)
    save_cpu_ms = statistics.median(cpu for _wall, cpu in saves)
    return {
        "rows": rows,
        "repeat": repeat,
        "database": connection.vendor,
        "load_average": os.getloadavg()[0],
        "get_ms": round(get_ms, 1),
        "get_cpu_ms": round(get_cpu_ms, 1),
        "save_cpu_ms": round(save_cpu_ms, 1),
        "ms_per_row": round(get_ms / rows, 3),
        "html_bytes": len(page.content),
        "queries": len(queries),
        "save_ms": round(save_ms, 1),
        "member_rows": Unit.objects.to_rate(YEAR, committee=committee, tiers=("base",)).count(),
        "member_get_ms": round(member_get_ms, 1),
        "member_html_bytes": len(member_page.content),
    }


# Reporting ----------------------------------------------------------------------------------------------


def _met(value, goal, *, at_most=True):
    return None if value is None or goal is None else (value <= goal if at_most else value >= goal)


def figures(result: dict) -> list[dict]:
    """The rows `benchmarks/run.py` prints: {figure, value, reference, goal, met}."""
    ref = REFERENCE
    html_goal = round(ref["html_bytes"] * GOALS["html_share"]) if ref["html_bytes"] else None
    rows = result["rows"]
    return [
        {
            "figure": f"rating grid GET, Kon Tum city {YEAR} ({rows} units), ms",
            "value": result["get_ms"],
            "reference": ref["get_ms"],
            "goal": f"< {GOALS['get_ms']:.0f}",
            "met": _met(result["get_ms"], GOALS["get_ms"]),
        },
        {
            "figure": "rating grid GET, ms per row",
            "value": result["ms_per_row"],
            "reference": ref["ms_per_row"],
            "goal": f"<= {GOALS['ms_per_row']}",
            "met": _met(result["ms_per_row"], GOALS["ms_per_row"]),
        },
        {
            "figure": "rating grid HTML, bytes",
            "value": result["html_bytes"],
            "reference": ref["html_bytes"],
            "goal": f"<= {html_goal} (40% of the reference)" if html_goal else "<= 40% of the reference",
            "met": _met(result["html_bytes"], html_goal),
        },
        {
            "figure": f"save of one changed row of the {rows}-unit grid, ms",
            "value": result["save_ms"],
            "reference": ref["save_ms"],
            "goal": f"< {GOALS['save_ms']:.0f}",
            "met": _met(result["save_ms"], GOALS["save_ms"]),
        },
        {
            "figure": (
                f"the same GET / save, this process's CPU alone, ms "
                f"(load average {result['load_average']:.1f})"
            ),
            "value": f"{result['get_cpu_ms']:.0f} / {result['save_cpu_ms']:.0f}",
            "reference": None,
            "goal": "",
            "met": None,
        },
        {
            "figure": f"member grid GET ({result['member_rows']} organizations), ms",
            "value": result["member_get_ms"],
            "reference": ref["member_get_ms"],
            "goal": "",
            "met": None,
        },
        {
            "figure": "member grid HTML, bytes",
            "value": result["member_html_bytes"],
            "reference": ref["member_html_bytes"],
            "goal": "",
            "met": None,
        },
    ]


def run(small: bool) -> list[dict]:
    """The grid's figures, measured in a child process (DEBUG off); `small`: fewer repetitions."""
    command = [sys.executable, str(Path(__file__).resolve()), "--json", "--repeat", "5" if small else "15"]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return figures(json.loads(out.stdout.strip().splitlines()[-1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print the raw measurements as one JSON line")
    args = parser.parse_args()
    result = measure(args.repeat)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['database']}, {result['rows']} units, median of {result['repeat']} runs, "
        f"{result['queries']} queries per GET\n"
    )
    print("| figure | value | reference (before) | goal | met |\n| --- | ---: | ---: | --- | --- |")
    for row in figures(result):
        met = {True: "yes", False: "no", None: ""}[row["met"]]
        reference = "" if row["reference"] is None else row["reference"]
        print(f"| {row['figure']} | {row['value']} | {reference} | {row['goal']} | {met} |")


if __name__ == "__main__":
    main()
