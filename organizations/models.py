"""The organization tree (hệ thống tổ chức đảng), as it is today and as it was on any date.

province → committees directly under the province → grassroots organizations (TCCSĐ)
→ subordinate cells; since 2025 a grassroots organization may also sit directly under the
province (the commune party committees). One table, one tree. Each unit also points at its
current *reporting committee* — the unit directly under the province that holds it (itself, for a
grassroots organization directly under the province) — so that scoping and grouping are one
indexed filter; ratings keep their own copy of the committee they were counted under, so moving a
unit later never rewrites history.

Where a unit sat on each date is kept in `UnitPlace` (one row per period, written only by
`organizations.services`), so "the tree on date D" is one query; which units became which is
kept in `Lineage`, written by the reorganizations of `organizations.reorganize`.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    PROVINCE = "province", _("Provincial party organization")
    COMMITTEE = "committee", _("Committee directly under the province")
    BASE = "base", _("Grassroots organization")
    CELL = "cell", _("Subordinate cell")


class Kind(models.TextChoices):
    PROVINCE = "province", _("Provincial party organization (Đảng bộ tỉnh)")
    DISTRICT = "district", _("District party organization (huyện ủy)")
    CITY = "city", _("City party organization (thành ủy)")
    BLOC = "bloc", _("Bloc party organization (đảng bộ khối, trực thuộc)")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots party committee (đảng bộ cơ sở)")
    GRASSROOTS_CELL = "grassroots_cell", _("Grassroots cell (chi bộ cơ sở)")
    SUBORDINATE_CELL = "subordinate_cell", _("Subordinate cell (chi bộ trực thuộc)")


# Which kinds belong to which tier; the database enforces it with a check constraint.
KINDS_BY_TIER = {
    Tier.PROVINCE: [Kind.PROVINCE],
    Tier.COMMITTEE: [Kind.DISTRICT, Kind.CITY, Kind.BLOC],
    Tier.BASE: [Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL],
    Tier.CELL: [Kind.SUBORDINATE_CELL],
}
# And so the tier of each kind (a kind belongs to one tier): what a form or a file naming only a
# kind means.
TIER_OF_KIND = {kind: tier for tier, kinds in KINDS_BY_TIER.items() for kind in kinds}
# Which tiers a unit of each tier may sit under: a grassroots organization under a committee, or
# directly under the province (the commune party committees founded in 2025).
PARENT_TIERS = {
    Tier.COMMITTEE: (Tier.PROVINCE,),
    Tier.BASE: (Tier.COMMITTEE, Tier.PROVINCE),
    Tier.CELL: (Tier.BASE,),
}
RATED_TIERS = (Tier.BASE, Tier.CELL)
# The units a report groups by and a season belongs to: those directly under the province.
# (A grassroots organization directly under the province is its own committee, `committee_from_parent`:
# one column compared with another, no join to the parent to read its tier.)
REPORTING_COMMITTEES = Q(tier=Tier.COMMITTEE) | Q(tier=Tier.BASE, committee=F("pk"))
# The units a committee user can be scoped to: a committee, or a grassroots organization (a
# commune party committee, whose staff enter their own cells' ratings).
SCOPE_UNITS = Q(tier__in=[Tier.COMMITTEE, Tier.BASE])


class PlaceType(models.TextChoices):
    COMMUNE = "commune", _("Commune (xã)")
    WARD = "ward", _("Ward (phường)")
    TOWN = "town", _("Town (thị trấn)")
    AGENCY = "agency", _("Agency (cơ quan)")
    PUBLIC_SERVICE = "public_service", _("Public service unit (đơn vị sự nghiệp)")
    SCHOOL = "school", _("School (trường học)")
    ENTERPRISE = "enterprise", _("Enterprise (doanh nghiệp)")
    ARMED_FORCES = "armed_forces", _("Armed forces (lực lượng vũ trang)")
    VILLAGE = "village", _("Village (thôn, làng)")
    RESIDENTIAL_GROUP = "residential_group", _("Residential group (tổ dân phố)")
    SPECIAL_ZONE = "special_zone", _("Special zone (đặc khu)")
    OTHER = "other", _("Other")


WHOLE_PROVINCE = "whole_province"


def year_end(year: int) -> datetime.date:
    """The day a year's ratings are decided for: the units that exist then are the year's."""
    return datetime.date(year, 12, 31)


def committee_scope(user) -> int | str | None:
    """The one rule of scope: WHOLE_PROVINCE, the id of the user's committee, or None (nothing)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.sees_whole_province:
        return WHOLE_PROVINCE
    return user.committee_id


