"""The regulations, year by year, as data, and the 2015–2020 resolution as a record of its own.

- The two shipped schemes are named by their regulation; the schemes of Quy định 124-QĐ/TW
  (2023–2024) and Quy định 366-QĐ/TW (from 2025, scored on 100 points, with the bands of
  Hướng dẫn 43-HD/BTCTW) are added.
- The resolution that the targets named in free text becomes a `Resolution`, and the levels'
  clean-and-strong / exemplary flags become that resolution's counted levels — the same levels,
  so every figure of every year counts exactly as before (the 2015 report does not move).

Frozen here (not imported from application code) so that this migration means the same thing
forever. Reversible: going back restores the flags and the free-text resolution.
"""

import datetime
from decimal import Decimal

from django.db import migrations

REGULATIONS = {
    "TSVM-2015": {
        "name": "Xếp loại theo Hướng dẫn 27-HD/BTCTW (2014–2017)",
        "regulation": "Hướng dẫn 27-HD/BTCTW",
        "regulation_date": datetime.date(2014, 9, 25),
        "guidance": "",
        "valid_from": 2014,
        "valid_to": 2017,
        "description": (
            "Chấm điểm theo các tiêu chí; yếu kém: dưới 50 điểm, hoặc từ 50 điểm trở lên nhưng có "
            "vi phạm (ví dụ trên 1/3 tổ chức trực thuộc yếu kém)."
        ),
    },
    "HTNV-2018": {
        "name": "Xếp loại theo Quy định 132-QĐ/TW (2018–2022)",
        "regulation": "Quy định 132-QĐ/TW",
        "regulation_date": datetime.date(2018, 3, 8),
        "guidance": "Hướng dẫn 21-HD/BTCTW",
        "valid_from": 2018,
        "valid_to": 2022,
        "description": (
            "Các tiêu chí xếp mức Xuất sắc, Tốt, Trung bình, Kém (không chấm điểm). Đảng bộ đạt "
            "HTXSNV khi 100% tổ chức trực thuộc đạt HTNV trở lên và ít nhất 80% đạt HTTNV trở lên."
        ),
    },
}
OLD = {"TSVM-2015": {"valid_from": 2010}, "HTNV-2018": {"valid_from": 2018}}

FOUR_LEVELS = [
    ("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"),
    ("HTTNV", "Hoàn thành tốt nhiệm vụ", "HTTNV"),
    ("HTNV", "Hoàn thành nhiệm vụ", "HTNV"),
    ("KHTNV", "Không hoàn thành nhiệm vụ", "KHTNV"),
]
NEW_SCHEMES = [
    {
        "code": "QD124-2023",
        "name": "Xếp loại theo Quy định 124-QĐ/TW (2023–2024)",
        "regulation": "Quy định 124-QĐ/TW",
        "regulation_date": datetime.date(2023, 10, 4),
        "guidance": "Hướng dẫn 25-HD/BTCTW",
        "valid_from": 2023,
        "valid_to": 2024,
        "scored": False,
        "description": (
            "Ba bước: tổ chức tự đánh giá; ban tổ chức cấp ủy cấp trên thẩm định; cấp ủy cấp trên "
            "trực tiếp quyết định (có thể hủy kết quả và đánh giá lại)."
        ),
        "bands": {},
    },
    {
        "code": "QD366-2025",
        "name": "Xếp loại theo Quy định 366-QĐ/TW (từ 2025)",
        "regulation": "Quy định 366-QĐ/TW",
        "regulation_date": datetime.date(2025, 8, 30),
        "guidance": "Hướng dẫn 43-HD/BTCTW",
        "valid_from": 2025,
        "valid_to": None,
        "scored": True,
        "description": (
            "Thang 100 điểm: 30 điểm tiêu chí chung, 70 điểm kết quả thực hiện nhiệm vụ. HTXSNV từ "
            "90 điểm, 100% nhiệm vụ đúng hạn, ít nhất 30% vượt, không có tổ chức, đảng viên bị kỷ "
            "luật; HTTNV từ 70 đến dưới 90 điểm, 100% nhiệm vụ đúng hạn; HTNV từ 50 đến dưới 70 "
            "điểm, hoàn thành mọi nhiệm vụ, không quá 20% chậm; KHTNV dưới 50 điểm (suy ra từ các "
            "khung)."
        ),
        "bands": {
            "HTXSNV": {
                "min_score": Decimal(90),
                "needs_all_on_time": True,
                "min_exceeded_percent": 30,
                "needs_no_discipline": True,
            },
            "HTTNV": {"min_score": Decimal(70), "needs_all_on_time": True},
            "HTNV": {"min_score": Decimal(50), "needs_all_done": True, "max_late_percent": 20},
        },
    },
]

