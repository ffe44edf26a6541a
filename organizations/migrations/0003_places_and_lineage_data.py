"""Each existing unit gets the one place it is known to have held (from its founding to its
dissolution, where it sits now), and each recorded merger a lineage link, so that the tree on a
date and the restated reports work for data entered before the tree kept its history. Reversed,
the rows this wrote are removed."""

import datetime

from django.db import migrations


def backfill(apps, schema_editor):
    Unit = apps.get_model("organizations", "Unit")
    UnitPlace = apps.get_model("organizations", "UnitPlace")
    Reorganization = apps.get_model("organizations", "Reorganization")
    Lineage = apps.get_model("organizations", "Lineage")
    places = [
        UnitPlace(
            unit_id=u.pk,
            valid_from=u.founded,
            valid_to=u.dissolved,
            parent_id=u.parent_id,
            committee_id=u.committee_id,
            name=u.name,
            tier=u.tier,
            kind=u.kind,
            place_type=u.place_type,
        )
        for u in Unit.objects.all().iterator()
    ]
    UnitPlace.objects.bulk_create(places, batch_size=1000)
    decisions = {}
    links = []
    for u in Unit.objects.filter(merged_into__isnull=False, dissolved__isnull=False).order_by(
        "dissolved", "pk"
    ):
        # A merger takes effect the day after the merged unit's last day, as reorganize dates it.
        effective = u.dissolved + datetime.timedelta(days=1)
        if effective not in decisions:
            decisions[effective] = Reorganization.objects.create(
                kind="merge", effective=effective, note="Recorded before the tree kept its history."
            )
        links.append(
            Lineage(
                reorganization=decisions[effective],
                predecessor_id=u.pk,
                successor_id=u.merged_into_id,
                date=effective,
                kind="merge",
                carries_history=True,
            )
        )
    Lineage.objects.bulk_create(links, batch_size=1000)


def remove(apps, schema_editor):
    for name in ("Lineage", "Reorganization", "UnitPlace"):
        apps.get_model("organizations", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_tree_through_time")]
    operations = [migrations.RunPython(backfill, remove)]
