"""Quy định 124-QĐ/TW and 366-QĐ/TW rate in three steps: self-assessment, appraisal, decision."""

from django.db import migrations

SCHEMES = ("QD124-2023", "QD366-2025")


def forward(apps, schema_editor):
    apps.get_model("assessments", "RatingScheme").objects.filter(code__in=SCHEMES).update(three_steps=True)


def backward(apps, schema_editor):
    apps.get_model("assessments", "RatingScheme").objects.filter(code__in=SCHEMES).update(three_steps=False)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0014_three_steps")]
    operations = [migrations.RunPython(forward, backward)]
