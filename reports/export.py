"""Spreadsheet safety, both ways, for everything the project writes and reads back: every export
(reports, drill-down, import templates, the admin's exports) goes through `safe_cell`, and the
import undoes it with `unescape`.

Django-import-export's own option only escapes "=".
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell that a spreadsheet will not run as a formula (a leading ' makes it text)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape(text: str) -> str:
    """Undo `safe_cell`: "'=x" was written for "=x"."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