class ScopedQuerySet(models.QuerySet):
    """`for_user` for rows that belong to a committee (ratings, member statistics): those counted
    under the user's committee, or of a unit now under it."""

    def for_user(self, user):
        scope = committee_scope(user)
        if scope == WHOLE_PROVINCE:
            return self
        if scope is None:
            return self.none()
        return self.filter(
            Q(committee_id=scope) | Q(unit__committee_id=scope) | Q(unit_id=scope) | Q(unit__parent_id=scope)
        )


class UnitQuerySet(models.QuerySet):
    def for_user(self, user, *, on: datetime.date | str | None = None):
        """The units a user may see: the whole province, or one committee and what is under it
        (today, or as the tree stood `on` a day: a past year's grid is its committee's then; or,
        `on=EVER`, every unit whose history the user reads: whatever was ever under their unit,
        and its predecessors — a new commune reads the history of the units it carries on).

        Every view, form, import and API fetches units through here, so scope lives in one place.
        """
        scope = committee_scope(user)
        if scope == WHOLE_PROVINCE:
            return self
        if scope is None:
            return self.none()
        # The user's unit and everything under it, at any depth the tree has: what sits under its
        # reporting committee, or (for a grassroots party committee under a district) its cells.
        if on is None:
            return self.filter(Q(pk=scope) | Q(committee_id=scope) | Q(parent_id=scope))
        if on == EVER:
            return self.filter(pk__in=_history_of(scope))
        return self.filter(pk__in=_places_under(scope).on(on).values("unit_id"))

    def for_user_in(self, user, year: int):
        """`for_user` as the tree stood at the end of `year`, when its ratings are decided: the
        units a committee-year's grid, template and posted rows may name."""
        return self.for_user(user, on=year_end(year))

    def below(self, unit: Unit):
        """The units under `unit` at any depth, in one filter: what its committee holds or its
        parent is (a committee's organizations and cells, a grassroots organization's cells);
        under the province, every other unit."""
        if unit.tier == Tier.PROVINCE:
            return self.exclude(pk=unit.pk)
        return self.filter(Q(committee_id=unit.pk) | Q(parent_id=unit.pk)).exclude(pk=unit.pk)

    def committees(self):
        """The reporting committees: the units directly under the province."""
        return self.filter(REPORTING_COMMITTEES)

    def base_organizations(self):
        return self.filter(tier=Tier.BASE)

    def cells(self):
        return self.filter(tier=Tier.CELL)

    def rated_tiers(self):
        return self.filter(tier__in=RATED_TIERS)

    def active_in(self, year: int):
        """Units that exist at the end of `year`, when its ratings are decided (a unit dissolved
        during the year is not rated for it; one founded during it is)."""
        return self.on(year_end(year))

    def to_rate(self, year: int, *, committee: Unit | None = None, tiers=RATED_TIERS):
        """The units of `tiers` that exist at the end of `year` (under `committee`, when given),
        each as it was placed that day: what a committee-year's grid, template and report count.

        Where a unit sat that year comes from its dated place, so that a past year keeps its
        committees after a reorganization; each unit carries it as `year_committee_id`,
        `year_tier` and `year_place_type`, for grouping.
        """
        places = _year_end_places(year, tiers)
        if committee is not None:
            places = places.filter(committee=committee)
        return (
            self.active_in(year)
            .annotate(
                year_committee_id=Subquery(places.values("committee_id")[:1]),
                year_tier=Subquery(places.values("tier")[:1]),
                year_place_type=Subquery(places.values("place_type")[:1]),
            )
            .filter(year_tier__isnull=False)
        )

    def year_places(self, year: int, *, tiers=RATED_TIERS):
        """The dated places these units held at the end of `year` among `tiers`, one per unit: the
        place `to_rate` gives each (its `year_committee_id`, `year_tier`, `year_place_type`), as
        `UnitPlace` rows. Grouping them counts units by where they sat that year with one lookup
        a unit instead of one a column (the demo's pending units of 2026: 37 → 28 ms)."""
        place = Subquery(_year_end_places(year, tiers).values("pk")[:1])
        return UnitPlace.objects.filter(pk__in=self.active_in(year).annotate(place=place).values("place"))

    def recorded_in(self, year: int, model=None):
        """Units with a row of `model` (ratings by default) recorded for `year` (a rating: decided,
        or marked not rated; one only self-assessed or appraised is still pending)."""
        return self.filter(_row_exists(year, model))

    def pending_in(self, year: int, model=None):
        """Units without a row of `model` (ratings by default) for `year`: still to be entered."""
        return self.exclude(_row_exists(year, model))

    def on(self, date: datetime.date):
        """The units that existed on `date` (founded on or before it, not dissolved before it)."""
        return self.filter(
            Q(founded__isnull=True) | Q(founded__lte=date), Q(dissolved__isnull=True) | Q(dissolved__gte=date)
        )

    def in_tree_order(self) -> list[Unit]:
        """The units as a list, each subordinate cell right under its grassroots organization."""
        return sorted(self.select_related("parent"), key=Unit.tree_key)


