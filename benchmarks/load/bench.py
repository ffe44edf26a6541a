"""The load test as rows of the benchmark table (benchmarks/run.py): runs benchmarks/load/run.sh on
this process's DATABASE_URL (migrated, filled with the demo) and reads its raw response times.

Small scale: 50 users for 30 s; full: 50 users for 60 s (the goal's run). Goal: no failure and a
p95 under 300 ms of the requests begun after the last login (the logins are shown apart).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from summary import LOGIN, goal, percentile, steady_state  # noqa: E402

GOAL_MS = 300


def run(small: bool) -> list[dict]:
    out = Path(tempfile.mkdtemp(prefix="kontum-load-"))
    env = {**os.environ, "OUT": str(out), "USERS": "50", "DURATION": "30s" if small else "60s"}
    env["LOAD_DEMO_READY"] = "1"  # benchmarks/run.py made this database a copy of the seeded demo
    process = subprocess.run(
        ["bash", "benchmarks/load/run.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    sys.stdout.write(process.stdout)
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    samples, failures = data["samples"], data["failures"]
    last_login, steady = steady_state(data)
    work = [ms for values in steady.values() for ms in values]
    logins = [ms for name in LOGIN for _, ms in samples.get(name, [])]
    login_failed = sum(len(failures.get(name, [])) for name in LOGIN)
    verdict = goal(data, GOAL_MS)
    duration = env["DURATION"]
    return [
        {
            "figure": (
                f"50 users, {duration}: p95 of the {len(work):,} requests begun after the last login "
                f"(at {last_login:.0f} s; {verdict['failed']} failed in the run)"
            ),
            "value": verdict["p95"],
            "unit": "ms",
            "reference": percentile(work, 50) if work else None,
            "ratio": None,
            "goal": f"< {GOAL_MS} ms, no failure (reference: the median)",
            "met": verdict["met"],
        },
        {
            "figure": f"the {len(logins)} logins (login page and form; {login_failed} failed), p95",
            "value": percentile(logins, 95) if logins else None,
            "unit": "ms",
            "reference": None,
            "ratio": None,
            "goal": "shown apart (the password hasher's cost)",
            "met": None if not login_failed else False,
        },
    ]
