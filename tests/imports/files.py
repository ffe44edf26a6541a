"""Spreadsheet files made in memory for the import tests."""

import csv
import io
import unicodedata

import pandas as pd
from openpyxl import Workbook

RATING_HEADERS = ["Mã đơn vị", "Năm", "Xếp loại"]
# Tone marks are separate characters in Windows-1258; the other marks are part of the letter.
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def xlsx(*rows, sheet="Xếp loại", sheets=None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, sheet_rows in (sheets or {sheet: rows}).items():
        ws = workbook.create_sheet(name)
        for row in sheet_rows:
            ws.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods(*rows) -> bytes:
    out = io.BytesIO()
    frame = pd.DataFrame([list(r) for r in rows])
    frame.to_excel(out, engine="odf", header=False, index=False, sheet_name="Xếp loại")
    return out.getvalue()


def csv_text(*rows, delimiter=",") -> str:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """Vietnamese text as Excel on Vietnamese Windows writes it: tone marks as combining characters."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)
