"""The models of ratings and their season, one module per concept; everything is importable from
`assessments.models` (migrations and other apps refer to them by this name)."""

from assessments.models.audit import AuditEntry, Channel
from assessments.models.commendations import Commendation
from assessments.models.ratings import (
    MEMBER_COUNT_MAX,
    MEMBER_FIELDS,
    MEMBER_LEVEL_FIELDS,
    MEMBER_RATED_FIELDS,
    SCORE_FIELDS,
    MemberStats,
    Rating,
)
from assessments.models.schemes import (
    MAX_YEAR,
    MIN_YEAR,
    RatingLevel,
    RatingScheme,
    SubordinateRule,
    year_validators,
)
from assessments.models.season import RatingYear, Status, Submission
from assessments.models.tally import RatingTally
from assessments.models.targets import (
    Comparator,
    CountedAs,
    CountedLevel,
    Denominator,
    Metric,
    Resolution,
    Target,
)

__all__ = [
    "MAX_YEAR",
    "MEMBER_COUNT_MAX",
    "MEMBER_FIELDS",
    "MEMBER_LEVEL_FIELDS",
    "MEMBER_RATED_FIELDS",
    "MIN_YEAR",
    "SCORE_FIELDS",
    "AuditEntry",
    "Channel",
    "Commendation",
    "Comparator",
    "CountedAs",
    "CountedLevel",
    "Denominator",
    "MemberStats",
    "Metric",
    "Rating",
    "RatingLevel",
    "Resolution",
    "RatingScheme",
    "RatingTally",
    "RatingYear",
    "Status",
    "SubordinateRule",
    "Submission",
    "Target",
    "year_validators",
]
