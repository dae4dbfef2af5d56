import datetime

import pytest

from teilhabe.monitoring.periods import PeriodError, PeriodKind, parse_period


@pytest.mark.parametrize(
    ("label", "text", "kind", "code", "start", "year"),
    [
        ("calendar year", "2016", PeriodKind.YEAR, "2016", datetime.date(2016, 1, 1), 2016),
        ("school year short", "2016/17", PeriodKind.SCHOOL_YEAR, "2016/17", datetime.date(2016, 8, 1), 2016),
        ("school year long", "2016/2017", PeriodKind.SCHOOL_YEAR, "2016/17", datetime.date(2016, 8, 1), 2016),
        ("century turn", "1999/00", PeriodKind.SCHOOL_YEAR, "1999/00", datetime.date(1999, 8, 1), 1999),
        ("iso date", "2016-12-31", PeriodKind.REFERENCE_DATE, "2016-12-31", datetime.date(2016, 12, 31), 2016),
        ("german date", "31.12.2016", PeriodKind.REFERENCE_DATE, "2016-12-31", datetime.date(2016, 12, 31), 2016),
    ],
)
def test_parse_period(label, text, kind, code, start, year):
    period = parse_period(text)
    assert (period.kind, period.code, period.start, period.year) == (kind, code, start, year)


@pytest.mark.parametrize("text", ["16", "2016/18", "2016-13-01", "", "next year"])
def test_bad_periods_are_refused_with_the_value(text):
    with pytest.raises(PeriodError, match="period|school year|date"):
        parse_period(text)


def test_periods_order_by_start():
    assert sorted([parse_period("2017"), parse_period("2016/17"), parse_period("2016")])[0].code == "2016"
