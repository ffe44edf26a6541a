"""Time save_ratings when every rating of five synthetic committees changes level (rolled back).

    DATABASE_URL=postgres://... PYTHONPATH=. .venv/bin/python benchmarks/shared_writer_update.py

Needs the data set of `manage.py seed_synthetic` (year 2025).
"""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontum_party.settings")
django.setup()

from django.db import transaction  # noqa: E402

from assessments.models import Rating, RatingLevel, RatingScheme  # noqa: E402
from assessments.services import RatingChange, save_ratings  # noqa: E402
from organizations.models import Unit  # noqa: E402

YEAR = 2025


def main():
    committees = list(Unit.objects.committees().filter(code__startswith="SYN-C")[:5])
    levels = list(RatingLevel.objects.filter(scheme=RatingScheme.objects.in_force(YEAR)).order_by("rank"))
    units = {c.pk: list(Unit.objects.filter(committee=c, tier__in=["base", "cell"])) for c in committees}
    rows = sum(len(v) for v in units.values())
    for _ in range(2):
        with transaction.atomic():
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
