"""The demo as generated: its arithmetic, the tree on each date, the figures it must reproduce,
the 2025 reorganization and its lineage, the scored ratings, the seasons and the accounts.

The demo is loaded once for this module (inside a transaction rolled back at the end); each test
only reads it. Its determinism and the command are tested in test_load_demo.py.
"""

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import F

from accounts.models import Role, User
from assessments.models import MemberStats, Rating, RatingScheme, RatingYear, Status, Submission
from assessments.models.schemes import band_error, best_level_allowed
from assessments.seasons import CLOSED, OPEN, states
from demo.generator import apportion, load_demo
from organizations.lineage import committees_on, heirs_on, places_on
from organizations.models import Kind, Lineage, PlaceType, Tier, Unit
from reports.engine import build_report

pytestmark = pytest.mark.django_db
DAY = datetime.date


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [(10, [1, 1, 1], [4, 3, 3]), (7, [0.5, 0.25, 0.25], [3, 2, 2]), (0, [1, 2], [0, 0])],
)
def test_apportion_splits_exactly(total, weights, expected):
    assert apportion(total, weights) == expected


def tree_on(date):
    """(grassroots organizations, cells, reporting committees of the organizations, units
    directly under the province) on `date`, from the dated places."""
    places = places_on(date)
    tiers = Counter(places.values_list("tier", flat=True))
    committees = places.filter(tier=Tier.BASE).values("committee_id").distinct().count()
    root = places.get(tier=Tier.PROVINCE)
    return tiers[Tier.BASE], tiers[Tier.CELL], committees, places.filter(parent_id=root.unit_id).count()


def test_the_tree_on_each_date():
    assert tree_on(DAY(2015, 12, 31)) == (684, 1810, 15, 15)
    base, _, committees, direct = tree_on(DAY(2020, 12, 31))
    assert (base, committees, direct) == (660, 14, 14)
    # Before the merger Kon Tum still has its districts (13 from 2015, the two new blocs of March).
    assert tree_on(DAY(2025, 6, 30))[2:] == (15, 15)
    _, _, committees, direct = tree_on(DAY(2025, 12, 31))
    assert (committees, direct) == (100, 100)


def test_on_31_12_2025_the_province_holds_96_commune_committees_and_4_blocs():
    root = Unit.objects.get(tier=Tier.PROVINCE)
    assert (root.code, root.name) == ("KONTUM-TINH", "Đảng bộ tỉnh Quảng Ngãi")
    assert places_on(DAY(2025, 6, 30)).get(unit=root).name == "Đảng bộ tỉnh Kon Tum"
    direct = places_on(DAY(2025, 12, 31)).filter(parent=root)
    communes = direct.filter(tier=Tier.BASE)
    assert set(communes.values_list("kind", flat=True)) == {Kind.GRASSROOTS_COMMITTEE}
    assert Counter(communes.values_list("place_type", flat=True)) == {
        PlaceType.COMMUNE: 86,
        PlaceType.WARD: 9,
        PlaceType.SPECIAL_ZONE: 1,
    }
    assert all(p.committee_id == p.unit_id for p in communes)
    kontum = communes.filter(unit__code__startswith="KT-")
    assert Counter(kontum.values_list("place_type", flat=True)) == {PlaceType.COMMUNE: 37, PlaceType.WARD: 3}
    assert direct.filter(tier=Tier.COMMITTEE).count() == 4
    # Kon Tum's 102 commune-level committees each merged into one of the 40.
    merged = Lineage.objects.filter(successor__code__regex=r"^KT-[XP]\d\d$", predecessor__tier=Tier.BASE)
    communal = (PlaceType.COMMUNE, PlaceType.WARD, PlaceType.TOWN)
    assert merged.filter(predecessor__place_type__in=communal).count() == 102


def test_the_village_cell_thon_1a_moves_from_dak_la_under_dak_ha_to_the_new_dak_la():
    village = Unit.objects.get(name="Chi bộ thôn 1A")
    old = places_on(DAY(2015, 12, 31)).select_related("parent", "committee").get(unit=village)
    assert (old.parent.name, old.committee.code) == ("Đảng bộ xã Đăk La", "DAKHA")
    assert (village.parent.name, village.committee.code, village.parent.parent.tier) == (
        "Đảng bộ xã Đăk La",
        "KT-X06",
        Tier.PROVINCE,
    )


def test_units_moved_out_of_a_dissolved_committee_keep_their_history():
    bloc = Unit.objects.get(code="KHOIDN")
    on_2020 = places_on(DAY(2020, 12, 31)).filter(tier=Tier.BASE, unit__code__startswith="KHOIDN-")
    assert on_2020.count() == 24 and set(on_2020.values_list("committee__code", flat=True)) == {"KONTUM"}
    on_2015 = places_on(DAY(2015, 12, 31)).filter(unit__in=on_2020.values("unit"))
    assert set(on_2015.values_list("committee__code", flat=True)) == {"KHOIDN"}
    # 2019: the 24 later moved plus the 4 dissolved at the end of 2019, all counted under the bloc.
    assert build_report(2019, bloc).base.rated == 28
    assert build_report(2020, bloc).base.total == 0

    def counted_under(year):
        moved = on_2020.values("unit")
        return set(Rating.objects.filter(unit__in=moved, year=year).values_list("committee__code", flat=True))

    assert (counted_under(2019), counted_under(2020)) == ({"KHOIDN"}, {"KONTUM"})


