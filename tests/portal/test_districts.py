"""Districts on the indicator and district pages: value and status from the same series, the map, the chooser."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from teilhabe.monitoring.models import Assessment
from tests.monitoring.factories import ObservationFactory
from tests.portal.dataset import YEARS

pytestmark = pytest.mark.django_db

BOUNDARIES = Path(__file__).parents[1] / "data" / "boundaries" / "musterstadt-districts.geojson"


def _row(page: str, code: str) -> str:
    """The table row of one district (its header cell links to the district page)."""
    match = re.search(rf'<tr><th scope="row"><a href="/en/bezirke/{code}/"[^>]*>.*?</tr>', page, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


@pytest.fixture
def altstadt_groups(portal_data):
    return add_altstadt_groups(portal_data)


def add_altstadt_groups(portal_data):
    """Altstadt reports both groups (gap 2022: 37 − 57 = −20) and has its own total rated "target achieved"."""
    altstadt = portal_data.districts[0]
    for offset, year in enumerate(YEARS):
        for key, value in (("migration_background=yes", 30.0 + offset), ("migration_background=no", 50.0 + offset)):
            ObservationFactory(
                indicator=portal_data.gap_indicator, geography=altstadt, year=year, breakdown_key=key, value=value
            )
    Assessment.objects.create(
        indicator=portal_data.gap_indicator,
        edition=portal_data.edition,
        series_kind="total",
        breakdown_key="",
        geography=altstadt,
        profile="opensdg",
        status="target_achieved",
        components={},
    )
    return portal_data


def test_the_rated_series_shows_its_own_value_beside_its_own_status(client, altstadt_groups):
    # when the page opens on the series the indicator rates: the gap
    page = client.get("/en/indikatoren/B1/").content.decode()
    row = _row(page, "d1")
    # then Altstadt's gap (−20.0) stands beside the gap's status, not its total (42.0)
    assert "20.0" in row and "Limited progress" in row
    assert "42.0" not in row and "Target achieved" not in row
    # and a district without group values shows "–" and no status (not another series' status)
    assert "Limited progress" not in _row(page, "d2")


def test_choosing_the_total_shows_the_total_and_its_status(client, altstadt_groups):
    page = client.get("/en/indikatoren/B1/?series=total").content.decode()
    row = _row(page, "d1")
    assert "42.0%" in row and "Target achieved" in row
    assert "Limited progress" not in row
    assert '<a href="?series=total#districts-heading" aria-current="true">Total</a>' in page


def test_choosing_a_group_shows_the_group_values(client, altstadt_groups):
    page = client.get("/en/indikatoren/B1/?series=migration_background%3Dyes").content.decode()
    row = _row(page, "d1")
    assert "37.0%" in row  # the 2022 value of the group
    assert "Target achieved" not in row and "Limited progress" not in row  # the group has no status of its own
    assert "with immigrant background: latest value per district compared with the city" in page


def test_an_unknown_series_shows_the_default(client, altstadt_groups):
    response = client.get("/en/indikatoren/B1/?series=nonsense")
    assert response.status_code == 200
    assert "Limited progress" in _row(response.content.decode(), "d1")


def test_the_map_draws_loaded_outlines_with_name_value_and_status_in_each_title(client, altstadt_groups):
    call_command("load_boundaries", str(BOUNDARIES))
    page = client.get("/en/indikatoren/B1/?series=total").content.decode()
    assert 'class="district-map"' in page and 'class="tile-map"' not in page
    titles = re.findall(r"<title>([^<]*)</title>", page)
    assert any(t.startswith("Altstadt: 42.0%, Target achieved") for t in titles), titles
    assert any(t.startswith("Südpark: 52.0%, no status") for t in titles), titles
    # each district links to its page; a status other than "achieved" is also drawn as a pattern, not only colour
    assert '<a href="/en/bezirke/d1/"' in page
    assert 'fill="url(#district-map-' not in page
    page = client.get("/en/indikatoren/B1/").content.decode()
    assert 'fill="url(#district-map-1-pattern-limited_progress)"' in page.replace(
        f"district-map-{altstadt_groups.gap_indicator.pk}-", "district-map-1-"
    )
    assert '<a href="/en/bezirke/d1/"' in page


def test_districts_over_time_as_chart_and_table(client, altstadt_groups):
    page = client.get("/en/indikatoren/B1/?series=total").content.decode()
    assert "Districts over time" in page
    caption = re.search(r"<caption>(Share with Abitur by district over time: Total)</caption>", page)
    assert caption
    table = page[caption.end() : page.index("</table>", caption.end())]
    # every year of every district, as published
    assert table.count("<tr>") == 1 + len(YEARS)
    assert "35.0" in table and "52.0" in table


def test_the_district_page_shows_the_rated_series_with_its_status(client, altstadt_groups):
    page = client.get("/en/bezirke/d1/").content.decode()
    row = re.search(r'<tr>\s*<th scope="row"><a href="/en/indikatoren/B1/">.*?</tr>', page, re.S).group(0)
    assert "Gap: with immigrant background compared with without immigrant background" in row
    assert "20.0" in row and "Limited progress" in row and "42.0" not in row
    # the district's value, the city's and the difference each carry their label for a phone
    assert 'data-label="Difference"' in row and 'data-label="Status in the district"' in row


def test_district_page_rows_in_code_order_and_counts_as_a_share_of_the_city(client, portal_data):
    from tests.monitoring.factories import IndicatorFactory, IndicatorVersionFactory

    altstadt, city = portal_data.districts[0], portal_data.city
    # given B10 placed before B3 by position, and a count indicator
    for code, position, unit in (("B10", 1, "%"), ("B3", 5, "Anzahl")):
        version = IndicatorVersionFactory(
            indicator=IndicatorFactory(code=code),
            area=portal_data.topic,
            edition=portal_data.edition,
            title=f"Indicator {code}",
            unit=unit,
            decimals=0 if unit == "Anzahl" else 1,
            position=position,
        )
        district_value, city_value = (3288, 240000) if unit == "Anzahl" else (20.0, 25.0)
        ObservationFactory(indicator=version.indicator, geography=altstadt, year=2022, value=district_value)
        ObservationFactory(indicator=version.indicator, geography=city, year=2022, value=city_value)
    # when
    page = client.get("/en/bezirke/d1/").content.decode()
    # then the rows run B1, B3, B10 (not by position, not B10 before B3 as text sorts)
    codes = re.findall(r'<span class="code">([^<]+)</span>', page)
    assert [c for c in codes if c.startswith("B")] == ["B1", "B3", "B10"]
    # and the count is compared as the district's share of the city, not as a raw difference
    row = re.search(r'<tr>\s*<th scope="row"><a href="/en/indikatoren/B3/">.*?</tr>', page, re.S).group(0)
    assert "1.4%" in row and "of the city" in row  # 3,288 of 240,000
    assert "236,712" not in row and "236712" not in row


def test_invented_shapes_are_labelled_illustrative(client, altstadt_groups, django_capture_on_commit_callbacks):
    from teilhabe.monitoring.boundaries import load_district_boundaries
    from teilhabe.monitoring.services import get_system_actor

    call_command("load_boundaries", str(BOUNDARIES))
    assert "the district shapes are invented" not in client.get("/en/indikatoren/B1/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the new data version: cached pages are redrawn
        load_district_boundaries(text=BOUNDARIES.read_bytes(), user=get_system_actor("load_demo"), is_illustrative=True)
    page = client.get("/en/indikatoren/B1/").content.decode()
    assert "the district shapes are invented" in page, page[page.find("map-note") - 200 : page.find("map-note") + 300]
