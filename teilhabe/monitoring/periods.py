"""Reporting periods: calendar years, school years and reference dates, parsed into one sortable form.

Pure module: no Django imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    YEAR = "year"
    SCHOOL_YEAR = "school_year"
    REFERENCE_DATE = "reference_date"


@dataclass(frozen=True, order=True)
class Period:
    """A period, ordered by its start date. `code` is its canonical text form."""

    start: date
    end: date
    kind: PeriodKind
    code: str

    @property
    def year(self) -> int:
        """The year used by year-based methods: a school year 2016/17 counts as 2016."""
        return self.start.year


_YEAR = re.compile(r"^(\d{4})$")
_SCHOOL_YEAR = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class PeriodError(ValueError):
    pass


def parse_period(text: str) -> Period:
    """Parse '2016', '2016/17' (or '2016/2017'), '2016-12-31' or '31.12.2016'."""
    value = str(text).strip()
    if match := _YEAR.match(value):
        year = int(match.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR, f"{year}")
    if match := _SCHOOL_YEAR.match(value):
        first = int(match.group(1))
        second = match.group(2)
        second_full = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if second_full < first:
            second_full += 100
        if second_full != first + 1:
            raise PeriodError(f"'{value}' is not a school year: the second year must follow the first")
        return Period(date(first, 8, 1), date(first + 1, 7, 31), PeriodKind.SCHOOL_YEAR, f"{first}/{second_full % 100:02d}")
    if (match := _DATE.match(value)) or (match := _GERMAN_DATE.match(value)):
        groups = match.groups()
        year, month, day = (int(groups[0]), int(groups[1]), int(groups[2])) if len(groups[0]) == 4 else (
            int(groups[2]), int(groups[1]), int(groups[0]))
        try:
            day_value = date(year, month, day)
        except ValueError as error:
            raise PeriodError(f"'{value}' is not a valid date: {error}") from None
        return Period(day_value, day_value, PeriodKind.REFERENCE_DATE, day_value.isoformat())
    raise PeriodError(
        f"'{value}' is not a period; use a year (2016), a school year (2016/17) or a date (2016-12-31)"
    )
