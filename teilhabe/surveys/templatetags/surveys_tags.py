"""Formatting of survey figures: shares as percentages, intervals, scores, signed changes."""

from django import template
from django.utils.translation import gettext as _

from teilhabe.core.formatting import format_number, format_percent, format_signed, with_unit

register = template.Library()


@register.filter
def percent(share: float | None, decimals: int = 1) -> str:
    """0.4231 → "42.3 %" (localised); "–" for no value."""
    return format_percent(share, decimals)


@register.filter
def percent_interval(row, decimals: int = 1) -> str:
    """ "38.1–46.5 %" for an object with low and high shares; "" without an interval."""
    if getattr(row, "low", None) is None or getattr(row, "high", None) is None:
        return ""
    low = format_number(row.low * 100, decimals)
    high = format_number(row.high * 100, decimals)
    return with_unit(f"{low}–{high}", "%")


@register.filter
def number(value: float | None, decimals: int = 1) -> str:
    return format_number(value, decimals)


@register.filter
def interval(value, decimals: int = 1) -> str:
    """ "61.2–65.0" for an object with low and high; "" without an interval."""
    if value is None or getattr(value, "low", None) is None or getattr(value, "high", None) is None:
        return ""
    return f"{format_number(value.low, decimals)}–{format_number(value.high, decimals)}"


@register.filter
def signed(value: float | None, decimals: int = 1) -> str:
    """+2.5 / −1.0 / ±0.0 with a real minus sign."""
    return format_signed(value, decimals)


@register.filter
def group_score(scores: dict, group: str):
    return scores.get(group) if isinstance(scores, dict) else None


@register.simple_tag
def change_verdict(change) -> str:
    """Whether a change is clearly up, clearly down (its 95 % interval excludes 0) or within the uncertainty."""
    if change is None or change.is_empty:
        return ""
    if not change.has_interval:
        return _("no interval")
    if change.low > 0:
        return _("clearly higher")
    if change.high < 0:
        return _("clearly lower")
    return _("within the uncertainty")


@register.filter
def row_label(table, code) -> str:
    return table.row_label(code)


@register.filter
def column_label(table, code) -> str:
    return table.column_label(code)


@register.filter
def index(sequence, position: int):
    return sequence[position]


@register.filter
def make_list_of_groups(text: str) -> list[str]:
    """ "yes no all" → ["yes", "no", "all"]: the group columns of index tables, in order."""
    return text.split()
