"""Every public page type, the annual report PDF and its workbook write awkward stored values as a reader
expects them: rounded half up to the indicator's decimals (never cut), with thousands separators, never with
five or more decimals, and counts without the raw unit "Anzahl" after them (issue 13, deliver 1)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from pypdf import PdfReader

from teilhabe.reports import builders
from tests.portal.dataset import add_awkward_numbers

pytestmark = pytest.mark.django_db

PAGES = {
    "home": "/",
    "editions": "/konzept/?from=2013&to=2017",
    "edition": "/konzept/2017/",
    "area": "/konzept/2017/arbeit/",
    "indicator (count)": "/indikatoren/N1/",
    "indicator (share)": "/indikatoren/N2/",
    "indicator (balance)": "/indikatoren/N3/",
    "indicator (reference dates)": "/indikatoren/N4/",
    "district": "/bezirke/d1/",
    "methodology": "/methode/",
}
LANGUAGES = {"de": "", "en": "/en"}

# A number with five or more decimals, anywhere in the text a person reads.
LONG_DECIMALS = re.compile(r"\d[.,]\d{5,}")
MINUS = "[-\u2212]"
# "3.288 Anzahl" is the raw unit; the chart axis title "Anzahl (absolute Zahl)" may follow a tick label.
NO_RAW_COUNT_UNIT = r"\d[\s\u00a0]*Anzahl(?! \()"


def _number(text: str) -> str:
    """A pattern for a written number that is not part of a longer one."""
    return rf"(?<![\d.,]){text}(?![\d]|[.,]\d)"


# Per language: what must be written (stored value → correct rounding) and what must never be (cut forms).
EXPECTED = {
    "de": {
        "240000 as a count": _number(r"240\.000"),
        "3288 as a count": _number(r"3\.288"),
        "252345.4 as a count": _number(r"252\.345"),
        "79.10000000000001 to one place": _number(r"79,1") + "[\u00a0 ]%",
        "0.5777777 to one place": _number(r"0,6") + "[\u00a0 ]%",
        "0.957 to one place": _number(r"1,0"),
        "-16.35 half up": MINUS + _number(r"16,4"),
    },
    "en": {
        "240000 as a count": _number(r"240,000"),
        "3288 as a count": _number(r"3,288"),
        "252345.4 as a count": _number(r"252,345"),
        "79.10000000000001 to one place": _number(r"79\.1") + "%",
        "0.5777777 to one place": _number(r"0\.6") + "%",
        "0.957 to one place": _number(r"1\.0"),
        "-16.35 half up": MINUS + _number(r"16\.4"),
    },
}
FORBIDDEN = {
    "de": {
        "240000 without separator": _number("240000"),
        "3288 without separator": _number("3288"),
        "a count with decimals": _number(r"(240\.000|3\.288|252\.345),\d"),
        "79.1 cut": _number("79,0"),
        "0.5777777 cut": _number(r"0,57\d*"),
        "0.957 cut": _number(r"0,95?"),
        "-16.35 rounded down": MINUS + _number("16,3"),
        "the raw unit after a number": NO_RAW_COUNT_UNIT,
    },
    "en": {
        "240000 without separator": _number("240000"),
        "3288 without separator": _number("3288"),
        "a count with decimals": _number(r"(240,000|3,288|252,345)\.\d"),
        "79.1 cut": _number(r"79\.0"),
        "0.5777777 cut": _number(r"0\.57\d*"),
        "0.957 cut": _number(r"0\.95?"),
        "-16.35 rounded down": MINUS + _number(r"16\.3"),
        "the raw unit after a number": NO_RAW_COUNT_UNIT,
    },
}
# Which of the expected forms each page must show (the others may appear, but never wrongly).
SHOWN_ON = {
    "indicator (count)": ["240000 as a count", "3288 as a count"],
    "indicator (share)": ["79.10000000000001 to one place", "0.5777777 to one place"],
    "indicator (balance)": ["0.957 to one place", "-16.35 half up"],
    "area": ["240000 as a count", "79.10000000000001 to one place", "-16.35 half up"],
    "district": ["3288 as a count", "0.5777777 to one place"],
}


class _Text(HTMLParser):
    """The text a person reads or hears: element text (SVG <title>, <desc> and <text> included) and the
    labels read aloud, without scripts, styles and drawing coordinates."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return _collapse(" ".join(parser.parts))


