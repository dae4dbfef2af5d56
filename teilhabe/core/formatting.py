"""The one formatting layer for numbers a person reads: rounding, separators and unit in the reader's locale.

Pages, charts, forms and downloads call these functions (portal.charts re-exports them), so a value reads the
same everywhere.
"""

from __future__ import annotations

import math

from django.utils.formats import number_format


def format_number(value: float | None, decimals: int = 1) -> str:
    """The value rounded to `decimals` places with the locale's separators; "–" when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def with_unit(text: str, unit: str) -> str:
    if not unit or text == "–":
        return text
    return f"{text}\u00a0{unit}"  # a no-break space keeps number and unit on one line
