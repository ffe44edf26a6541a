"""Which rows below a table's header are data, and which an office's own sheet adds around them.

Offices fill their own forms: between and below the units come blank rows, a total ("Tổng cộng:
11 tổ chức", "Cộng", "Tổng số") and a signature block ("NGƯỜI LẬP BIỂU", "T/M BAN THƯỜNG VỤ",
"Kon Tum, ngày 15 tháng 01 năm 2016", the signers' names). None of these is a unit: each is
skipped and listed as skipped with its row number (a run of blank rows as one entry), never
counted as an error. A row with something written like a unit code in its code column is always
data, whatever else it says. Once a
signature line is met, the rows below it without a code are the signature block too.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from imports import columns as C
from imports.cells import clean_text
from organizations.models import code_validator

_WORDS = re.compile(r"[^\w/]+")
# The first words of a total row (with their diacritics: "Công ty" is a name, "Cộng" a total).
_TOTALS = ("tổng cộng", "tổng số", "cộng", "total", "totals", "sum")
# The first words of a line of a signature block.
_SIGNATURES = (
    "người lập",
    "người ký",
    "người duyệt",
    "người kiểm tra",
    "thủ trưởng",
    "t/m",
    "tm",
    "k/t",
    "kt",
    "trưởng ban",
    "phó trưởng ban",
    "bí thư",
    "phó bí thư",
    "chánh văn phòng",
    "xác nhận",
    "ký tên",
    "ký",
    "nơi nhận",
    "prepared by",
    "signed",
)
_DATE_LINE = re.compile(r"\bngày\b.*\btháng\b.*\bnăm\b")
# Free text of a data row ("Cộng đồng …" in a note is no total): read for a total or a signature
# only when the row holds nothing else.
FREE_TEXT = ("note", "not_rated_reason", "decision_number")


def _words(text: str) -> str:
    """NFC, casefolded, punctuation as spaces (slashes kept: "T/M"), diacritics kept."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(_WORDS.sub(" ", text).split())


def _starts(text: str, prefixes) -> bool:
    return any(text == p or text.startswith(p + " ") for p in prefixes)


def footer_kind(texts: list[str]) -> str | None:
    """ "total", "signature" or None for a row's non-empty cells."""
    for text in texts:
        words = _words(text)
        if _starts(words, _TOTALS):
            return "total"
        if _starts(words, _SIGNATURES) or _DATE_LINE.search(words):
            return "signature"
    return None


def data_rows(tables: list[C.Table], spec, make_row):
    """Every row below each table's header: `make_row(table, number, cells)` for data, and the
    skipped ones as `make_row(table, number, cells, note=…)`."""
    fields = [c.field for c in spec.columns if c.data]
    for table in tables:
        positions = [(f, table.columns[f]) for f in fields if f in table.columns]
        code_at = table.columns.get("code")
        in_signature = False
        blank_from = None
        rows = table.sheet.rows
        for index in range(table.header_row, len(rows)):
            cells_in_row = rows[index]
            number = index + 1
            texts = [c for c in cells_in_row if c]
            if not texts:
                if blank_from is None:
                    blank_from = number
                continue
            if blank_from is not None:
                yield _blank(table, make_row, blank_from, number - 1)
                blank_from = None
            width = len(cells_in_row)
            cells = {f: cells_in_row[p] for f, p in positions if p < width and cells_in_row[p]}
            has_code = code_at is not None and code_at < width and _is_code(cells_in_row[code_at])
            kind = None
            if not has_code:
                free = {table.columns[f] for f in FREE_TEXT if f in table.columns}
                read = [c for p, c in enumerate(cells_in_row) if c and p not in free]
                kind = footer_kind(read if any(f not in FREE_TEXT for f in cells) else texts)
            if kind == "signature":
                in_signature = True
            if not has_code and (kind or in_signature):
                note = _("Total row: not a unit.") if kind == "total" else _("Signature block: not a unit.")
                yield make_row(table, number, cells, note=note)
                continue
            if not cells:  # text only outside the columns read (a remark beside the table)
                yield make_row(table, number, cells, note=_("Nothing in the columns read."))
                continue
            yield make_row(table, number, cells)
        # Blank rows at the very end of a sheet are not listed: nothing follows them.


def _is_code(text: str) -> bool:
    """Written like a unit code (not "NGƯỜI LẬP BIỂU" or a signer's name in the code column)."""
    return bool(text) and code_validator.regex.match(clean_text(text).upper()) is not None


def _blank(table, make_row, first: int, last: int):
    if first == last:
        return make_row(table, first, {}, note=_("Blank row."))
    note = _("Blank rows %(first)s–%(last)s.") % {"first": first, "last": last}
    return make_row(table, first, {}, note=note)
