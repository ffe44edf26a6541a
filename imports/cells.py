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


def parse_int(text: str) -> int:
    text = text.replace(" ", "").replace("\u00a0", "")
    if _INT.match(text):
        return int(re.split(r"[.,]", text)[0])
    if _GROUPED.match(text):  # 1.234 (Vietnamese) or 1,234
        return int(re.sub(r"[.,]", "", text))
    raise ValueError(text)


# A date as offices type it: day first (d/m/yyyy, d/m/yy, d-m-yyyy, d.m.yyyy; one or two digits
# for day and month), or ISO with or without its time (what the reader makes of a date cell).
_DAY_FIRST = re.compile(r"^(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$", re.ASCII)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", re.ASCII)
# An Excel date stored as a number (44581 = 2022-01-20): days since 1899-12-30 (Excel's 1900 leap
# year bug makes that the epoch for every serial after 60). Only 5-digit serials, 1927–2173: a bare
# 4-digit number is a year typed into a date cell, not a date.
_SERIAL = re.compile(r"^(\d{5})(?:[.,]0+)?$", re.ASCII)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(text: str) -> datetime.date:
    """A date as offices write it: 15/01/2016, 5/1/2016, 5/1/16, 15-01-2016, 15.01.2016,
    2016-01-15 (with or without a time), or an Excel serial number (42384). Two-digit years are
    2000–2068 or 1969–1999 (Python's rule). ValueError for anything else or an impossible date."""
    text = str(text).strip().replace("\u00a0", " ")
    if match := _SERIAL.match(text):
        return _EXCEL_EPOCH + datetime.timedelta(days=int(match.group(1)))
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    if match := _DAY_FIRST.match(text):
        day, _, month, year = match.groups()
        if len(year) == 2:
            year = datetime.datetime.strptime(year, "%y").year
        return datetime.date(int(year), int(month), int(day))
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
