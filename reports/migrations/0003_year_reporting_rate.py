"""A year's summary carries the year's reporting rate (units recorded, units to rate), counted with
the rest of it. The summaries counted before have none yet: marked behind, so the next reader
recounts them (a summary never shows a stale figure silently)."""

from django.db import migrations, models


def mark_behind(apps, schema_editor):
    apps.get_model("reports", "YearSummary").objects.update(data_version=-1)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_unit_places_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="yearsummary",
            name="reported",
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name="yearsummary",
            name="to_rate",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(mark_behind, migrations.RunPython.noop),
    ]
