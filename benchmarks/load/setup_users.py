"""Create the load test's accounts, and write what the locustfile needs to know about them.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/load/setup_users.py \
        --password SECRET --out users.json [--staff 40 --leaders 10 --year 2015]

Committee staff `load01…` are spread over the committees of the year (round robin), leaders
`lead01…` read the whole province. Every account gets the same password (hashed once: the
hasher's cost is for logging in, not for making 50 accounts). Run again: accounts are updated.
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
from django.db import transaction  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from organizations.models import Tier, Unit  # noqa: E402

IMPORT_ROWS = 5  # units in each user's import file


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--password", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--staff", type=int, default=40)
    parser.add_argument("--leaders", type=int, default=10)
    parser.add_argument("--year", type=int, default=2015)
    args = parser.parse_args()

    committees = list(Unit.objects.committees().active_in(args.year).order_by("code"))
    if not committees:
        sys.exit("No committees: load the demo first (DEBUG=True manage.py load_demo).")
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
                .active_in(args.year)
                .order_by("code")
                .values_list("code", flat=True)
            )
            ordinal = i // len(committees)  # the account's rank among its committee's clerks
            start = (ordinal * IMPORT_ROWS) % max(len(units) - IMPORT_ROWS, 1)
            accounts.append(
                {
                    "username": user.username,
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
                {"username": user.username, "role": "leader", "committees": [c.code for c in committees]}
            )
    Path(args.out).write_text(json.dumps(accounts, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"{args.staff} committee staff over {len(committees)} committees, {args.leaders} leaders → {args.out}"
    )


if __name__ == "__main__":
    main()
