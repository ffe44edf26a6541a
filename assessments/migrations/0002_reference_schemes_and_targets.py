"""Reference data every installation needs: the two rating schemes and the resolution's targets.

Frozen here (not imported from application code) so that this migration means the same
thing forever. Demo units, ratings and accounts are never created by a migration.
"""

from django.db import migrations

SCHEMES = [
    {
        "code": "TSVM-2015",
        "name": "Xếp loại TCCSĐ theo mức trong sạch vững mạnh (đến năm 2017)",
        "valid_from": 2010,
        "levels": [
            ("TSVM_TB", "Trong sạch vững mạnh tiêu biểu", "TSVM tiêu biểu", True, True),
            ("TSVM", "Trong sạch vững mạnh", "TSVM", True, False),
            ("HTTNV", "Hoàn thành tốt nhiệm vụ", "HTTNV", False, False),
            ("HTNV", "Hoàn thành nhiệm vụ", "HTNV", False, False),
            ("YK", "Yếu kém (không hoàn thành nhiệm vụ)", "Yếu kém", False, False),
        ],
    },
    {
        "code": "HTNV-2018",
        "name": "Xếp loại chất lượng theo mức hoàn thành nhiệm vụ (từ năm 2018)",
        "valid_from": 2018,
        "levels": [
            ("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", "HTXSNV", True, True),
            ("HTTNV", "Hoàn thành tốt nhiệm vụ", "HTTNV", True, False),
            ("HTNV", "Hoàn thành nhiệm vụ", "HTNV", False, False),
            ("KHTNV", "Không hoàn thành nhiệm vụ", "KHTNV", False, False),
        ],
    },
]

RESOLUTION = "Nghị quyết của Ban Thường vụ Tỉnh ủy (khóa XV) về nâng cao chất lượng hoạt động của TCCSĐ"
TARGETS = [
    ("TCCSD_TSVM", "TCCSĐ đạt trong sạch vững mạnh hằng năm", "base_clean_strong", ">=", "50", "all_units"),
    ("CHIBO_TSVM", "Chi bộ trực thuộc đạt trong sạch vững mạnh hằng năm", "cell_clean_strong", ">", "60", "all_units"),
    ("TCCSD_TIEUBIEU", "TCCSĐ đạt trong sạch vững mạnh tiêu biểu", "base_exemplary", ">", "15", "clean_strong_units"),
    ("DANGVIEN_HTTNV", "Đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm", "members_good", ">", "70", "members_rated"),
    ("KETNAP_NHIEMKY", "Kết nạp đảng viên mới trong nhiệm kỳ 2015–2020", "admissions_term", ">", "5000", "none"),
]


def load(apps, schema_editor):
    RatingScheme = apps.get_model("assessments", "RatingScheme")
    RatingLevel = apps.get_model("assessments", "RatingLevel")
    Target = apps.get_model("assessments", "Target")
    for spec in SCHEMES:
        scheme, _ = RatingScheme.objects.get_or_create(
            code=spec["code"], defaults={"name": spec["name"], "valid_from": spec["valid_from"]}
        )
        for rank, (code, name, abbr, clean, exemplary) in enumerate(spec["levels"], start=1):
            RatingLevel.objects.get_or_create(
                scheme=scheme, code=code,
                defaults={"name": name, "abbreviation": abbr, "rank": rank,
                          "is_clean_strong": clean, "is_exemplary": exemplary},
            )
    for position, (code, label, metric, comparator, threshold, denominator) in enumerate(TARGETS, 1):
        Target.objects.get_or_create(
            code=code,
            defaults={"label": label, "resolution": RESOLUTION, "metric": metric,
                      "comparator": comparator, "threshold": threshold,
                      "denominator": denominator, "start_year": 2015, "end_year": 2020,
                      "position": position},
        )


def unload(apps, schema_editor):
    apps.get_model("assessments", "Target").objects.filter(code__in=[t[0] for t in TARGETS]).delete()
    apps.get_model("assessments", "RatingScheme").objects.filter(
        code__in=[s["code"] for s in SCHEMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
