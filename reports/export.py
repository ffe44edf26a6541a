"""Spreadsheet safety for everything the project exports (reports and the import templates).

Django-import-export's own option only escapes "=".
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell that a spreadsheet will not run as a formula (a leading ' makes it text)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
