"""The load test's figures as Markdown, from the raw response times the locustfile wrote.

    python benchmarks/load/summary.py OUT/summary.json [--goal-ms 300] [--server-log OUT/server.log]

Percentiles are exact (nearest rank over every response time), per request name, then for every
request but the one-off logins, then for all. A second table covers the steady state: the
requests begun after the last login ended — the goal's p95 is theirs. While 50 users log in, the
password hasher holds the workers for 10–15 s and every other request queues behind it; counting
the requests that merely *ended* after the last login (as this did until 2 Dec 2026) put that
queue's 4-second tail into the first five seconds of the steady state (its p95 there ≈ 4 s, after
it ≈ 300 ms), the logins' cost again rather than the steady load's. With the server's request
log, a third table: the time each kind of request spent inside a worker (the app's own cost)
beside its share of the workers' time — what the client waited beyond that was the queue (a
saturated machine, or too few workers). Exits 1 when a request failed or the p95 after the last
login is not under the goal.
"""

import argparse
import json
import math
import re
import statistics
import sys
from collections import defaultdict

LOGIN = ("login", "login page")
HEADER = [
    "| request | requests | failures | req/s | median ms | p95 ms | p99 ms | max ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def row(name: str, values: list[float], failures, seconds: float) -> str:
    return (
        f"| {name} | {len(values):,} | {failures} | {len(values) / seconds:.1f} "
        f"| {statistics.median(values):.0f} | {percentile(values, 95):.0f} | {percentile(values, 99):.0f} "
        f"| {max(values):.0f} |"
    )


def table(
    samples: dict, failures: dict, seconds: float, logins: bool = True
) -> tuple[list[str], list[float]]:
    """Rows per request name, then the totals (with and without the logins)."""
    lines = list(HEADER)
    names = [n for n in samples if samples[n]]
    for name in sorted(names, key=lambda n: (n in LOGIN, -len(samples[n]))):
        lines.append(row(name, samples[name], failures.get(name, 0), seconds))
    work = [v for name in names if name not in LOGIN for v in samples[name]]
    failed = sum(failures.get(n, 0) for n in names if n not in LOGIN)
    lines.append(row("**all but the logins**" if logins else "**all**", work, failed, seconds))
    if logins:
        every = [v for name in names for v in samples[name]]
        lines.append(row("**all**", every, sum(failures.get(n, 0) for n in names), seconds))
    return lines, work


def worker_table(path: str) -> list[str]:
    """Time inside the workers by request (method and path, numbers as <n>), from the JSON lines
    of the request log (`kontum_party.requests`: duration_ms)."""
    times = defaultdict(list)
    for line in open(path, encoding="utf-8", errors="replace"):
        if '"duration_ms"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        path_shape = re.sub(r"/(?:\d+|[A-Za-z0-9_-]{16,})(?=/)", "/<n>", entry.get("path", ""))
        times[f"{entry.get('method', '')} {path_shape}"].append(float(entry["duration_ms"]))
    total = sum(sum(v) for v in times.values()) or 1.0
    lines = [
        "| request (in the worker) | n | median ms | p95 ms | worker time s | share |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, values in sorted(times.items(), key=lambda item: -sum(item[1])):
        lines.append(
            f"| {name} | {len(values):,} | {statistics.median(values):.0f} | {percentile(values, 95):.0f} "
            f"| {sum(values) / 1000:.1f} | {sum(values) / total:.0%} |"
        )
    return lines


def steady_state(data: dict) -> tuple[float, dict[str, list[float]]]:
    """(when the last login ended, in seconds from the start; the response times of the requests
    but the logins begun after it, by name)."""
    timed = data["samples"]  # name -> [(seconds since the start when it ended, ms)]
    last_login = max((t for name in LOGIN for t, _ in timed.get(name, [])), default=0.0)
    steady = {name: [ms for t, ms in values if t - ms / 1000 >= last_login] for name, values in timed.items()}
    steady = {name: values for name, values in steady.items() if name not in LOGIN}
    return last_login, steady


def goal(data: dict, goal_ms: float = 300) -> dict:
    """The goal's verdict: no failure in the whole run (logins included) and a p95 under `goal_ms`
    of the requests after the last login (none after it: not met)."""
    _last, steady = steady_state(data)
    work = [ms for values in steady.values() for ms in values]
    failed = sum(len(times) for times in data["failures"].values())
    p95 = percentile(work, 95) if work else None
    met = bool(work) and p95 < goal_ms and not failed
    return {"p95": p95, "requests": len(work), "failed": failed, "met": met}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("summary")
    parser.add_argument("--goal-ms", type=float, default=300)
    parser.add_argument("--server-log", help="the server's request log, for the time inside the workers")
    args = parser.parse_args()
    data = json.loads(open(args.summary, encoding="utf-8").read())
    failed_at = data["failures"]  # name -> [seconds since the start]
    failures = {name: len(times) for name, times in failed_at.items()}
    timed = data["samples"]
    seconds = data["ended"] - data["started"]
    whole = {name: [ms for _, ms in values] for name, values in timed.items()}
    lines, _work = table(whole, failures, seconds)
    print("\n".join(lines))

    last_login, steady = steady_state(data)
    if any(steady.values()):
        steady_failures = {name: sum(t > last_login for t in times) for name, times in failed_at.items()}
        steady_lines, steady_work = table(steady, steady_failures, seconds - last_login, logins=False)
        print(
            f"\nSteady state: the {len(steady_work):,} requests begun after the last login ended "
            f"(at {last_login:.0f} s):\n"
        )
        print("\n".join(steady_lines))

    if args.server_log:
        print("\nInside the workers (the server's request log, the whole run):\n")
        print("\n".join(worker_table(args.server_log)))

    verdict = goal(data, args.goal_ms)
    p95 = "—" if verdict["p95"] is None else f"{verdict['p95']:.0f} ms"
    print(
        f"\nGoal (no failure in the run, p95 < {args.goal_ms:.0f} ms after the last login): "
        f"{'met' if verdict['met'] else 'NOT met'} — {verdict['failed']} failure(s), p95 {p95} over the "
        f"{verdict['requests']:,} requests begun after the last login "
        f"(at {last_login:.0f} s of {seconds:.0f} s)."
    )
    sys.exit(0 if verdict["met"] else 1)


if __name__ == "__main__":
    main()