def _collapse(text: str) -> str:
    """Runs of spaces and line breaks as one space; a no-break space stays what it is."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def check_numbers(text: str, language: str, *, must_show: list[str]) -> list[str]:
    """Everything wrong with the numbers in `text`, as readable findings."""
    problems = [f"five or more decimals: {m.group(0)!r}" for m in LONG_DECIMALS.finditer(text)]
    for label, pattern in FORBIDDEN[language].items():
        for match in re.finditer(pattern, text):
            context = text[max(0, match.start() - 40) : match.end() + 20].replace("\n", " ")
            problems.append(f"{label}: …{context}…")
    for label in must_show:
        if not re.search(EXPECTED[language][label], text):
            problems.append(f"missing {label} ({EXPECTED[language][label]})")
    return problems


@pytest.fixture
def awkward(portal_data):
    return add_awkward_numbers(portal_data)


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("name", list(PAGES))
def test_public_pages_write_awkward_values_rounded(client, awkward, name, language):
    # when
    response = client.get(LANGUAGES[language] + PAGES[name])
    # then
    assert response.status_code == 200
    problems = check_numbers(visible_text(response.content.decode()), language, must_show=SHOWN_ON.get(name, []))
    assert not problems, "\n".join(problems)


def _pdf_text(content: bytes) -> str:
    return _collapse("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_annual_report_pdf_writes_awkward_values_rounded(awkward, portal_data, language):
    # when
    text = _pdf_text(builders.build_annual_report_pdf(portal_data.edition, language=language))
    # then: baselines 0.957 and 0.5777777, targets 79.10000000000001, -16.35 and the count 252345.4
    problems = check_numbers(
        text,
        language,
        must_show=[
            "0.957 to one place",
            "0.5777777 to one place",
            "79.10000000000001 to one place",
            "-16.35 half up",
            "252345.4 as a count",
        ],
    )
    assert not problems, "\n".join(problems)
    # the needed change of 0.58 a year keeps its second place
    assert re.search(r"\+0[.,]58", text)


def test_annual_report_workbook_displays_values_with_the_indicators_decimals(awkward, portal_data):
    # when
    workbook = openpyxl.load_workbook(io.BytesIO(builders.build_annual_report_xlsx(portal_data.edition, language="en")))
    # then: each stored value stays a number, and is displayed with its indicator's decimals
    sheet = workbook["Targets"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    code, baseline, target = header.index("Indicator"), header.index("Baseline value"), header.index("Target value")
    shown = {}
    for row in sheet.iter_rows(min_row=2):
        if row[code].value in ("N1", "N2", "N3"):
            shown[row[code].value] = [(row[i].value, row[i].number_format) for i in (baseline, target)]
    assert shown == {
        "N1": [(200000, "#,##0"), (252345.4, "#,##0")],
        "N2": [(0.5777777, "#,##0.0"), (79.10000000000001, "#,##0.0")],
        "N3": [(0.957, "#,##0.0"), (-16.35, "#,##0.0")],
    }


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.mark.parametrize(
    ("language", "path", "expected"),
    [
        ("de", "/indikatoren/N4/", ["31. Dezember 2015", "31. Dezember 2022"]),
        ("en", "/en/indikatoren/N4/", ["December 31, 2015", "December 31, 2022"]),
        ("de", "/konzept/2017/arbeit/", ["31. Dezember 2022"]),
        ("de", "/bezirke/d1/", ["31. Dezember 2022"]),
        ("en", "/en/bezirke/d1/", ["December 31, 2022"]),
    ],
)
def test_periods_read_in_their_natural_form(client, awkward, language, path, expected):
    """A reference date reads as a date of the reader's language, never as a code such as 2022-12-31."""
    # when
    text = visible_text(client.get(path).content.decode())
    # then
    assert ISO_DATE.findall(text) == []
    for label in expected:
        assert label in text, label


@pytest.mark.parametrize(
    ("language", "share", "cut"),
    [("de", r"79,2[\u00a0 ]%", r"79,1[\u00a0 ]?%"), ("en", r"79\.2%", r"79\.1 ?%")],
)
def test_survey_results_round_shares(client, language, share, cut):
    """19 of 24 respondents is 79.1666… %: the results page writes 79.2 %, never the cut 79.1 %."""
    from teilhabe.surveys import services
    from tests.surveys.factories import all_kinds_survey

    # given
    kinds = all_kinds_survey(slug="umfrage", results_are_public=True)
    for number in range(24):
        services.submit_response(
            survey=kinds.survey,
            answers={
                kinds.single.pk: kinds.option(kinds.single, "yes" if number < 19 else "no").pk,
                kinds.ranking.pk: (kinds.option(kinds.ranking, "work").pk,),
            },
        )
    # when
    text = visible_text(client.get(LANGUAGES[language] + "/umfragen/umfrage/ergebnisse/").content.decode())
    # then
    assert LONG_DECIMALS.findall(text) == []
    assert re.search(share, text) and not re.search(cut, text)
