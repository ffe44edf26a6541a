"""The load test's figures as Markdown, from the raw response times the locustfile wrote.

    python benchmarks/load/summary.py OUT/summary.json [--goal-ms 300]

Percentiles are exact (nearest rank over every response time), per request name, then for every
request but the one-off logins, then for all. A second table covers the steady state: the
requests that ended after the last login (while 50 users log in within 5 s, the password hasher
holds the workers). Exits 1 when a request failed or the p95 of the whole run's requests but the
logins is not under the goal.
"""

import argparse
import json
import math
import statistics
import sys

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("summary")
    parser.add_argument("--goal-ms", type=float, default=300)
    args = parser.parse_args()
    data = json.loads(open(args.summary, encoding="utf-8").read())
    failed_at = data["failures"]  # name -> [seconds since the start]
    failures = {name: len(times) for name, times in failed_at.items()}
    timed = data["samples"]  # name -> [(seconds since the start, ms)]
    seconds = data["ended"] - data["started"]
    whole = {name: [ms for _, ms in values] for name, values in timed.items()}
    lines, work = table(whole, failures, seconds)
    print("\n".join(lines))

    last_login = max((t for name in LOGIN for t, _ in timed.get(name, [])), default=0.0)
    steady = {
        name: [ms for t, ms in values if t > last_login]
        for name, values in timed.items()
        if name not in LOGIN
    }
    if any(steady.values()):
        steady_failures = {name: sum(t > last_login for t in times) for name, times in failed_at.items()}
        steady_lines, steady_work = table(steady, steady_failures, seconds - last_login, logins=False)
        print(
            f"\nSteady state: the {len(steady_work):,} requests that ended after the last login "
            f"(at {last_login:.0f} s):\n"
        )
        print("\n".join(steady_lines))

    p95, failed = percentile(work, 95), sum(failures.values())
    verdict = "met" if p95 < args.goal_ms and not failed else "NOT met"
    print(
        f"\nGoal (no errors, p95 < {args.goal_ms:.0f} ms for the requests but the logins): {verdict} — "
        f"{failed} failure(s), p95 {p95:.0f} ms over {len(work):,} requests in {seconds:.0f} s."
    )
    sys.exit(0 if verdict == "met" else 1)


if __name__ == "__main__":
    main()
