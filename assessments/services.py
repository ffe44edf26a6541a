"""Writes that touch ratings. Every channel (form, import, admin, command) goes through here."""

import datetime

from django.db import transaction

from assessments.models import Rating, RatingLevel
from organizations.models import Unit


@transaction.atomic
def record_rating(
    *,
    unit: Unit,
    year: int,
    level: RatingLevel | None,
    not_rated_reason: str = "",
    note: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    by=None,
) -> Rating:
    """Create or change the rating of `unit` for `year`; level None means "not rated"."""
    rating = Rating.objects.select_for_update().filter(unit=unit, year=year).first()
    if rating is None:
        # Counted under the unit's committee at the time of rating, for good.
        rating = Rating(unit=unit, year=year, committee_id=unit.committee_id, tier=unit.tier, version=0)
    rating.level = level
    rating.not_rated = level is None
    rating.not_rated_reason = not_rated_reason if level is None else ""
    rating.note = note
    rating.decision_number = decision_number
    rating.decision_date = decision_date
    rating.changed_by = by
    rating.version += 1
    rating.full_clean()
    rating.save()
    return rating
