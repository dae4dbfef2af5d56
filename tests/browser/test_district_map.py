"""The district map as a reader uses it: at phone and desktop width, choosing the series with a visible link."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.portal.test_districts import add_altstadt_groups

pytestmark = pytest.mark.browser

BOUNDARIES = Path(__file__).parents[1] / "data" / "boundaries" / "musterstadt-districts.geojson"


@pytest.fixture
def mapped_site(portal_site):
    add_altstadt_groups(portal_site)
    call_command("load_boundaries", str(BOUNDARIES))
    return portal_site


def _cells_outside(page, width: int) -> list[str]:
    """Cells of the district table that are not wholly inside the viewport (cut off or scrolled away)."""
    return page.evaluate(
        """width => [...document.querySelectorAll('.district-table th, .district-table td')]
            .filter(cell => cell.offsetParent !== null)
            .filter(cell => { const box = cell.getBoundingClientRect(); return box.left < 0 || box.right > width + 0.5; })
            .map(cell => cell.textContent.trim())""",
        width,
    )


@pytest.mark.parametrize("width", [390, 1366])
def test_the_map_fits_and_the_series_chooser_changes_map_and_table(page, live_server, mapped_site, axe_check, width):
    page.set_default_timeout(60_000)  # the first view renders its charts (vl-convert); a shared CI machine is slow
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/en/indikatoren/B1/")
    # no horizontal scrolling, every column of the table visible
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _cells_outside(page, width) == []
    district_map = page.locator("svg.district-map")
    assert district_map.is_visible()
    altstadt = page.locator(".district-table tr", has=page.get_by_role("link", name="Altstadt"))
    assert "Limited progress" in altstadt.inner_text()  # the gap, as the indicator rates it
    map_title = page.locator("svg.district-map g[data-code='d1'] title")
    assert re.match(r"Altstadt: [-−]20\.0\W+percentage points, Limited progress", map_title.text_content())
    # when the reader chooses the total
    page.locator("nav.series-chooser").get_by_role("link", name="Total", exact=True).click()
    # then the map and the table show the total and its status
    page.wait_for_url(re.compile(r"series=total"))
    assert page.locator("nav.series-chooser a[aria-current]").inner_text() == "Total"
    assert map_title.text_content().startswith("Altstadt: 42.0%, Target achieved")
    assert re.search(r"42\.0\s*%", altstadt.inner_text()) and "Target achieved" in altstadt.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _cells_outside(page, width) == []
    axe_check(page)


def test_the_district_page_stacks_rows_on_a_phone_and_fits_on_a_laptop(page, live_server, mapped_site):
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/en/bezirke/d1/")
    overflowing = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].filter(e => e.scrollWidth > e.clientWidth).length"
    )
    assert overflowing == 0
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    cell = page.locator(".stack-table td[data-label='Status in the district']").first
    assert cell.is_visible()
    assert cell.evaluate("e => getComputedStyle(e).display") == "block"
