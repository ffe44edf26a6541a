"""The cross-unit rules of the shipped schemes, as data (warnings, not refusals: the deciding
committee may have a reason, the provincial staff see the numbers).

- Hướng dẫn 21-HD/BTCTW, kept by the later regulations: a grassroots party committee rated HTXSNV
  needs 100% of its subordinate cells at HTNV or better and at least 80% at HTTNV or better.
- Hướng dẫn 27-HD/BTCTW (2014–2017): more than 1/3 of the subordinate organizations yếu kém makes
  the committee yếu kém, so every level above needs at least 2/3 of them at HTNV or better.
"""

from django.db import migrations

RULES = {
    "TSVM-2015": [(code, "HTNV", 2, 3) for code in ("TSVM_TB", "TSVM", "HTTNV", "HTNV")],
    **{
        scheme: [("HTXSNV", "HTNV", 1, 1), ("HTXSNV", "HTTNV", 4, 5)]
        for scheme in ("HTNV-2018", "QD124-2023", "QD366-2025")
    },
}


def forward(apps, schema_editor):
    RatingLevel = apps.get_model("assessments", "RatingLevel")
    SubordinateRule = apps.get_model("assessments", "SubordinateRule")
    for scheme, rules in RULES.items():
        levels = {lv.code: lv for lv in RatingLevel.objects.filter(scheme__code=scheme)}
        for level, minimum, num, den in rules:
            if level in levels and minimum in levels:
                SubordinateRule.objects.get_or_create(
                    level=levels[level], at_or_above=levels[minimum], share_num=num, share_den=den
                )


def backward(apps, schema_editor):
    apps.get_model("assessments", "SubordinateRule").objects.filter(
        level__scheme__code__in=list(RULES)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0012_cross_unit_rules")]
    operations = [migrations.RunPython(forward, backward)]
