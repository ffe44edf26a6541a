"""The demo's two later resolutions, both invented: a 2020–2025 one (judging 2021–2025) and a
2025–2030 one (judging 2026–2030), each with targets and the levels it counts as clean and
strong under the four-level schemes in force in its years; both count as exemplary the
organizations commended "TSVM tiêu biểu" (`demo.commendations`: about a fifth of those rated at the
best level, so their exemplary targets are a few percent of the clean and strong, not a fifth).

Written in the JSON shape that `manage.py import_targets` reads and loaded through the same
reader and service (audited, channel "command", source "load_demo"), so the demo also shows
what such a file looks like. Fixed data, no randomness: the same on every machine. The
2015–2020 resolution ships in a migration and is not touched, so the 2015 figures never move.
The numbers and titles say "mẫu" (sample) so that nobody takes them for real resolutions.
"""

from assessments.models import Channel
from assessments.resolution_files import read_document
from assessments.resolution_import import import_entries

# "Tiêu biểu" is the commendation (each resolution's "exemplary_by_commendation"), not a level.
FOUR_LEVELS = "TSVM = HTXSNV + HTTNV"


def _targets(prefix: str, years: tuple[int, int], figures: list[tuple]) -> list[dict]:
    return [
        {
            "position": position,
            "code": f"{prefix}_{code}",
            "label": label,
            "metric": metric,
            "comparator": comparator,
            "threshold": threshold,
            "denominator": denominator,
            "start_year": years[0],
            "end_year": years[1],
        }
        for position, (code, label, metric, comparator, threshold, denominator) in enumerate(figures, start=1)
    ]


RESOLUTIONS = [
    {
        "issuing_body": "Ban Thường vụ Tỉnh ủy Kon Tum (khóa XVI)",
        "number": "01-NQ/TU (mẫu)",
        "date": "2020-12-28",
        "title": (
            "Nghị quyết mẫu (tự đặt cho bản demo) về nâng cao năng lực lãnh đạo, sức chiến đấu của "
            "tổ chức cơ sở đảng và chất lượng đảng viên, nhiệm kỳ 2020–2025"
        ),
        "term": "2020–2025",
        "first_year": 2021,
        "last_year": 2025,
        "exemplary_by_commendation": True,
        "counted_levels": {"HTNV-2018": FOUR_LEVELS, "QD124-2023": FOUR_LEVELS, "QD366-2025": FOUR_LEVELS},
        "targets": _targets(
            "NQ2020",
            (2021, 2025),
            [
                (
                    "TCCSD_TSVM",
                    "TCCSĐ đạt trong sạch vững mạnh hằng năm",
                    "base_clean_strong",
                    ">=",
                    50,
                    "all_units",
                ),
                (
                    "CHIBO_TSVM",
                    "Chi bộ trực thuộc đạt trong sạch vững mạnh hằng năm",
                    "cell_clean_strong",
                    ">",
                    65,
                    "all_units",
                ),
                (
                    "TCCSD_TIEUBIEU",
                    "TCCSĐ được công nhận trong sạch vững mạnh tiêu biểu",
                    "base_exemplary",
                    ">=",
                    3.5,
                    "clean_strong_units",
                ),
                (
                    "DANGVIEN_HTTNV",
                    "Đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm",
                    "members_good",
                    ">=",
                    85,
                    "members_rated",
                ),
                (
                    "KETNAP_NHIEMKY",
                    "Kết nạp đảng viên mới trong nhiệm kỳ 2020–2025",
                    "admissions_term",
                    ">",
                    6000,
                    "none",
                ),
            ],
        ),
    },
    {
        "issuing_body": "Ban Thường vụ Tỉnh ủy (nhiệm kỳ 2025–2030)",
        "number": "02-NQ/TU (mẫu)",
        "date": "2025-12-30",
        "title": (
            "Nghị quyết mẫu (tự đặt cho bản demo) về xây dựng tổ chức cơ sở đảng trong sạch, vững "
            "mạnh, nhiệm kỳ 2025–2030"
        ),
        "term": "2025–2030",
        "first_year": 2026,
        "last_year": 2030,
        "exemplary_by_commendation": True,
        "counted_levels": {"QD366-2025": FOUR_LEVELS},
        "targets": _targets(
            "NQ2025",
            (2026, 2030),
            [
                (
                    "TCCSD_TSVM",
                    "TCCSĐ đạt trong sạch vững mạnh hằng năm",
                    "base_clean_strong",
                    ">=",
                    60,
                    "all_units",
                ),
                (
                    "CHIBO_TSVM",
                    "Chi bộ trực thuộc đạt trong sạch vững mạnh hằng năm",
                    "cell_clean_strong",
                    ">",
                    70,
                    "all_units",
                ),
                (
                    "TCCSD_TIEUBIEU",
                    "TCCSĐ được công nhận trong sạch vững mạnh tiêu biểu",
                    "base_exemplary",
                    ">=",
                    4,
                    "clean_strong_units",
                ),
                (
                    "DANGVIEN_HTTNV",
                    "Đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm",
                    "members_good",
                    ">",
                    85,
                    "members_rated",
                ),
                (
                    "KETNAP_NHIEMKY",
                    "Kết nạp đảng viên mới trong nhiệm kỳ 2025–2030",
                    "admissions_term",
                    ">",
                    8000,
                    "none",
                ),
            ],
        ),
    },
]


def load_resolutions() -> None:
    """Create the two demo resolutions (or find them unchanged): all or nothing. Both count the
    commendation "TSVM tiêu biểu" as exemplary, said in the file (audited with the rest)."""
    import_entries(read_document(RESOLUTIONS), user=None, channel=Channel.COMMAND, source="load_demo")
