"""Seasons: a year is opened by provincial staff (who, when, by which deadline) before anybody
enters its ratings. Every year that already has ratings, member statistics or a workflow state is
marked opened by the next data migration (0019), so existing data (and the demo) keep working as
before: apart from this one, because on PostgreSQL rows updated in the migration that adds a
foreign key leave pending trigger events that its index creation refuses."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0016_reporting_committees"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ratingyear",
            name="opened_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="opened at"),
        ),
        migrations.AddField(
            model_name="ratingyear",
            name="opened_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="opened by",
            ),
        ),
        migrations.AddField(
            model_name="ratingyear",
            name="deadline",
            field=models.DateField(
                blank=True,
                help_text="The date by which committees submit their ratings.",
                null=True,
                verbose_name="deadline",
            ),
        ),
    ]
