"""Time save_ratings when every rating of five synthetic committees changes level (rolled back).

    DATABASE_URL=postgres://... PYTHONPATH=. .venv/bin/python benchmarks/shared_writer_update.py [YEAR]

Needs the data set of `manage.py seed_synthetic`. YEAR (2024 by default) must be a year of a scheme
rated by level (a scheme rated by points needs each row's score too); its season is opened for the
run and everything is rolled back.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontum_party.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.models import Rating, RatingLevel, RatingScheme, RatingYear  # noqa: E402
from assessments.services import RatingChange, save_ratings  # noqa: E402
from organizations.models import Unit  # noqa: E402

YEAR = int(sys.argv[1]) if len(sys.argv) > 1 else 2024


def main():
    committees = list(Unit.objects.committees().filter(code__startswith="SYN-C")[:5])
    levels = list(RatingLevel.objects.filter(scheme=RatingScheme.objects.in_force(YEAR)).order_by("rank"))
    units = {c.pk: list(Unit.objects.filter(committee=c, tier__in=["base", "cell"])) for c in committees}
    rows = sum(len(v) for v in units.values())
    for _ in range(2):
        with transaction.atomic():
            opened = {"opened_at": timezone.now(), "is_locked": False}
            RatingYear.objects.update_or_create(year=YEAR, defaults=opened)
            start = time.perf_counter()
            for committee in committees:
                ratings = Rating.objects.filter(year=YEAR, committee=committee)
                stored = {r.unit_id: r.level_id for r in ratings}
                changes = [
                    RatingChange(unit=u, level=next(lv for lv in levels if lv.pk != stored.get(u.pk)))
                    for u in units[committee.pk]
                ]
                save_ratings(user=None, committee=committee, year=YEAR, changes=changes, channel="command")
            print(f"{rows} rows, every level changed: {time.perf_counter() - start:.2f} s")
            transaction.set_rollback(True)


if __name__ == "__main__":
    main()
