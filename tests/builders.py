"""Small builders for the organization tree and ratings; real models, real database."""

from assessments.models import MemberStats, RatingLevel, RatingScheme
from assessments.services import record_rating
from organizations.models import Kind, PlaceType, Tier, Unit


def province(code="TINH"):
    return Unit.objects.get_or_create(
        code=code, defaults={"name": "Đảng bộ tỉnh", "tier": Tier.PROVINCE, "kind": Kind.PROVINCE}
    )[0]


def committee(code="DAKHA", name=None, kind=Kind.DISTRICT):
    unit = Unit(code=code, name=name or f"Huyện ủy {code}", tier=Tier.COMMITTEE, kind=kind, parent=province())
    unit.save()
    return unit


def base_org(parent, code, *, with_cells=True, place=PlaceType.COMMUNE, **extra):
    kind = Kind.GRASSROOTS_COMMITTEE if with_cells else Kind.GRASSROOTS_CELL
    unit = Unit(
        code=code, name=f"Đảng bộ {code}", tier=Tier.BASE, kind=kind, place_type=place, parent=parent, **extra
    )
    unit.save()
    return unit


def cell(parent, code, *, place=PlaceType.VILLAGE, **extra):
    unit = Unit(
        code=code,
        name=f"Chi bộ {code}",
        tier=Tier.CELL,
        kind=Kind.SUBORDINATE_CELL,
        place_type=place,
        parent=parent,
        **extra,
    )
    unit.save()
    return unit


def level(year, code):
    return RatingLevel.objects.get(scheme=RatingScheme.objects.in_force(year), code=code)


def rate(unit, year, code, **extra):
    """Rate `unit`; code None marks it not rated."""
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
