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
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval, format_skeleton
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

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


def round_half_up(value: float | int | Decimal, decimals: int) -> Decimal:
    """The value as written (its shortest decimal form, 0.125 not 0.12499…) rounded half away from zero:
    what a reader who rounds by hand gets. Never truncates, and never yields "-0".

    A float is read to 15 significant digits, all a double holds reliably: a gap computed as 62.75 − 79.1
    is -16.349999999999994 in binary arithmetic but -16.35 as written, so it rounds to -16.4 like the
    stored -16.35 beside it."""
    with localcontext() as context:
        context.prec = 800  # enough digits for any finite double: quantize never overflows (1e30 with 1 place)
        rounded = Decimal(format(value, ".15g") if isinstance(value, float) else str(value)).quantize(
            Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
        )
    return abs(rounded) if rounded == 0 else rounded


def format_number(value: float | None, decimals: int = 1, *, grouping: bool = True) -> str:
    """The value rounded to `decimals` places with the locale's digits and separators; "–" when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    locale = current_locale()
    pattern = copy.copy(locale.decimal_formats[None])
    pattern.frac_prec = (decimals, decimals)
    text = pattern.apply(
        round_half_up(value, decimals),
        locale,
        group_separator=grouping,
        numbering_system="default",
    )
    return _native_digits(text, locale)


def spreadsheet_format(decimals: int) -> str:
    """The Excel number format that shows a value rounded to `decimals` places with a thousands separator
    (the spreadsheet keeps the stored value; the reader's program writes its own separators)."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


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
        # the day in the site's time zone, as Django's date filter shows it (23:30 UTC is the next day in Berlin)
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    locale = current_locale()
    return _native_digits(babel_format_date(value, format=style, locale=locale), locale)


# The canonical period codes of teilhabe.monitoring.periods (core imports nothing from the contexts).
_PERIOD_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PERIOD_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_PERIOD_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_PERIOD_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")


def format_period(code: str | None, kind: str | None, locale: str | None = None) -> str:
    """A period as a person reads it, from its canonical code and kind (monitoring.periods.PeriodKind):
    year "2024", school year "2016/17", reference date "31. Dezember 2024", quarter "Q1 2024", month
    "März 2024", range "17. Mai – 11. Juni 2023", a label as it is. Machine-readable fields keep the code."""
    if not code:
        return "–"
    reader = _locale(locale) if locale else current_locale()
    try:
        if kind == "reference_date" and (match := _PERIOD_DATE.match(code)):
            text = babel_format_date(datetime.date(*map(int, match.groups())), format="long", locale=reader)
        elif kind == "quarter" and (match := _PERIOD_QUARTER.match(code)):
            year, quarter = int(match.group(1)), int(match.group(2))
            text = format_skeleton("yQQQ", datetime.date(year, 3 * quarter - 2, 1), locale=reader)
        elif kind == "month" and (match := _PERIOD_MONTH.match(code)):
            text = format_skeleton("yMMMM", datetime.date(int(match.group(1)), int(match.group(2)), 1), locale=reader)
        elif kind == "range" and (match := _PERIOD_RANGE.match(code)):
            start, end = (datetime.date.fromisoformat(part) for part in match.groups())
            text = format_interval(start, end, "yMMMMd", locale=reader)
        else:
            return code if kind == "label" else _native_digits(code, reader)  # years and school years as they are
    except ValueError:  # a code that does not match its kind: shown as stored rather than hidden
        return code
    return _native_digits(text, reader)


def with_unit(text: str, unit: str) -> str:
    if not unit or text == "–":
        return text
    if unit == "%" and current_locale().language == "en":
        return f"{text}%"  # English writes "79.1%" (CLDR), German "79,1 %"
    return f"{text}\u00a0{unit}"  # a no-break space keeps number and unit on one line


# --------------------------------------------------------------------------- values in their unit

# Units whose values are shares of 100 (their changes are percentage points) and units that count things
# (nothing is written after the number; the unit is said in words where the indicator is described).
SHARE_UNITS = frozenset({"%", "percent", "per cent", "percentage", "prozent"})
COUNT_UNITS = frozenset({"number", "count", "anzahl", "persons", "personen", "people"})


def is_share_unit(unit: str | None) -> bool:
    return (unit or "").strip().lower() in SHARE_UNITS


def is_count_unit(unit: str | None) -> bool:
    return (unit or "").strip().lower() in COUNT_UNITS


def default_decimals(unit: str | None) -> int:
    """Decimals of a unit when the indicator sets none: counts are whole, everything else has one place."""
    return 0 if is_count_unit(unit) else 1


def unit_in_words(unit: str | None) -> str:
    """The unit as the "Unit" line of an indicator names it: "per cent", "number (count)", or the unit itself."""
    if is_share_unit(unit):
        return _("per cent (share of 100)")
    if is_count_unit(unit):
        return _("number (count)")
    return (unit or "").strip()


def unit_after_number(unit: str | None) -> str:
    """What follows a value: "%" for shares, nothing for counts, else the unit."""
    if is_share_unit(unit):
        return "%"
    if is_count_unit(unit):
        return ""
    return (unit or "").strip()


def format_value(value: float | None, decimals: int, unit: str = "") -> str:
    """A value in its unit: "42,3 %", "240.000", "3,5 Wochen"."""
    return with_unit(format_number(value, decimals), unit_after_number(unit))


def format_signed(value: float | None, decimals: int = 1) -> str:
    """+2,5 / −1,0 / ±0,0 with a real minus sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round_half_up(value, decimals)
    text = format_number(abs(value), decimals)
    if rounded == 0:
        return f"±{text}"
    return f"+{text}" if rounded > 0 else f"\u2212{text}"


def points_unit(*, short: bool = False) -> str:
    """The unit of a change of a share: percentage points ("Prozentpunkte", short "Pp.")."""
    return pgettext("unit, short", "pp") if short else pgettext("unit", "percentage points")


def change_unit(unit: str | None, *, short: bool = False) -> str:
    """The unit of a difference or change of values in `unit`: percentage points for shares."""
    return points_unit(short=short) if is_share_unit(unit) else unit_after_number(unit)


def format_change(value: float | None, decimals: int, unit: str = "", *, short: bool = False) -> str:
    """A signed change or difference in the value's unit: "+4,4 Prozentpunkte", "−120", "+0,6 Wochen".
    Changes of shares are percentage points, never per cent (for a relative change use format_relative_change)."""
    return with_unit(format_signed(value, decimals), change_unit(unit, short=short))


def format_percent(fraction: float | None, decimals: int = 1) -> str:
    """A fraction as per cent: 0.791 → "79,1 %"."""
    if fraction is None:
        return "–"
    return with_unit(format_number(fraction * 100, decimals), "%")


def format_relative_change(fraction: float | None, decimals: int = 1) -> str:
    """A relative change (growth rate) in per cent, signed: 0.031 → "+3,1 %"."""
    if fraction is None:
        return "–"
    return with_unit(format_signed(fraction * 100, decimals), "%")


# Disclosure control (docs/methods/disclosure-control.md): how a withheld figure and one of limited
# reliability read, the way official statistics offices print them.
WITHHELD_MARK = "/"


def withheld_legend() -> str:
    """The legend of "/": the figure is withheld."""
    return _("no figure: too few cases")


def limited_legend() -> str:
    """The legend of a figure in parentheses."""
    return _("limited reliability: few cases")


def mark_reliability(text: str, reliability: str | None) -> str:
    """A formatted figure as its reliability ("withheld", "limited", "published") lets it be shown:
    "/" when withheld, "(42,3 %)" when of limited reliability, else unchanged."""
    if reliability == "withheld":
        return WITHHELD_MARK
    if reliability == "limited" and text and text != "–":
        return f"({text})"
    return text


def format_disclosed_value(value: float | None, decimals: int, unit: str = "", reliability: str | None = None) -> str:
    """A value in its unit, marked by its reliability: "/", "(42,3 %)" or "42,3 %"."""
    return mark_reliability(format_value(value, decimals, unit), reliability)
