"""Kinds of unit, types of place and reorganizations as offices write them in a spreadsheet.

"Huyện ủy", "Đảng bộ cơ sở", "ĐBCS", "Chi bộ trực thuộc", "xã", "thôn", "sáp nhập": any case,
with or without diacritics, stray spaces, NFC or decomposed, or the stored codes and English
labels themselves. Compared on `imports.cells.key`, the one comparison key of the imports. The
registry and the mapping files read their words here; nothing else decides what a word means.
"""

from __future__ import annotations

from imports.cells import key
from organizations.history import LineageKind
from organizations.models import TIER_OF_KIND, Kind, PlaceType

KIND_WORDS = {
    Kind.PROVINCE: ("Đảng bộ tỉnh", "Tỉnh ủy", "Tỉnh", "Đảng bộ thành phố trực thuộc trung ương"),
    Kind.DISTRICT: ("Huyện ủy", "Đảng bộ huyện", "Huyện", "Đảng bộ quận", "Quận ủy"),
    Kind.CITY: (
        "Thành ủy",
        "Đảng bộ thành phố",
        "Thành phố",
        "Thị ủy",
        "Đảng bộ thị xã",
        "Thị xã",
    ),
    Kind.BLOC: (
        "Đảng bộ khối",
        "Đảng ủy khối",
        "Khối",
        "Đảng bộ trực thuộc",
        "Đảng ủy trực thuộc",
        "Đảng bộ trực thuộc Tỉnh ủy",
        "Đảng bộ Quân sự",
        "Đảng bộ Quân sự tỉnh",
        "Đảng bộ Công an",
        "Đảng bộ Công an tỉnh",
        "Đảng bộ Biên phòng",
        "Đảng bộ Bộ đội Biên phòng tỉnh",
    ),
    Kind.GRASSROOTS_COMMITTEE: (
        "Đảng bộ cơ sở",
        "Đảng ủy cơ sở",
        "ĐBCS",
        "Đảng bộ xã",
        "Đảng bộ phường",
        "Đảng bộ thị trấn",
        "Đảng bộ",
    ),
    Kind.GRASSROOTS_CELL: ("Chi bộ cơ sở", "CBCS"),
    Kind.SUBORDINATE_CELL: (
        "Chi bộ trực thuộc",
        "Chi bộ trực thuộc đảng ủy cơ sở",
        "Chi bộ trực thuộc đảng bộ cơ sở",
        "CBTT",
        "Chi bộ thôn",
        "Chi bộ làng",
        "Chi bộ tổ dân phố",
        "Chi bộ",
    ),
}

PLACE_WORDS = {
    PlaceType.COMMUNE: ("Xã",),
    PlaceType.WARD: ("Phường",),
    PlaceType.TOWN: ("Thị trấn",),
    PlaceType.AGENCY: ("Cơ quan", "Cơ quan hành chính", "Cơ quan đảng", "Cơ quan nhà nước"),
    PlaceType.PUBLIC_SERVICE: ("Đơn vị sự nghiệp", "ĐVSN", "Sự nghiệp"),
    PlaceType.SCHOOL: ("Trường học", "Trường", "Nhà trường"),
    PlaceType.ENTERPRISE: ("Doanh nghiệp", "DN", "Công ty"),
    PlaceType.ARMED_FORCES: ("Lực lượng vũ trang", "LLVT", "Quân đội", "Công an", "Quân sự", "Biên phòng"),
    PlaceType.VILLAGE: ("Thôn, làng", "Thôn", "Làng", "Thôn làng", "Bản", "Buôn", "Ấp", "Thôn, làng, bản"),
    PlaceType.RESIDENTIAL_GROUP: ("Tổ dân phố", "TDP", "Khối phố", "Tổ dân cư"),
    PlaceType.SPECIAL_ZONE: ("Đặc khu",),
    PlaceType.OTHER: ("Khác",),
}

OPERATION_WORDS = {
    LineageKind.MERGE: ("Sáp nhập", "Hợp nhất", "Nhập", "Sáp nhập vào", "Merge"),
    LineageKind.SPLIT: ("Chia tách", "Tách", "Chia", "Split"),
    LineageKind.DISSOLVE: ("Giải thể", "Dissolve"),
    LineageKind.MOVE: ("Chuyển", "Điều chuyển", "Chuyển về", "Chuyển sinh hoạt", "Chuyển trực thuộc", "Move"),
    LineageKind.RENAME: ("Đổi tên", "Rename"),
    LineageKind.FOUND: ("Thành lập", "Thành lập mới", "Found"),
    LineageKind.REFOUND: (
        "Thành lập lại",
        "Tái thành lập",
        "Giải thể và thành lập lại",
        "Refound",
        "Re-found",
    ),
}


def _index(words: dict) -> dict[str, str]:
    index = {}
    for value, texts in words.items():
        label = value.label if hasattr(value, "label") else ""
        for text in (value.value, str(label), *texts):
            index.setdefault(key(text), value.value)
    return index


_KINDS = _index(KIND_WORDS)
_PLACES = _index(PLACE_WORDS)
_OPERATIONS = _index(OPERATION_WORDS)


def _label_key(choices) -> dict[str, str]:
    """The English labels "District party organization (huyện ủy)" without their bracket."""
    return {key(str(label).split("(")[0]): v for v, label in choices}


_KINDS.update({k: v for k, v in _label_key(Kind.choices).items() if k not in _KINDS})
_PLACES.update({k: v for k, v in _label_key(PlaceType.choices).items() if k not in _PLACES})


def parse_kind(text: str) -> tuple[str, str]:
    """(tier, kind) of a kind as written; ValueError for a word that names none."""
    kind = _KINDS.get(key(text))
    if kind is None:
        raise ValueError(text)
    return TIER_OF_KIND[kind], kind


def parse_place_type(text: str) -> str:
    """A type of place as written ("" for a blank cell); ValueError for a word that names none."""
    if not key(text):
        return ""
    place = _PLACES.get(key(text))
    if place is None:
        raise ValueError(text)
    return place


def parse_operation(text: str) -> str:
    """A reorganization as written ("sáp nhập", "chia tách" …): a `LineageKind` value, or ValueError."""
    operation = _OPERATIONS.get(key(text))
    if operation is None:
        raise ValueError(text)
    return operation


def examples(words: dict) -> str:
    """The first ways of writing each value, for a message that says what is understood."""
    return ", ".join(f"“{texts[0]}”" for texts in words.values())
