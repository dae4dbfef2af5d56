"""Numbers and dates follow the reader's language (CLDR via Babel), in all seven interface languages."""

import datetime

import pytest
from django.utils import translation

from teilhabe.core.formatting import format_date, format_number, with_unit


@pytest.mark.parametrize(
    ("language", "number", "negative", "date"),
    [
        ("de", "12.345,7", "-3,25", "7. Dezember 2026"),
        ("en", "12,345.7", "-3.25", "December 7, 2026"),
        ("ar", "12,345.7", "-3.25", "7 ديسمبر 2026"),  # CLDR's default for ar: Latin digits
        ("fa", "۱۲٬۳۴۵٫۷", "-۳٫۲۵", "۷ دسامبر ۲۰۲۶"),  # Extended Arabic-Indic digits
        ("tr", "12.345,7", "-3,25", "7 Aralık 2026"),
        ("uk", "12\u00a0345,7", "-3,25", "7 грудня 2026\u202fр."),
        ("ru", "12\u00a0345,7", "-3,25", "7 декабря 2026\u202fг."),
    ],
)
def test_numbers_and_dates_in_each_language(language, number, negative, date):
    with translation.override(language):
        assert format_number(12345.678, 1) == number
        assert format_number(-3.25, 2) == negative
        assert format_date(datetime.date(2026, 12, 7)) == date


def test_missing_values_and_units():
    with translation.override("fa"):
        assert format_number(None) == "–"
        assert format_number(float("nan")) == "–"
        assert with_unit(format_number(42.0, 0), "%") == "۴۲\u00a0%"
        assert with_unit("–", "%") == "–"


def test_grouping_can_be_left_out():
    with translation.override("de"):
        assert format_number(1234.5, 1, grouping=False) == "1234,5"
        assert format_number(1234.5, 1) == "1.234,5"


def test_a_moment_is_dated_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    late = datetime.datetime(2026, 12, 7, 23, 30, tzinfo=datetime.UTC)  # 00:30 on the 8th in Berlin
    with translation.override("tr"):
        assert format_date(late) == "8 Aralık 2026"
