"""Numbers, percentages and dates written the way each UI language writes them (CLDR data through Babel)."""
from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent


def number(value: float, lang: str, digits: int = 0) -> str:
    """12345.6 -> "12,345.6" (en), "12 345,6" (pl), "12.345,6" (it)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


def percent(value: float, lang: str) -> str:
    """0.29 -> "29%" (en, it), "29%" (pl) with the locale's own sign spacing."""
    return format_percent(value, locale=lang)


def day(value: date, lang: str) -> str:
    """A short date: "Nov 8, 2026" (en), "8 lis 2026" (pl), "8 nov 2026" (it)."""
    return format_date(value, format="medium", locale=lang)


@cache
def vega_locale(lang: str) -> dict[str, Any]:
    """The d3 number and time locale for Vega-Lite charts (config.locale): axis dates and numbers in `lang`."""
    locale = Locale.parse(lang)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # Babel numbers days from Monday, d3 from Sunday
    days = locale.days["stand-alone"]
    months = locale.months["stand-alone"]
    return {
        "number": {
            "decimal": locale.number_symbols["latn"]["decimal"],
            "thousands": locale.number_symbols["latn"]["group"],
            "grouping": [3],
            "currency": ["", ""],
        },
        "time": {
            "dateTime": "%x, %X",
            "date": "%d.%m.%Y" if lang != "en" else "%m/%d/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [str(days["wide"][i]) for i in sunday_first],
            "shortDays": [str(days["abbreviated"][i]) for i in sunday_first],
            "months": [str(months["wide"][i]) for i in range(1, 13)],
            "shortMonths": [str(months["abbreviated"][i]) for i in range(1, 13)],
        },
    }
