"""The load test's figures as Markdown, from the raw response times the locustfile wrote.

    python benchmarks/load/summary.py OUT/summary.json [--goal-ms 300]

Percentiles are exact (nearest rank over every response time), per request name, then for every
request but the one-off logins, then for all. Exits 1 when a request failed or the p95 of the
requests but the logins is over the goal.
"""

import argparse
import json
import math
import statistics
import sys

LOGIN = ("login", "login page")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def row(name: str, values: list[float], failures: int, seconds: float) -> str:
    return (
        f"| {name} | {len(values):,} | {failures} | {len(values) / seconds:.1f} "
        f"| {statistics.median(values):.0f} | {percentile(values, 95):.0f} | {percentile(values, 99):.0f} "
        f"| {max(values):.0f} |"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("summary")
    parser.add_argument("--goal-ms", type=float, default=300)
    args = parser.parse_args()
    data = json.loads(open(args.summary, encoding="utf-8").read())
    samples, failures = data["samples_ms"], data["failures"]
    seconds = data["ended"] - data["started"]
    lines = [
        "| request | requests | failures | req/s | median ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in sorted(samples, key=lambda n: (n in LOGIN, -len(samples[n]))):
        lines.append(row(name, samples[name], failures.get(name, 0), seconds))
    work = [v for name, values in samples.items() if name not in LOGIN for v in values]
    every = [v for values in samples.values() for v in values]
    work_failures = sum(n for name, n in failures.items() if name not in LOGIN)
    lines.append(row("**all but the logins**", work, work_failures, seconds))
    lines.append(row("**all**", every, sum(failures.values()), seconds))
    print("\n".join(lines))
    p95 = percentile(work, 95)
    verdict = "met" if p95 < args.goal_ms and not sum(failures.values()) else "NOT met"
    failed = sum(failures.values())
    print(
        f"\nGoal (no errors, p95 < {args.goal_ms:.0f} ms for the requests but the logins): {verdict} — "
        f"{failed} failure(s), p95 {p95:.0f} ms over {len(work):,} requests in {seconds:.0f} s."
    )
    sys.exit(0 if verdict == "met" else 1)


if __name__ == "__main__":
    main()
