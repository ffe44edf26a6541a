"""The demo's commendations "TSVM tiêu biểu" (Hướng dẫn 21-HD/BTCTW: chosen among the grassroots
organizations rated at the best level), from 2018, when the commendation replaced the level.

Each year about a fifth of the grassroots organizations decided at the best level are commended by
the committee that decided their rating, in the same decision: the best of them by the unit's
quality, with a little chance, so that a steady core is commended five years running. 2018–2025
are written in bulk beside the bulk ratings (`demo.rows`, no audit, as those); the season in
progress (2026) through the service, as a committee would (`commend_decided`). The draws use their
own random generator, so the rest of the demo is drawn as it was.
"""

from __future__ import annotations

import random

from assessments import commendations
from assessments.models import Commendation, Rating
from demo import rows
from organizations.models import Tier

FIRST_YEAR = 2018  # Quy định 132-QĐ/TW: "tiêu biểu" is no longer a level
SHARE = 0.2  # of the organizations decided at the best level
SOURCE = "load_demo"


def _chosen(builder, year: int, ratings: list, draw: str = "") -> list:
    """The ratings (each with its `unit_id`) to commend in `year`, best first."""
    rng = random.Random(f"commendations-{year}-{draw}")
    drawn = {r.unit_id: builder.nodes[r.unit_id].quality + rng.gauss(0, 0.3) for r in ratings}
    ranked = sorted(ratings, key=lambda r: (-drawn[r.unit_id], r.unit_id))
    return ranked[: round(len(ranked) * SHARE)]


def _best_rated(year: int, **filters):
    return Rating.objects.filter(year=year, tier=Tier.BASE, level__rank=1, **filters).order_by("unit_id")


def grant_bulk(builder, years) -> None:
    """The commendations of `years` (from 2018), written in bulk with their rating's decision."""
    commended = []
    for year in sorted(y for y in years if y >= FIRST_YEAR):
        ratings = list(_best_rated(year).only("pk", "unit_id", "decision_number", "decision_date"))
        commended += [
            {"rating_id": r.pk, "decision_number": r.decision_number, "decision_date": r.decision_date}
            for r in _chosen(builder, year, ratings)
        ]
    rows.insert(Commendation, commended)


def commend_decided(builder, *, user, committee, year: int) -> None:
    """A committee's commendations of `year`, once its ratings are decided (through the service)."""
    ratings = list(_best_rated(year, committee=committee))
    for rating in _chosen(builder, year, ratings, committee.code):
        commendations.commend(
            user=user,
            rating=rating,
            decision_number=rating.decision_number,
            decision_date=rating.decision_date,
            channel="command",
            source=SOURCE,
        )
