"""Charts as a reader on a 320-px phone and a desktop sees them: readable text, series toggles, tooltips."""

import pytest

pytestmark = pytest.mark.browser

GROUP_CHART = "figure:has(svg[aria-labelledby^='chart-groups-'])"


def _visible_chart_text_heights(page) -> list[float]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.chart-image svg.chart-svg')]
            .filter(svg => svg.getBoundingClientRect().width > 0)
            .flatMap(svg => [...svg.querySelectorAll('text')])
            .map(text => text.getBoundingClientRect().height)
            .filter(height => height > 0)"""
    )


def _shown_marks(page, label: str) -> int:
    return page.evaluate(
        """label => [...document.querySelectorAll('.chart-image svg.chart-svg [data-series]')]
            .filter(mark => mark.getAttribute('data-series') === label && mark.getClientRects().length > 0).length""",
        label,
    )


@pytest.mark.parametrize("width", [320, 1366])
def test_chart_text_is_readable_and_a_toggle_hides_a_series(page, live_server, portal_site, width):
    page.set_default_timeout(60_000)  # the first view renders its charts (vl-convert); a shared machine is slow
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/en/indikatoren/B1/")
    # the page does not scroll sideways, and every chart text is at least 10 px high on screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    heights = _visible_chart_text_heights(page)
    assert len(heights) > 20 and min(heights) >= 10, sorted(heights)[:5]
    page.screenshot(path=f"/tmp/h12-indicator-{width}.png", full_page=True)
    figure = page.locator(GROUP_CHART)
    # the reader switches a series off with its visible toggle, and on again
    series = "with immigrant background"
    assert _shown_marks(page, series) > 0
    toggle = figure.get_by_role("button", name=series, exact=True)
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert _shown_marks(page, series) == 0 and _shown_marks(page, "Total") > 0
    figure.screenshot(path=f"/tmp/h12-toggled-{width}.png")
    toggle.click()
    assert _shown_marks(page, series) > 0
    # pointing at a point of the total shows its period and value
    point = figure.locator("svg.chart-svg:visible .mark-symbol [data-series='Total']").last
    point.hover(force=True)
    tooltip = figure.locator(".chart-tooltip")
    assert tooltip.is_visible() and tooltip.inner_text() == "Total – 2022: 47.0%"


def test_without_javascript_the_chart_and_its_table_remain(browser, live_server, portal_site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(live_server.url + "/en/indikatoren/B1/")
        figure = page.locator(GROUP_CHART)
        assert figure.locator("svg.chart-svg").first.is_visible() is False  # the wide layout is hidden on a phone
        assert figure.locator(".chart-narrow svg.chart-svg").is_visible()
        assert figure.locator(".chart-toggles").count() == 0
        figure.get_by_text("Show the data as a table").click()
        assert figure.locator("table").is_visible()
    finally:
        context.close()
