"""Reporting periods: calendar years, school years, quarters, months, reference dates, date ranges and
other period labels, parsed into one sortable form.

`parse_period` reads the strict forms a city's own files use; `read_period_label` reads the labels
that foreign data repositories put in their Year column (docs/data-formats.md). Pure module.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class PeriodKind(StrEnum):
    YEAR = "year"
    SCHOOL_YEAR = "school_year"
    REFERENCE_DATE = "reference_date"
    QUARTER = "quarter"
    MONTH = "month"
    RANGE = "range"
    # Any other label ("wave 3", "winter"): ordered as in its file, shown and listed, never assessed.
    LABEL = "label"


# Kinds that stand for one year in year-based methods (a school year counts as its first year).
ANNUAL_KINDS = frozenset({PeriodKind.YEAR, PeriodKind.SCHOOL_YEAR, PeriodKind.REFERENCE_DATE})
CODE_LENGTH = 40


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
        return Period(
            date(first, 8, 1), date(first + 1, 7, 31), PeriodKind.SCHOOL_YEAR, f"{first}/{second_full % 100:02d}"
        )
    if (match := _DATE.match(value)) or (match := _GERMAN_DATE.match(value)):
        groups = match.groups()
        year, month, day = (
            (int(groups[0]), int(groups[1]), int(groups[2]))
            if len(groups[0]) == 4
            else (int(groups[2]), int(groups[1]), int(groups[0]))
        )
        try:
            day_value = date(year, month, day)
        except ValueError as error:
            raise PeriodError(f"'{value}' is not a valid date: {error}") from None
        return Period(day_value, day_value, PeriodKind.REFERENCE_DATE, day_value.isoformat())
    raise PeriodError(f"'{value}' is not a period; use a year (2016), a school year (2016/17) or a date (2016-12-31)")


_QUARTER = re.compile(r"^(\d{4})\s*[-_/ ]?\s*Q([1-4])$|^Q([1-4])\s*[-_/ ]?\s*(\d{4})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})\s*-\s*(\d{1,2})$|^(\d{4})\s*M(\d{1,2})$", re.IGNORECASE)
_MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (
        calendar.month_name[number],
        calendar.month_abbr[number],
        (
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        )[number - 1],
    )
}
_DAY_MONTH = r"(\d{1,2})\.?\s+([A-Za-zÄäÖöÜü]+)\.?(?:\s+(\d{4}))?"
_TEXT_RANGE = re.compile(rf"^{_DAY_MONTH}\s*(?:to|until|bis|-|–|—)\s*{_DAY_MONTH}$", re.IGNORECASE)
_TEXT_MONTH = re.compile(r"^([A-Za-zÄäÖöÜü]+)\.?\s+(\d{4})$")
_DATE_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:/|to|–|—|\.\.)\s*(\d{4}-\d{2}-\d{2})$")
_LABEL_EPOCH = date(1, 1, 1)


def _quarter(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return Period(date(year, first_month, 1), end, PeriodKind.QUARTER, f"{year}-Q{quarter}")


def _month(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(f"month {month} does not exist")
    end = date(year, month, calendar.monthrange(year, month)[1])
    return Period(date(year, month, 1), end, PeriodKind.MONTH, f"{year}-{month:02d}")


def _range(start: date, end: date) -> Period:
    if end < start:
        raise PeriodError(f"the range ends ({end}) before it starts ({start})")
    return Period(start, end, PeriodKind.RANGE, f"{start.isoformat()}/{end.isoformat()}")


def _text_range(match: re.Match[str]) -> Period:
    day_1, month_1, year_1, day_2, month_2, year_2 = match.groups()
    start_month, end_month = _MONTH_NAMES.get(month_1.lower()), _MONTH_NAMES.get(month_2.lower())
    if start_month is None or end_month is None or not (year_1 or year_2):
        raise PeriodError("not a date range")
    end_year = int(year_2 or year_1)
    start_year = int(year_1) if year_1 else (end_year if start_month <= end_month else end_year - 1)
    return _range(date(start_year, start_month, int(day_1)), date(end_year, end_month, int(day_2)))


def label_period(label: str, position: int) -> Period:
    """An ordered label: dated by its position in year 1 so that it sorts as in its file and is never a date."""
    text = " ".join(str(label).split())
    code = (
        text
        if len(text) <= CODE_LENGTH
        else f"{text[: CODE_LENGTH - 9].rstrip()}~{hashlib.sha1(text.encode()).hexdigest()[:8]}"
    )
    day = _LABEL_EPOCH + timedelta(days=min(max(position, 0), 364))
    return Period(day, day, PeriodKind.LABEL, code)


def read_period_label(text: str) -> Period | None:
    """The period a foreign Year label names, or None when it names none of the known kinds.

    Reads everything `parse_period` reads, plus quarters ("2024 Q1", "2024-Q1", "Q1 2024"), months
    ("2024-03", "2024M03", "March 2024") and date ranges ("17 May to 11 June 2023",
    "2023-05-17/2023-06-11"). Year ranges such as "2005-2007" are left to the caller.
    """
    value = " ".join(str(text).split())
    try:
        return parse_period(value)
    except PeriodError:
        pass
    try:
        if match := _QUARTER.match(value):
            year, quarter = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            return _quarter(int(year), int(quarter))
        if match := _MONTH.match(value):
            year, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
            # "2011-12" is a fiscal or school year written with a hyphen, not December 2011.
            if 1 <= int(month) <= 12 and not (len(month) == 2 and int(month) == (int(year) + 1) % 100):
                return _month(int(year), int(month))
            return None
        if (match := _TEXT_MONTH.match(value)) and match.group(1).lower() in _MONTH_NAMES:
            return _month(int(match.group(2)), _MONTH_NAMES[match.group(1).lower()])
        if match := _DATE_RANGE.match(value):
            return _range(date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2)))
        if match := _TEXT_RANGE.match(value):
            return _text_range(match)
    except (PeriodError, ValueError):
        return None
    return None
