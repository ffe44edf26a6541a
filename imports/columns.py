"""The columns a ratings or member-statistics file may have, found by header name, not position.

Headers are compared on `imports.cells.key` (no diacritics, no case, no spaces or punctuation),
so "Mã đơn vị", "MA DON VI", "Mã  Đơn Vị" and "ma_don_vi" are one header. Each column has the
Vietnamese header that exports and templates write, and the other ways files write it
(Vietnamese with or without diacritics, English, the admin's field names).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from imports.cells import key
from imports.limits import HEADER_ALLOWANCE, Sheet


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # what exports and templates write
    aliases: tuple[str, ...] = ()
    data: bool = True  # False: recognised (to find the header row) but never imported

    @property
    def keys(self) -> set[str]:
        return {key(text) for text in (self.header, self.field, *self.aliases)}


CODE = Column(
    "code",
    "Mã đơn vị",
    (
        "Mã",
        "Mã số",
        "Mã tổ chức",
        "Mã tổ chức đảng",
        "Mã TCCSĐ",
        "Mã chi bộ",
        "Mã đảng bộ",
        "Code",
        "Unit code",
        "unit",
    ),
)
NAME = Column(
    "name",
    "Tên đơn vị",
    (
        "Tên",
        "Tên tổ chức",
        "Tên tổ chức đảng",
        "Tên TCCSĐ",
        "Tên chi bộ",
        "Tên đảng bộ, chi bộ",
        "Tổ chức đảng",
        "Đơn vị",
        "Name",
        "Unit name",
    ),
)
YEAR = Column("year", "Năm", ("Năm đánh giá", "Năm xếp loại", "Year"))
ORDINAL = Column("ordinal", "STT", ("TT", "Số thứ tự", "No", "#"), data=False)
PARENT = Column("parent", "Trực thuộc", ("Đơn vị cấp trên", "Cấp trên", "Thuộc", "Parent"), data=False)
KIND = Column("kind", "Loại hình", ("Loại", "Loại tổ chức", "Kind"), data=False)
COMMITTEE = Column(
    "committee",
    "Đảng bộ trực thuộc Tỉnh ủy",
    ("Đảng bộ huyện", "Huyện ủy", "Committee"),
    data=False,
)

LEVEL = Column(
    "level",
    "Xếp loại",
    (
        "Mức xếp loại",
        "Kết quả xếp loại",
        "Xếp loại chất lượng",
        "Kết quả đánh giá, xếp loại",
        "Kết quả xếp loại chất lượng",
        "Đánh giá, xếp loại",
        "Mức",
        "Level",
        "Rating",
    ),
)
REASON = Column(
    "not_rated_reason",
    "Lý do không xếp loại",
    ("Lý do chưa xếp loại", "Lý do", "Reason for not rating", "Reason"),
)
DECISION_NUMBER = Column(
    "decision_number", "Số quyết định", ("Số QĐ", "Quyết định số", "QĐ số", "Decision number")
)
DECISION_DATE = Column(
    "decision_date", "Ngày quyết định", ("Ngày QĐ", "Ngày ký", "Ngày ký quyết định", "Decision date")
)
NOTE = Column("note", "Ghi chú", ("Note", "Notes", "Comment"))

MEMBER_COUNT = Column(
    "member_count",
    "Số đảng viên",
    ("Tổng số đảng viên", "Tổng số", "Đảng viên", "Members", "Member count"),
)
EXCELLENT = Column(
    "excellent", "Hoàn thành xuất sắc nhiệm vụ", ("HTXSNV", "Xuất sắc", "HT xuất sắc NV", "Excellent")
)
GOOD = Column("good", "Hoàn thành tốt nhiệm vụ", ("HTTNV", "Tốt", "HT tốt NV", "Good"))
COMPLETED = Column("completed", "Hoàn thành nhiệm vụ", ("HTNV", "Completed"))
NOT_COMPLETED = Column("not_completed", "Không hoàn thành nhiệm vụ", ("KHTNV", "Không HTNV", "Not completed"))
MEMBERS_NOT_RATED = Column(
    "not_rated",
    "Không xếp loại",
    ("Chưa xếp loại", "Không đánh giá", "Chưa đánh giá", "Đảng viên không xếp loại", "Not rated"),
)
ADMITTED = Column(
    "admitted",
    "Kết nạp mới",
    ("Kết nạp đảng viên mới", "Kết nạp", "Số đảng viên kết nạp mới", "Admitted", "New members"),
)

IDENTITY = (ORDINAL, CODE, NAME, PARENT, KIND, COMMITTEE, YEAR)
# The first two of the three steps (Quy định 124/366): the decision itself is the level column.
SELF_LEVEL = Column(
    "self_level",
    "Tự đánh giá",
    ("Tự đánh giá, xếp loại", "Tự xếp loại", "Kết quả tự đánh giá", "Đơn vị tự đánh giá", "Self-assessment"),
)
APPRAISED_LEVEL = Column(
    "appraised_level",
    "Thẩm định",
    ("Kết quả thẩm định", "Đề xuất thẩm định", "Thẩm định của ban tổ chức", "Appraisal"),
)
# A scored scheme's columns (Quy định 366-QĐ/TW); files of other years simply lack them.
SCORE = Column("score", "Điểm", ("Tổng điểm", "Tổng số điểm", "Điểm đánh giá", "Điểm tự chấm", "Score"))
SCORE_GENERAL = Column(
    "score_general",
    "Điểm tiêu chí chung",
    ("Điểm chung", "Tiêu chí chung", "Điểm phần chung", "General score"),
)
SCORE_TASKS = Column(
    "score_tasks",
    "Điểm kết quả thực hiện nhiệm vụ",
    ("Điểm kết quả nhiệm vụ", "Điểm nhiệm vụ", "Điểm thực hiện nhiệm vụ", "Task score"),
)
TASKS_ON_TIME = Column(
    "tasks_on_time",
    "100% nhiệm vụ đúng hạn",
    ("Hoàn thành 100% nhiệm vụ đúng hạn", "Đúng hạn", "Tasks on time"),
)
TASKS_ALL_DONE = Column(
    "tasks_all_done",
    "Hoàn thành tất cả nhiệm vụ",
    ("Hoàn thành các nhiệm vụ", "Hoàn thành toàn bộ nhiệm vụ", "All tasks done"),
)
TASKS_EXCEEDED = Column(
    "tasks_exceeded_percent",
    "Tỷ lệ nhiệm vụ vượt (%)",
    ("Nhiệm vụ vượt (%)", "Vượt (%)", "Tasks exceeded (%)"),
)
TASKS_LATE = Column(
    "tasks_late_percent", "Tỷ lệ nhiệm vụ chậm (%)", ("Nhiệm vụ chậm (%)", "Chậm (%)", "Tasks late (%)")
)
DISCIPLINED = Column(
    "disciplined", "Có tổ chức, đảng viên bị kỷ luật", ("Có kỷ luật", "Kỷ luật", "Bị kỷ luật", "Disciplined")
)
# The commendation "TSVM tiêu biểu" of a grassroots organization (Có/Không/x; blank: left as it is).
COMMENDED = Column(
    "commended",
    "TSVM tiêu biểu",
    ("Tiêu biểu", "Khen TSVM tiêu biểu", "Công nhận TSVM tiêu biểu", "Exemplary"),
)
SCORE_COLUMNS = (
    SCORE,
    SCORE_GENERAL,
    SCORE_TASKS,
    TASKS_ON_TIME,
    TASKS_ALL_DONE,
    TASKS_EXCEEDED,
    TASKS_LATE,
    DISCIPLINED,
)

RATING_COLUMNS = (
    *IDENTITY,
    LEVEL,
    REASON,
    DECISION_NUMBER,
    DECISION_DATE,
    NOTE,
    SELF_LEVEL,
    APPRAISED_LEVEL,
    *SCORE_COLUMNS,
    COMMENDED,
)
MEMBER_COLUMNS = (
    *IDENTITY,
    MEMBER_COUNT,
    EXCELLENT,
    GOOD,
    COMPLETED,
    NOT_COMPLETED,
    MEMBERS_NOT_RATED,
    ADMITTED,
)


@dataclass
class Table:
    """Where a sheet's table is: its header row and which column holds which field."""

    sheet: Sheet
    header_row: int  # as the spreadsheet numbers it
    columns: dict[str, int]  # field -> column index
    headers: dict[str, str]  # field -> the header as written in the file

    def has(self, field: str) -> bool:
        return field in self.columns

    def label(self, field: str, default: str = "") -> str:
        return self.headers.get(field, default)