RESOLUTION = {
    "issuing_body": "Ban Thường vụ Tỉnh ủy Kon Tum (khóa XV)",
    "number": "",
    "term": "2015–2020",
    "first_year": 2015,
    "last_year": 2020,
}


def forward(apps, schema_editor):
    RatingScheme = apps.get_model("assessments", "RatingScheme")
    RatingLevel = apps.get_model("assessments", "RatingLevel")
    Resolution = apps.get_model("assessments", "Resolution")
    CountedLevel = apps.get_model("assessments", "CountedLevel")
    Target = apps.get_model("assessments", "Target")

    for code, fields in REGULATIONS.items():
        RatingScheme.objects.filter(code=code).update(**fields)
    for spec in NEW_SCHEMES:
        bands = spec["bands"]
        fields = {k: v for k, v in spec.items() if k not in ("code", "bands")}
        scheme, _ = RatingScheme.objects.get_or_create(
            code=spec["code"], defaults={**fields, "member_excellent_cap": 20}
        )
        for rank, (code, name, abbreviation) in enumerate(FOUR_LEVELS, start=1):
            RatingLevel.objects.get_or_create(
                scheme=scheme,
                code=code,
                defaults={"name": name, "abbreviation": abbreviation, "rank": rank, **bands.get(code, {})},
            )

    targets = Target.objects.all()
    titles = sorted({t.resolution_title for t in targets if t.resolution_title})
    for title in titles or ([] if not targets.exists() else [""]):
        resolution = Resolution.objects.create(
            title=title or "Nghị quyết của Ban Thường vụ Tỉnh ủy về chất lượng TCCSĐ", **RESOLUTION
        )
        targets.filter(resolution_title=title).update(resolution=resolution)
        flagged = RatingLevel.objects.filter(is_clean_strong=True)
        CountedLevel.objects.bulk_create(
            [CountedLevel(resolution=resolution, level=level, counted_as="clean_strong") for level in flagged]
            + [
                CountedLevel(resolution=resolution, level=level, counted_as="exemplary")
                for level in RatingLevel.objects.filter(is_exemplary=True)
            ]
        )


def backward(apps, schema_editor):
    RatingScheme = apps.get_model("assessments", "RatingScheme")
    RatingLevel = apps.get_model("assessments", "RatingLevel")
    Resolution = apps.get_model("assessments", "Resolution")
    CountedLevel = apps.get_model("assessments", "CountedLevel")
    Target = apps.get_model("assessments", "Target")

    for counted in CountedLevel.objects.all():
        field = "is_clean_strong" if counted.counted_as == "clean_strong" else "is_exemplary"
        RatingLevel.objects.filter(pk=counted.level_id).update(**{field: True})
    for target in Target.objects.select_related("resolution"):
        if target.resolution_id:
            target.resolution_title = target.resolution.title
            target.save(update_fields=["resolution_title"])
    Target.objects.update(resolution=None)
    Resolution.objects.all().delete()
    new = RatingScheme.objects.filter(code__in=[s["code"] for s in NEW_SCHEMES])
    new.exclude(levels__ratings__isnull=False).delete()  # kept if anything was rated under them
    for code, fields in OLD.items():
        RatingScheme.objects.filter(code=code).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0009_regulations_and_resolutions")]
    operations = [migrations.RunPython(forward, backward)]
