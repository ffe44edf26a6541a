"""The four-level scheme (from 2018) caps members rated excellent at 20% of those rated well."""

from django.db import migrations


def set_cap(apps, schema_editor):
    apps.get_model("assessments", "RatingScheme").objects.filter(code="HTNV-2018").update(member_excellent_cap=20)


def unset_cap(apps, schema_editor):
    apps.get_model("assessments", "RatingScheme").objects.filter(code="HTNV-2018").update(member_excellent_cap=None)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_workflow_and_audit")]
    operations = [migrations.RunPython(set_cap, unset_cap)]
