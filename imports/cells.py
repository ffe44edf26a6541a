"""Reading one cell's text: white space, diacritics and case, numbers and dates as offices write
them. Pure text, no database: the file reader, the column finder, the level parser and the row
checks all read cells through here.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def clean_text(value) -> str:
    """A cell as text: NFC, no leading/trailing or doubled white space (incl. non-breaking)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES.sub(" ", text).strip()


def cell_text(value) -> str:
    """A cell as read: NFC, without leading or trailing white space (inner line breaks kept)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def strip_diacritics(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def key(value) -> str:
    """The comparison key of a level or a column header: "Hoàn thành tốt NV" → "hoanthanhtotnv"."""
    return _NOT_ALNUM.sub("", strip_diacritics(clean_text(value)).casefold())


# ASCII digits only (re.ASCII): "²" or "١٢" in a count is a typing accident, not a number.
_INT = re.compile(r"^\d+(?:[.,]0+)?$", re.ASCII)
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$", re.ASCII)
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def parse_int(text: str) -> int:
    text = text.replace(" ", "").replace("\u00a0", "")
    if _INT.match(text):
        return int(re.split(r"[.,]", text)[0])
    if _GROUPED.match(text):  # 1.234 (Vietnamese) or 1,234
        return int(re.sub(r"[.,]", "", text))
    raise ValueError(text)


def parse_date(text: str) -> datetime.date:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


_DECIMAL = re.compile(r"^\d{1,3}(?:[.,]\d)?$", re.ASCII)
_YES = {"co", "x", "yes", "y", "1", "true", "dung", "dat"}
_NO = {"khong", "no", "n", "0", "false", "sai"}


def parse_points(text: str) -> Decimal:
    """A score with at most one decimal, written 72,5 or 72.5."""
    text = text.replace(" ", "").replace("\u00a0", "")
    if not _DECIMAL.match(text):
        raise ValueError(text)
    return Decimal(text.replace(",", "."))


def parse_yes_no(text: str) -> bool:
    """Có/Không as offices write it (x, ✓, yes, 1 …)."""
    k = key(text)
    if k in _YES or text.strip() in ("✓", "✔", "☑"):
        return True
    if k in _NO or text.strip() in ("✗", "✘", "-"):
        return False
    raise ValueError(text)