def find_table(sheet: Sheet, columns: tuple[Column, ...]) -> Table | None:
    """The header row among the first rows: the one naming the most data columns (at least two)."""
    by_key = {}
    for column in columns:
        for k in column.keys:
            by_key.setdefault(k, column)
    best = None
    for index, row in enumerate(sheet.rows[:HEADER_ALLOWANCE]):
        found: dict[str, int] = {}
        for position, cell in enumerate(row):
            column = by_key.get(key(cell)) if cell else None
            if column is not None and column.field not in found:  # the first of two alike wins
                found[column.field] = position
        score = sum(1 for c in columns if c.data and c.field in found)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, index, found)
    if best is None:
        return None
    _score, index, found = best
    header = sheet.rows[index]
    return Table(
        sheet=sheet,
        header_row=index + 1,
        columns=found,
        headers={field: header[position] for field, position in found.items()},
    )


def describe(columns: tuple[Column, ...]) -> str:
    return ", ".join(f"“{c.header}”" for c in columns if c.data)


def missing_column_message(sheet: str, column: Column, alternatives: tuple[Column, ...] = ()) -> str:
    names = " / ".join(f"“{c.header}”" for c in (column, *alternatives))
    return _("Sheet “%(sheet)s”: the column %(names)s is missing.") % {"sheet": sheet, "names": names}
