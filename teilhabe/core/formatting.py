"""The one formatting layer for numbers and dates a person reads, in the reader's language (CLDR data via Babel).

Pages, charts, forms and downloads call these functions (portal.charts re-exports them), so a value reads the
same everywhere. Each interface language uses its CLDR default numbering system: Latin digits for German,
English, Turkish, Ukrainian, Russian and Arabic (CLDR's default for `ar`), Extended Arabic-Indic digits for
Farsi (docs/translations.md).
"""

from __future__ import annotations

import copy
import datetime
import math
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from django.conf import settings
from django.utils.translation import get_language

# Babel applies a numbering system's separators but writes Latin digits; these are the digits of the
# numbering systems our languages default to.
DIGITS = {
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
}


@cache
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(settings.LANGUAGE_CODE)


def current_locale() -> Locale:
    return _locale(get_language() or settings.LANGUAGE_CODE)


def _native_digits(text: str, locale: Locale) -> str:
    digits = DIGITS.get(locale.default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def format_number(value: float | None, decimals: int = 1, *, grouping: bool = True) -> str:
    """The value rounded to `decimals` places with the locale's digits and separators; "–" when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    locale = current_locale()
    pattern = copy.copy(locale.decimal_formats[None])
    pattern.frac_prec = (decimals, decimals)
    text = pattern.apply(
        Decimal(str(round(value, decimals))),
        locale,
        group_separator=grouping,
        numbering_system="default",
    )
    return _native_digits(text, locale)


def chart_number_locale() -> dict:
    """The reader's number conventions as a d3-format locale, so chart axes read like the page's tables."""
    locale = current_locale()
    system = locale.default_numbering_system
    symbols = locale.number_symbols.get(system) or locale.number_symbols["latn"]
    spec = {"decimal": symbols["decimal"], "thousands": symbols["group"], "grouping": [3], "currency": ["", ""]}
    if system in DIGITS:
        spec["numerals"] = list(DIGITS[system])
    return spec


def format_date(value: datetime.date | None, style: str = "long") -> str:
    """A date in the reader's language, Gregorian calendar, CLDR pattern ("7. Dezember 2026", "7 Aralık 2026",
    "۷ دسامبر ۲۰۲۶")."""
    if value is None:
        return "–"
    if isinstance(value, datetime.datetime):
        value = value.date()
    locale = current_locale()
    return _native_digits(babel_format_date(value, format=style, locale=locale), locale)


def with_unit(text: str, unit: str) -> str:
    if not unit or text == "–":
        return text
    return f"{text}\u00a0{unit}"  # a no-break space keeps number and unit on one line