EVER = "ever"


def _year_end_places(year: int, tiers):
    """The place of the unit of the outer query at the end of `year`, among `tiers`."""
    # (One place per unit on a day: no ordering, which would join the unit for its code.)
    return UnitPlace.objects.on(year_end(year)).filter(unit=OuterRef("pk"), tier__in=tiers).order_by()


def _places_under(scope: int):
    """The places (at any date) of the unit `scope` and of the units under it: `for_user`'s rule
    read on the dated places instead of the current rows."""
    return UnitPlace.objects.filter(Q(unit_id=scope) | Q(committee_id=scope) | Q(parent_id=scope))


def _history_of(scope: int) -> set[int]:
    """The units ever placed under the unit `scope`, and the predecessors whose history they carry."""
    from organizations.lineage import predecessors_of  # it reads this module's models

    held = set(_places_under(scope).order_by().values_list("unit_id", flat=True))
    return predecessors_of(held, timezone.localdate())


def _row_exists(year: int, model=None) -> Exists:
    # The rows live in `assessments`, which depends on this app: looked up by name, not imported.
    model = model or apps.get_model("assessments", "Rating")
    return Exists(model.objects.filter(model.RECORDED, unit=OuterRef("pk"), year=year))


code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9._-]*$",
    _("Codes use capital letters without diacritics, digits, '.', '_' and '-'."),
)


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=255)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    place_type = models.CharField(_("type of place"), max_length=32, choices=PlaceType.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Derived from the parent chain and kept by save()/services: the current committee,
    # for one-filter scoping. Null for the province and the committees themselves.
    committee = models.ForeignKey(
        "self",
        verbose_name=_("committee"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="scoped_units",
    )
    founded = models.DateField(_("founded"), null=True, blank=True)
    dissolved = models.DateField(_("dissolved"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("party unit")
        verbose_name_plural = _("party units")
        ordering = ["code"]
        indexes = [models.Index(fields=["committee", "tier"])]
        constraints = [
            models.CheckConstraint(
                name="unit_kind_matches_tier",
                condition=Q(
                    *[Q(tier=tier, kind__in=kinds) for tier, kinds in KINDS_BY_TIER.items()],
                    _connector=Q.OR,
                ),
            ),
            models.CheckConstraint(
                name="unit_only_province_is_root",
                condition=Q(tier=Tier.PROVINCE, parent__isnull=True)
                | (~Q(tier=Tier.PROVINCE) & Q(parent__isnull=False)),
            ),
            models.CheckConstraint(
                name="unit_dissolved_after_founded",
                condition=Q(founded__isnull=True)
                | Q(dissolved__isnull=True)
                | Q(dissolved__gte=models.F("founded")),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, place_on: datetime.date | None = None, **kwargs):
        """Save, keeping the derived committee and the dated places: a new unit gets its first
        place; a changed place (parent, name, kind…) takes effect `place_on` (today unless
        `organizations.services.save_unit` gives the operation's day), and a dissolution closes it.
        """
        self.committee = self.committee_from_parent()
        created = self.pk is None
        if self.committee is self and created:
            # Its own reporting committee: the row needs its key before it can point at itself.
            self.committee = None
            super().save(*args, **kwargs)
            self.committee = self
            kwargs = {"update_fields": ["committee"]}
        super().save(*args, **kwargs)
        from organizations import places  # the module keeping places imports this one

        if created:
            UnitPlace.first_of(self)
        else:
            places.keep(self, on=place_on or timezone.localdate())

    def clean(self):
        allowed = PARENT_TIERS.get(self.tier)
        if allowed and self.parent_id and self.parent.tier not in allowed:
            raise ValidationError(
                {
                    "parent": _("A %(tier)s must sit under a %(parent)s.")
                    % {
                        "tier": Tier(self.tier).label,
                        "parent": " / ".join(str(Tier(t).label) for t in allowed),
                    }
                }
            )
        if self.kind and self.tier and self.kind not in KINDS_BY_TIER.get(self.tier, []):
            raise ValidationError({"kind": _("This kind does not belong to this tier.")})
        if self.merged_into_id and (self.merged_into_id == self.pk or self.merged_into.tier != self.tier):
            raise ValidationError(
                {"merged_into": _("A unit can only be merged into another unit of the same tier.")}
            )

    def committee_from_parent(self):
        """The reporting committee this unit's place implies (the one rule of it)."""
        if self.tier == Tier.BASE:
            if self.parent_id and self.parent.tier == Tier.PROVINCE:
                return self
            return self.parent
        if self.tier == Tier.CELL:
            return self.parent.committee if self.parent_id else None
        return None

    @property
    def is_reporting_committee(self) -> bool:
        """Directly under the province: a committee, or a grassroots organization since 2025."""
        return self.tier == Tier.COMMITTEE or (self.tier == Tier.BASE and self.committee_id == self.pk)

    @property
    def is_rated_unit(self) -> bool:
        return self.tier in RATED_TIERS

    def exists_on(self, date: datetime.date) -> bool:
        """The test of `Unit.objects.on` on a unit already read."""
        return (self.founded is None or self.founded <= date) and (
            self.dissolved is None or self.dissolved >= date
        )

    def is_active_in(self, year: int) -> bool:
        """The test of `Unit.objects.active_in` on a unit already read: it exists at the end of `year`."""
        return self.exists_on(year_end(year))

    def committee_in(self, year: int) -> Unit | None:
        """The reporting committee this unit sat under at the end of `year` (its dated place)."""
        place = self.places.on(year_end(year)).select_related("committee").first()
        return place.committee if place else self.committee

    def check_existed_in(self, year: int) -> None:
        """Nothing can be recorded for a unit in a year it did not exist."""
        if not self.is_active_in(year):
            raise ValidationError(
                {"year": _("%(unit)s did not exist in %(year)s.") % {"unit": self.name, "year": year}}
            )

    def tree_key(self) -> tuple:
        """Sort key of the tree as the grids and templates show it: cells under their organization."""
        if self.tier == Tier.CELL:
            return (self.parent.code, 1, self.code)
        return (self.code, 0, "")


from organizations.history import Lineage, LineageKind, Reorganization, UnitPlace  # noqa: E402

__all__ = [
    "KINDS_BY_TIER",
    "PARENT_TIERS",
    "RATED_TIERS",
    "REPORTING_COMMITTEES",
    "SCOPE_UNITS",
    "TIER_OF_KIND",
    "Kind",
    "Lineage",
    "LineageKind",
    "PlaceType",
    "Reorganization",
    "ScopedQuerySet",
    "Tier",
    "Unit",
    "UnitPlace",
    "committee_scope",
]
