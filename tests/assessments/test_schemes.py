"""The regulations as data: each year's scheme named by its regulation, and the 100-point bands of
Quy định 366-QĐ/TW at their edges."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from assessments.models import Rating, RatingScheme
from assessments.models.schemes import band_error, best_level_allowed
from tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (their msgids)."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("year", "regulation"),
    [
        (2014, "Hướng dẫn 27-HD/BTCTW"),
        (2017, "Hướng dẫn 27-HD/BTCTW"),
        (2018, "Quy định 132-QĐ/TW"),
        (2022, "Quy định 132-QĐ/TW"),
        (2023, "Quy định 124-QĐ/TW"),
        (2024, "Quy định 124-QĐ/TW"),
        (2025, "Quy định 366-QĐ/TW"),
        (2026, "Quy định 366-QĐ/TW"),
    ],
)
def test_each_year_is_rated_under_the_scheme_of_its_regulation(year, regulation):
    scheme = RatingScheme.objects.in_force(year)
    assert scheme.regulation == regulation
    assert str(scheme).startswith(regulation)


def test_only_the_366_scheme_scores():
    assert [s.regulation for s in RatingScheme.objects.filter(scored=True)] == ["Quy định 366-QĐ/TW"]


class Result:
    def __init__(self, score, on_time=True, done=True, exceeded=30, late=0, disciplined=False):
        self.score = None if score is None else Decimal(str(score))
        self.tasks_on_time, self.tasks_all_done = on_time, done
        self.tasks_exceeded_percent, self.tasks_late_percent, self.disciplined = exceeded, late, disciplined


def allowed(result) -> str:
    return best_level_allowed(RatingScheme.objects.in_force(2025).ordered_levels, result).code


@pytest.mark.parametrize(
    ("score", "code"),
    [
        (100, "HTXSNV"),
        (90, "HTXSNV"),
        (89.9, "HTTNV"),
        (70, "HTTNV"),
        (69.9, "HTNV"),
        (50, "HTNV"),
        (49.9, "KHTNV"),
    ],
)
def test_the_band_of_a_score_with_every_condition_met(score, code):
    assert allowed(Result(score)) == code


@pytest.mark.parametrize(
    ("result", "code"),
    [
        (Result(95, on_time=False), "HTNV"),  # not every task on time: neither of the two top bands
        (Result(95, exceeded=29), "HTTNV"),  # fewer than 30% of tasks exceeded
        (Result(95, disciplined=True), "HTTNV"),  # a member disciplined
        (Result(95, disciplined=None), "HTTNV"),  # not said: the top band cannot be claimed
        (Result(60, done=False), "KHTNV"),  # a task not done
        (Result(60, late=21), "KHTNV"),  # more than 20% late
        (Result(60, late=20), "HTNV"),
    ],
)
def test_the_conditions_of_the_bands(result, code):
    assert allowed(result) == code


def test_a_level_above_the_band_is_refused_with_the_band_named():
    levels = RatingScheme.objects.in_force(2025).ordered_levels
    chosen = next(level for level in levels if level.code == "HTXSNV")
    message = band_error(levels, chosen, Result(72))
    assert message.startswith("72 points") and message.endswith("at most Hoàn thành tốt nhiệm vụ.")


def test_a_level_below_the_band_is_allowed():
    levels = RatingScheme.objects.in_force(2025).ordered_levels
    lowest = next(level for level in levels if level.code == "HTNV")
    assert band_error(levels, lowest, Result(95)) is None


@pytest.fixture
def unit():
    return b.base_org(b.committee("A"), "A-001")


def rating_2025(unit, code, **fields):
    return Rating(
        unit=unit,
        year=2025,
        committee_id=unit.committee_id,
        tier=unit.tier,
        level=b.level(2025, code),
        **fields,
    )


def test_a_scored_year_needs_a_score(unit):
    with pytest.raises(ValidationError) as error:
        rating_2025(unit, "HTTNV").validate_for(RatingScheme.objects.in_force(2025))
    assert "score" in error.value.message_dict


def test_a_rating_above_its_band_is_refused_by_the_model(unit):
    rating = rating_2025(
        unit,
        "HTXSNV",
        score=Decimal("89.9"),
        tasks_on_time=True,
        tasks_exceeded_percent=40,
        disciplined=False,
    )
    with pytest.raises(ValidationError) as error:
        rating.validate_for(RatingScheme.objects.in_force(2025))
    assert "at most Hoàn thành tốt nhiệm vụ" in error.value.message_dict["level"][0]


def test_the_score_is_the_sum_of_its_parts(unit):
    right = rating_2025(
        unit,
        "HTNV",
        score=Decimal(55),
        score_general=Decimal(20),
        score_tasks=Decimal(35),
        tasks_all_done=True,
        tasks_late_percent=0,
    )
    right.validate_for(RatingScheme.objects.in_force(2025))
    wrong = rating_2025(unit, "HTNV", score=Decimal(60), score_general=Decimal(20), score_tasks=Decimal(35))
    with pytest.raises(ValidationError) as error:
        wrong.validate_for(RatingScheme.objects.in_force(2025))
    assert "score" in error.value.message_dict
