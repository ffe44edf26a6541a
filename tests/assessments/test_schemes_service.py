"""add_scheme: a scheme for a future regulation, after every year rated or opened, closing the
open-ended scheme before it; refused whole (nothing written) with messages by field."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import AuditEntry, RatingLevel, RatingScheme, RatingYear
from assessments.schemes_service import LevelSpec, add_scheme
from tests import builders as b

pytestmark = pytest.mark.django_db

LEVELS = [
    LevelSpec(
        code="XS", name="Hoàn thành xuất sắc nhiệm vụ", abbreviation="HTXSNV", rank=1, min_score=Decimal(90)
    ),
    LevelSpec(code="T", name="Hoàn thành tốt nhiệm vụ", abbreviation="HTTNV", rank=2, min_score=Decimal(70)),
    LevelSpec(code="HT", name="Hoàn thành nhiệm vụ", abbreviation="HTNV", rank=3, min_score=Decimal(50)),
    LevelSpec(code="K", name="Không hoàn thành nhiệm vụ", abbreviation="KHTNV", rank=4),
]


def add(user, **changes):
    arguments = {
        "user": user,
        "code": "QD-2031",
        "name": "Quy định 2031",
        "regulation": "Quy định 999-QĐ/TW",
        "regulation_date": None,
        "guidance": "",
        "valid_from": 2031,
        "scored": True,
        "three_steps": True,
        "description": "",
        "member_excellent_cap": 20,
        "levels": LEVELS,
        **changes,
    }
    return add_scheme(**arguments)


def written():
    return (
        sorted(RatingScheme.objects.values_list("code", "valid_from", "valid_to")),
        RatingLevel.objects.count(),
        AuditEntry.objects.count(),
    )


def messages(refused) -> str:
    return " ".join(m for ms in refused.value.message_dict.values() for m in ms)


def test_it_adds_a_2031_scheme_and_closes_366_at_2030(province_staff):
    current = RatingScheme.objects.in_force(2030)
    assert current.valid_to is None
    scheme = add(province_staff)
    assert RatingScheme.objects.in_force(2031) == scheme
    assert RatingScheme.objects.in_force(2030) == current
    current.refresh_from_db()
    assert current.valid_to == 2030 and scheme.valid_to is None
    assert [lv.abbreviation for lv in scheme.ordered_levels] == ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]


def test_it_audits_the_new_scheme_and_the_closing(province_staff):
    current = RatingScheme.objects.in_force(2030)
    add(province_staff)
    added = AuditEntry.objects.get(action="scheme.add")
    assert added.user == province_staff and added.source == "QD-2031"
    assert added.changes["valid_from"] == [None, 2031]
    assert [lv["code"] for lv in added.changes["levels"][1]] == ["XS", "T", "HT", "K"]
    closed = AuditEntry.objects.get(action="scheme.close")
    assert closed.source == current.code and closed.changes == {"valid_to": [None, 2030]}


def test_it_refuses_a_year_with_ratings(province_staff, committee_a):
    b.rate(b.unit("A-001"), 2026, None)
    RatingYear.objects.filter(year=2026).update(opened_at=None)  # the rating alone refuses
    before = written()
    with pytest.raises(ValidationError) as refused:
        add(province_staff, valid_from=2026)
    assert "2026" in messages(refused) and "2027" in messages(refused)
    assert "valid_from" in refused.value.message_dict
    assert written() == before


def test_it_refuses_a_year_with_member_statistics(province_staff, committee_a):
    b.member_stats(b.unit("A-001"), 2031, members=10, completed=10)
    with pytest.raises(ValidationError) as refused:
        add(province_staff)
    assert "2031" in messages(refused)


def test_a_later_year_than_the_last_rated_is_accepted(province_staff, committee_a):
    b.rate(b.unit("A-001"), 2015, "TSVM")
    assert add(province_staff).valid_from == 2031


def test_it_refuses_a_year_whose_season_is_opened(province_staff):
    b.season(2032)
    with pytest.raises(ValidationError) as refused:
        add(province_staff)
    assert "2032" in messages(refused) and "2033" in messages(refused)


def test_a_season_row_not_opened_does_not_count(province_staff):
    RatingYear.objects.create(year=2031, opened_at=None)
    assert add(province_staff).valid_from == 2031


def test_it_refuses_a_leader(leader):
    before = written()
    with pytest.raises(PermissionDenied):
        add(leader)
    assert written() == before


def test_it_refuses_duplicate_level_codes_writing_nothing(province_staff):
    levels = [*LEVELS[:3], LevelSpec(code="xs", name="Không hoàn thành", abbreviation="KHT", rank=4)]
    before = written()
    with pytest.raises(ValidationError) as refused:
        add(province_staff, levels=levels)
    assert "xs" in messages(refused) and "levels" in refused.value.message_dict
    assert written() == before


def test_it_refuses_ranks_that_are_not_one_to_n(province_staff):
    levels = [LEVELS[0], LevelSpec(code="T", name="Tốt", abbreviation="T", rank=3)]
    with pytest.raises(ValidationError) as refused:
        add(province_staff, levels=levels)
    assert "levels" in refused.value.message_dict


def test_it_refuses_one_level_or_nine(province_staff):
    for levels in (
        LEVELS[:1],
        [LevelSpec(code=f"L{i}", name="x", abbreviation="x", rank=i) for i in range(1, 10)],
    ):
        with pytest.raises(ValidationError):
            add(province_staff, levels=levels, scored=False)


def test_it_refuses_a_minimum_score_in_a_scheme_without_scores(province_staff):
    with pytest.raises(ValidationError) as refused:
        add(province_staff, scored=False)
    assert "levels" in refused.value.message_dict


def test_it_refuses_a_minimum_score_above_100(province_staff):
    levels = [LevelSpec(code="XS", name="x", abbreviation="x", rank=1, min_score=Decimal("100.5")), LEVELS[3]]
    levels[1] = LevelSpec(code="K", name="y", abbreviation="y", rank=2)
    with pytest.raises(ValidationError):
        add(province_staff, levels=levels)


def test_it_refuses_a_code_already_used(province_staff):
    code = RatingScheme.objects.in_force(2030).code
    with pytest.raises(ValidationError) as refused:
        add(province_staff, code=code)
    assert "code" in refused.value.message_dict


def test_it_refuses_a_year_not_after_the_latest_scheme(province_staff):
    latest = RatingScheme.objects.in_force(2030)
    with pytest.raises(ValidationError) as refused:
        add(province_staff, valid_from=latest.valid_from)
    assert "valid_from" in refused.value.message_dict
