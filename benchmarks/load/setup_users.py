"""Create the load test's accounts, and write what the locustfile needs to know about them.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/load/setup_users.py \
        --password SECRET --out users.json [--staff 40 --leaders 10 --committees 15 --year 2026]

The year is the season being worked on (`seasons.working_year`: the demo's open 2026) unless
given. Committee staff `load01…` are spread (round robin) over the `--committees` largest
committees whose staff may still enter that year's data (`policy.check_can_edit`: the season
open, the committee in draft and not dissolved — the demo's 2015 committees all ended in 2025, so
their staff only read), two or three clerks each; leaders `lead01…` read the whole province.
Every account gets the same password (hashed once: the hasher's cost is for logging in, not for
making 50 accounts). Run again: accounts are updated.
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontum_party.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.exceptions import PermissionDenied  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from assessments import seasons  # noqa: E402
from assessments.policy import EditRefused, check_can_edit  # noqa: E402
from organizations.models import Tier, Unit  # noqa: E402

IMPORT_ROWS = 5  # units in each user's import file


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--password", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--staff", type=int, default=40)
    parser.add_argument("--leaders", type=int, default=10)
    parser.add_argument("--committees", type=int, default=15)
    parser.add_argument("--year", type=int, default=None)
    args = parser.parse_args()
    year = args.year or seasons.working_year()
    # The API's year: the latest closed season (the API's default; a committee that has entered
    # nothing yet for the open season has no report of it: 404).
    report_year = seasons.latest_closed() or year

    committees = editable_committees(year)[: args.committees]
    if not committees:
        sys.exit(
            f"No committee can enter {year}'s data: load the demo first (DEBUG=True manage.py load_demo)."
        )
    hashed = make_password(args.password)
    accounts = []
    with transaction.atomic():
        for i in range(args.staff):
            committee = committees[i % len(committees)]
            user, _ = User.objects.update_or_create(
                username=f"load{i + 1:02d}",
                defaults={"role": Role.COMMITTEE_STAFF, "committee": committee, "password": hashed},
            )
            units = list(
                Unit.objects.for_user(user)
                .filter(tier__in=[Tier.BASE, Tier.CELL])
                .active_in(year)
                .order_by("code")
                .values_list("code", flat=True)
            )
            ordinal = i // len(committees)  # the account's rank among its committee's clerks
            start = (ordinal * IMPORT_ROWS) % max(len(units) - IMPORT_ROWS, 1)
            accounts.append(
                {
                    "username": user.username,
                    "year": year,
                    "report_year": report_year,
                    "role": "staff",
                    "committee": committee.code,
                    "ordinal": ordinal,
                    # How many clerks the committee has: each saves its own share of the rows.
                    "clerks": len(range(i % len(committees), args.staff, len(committees))),
                    "import_codes": units[start : start + IMPORT_ROWS],
                }
            )
        for i in range(args.leaders):
            user, _ = User.objects.update_or_create(
                username=f"lead{i + 1:02d}",
                defaults={"role": Role.LEADER, "committee": None, "password": hashed},
            )
            accounts.append(
                {
                    "username": user.username,
                    "year": year,
                    "report_year": report_year,
                    "role": "leader",
                    "committees": [c.code for c in committees],
                }
            )
    Path(args.out).write_text(json.dumps(accounts, ensure_ascii=False, indent=1), encoding="utf-8")
    sizes = ", ".join(f"{c.code} {Unit.objects.to_rate(year, committee=c).count()}" for c in committees)
    print(
        f"{year} (API: {report_year}): {args.staff} committee staff over {len(committees)} committees "
        f"(units: {sizes}), {args.leaders} leaders → {args.out}"
    )


def editable_committees(year: int) -> list:
    """The committees whose staff may enter `year`'s data now, the largest first."""
    found = []
    for committee in Unit.objects.committees().active_in(year):
        try:
            check_can_edit(
                user=User(role=Role.COMMITTEE_STAFF, committee=committee), committee=committee, year=year
            )
        except (EditRefused, PermissionDenied):
            continue
        found.append((Unit.objects.to_rate(year, committee=committee).count(), committee.code, committee))
    return [committee for _count, _code, committee in sorted(found, key=lambda f: (-f[0], f[1]))]


if __name__ == "__main__":
    main()
