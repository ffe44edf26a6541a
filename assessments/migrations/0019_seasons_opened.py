"""Every year that already has ratings, member statistics or a workflow state is marked opened
(see 0017), so existing data keep working once seasons must be opened. Idempotent."""

from django.db import migrations
from django.utils import timezone


def open_years_with_data(apps, schema_editor):
    RatingYear = apps.get_model("assessments", "RatingYear")
    years = set()
    for name in ("Rating", "MemberStats", "Submission"):
        model = apps.get_model("assessments", name)
        years |= set(model.objects.order_by().values_list("year", flat=True).distinct())
    years |= set(RatingYear.objects.values_list("year", flat=True))
    now = timezone.now()
    for year in years:
        RatingYear.objects.update_or_create(year=year, defaults={"opened_at": now})


class Migration(migrations.Migration):
    dependencies = [("assessments", "0018_commendations")]
    operations = [migrations.RunPython(open_years_with_data, migrations.RunPython.noop)]
