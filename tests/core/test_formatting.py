"""Numbers and dates follow the reader's language (CLDR via Babel), in all seven interface languages."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from teilhabe.core.formatting import format_date, format_number, format_period, spreadsheet_format, with_unit


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


@pytest.mark.parametrize(
    ("case", "value", "decimals", "german"),
    [
        ("half up", 0.125, 2, "0,13"),
        ("negative half away from zero", -16.35, 1, "-16,4"),
        ("a difference of stored values rounds as written", 62.75 - 79.1, 1, "-16,4"),
        ("a share computed from a fraction", 0.791 * 100, 1, "79,1"),
        ("never cut", 0.957, 1, "1,0"),
        ("many decimals", 0.5777777, 1, "0,6"),
        ("a count", 240000.0, 0, "240.000"),
        ("no negative zero", -0.04, 1, "0,0"),
    ],
)
def test_rounding_table(case, value, decimals, german):
    with translation.override("de"):
        assert format_number(value, decimals) == german, case


@pytest.mark.parametrize(
    ("kind", "code", "german", "english"),
    [
        ("year", "2024", "2024", "2024"),
        ("school_year", "2016/17", "2016/17", "2016/17"),
        ("reference_date", "2024-12-31", "31. Dezember 2024", "December 31, 2024"),
        ("quarter", "2024-Q1", "Q1 2024", "Q1 2024"),
        ("month", "2024-03", "März 2024", "March 2024"),
        ("range", "2023-05-17/2023-06-11", "17. Mai\u2009–\u200911. Juni 2023", "May 17\u2009–\u2009Jun 11, 2023"),
        ("label", "Welle 3", "Welle 3", "Welle 3"),
        ("month", "2024-13", "2024-13", "2024-13"),  # a broken code is shown as stored, never hidden
    ],
)
def test_periods_in_their_natural_form(kind, code, german, english):
    assert format_period(code, kind, "de") == german
    assert format_period(code, kind, "en") == english
    with translation.override("en"):
        assert format_period(code, kind) == english  # the reader's language by default


def test_periods_in_native_digits():
    assert format_period("2024-Q1", "quarter", "fa") == "سه\u200cماههٔ اول ۲۰۲۴"
    assert format_period("2016/17", "school_year", "fa") == "۲۰۱۶/۱۷"
    assert format_period("", "year", "de") == "–"


def test_spreadsheet_formats_show_the_indicators_decimals():
    assert [spreadsheet_format(decimals) for decimals in (0, 1, 2)] == ["#,##0", "#,##0.0", "#,##0.00"]


def test_rounding_never_overflows_for_huge_values():
    """An interval bound of 1e30 once broke the demo's explanations (Decimal's 28-digit precision)."""
    from teilhabe.core.formatting import round_half_up
    from teilhabe.monitoring.progress import _percent

    assert round_half_up(1e30, 1) == Decimal("1e30")
    assert _percent(1e30, "en").endswith("%")


@pytest.mark.parametrize(
    ("reliability", "german", "farsi"),
    [
        ("published", "42,3\u00a0%", "۴۲٫۳\u00a0%"),
        ("limited", "(42,3\u00a0%)", "(۴۲٫۳\u00a0%)"),  # limited reliability: in parentheses
        ("withheld", "/", "/"),  # withheld: "/" whatever the value
        (None, "42,3\u00a0%", "۴۲٫۳\u00a0%"),
    ],
)
def test_a_value_reads_as_its_reliability_allows(reliability, german, farsi):
    from teilhabe.core.formatting import format_disclosed_value

    with translation.override("de"):
        assert format_disclosed_value(42.3, 1, "%", reliability) == german
    with translation.override("fa"):
        assert format_disclosed_value(42.3, 1, "%", reliability) == farsi


def test_a_missing_value_of_limited_reliability_is_no_pair_of_empty_parentheses():
    from teilhabe.core.formatting import format_disclosed_value, mark_reliability

    assert format_disclosed_value(None, 1, "%", "limited") == "–"
    assert mark_reliability("", "limited") == ""
