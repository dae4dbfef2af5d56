"""Issue 12, item 4 in CI: with small counts planted, nothing public holds or gives back a withheld figure.

A dataset with small counts planted — observations with n = 3 and numerators of 1–2 (a group and a
district beside their totals), a district of limited reliability (n = 12), a survey option chosen by 3
of 20 respondents (with a cross-table by immigrant background of cells 2 and 1), a barometer wave whose group "with immigrant background" has 4 respondents — is
first checked by the real `teilhabe disclosure_audit` command (exit 0). Then every public page type,
the API, the downloads (CSV, XLSX, data package, Open SDG) and the PDFs are fetched with the test client
as a person or a foreign system would, and searched for each withheld figure as it would be written
there (42.9, 42,9, 42.86 …); the API's counts are checked for differencing (a withheld n as the total
minus the other groups). The last test switches suppression off for one output path and shows that both
the audit and these searches then fail.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from teilhabe.monitoring import assessing, disclosing
from teilhabe.monitoring.models import Observation
from teilhabe.surveys import barometer
from teilhabe.surveys.models import Answer, IndexResult, Response, Survey
from tests.monitoring.factories import (
    AreaOfActionFactory,
    CategoryFactory,
    DimensionFactory,
    DistrictFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
    ObservationFactory,
    TargetFactory,
)
from tests.surveys.factories import all_kinds_survey, define_index, make_wave

pytestmark = pytest.mark.django_db

COUNTS = ("sample_size", "numerator", "denominator")
FIGURES = ("value", "standard_error", *COUNTS, "progress_value")
# (breakdown key or district code, n, value, standard error, numerator): distinctive values, so that a
# search for "42.9" finds the planted figure and nothing else.
CITY_ROWS = (
    ("", 100, 51.0, 4.9, 51),
    ("background=yes", 3, 66.67, 27.22, 2),  # small: withheld
    ("background=no", 97, 50.52, 5.08, 49),  # withheld too, or the city total minus it gives n = 3
)
DISTRICT_ROWS = (
    ("d0", 3, 42.86, 28.57, 1),  # small: withheld
    ("d1", 13, 53.85, 13.83, 7),  # withheld too (the smallest partner), or the city minus the others gives d0
    ("d2", 63, 47.62, 6.29, 30),
    ("d3", 21, 61.90, 10.60, 13),  # 5 ≤ n < 30: limited reliability, in parentheses
)
WITHHELD_VOTES = 3  # "no" in the survey, of 20


@pytest.fixture
def planted(settings, tmp_path):
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    settings.TEILHABE_LIMITED_RELIABILITY_COUNT = 30
    settings.TEILHABE_CLIMATE_INDEX_MIN_N = 10
    settings.MEDIA_ROOT = tmp_path  # the PDFs are built afresh for this dataset
    edition = EditionFactory(is_current=True, code="2026")
    area = AreaOfActionFactory(edition=edition, code="work")
    dimension = DimensionFactory(code="background")
    yes = CategoryFactory(dimension=dimension, code="yes")
    no = CategoryFactory(dimension=dimension, code="no")
    version = IndicatorVersionFactory(area=area, unit="%", decimals=1, group_a=yes, group_b=no)
    version.breakdowns.add(dimension)
    city = GeographyFactory(code="city", level="city")
    districts = {code: DistrictFactory(parent=city, code=code) for code, *_ in DISTRICT_ROWS}
    for year in (2021, 2022):
        for key, n, value, se, numerator in CITY_ROWS:
            ObservationFactory(
                indicator=version.indicator,
                geography=city,
                year=year,
                breakdown_key=key,
                value=value,
                standard_error=se,
                sample_size=n,
                numerator=numerator,
                denominator=n,
            )
        for code, n, value, se, numerator in DISTRICT_ROWS:
            ObservationFactory(
                indicator=version.indicator,
                geography=districts[code],
                year=year,
                value=value,
                standard_error=se,
                sample_size=n,
                numerator=numerator,
                denominator=n,
            )
    # a target for the district of limited reliability: its assessment repeats the latest value in the report
    TargetFactory(
        indicator=version.indicator,
        edition=edition,
        geography=districts["d3"],
        baseline_value=60.0,
        baseline_year=2021,
        target_value=70.0,
        target_year=2030,
    )
    assessing.recompute_assessments(edition=edition)

    # with the demographic block, so the audit also checks the cross-table single × immigrant background,
    # whose cells "no" × "yes" (2) and "no" × "no" (1) are small
    kinds = all_kinds_survey(
        slug="open-survey", status=Survey.Status.CLOSED, results_are_public=True, has_demographic_block=True
    )
    option_yes, option_no = kinds.option(kinds.single, "yes"), kinds.option(kinds.single, "no")
    for index in range(20):
        response = Response.objects.create(
            survey=kinds.survey,
            submitted_on="2024-05-04",
            immigrant_background="yes" if index in (0, 1, 5, 6, 7, 8) else "no",
        )
        Answer.objects.create(
            response=response, question=kinds.single, option=option_no if index < WITHHELD_VOTES else option_yes
        )

    # 36 respondents without and 4 with an immigrant background: the group "yes" is below the minimum of 10
    respondents = [("female", "no", 1 + i % 5, 1 + (i * 3) % 5) for i in range(36)]
    respondents += [("male", "yes", 5, 1), ("female", "yes", 5, 2), ("male", "yes", 4, 1), ("female", "yes", 5, 1)]
    wave = make_wave(year=2022, respondents=respondents)
    define_index(wave.barometer)
    barometer.compute_climate_index(actor=None, wave=wave)
    return {"version": version, "edition": edition, "survey": kinds.survey, "wave": wave}


def withheld_observations(on=None) -> list[Observation]:
    """The stored observations the gateway withholds (primary and secondary), read around the gateway."""
    import datetime

    decisions = disclosing.public_figures(
        Observation.objects.values_list("indicator_id", flat=True), on=on or datetime.date.today()
    )
    return [o for o in Observation.objects.all() if decisions[o.pk] is disclosing.Reliability.WITHHELD]


def spellings(number: float) -> set[str]:
    """How a figure can be written in a page, a file or JSON: as stored, and rounded to 1 and 2 places with a
    point or a comma."""
    found = {repr(float(number)), f"{number:.2f}", f"{number:.1f}"}
    return found | {text.replace(".", ",") for text in found}


def forbidden_figures(observations) -> dict[str, str]:
    """spelling → what it gives away; whole counts are checked in the structured API (a '3' is everywhere)."""
    forbidden = {}
    for observation in observations:
        for name in ("value", "standard_error"):
            for text in spellings(getattr(observation, name)):
                forbidden[text] = f"{name} of {observation.geography.code} {observation.breakdown_key!r}"
    return forbidden


def _pattern(spelling: str) -> re.Pattern:
    return re.compile(rf"(?<![\d.,]){re.escape(spelling)}(?![\d])")


def contains(text: str, spelling: str) -> bool:
    """`spelling` as a number of its own (not the "42.86" inside "142.861")."""
    return _pattern(spelling).search(text) is not None


def context(text: str, spelling: str) -> str:
    match = _pattern(spelling).search(text)
    return text[max(0, match.start() - 80) : match.end() + 40].replace("\n", " ")


def fetch_json_pages(client, url: str) -> list[dict]:
    rows = []
    while url:
        body = client.get(url, HTTP_ACCEPT="application/json").json()
        if isinstance(body, list):
            return rows + body
        rows += body.get("results", [])
        url = body.get("next")
    return rows


def public_texts(client, planted) -> dict[str, str]:
    """Every public output type as text: pages (de and en), CSV/XLSX downloads, API, data package, Open SDG, PDFs."""
    code, edition = planted["version"].indicator.code, planted["edition"].code
    wave = planted["wave"]
    pages = [
        "/",
        "/en/",
        f"/konzept/{edition}/",
        f"/konzept/{edition}/work/",
        f"/en/konzept/{edition}/work/",
        f"/indikatoren/{code}/",
        f"/en/indikatoren/{code}/",
        "/bezirke/d0/",
        "/bezirke/d1/",
        "/en/bezirke/d3/",
        "/offene-daten/",
        "/umfragen/open-survey/ergebnisse/",
        "/en/umfragen/open-survey/ergebnisse/",
        "/umfragen/struktur-und-klima/",
        f"/umfragen/barometer/{wave.barometer.slug}/",
    ]
    downloads = [
        *(f"/indikatoren/{code}/daten/{chart}.csv" for chart in ("groups", "districts", "all")),
        f"/indikatoren/{code}/daten/all.xlsx",
        f"/konzept/{edition}/work/daten.csv",
        "/bezirke/d0/daten.csv",
        "/bezirke/d3/daten.xlsx",
        f"/api/v1/indicators/{code}/opensdg.csv",
        "/api/v1/downloads/data.xlsx",
        "/api/v1/downloads/datapackage.zip",
    ]
    texts = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.content.decode()
    for url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = as_text(b"".join(response.streaming_content) if response.streaming else response.content)
    for url in (
        "/api/v1/observations/?page_size=1000",
        "/api/v1/assessments/?page_size=1000",
        "/api/v1/climate-index/?page_size=1000",
    ):
        texts[url] = json.dumps(fetch_json_pages(client, url))
    for url in (f"/berichte/{edition}/de/konzept.pdf", f"/berichte/{edition}/en/jahresbericht.pdf"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", url
        content = b"".join(response.streaming_content)
        texts[url] = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return texts


def as_text(content: bytes) -> str:
    """A download as searchable text: CSV as is, XLSX and ZIP by the text of every member."""
    if not content.startswith(b"PK"):
        return content.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            as_text(archive.read(name)) if name.endswith((".xlsx", ".zip")) else archive.read(name).decode("utf-8-sig")
            for name in archive.namelist()
            if not name.endswith("/")
        )


def leaks(texts: dict[str, str], forbidden: dict[str, str]) -> list[str]:
    return [
        f"{url}: {spelling} ({what}) in …{context(text, spelling)}…"
        for url, text in texts.items()
        for spelling, what in forbidden.items()
        if contains(text, spelling)
    ]


def test_the_audit_is_clean_and_nothing_public_holds_or_gives_back_a_withheld_figure(planted, client):
    # given small counts planted in observations, survey answers and a barometer wave
    withheld = withheld_observations()
    assert {(o.geography.code, o.breakdown_key) for o in withheld} >= {("city", "background=yes"), ("d0", "")}
    # when the real audit command runs, then it finds nothing
    out = io.StringIO()
    call_command("disclosure_audit", stdout=out)
    assert "no withheld figure can be read or recomputed" in out.getvalue()

    # when every public output is fetched
    texts = public_texts(client, planted)
    # then no withheld value or standard error appears anywhere, in any spelling
    found = leaks(texts, forbidden_figures(withheld))
    assert found == [], "\n".join(found)

    # and the API gives every figure of a withheld observation as null and flags the rest
    api = {row["id"]: row for row in fetch_json_pages(client, "/api/v1/observations/?page_size=1000")}
    for observation in withheld:
        row = api[observation.pk]
        assert row["reliability"] == "withheld"
        assert {name: row.get(name) for name in FIGURES if name in row} == dict.fromkeys(
            [name for name in FIGURES if name in row]
        ), row
        assert row.get("ci_lower") is None and row.get("ci_upper") is None
    limited = [row for row in api.values() if row["reliability"] == "limited"]
    assert {row["sample_size"] for row in limited} == {21}

    # and no withheld count is the total minus the published others (groups → total, districts → city)
    by_place = {(row["geography"], row["period"], row["breakdown_key"]): row for row in api.values()}
    for observation in withheld:
        year = observation.period
        if observation.breakdown_key:
            members = [("city", year, key) for key, *_ in CITY_ROWS if key]
            total = ("city", year, "")
        else:
            members = [(code, year, "") for code, *_ in DISTRICT_ROWS]
            total = ("city", year, "")
        for name in COUNTS:
            known = [by_place[key][name] for key in [total, *members] if key != _place(observation)]
            assert None in known, f"{name} of {_place(observation)} = total − others: {known}"


def _place(observation) -> tuple:
    return (observation.geography.code, observation.period, observation.breakdown_key)


def test_pages_show_withheld_as_slash_and_limited_in_parentheses_with_legends(planted, client):
    code = planted["version"].indicator.code
    page = client.get(f"/en/indikatoren/{code}/").content.decode()
    districts = page.split('id="district-table-caption"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"/d0/.*?<td class=\"number\"[^>]*>/</td>", districts, re.S), districts
    assert re.search(r'<td class="number"[^>]*>\(61\.9%\)</td>', districts), districts
    assert "/ no figure: too few cases" in page and "( ) limited reliability: few cases" in page
    chart = page.split('id="chart-heading"', 1)[1]
    assert "/ no figure: too few cases" in chart.split("</figure>", 1)[0]  # legend beside the chart text
    district_page = client.get("/en/bezirke/d3/").content.decode()
    assert "(61.9%)" in district_page and "( ) limited reliability: few cases" in district_page
    assert "/ no figure: too few cases" in client.get("/en/bezirke/d0/").content.decode()
    with_reliability = list(
        csv.DictReader(io.StringIO(client.get("/bezirke/d3/daten.csv").content.decode("utf-8-sig")))
    )
    assert {row["reliability"] for row in with_reliability} == {"limited"}
    # the annual report repeats the district's latest value among the components of its assessment
    edition = planted["edition"].code
    report = client.get(f"/berichte/{edition}/en/jahresbericht.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(report.streaming_content))).pages)
    assert re.search(r"\(61\.9\s?%\)", text), text
    assert "limited reliability: few cases" in text


def test_survey_and_climate_index_withhold_small_groups(planted, client):
    results = client.get("/en/umfragen/open-survey/ergebnisse/").content.decode()
    # the option chosen by 3 of 20: neither its count nor its share (15 %) nor the complement (17, 85 %)
    assert "/ no figure: too few cases" in results
    for spelling in ("15.0", "15%", "85.0", "85%"):
        assert not contains(results, spelling), spelling
    # the climate index of the 4 respondents with an immigrant background
    wave = planted["wave"]
    small = IndexResult.objects.filter(wave=wave, group="yes", domain=None, item=None).first()
    assert small is not None and small.n == 4
    api = json.dumps(fetch_json_pages(client, "/api/v1/climate-index/?page_size=1000"))
    page = client.get(f"/en/umfragen/barometer/{wave.barometer.slug}/").content.decode()
    for spelling in spellings(small.estimate):
        assert not contains(api, spelling) and not contains(page, spelling), spelling
    rows = [row for row in fetch_json_pages(client, "/api/v1/climate-index/?page_size=1000") if row.get("n")]
    assert 40 not in {row["n"] for row in rows} or 36 not in {row["n"] for row in rows}  # 40 − 36 = 4


def test_with_suppression_switched_off_for_one_path_the_audit_and_these_searches_fail(planted, client, monkeypatch):
    """The checks above can fail: an output path that stops blanking withheld rows is caught by both."""
    withheld = withheld_observations()

    def not_blanked(observation, reliability):
        observation.reliability = disclosing.Reliability.PUBLISHED.value
        observation.is_withheld = observation.is_limited = False
        return observation

    monkeypatch.setattr(disclosing, "apply", not_blanked)
    with pytest.raises(CommandError):
        call_command("disclosure_audit", stdout=io.StringIO())
    page = client.get(f"/en/indikatoren/{planted['version'].indicator.code}/").content.decode()
    assert leaks({"indicator page": page}, forbidden_figures(withheld)) != []
