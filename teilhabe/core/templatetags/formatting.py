"""Template filters of the formatting layer (teilhabe.core.formatting) and bidi isolation of inserted text."""

import datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language_bidi

from teilhabe.core import formatting
from teilhabe.core.formatting import format_date

register = template.Library()


@register.filter
def isolate(value: object) -> str:
    """The value as a bidi-isolated run (<bdi>): a code, number, date or German name inside an Arabic or
    Farsi sentence keeps its own direction and does not reorder the words around it. Left-to-right pages
    need no isolation for these (resident-written text carries its own `dir` wherever it is shown), so the
    value is returned as it is there. Element content only, never inside an attribute."""
    if value is None or value == "":
        return ""
    if not get_language_bidi():
        return value
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def local_date(value: datetime.date | None, style: str = "long") -> str:
    """A date written the way the reader's language writes it (CLDR via Babel)."""
    return format_date(value, style) if value else ""


@register.filter
def number(value: float | None, decimals: int = 1) -> str:
    """A number rounded (never cut) to `decimals` places with the reader's separators: 240000 → "240.000"."""
    return formatting.format_number(value, int(decimals))


@register.simple_tag
def value_in_unit(value: float | None, decimals: int, unit: str = "") -> str:
    """A value in its unit ("42,3 %", "3.288"), rounded to the indicator's decimals."""
    return formatting.format_value(value, int(decimals), unit)


@register.simple_tag
def change_in_unit(value: float | None, decimals: int, unit: str = "") -> str:
    """A signed change in the value's unit; shares change by percentage points."""
    return formatting.format_change(value, int(decimals), unit)


@register.filter
def unit_in_words(unit: str) -> str:
    """The unit named in words ("per cent (share of 100)", "number (count)") where an indicator is described."""
    return formatting.unit_in_words(unit) or "–"
