"""Small builders for the organization tree, its users and ratings; real models, real database.

tests/conftest.py names the actors every test speaks of; build anything else here.
"""

import functools

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Role, User
from assessments.models import MemberStats, RatingLevel, RatingScheme, RatingYear
from assessments.services import record_rating
from organizations.models import Kind, PlaceType, Tier, Unit

# Every user built here has this password (long enough for the password validators).
PASSWORD = "a-Long-test-passw0rd"


def province_unit(code="TINH"):
    """The province, root of the tree (at most one)."""
    return Unit.objects.get_or_create(
        code=code, defaults={"name": "Đảng bộ tỉnh", "tier": Tier.PROVINCE, "kind": Kind.PROVINCE}
    )[0]


def committee(code="DAKHA", name=None, kind=Kind.DISTRICT):
    unit = Unit(
        code=code, name=name or f"Huyện ủy {code}", tier=Tier.COMMITTEE, kind=kind, parent=province_unit()
    )
    unit.save()
    return unit


def base_org(parent, code, *, with_cells=True, place=PlaceType.COMMUNE, name=None, **extra):
    kind = Kind.GRASSROOTS_COMMITTEE if with_cells else Kind.GRASSROOTS_CELL
    unit = Unit(
        code=code,
        name=name or f"Đảng bộ {code}",
        tier=Tier.BASE,
        kind=kind,
        place_type=place,
        parent=parent,
        **extra,
    )
    unit.save()
    return unit


def cell(parent, code, *, place=PlaceType.VILLAGE, name=None, **extra):
    unit = Unit(
        code=code,
        name=name or f"Chi bộ {code}",
        tier=Tier.CELL,
        kind=Kind.SUBORDINATE_CELL,
        place_type=place,
        parent=parent,
        **extra,
    )
    unit.save()
    return unit


def small_committee(code, name=None):
    """Committee `code` with grassroots committee `code`-001 (cells `code`-001-01 and -02) and
    grassroots cell `code`-002."""
    parent = committee(code, name=name)
    base = base_org(parent, f"{code}-001")
    cell(base, f"{code}-001-01")
    cell(base, f"{code}-001-02")
    base_org(parent, f"{code}-002", with_cells=False)
    return parent


def unit(code):
    return Unit.objects.get(code=code)


# Users -------------------------------------------------------------------------------------------


@functools.cache
def _password_hash(hashers: tuple) -> str:
    return make_password(PASSWORD)


def user(username, role, committee=None, **extra):
    """A user whose password is PASSWORD, hashed once per hasher setting (hashing dominates otherwise)."""
    person = User(username=username, role=role, committee=committee, **extra)
    person.password = _password_hash(tuple(settings.PASSWORD_HASHERS))
    person.save()
    return person


def staff_of(committee, username=None, **extra):
    """Committee staff of `committee`: they see and edit its units only."""
    return user(username or f"staff-{committee.code.lower()}", Role.COMMITTEE_STAFF, committee, **extra)


def leader(username="leader", **extra):
    """A provincial leader: reads the whole province, changes nothing."""
    return user(username, Role.LEADER, **extra)


def province_staff(username="province", *, admin=False, **extra):
    """Provincial organizing-committee staff: the whole province; with `admin`, Django's admin too."""
    return user(username, Role.PROVINCE_STAFF, is_staff=admin, is_superuser=admin, **extra)


def login(client, user):
    """`client` logged in as `user` (left anonymous for an anonymous user)."""
    if user.is_authenticated:
        client.force_login(user)
    return client


# Ratings -----------------------------------------------------------------------------------------


def level(year, code):
    return RatingLevel.objects.get(scheme=RatingScheme.objects.in_force(year), code=code)


def season(year, *, locked=False):
    """Year `year`'s rating season, opened (as provincial staff open it before anything is entered)."""
    return RatingYear.objects.update_or_create(
        year=year, defaults={"opened_at": timezone.now(), "is_locked": locked}
    )[0]


def rate(unit, year, code, **extra):
    """Rate `unit` (its year's season opened if it was not); code None marks it not rated."""
    if not RatingYear.objects.filter(year=year).exists():
        season(year)
    if code is None:
        return record_rating(
            unit=unit, year=year, level=None, not_rated_reason=extra.pop("reason", "Mới thành lập"), **extra
        )
    return record_rating(unit=unit, year=year, level=level(year, code), **extra)


def member_stats(
    unit, year, *, members, excellent=0, good=0, completed=0, not_completed=0, not_rated=0, admitted=0
):
    return MemberStats.objects.create(
        unit=unit,
        year=year,
        committee_id=unit.committee_id,
        member_count=members,
        excellent=excellent,
        good=good,
        completed=completed,
        not_completed=not_completed,
        not_rated=not_rated,
        admitted=admitted,
    )


def committee_with(code, year, base_levels=(), cell_levels=()):
    """A committee whose grassroots organizations and cells are rated with the given level codes.

    Cells hang under the first grassroots organization (left unrated, "pending", when no
    base level is given).
    """
    parent = committee(code)
    n_bases = max(len(base_levels), 1 if cell_levels else 0)
    bases = [base_org(parent, f"{code}-{i:03d}") for i in range(1, n_bases + 1)]
    for unit, code_ in zip(bases, base_levels, strict=False):
        rate(unit, year, code_)
    for j, code_ in enumerate(cell_levels, start=1):
        rate(cell(bases[0], f"{code}-001-{j:02d}"), year, code_)
    return parent