def test_2015_and_2020_figures():
    report = build_report(2015)
    assert (report.base.total, report.cells.total) == (684, 1810)
    assert sum(MemberStats.objects.filter(year=2015).values_list("member_count", flat=True)) == 24321
    report = build_report(2020)
    assert report.base.total == 660
    assert Rating.objects.filter(year=2020, tier=Tier.BASE).values("committee").distinct().count() == 14
    assert sum(MemberStats.objects.filter(year=2020).values_list("member_count", flat=True)) == 28964
    admitted = MemberStats.objects.filter(year__range=(2015, 2020)).values_list("admitted", flat=True)
    assert sum(admitted) == 5853


def test_every_2024_rating_is_carried_by_a_unit_alive_on_31_12_2025():
    heirs = heirs_on(DAY(2025, 12, 31))
    committee_of = committees_on(DAY(2025, 12, 31))
    rated = list(Rating.objects.filter(year=2024).values_list("unit_id", "tier"))
    assert rated and all(unit in heirs for unit, _ in rated)
    # Restated under the 2025 structure, the province's totals are 2024's: every row counted once.
    restated = Counter(committee_of[heirs[unit]] for unit, _ in rated)
    assert sum(restated.values()) == len(rated) and None not in restated
    assert len(restated) <= 100


def test_the_merged_province_has_about_91800_members_in_2025():
    assert sum(MemberStats.objects.filter(year=2025).values_list("member_count", flat=True)) == 91812


@pytest.mark.parametrize("year", [2025, 2026])
def test_scored_ratings_carry_a_score_whose_band_is_their_level(year):
    scheme = RatingScheme.objects.in_force(year)
    assert scheme.scored and scheme.three_steps
    levels = scheme.ordered_levels
    decided = list(Rating.objects.filter(year=year, level__isnull=False).select_related("level"))
    assert decided
    for rating in decided:
        assert rating.score is not None and rating.score_general + rating.score_tasks == rating.score
        assert band_error(levels, rating.level, rating) is None
        assert best_level_allowed(levels, rating) == rating.level
        assert rating.self_level_id and rating.decision_number
    assert {r.level.code for r in decided} == {"HTXSNV", "HTTNV", "HTNV", "KHTNV"}


def test_2023_and_2024_ratings_take_three_steps():
    rows = Rating.objects.filter(year__in=[2023, 2024], level__isnull=False)
    assert not rows.filter(self_level__isnull=True).exists()
    assert rows.exclude(self_level=F("level")).exists()  # some self-assessments were lowered


def test_seasons_2014_to_2026_are_open_and_every_one_but_2026_is_closed():
    opened = set(RatingYear.objects.filter(opened_at__isnull=False).values_list("year", flat=True))
    assert opened == set(range(2014, 2027))
    assert set(RatingYear.objects.filter(is_locked=True).values_list("year", flat=True)) == set(
        range(2014, 2025)
    )
    assert RatingYear.objects.get(year=2026).deadline == DAY(2027, 1, 31)
    assert states(range(2014, 2027)) == {**{year: CLOSED for year in range(2014, 2026)}, 2026: OPEN}


def test_the_2026_season_is_in_progress():
    by_status = Counter(Submission.objects.filter(year=2026).values_list("status", flat=True))
    assert by_status == {Status.APPROVED: 16, Status.SUBMITTED: 12}
    dakla = User.objects.get(username="dakla").committee
    assert not Submission.objects.filter(year=2026, committee=dakla).exclude(status=Status.DRAFT).exists()
    entered = Rating.objects.filter(year=2026, committee=dakla)
    assert entered.filter(level__isnull=True, self_level__isnull=False).exists()  # self-assessed only
    assert entered.count() < Unit.objects.to_rate(2026, committee=dakla).count()
    # Every submitted or approved committee entered every unit; some committees have not begun.
    for submission in Submission.objects.filter(year=2026).select_related("committee"):
        units = Unit.objects.to_rate(2026, committee=submission.committee)
        assert units.recorded_in(2026).count() == units.count()
    started = set(Rating.objects.filter(year=2026).values_list("committee", flat=True))
    assert Unit.objects.committees().on(DAY(2026, 12, 31)).exclude(pk__in=started).exists()


def test_the_demo_accounts_have_their_roles_and_the_printed_password():
    users = {u.username: u for u in User.objects.all()}
    assert (users["province"].role, users["province"].is_superuser) == (Role.PROVINCE_STAFF, True)
    assert (users["leader"].role, users["leader"].is_staff) == (Role.LEADER, False)
    assert (users["dakha"].role, users["dakha"].committee.code) == (Role.COMMITTEE_STAFF, "DAKHA")
    assert users["dakha"].committee.dissolved == DAY(2025, 6, 30)
    assert (users["dakla"].role, users["dakla"].committee.name) == (Role.COMMITTEE_STAFF, "Đảng bộ xã Đăk La")
    assert users["dakla"].committee.is_reporting_committee
    assert all(u.check_password("demo-KonTum-2015") for u in users.values())
