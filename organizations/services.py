"""Changes to the tree. None of them touches a rating: each rating keeps the committee it
was counted under that year, so moving or dissolving a unit never rewrites history."""

import datetime

from django.db import transaction

from organizations.models import Tier, Unit


@transaction.atomic
def move_unit(*, unit: Unit, new_parent: Unit) -> Unit:
    unit.parent = new_parent
    unit.full_clean()
    unit.save()
    if unit.tier == Tier.BASE:
        # Cells follow their grassroots organization into the new committee.
        unit.children.update(committee=unit.committee)
    return unit


@transaction.atomic
def dissolve_unit(*, unit: Unit, on: datetime.date, merged_into: Unit | None = None) -> Unit:
    unit.dissolved, unit.merged_into = on, merged_into
    unit.full_clean()
    unit.save()
    unit.children.filter(dissolved__isnull=True).update(dissolved=on)
    return unit
