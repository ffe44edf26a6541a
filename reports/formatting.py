"""Vietnamese number formats outside templates (templates use Django's localization)."""

from decimal import Decimal


def vn_int(value) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")


def vn_decimal(value, places: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(value):,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vn_percent(value) -> str:
    return "—" if value is None else f"{vn_decimal(value)}%"
