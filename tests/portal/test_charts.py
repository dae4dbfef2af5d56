"""Charts: responsive self-contained SVG with title, description, summary and data table; rendered once."""

import re

import pytest
from django.utils import translation

from teilhabe.portal import charts

SERIES = [
    charts.Series("Total", (charts.SeriesPoint(2015, "2015", 40.0), charts.SeriesPoint(2016, "2016", 41.5))),
    charts.Series(
        "With <immigrant> background",
        (charts.SeriesPoint(2015, "2015", 30.0), charts.SeriesPoint(2016, "2016/17", 32.25)),
    ),
]
TARGETS = [charts.TargetLine("", 50.0, 2030, 2015)]


@pytest.fixture
def chart(db):
    with translation.override("en"):
        return charts.line_chart(
            chart_id="chart-test", title="Share by group", series=SERIES, targets=TARGETS, unit="%", decimals=1
        )


def test_svg_is_responsive_and_announced_as_one_image(chart):
    root = re.match(r"<svg\b[^>]*>", chart.svg).group(0)
    assert 'viewBox="0 0 ' in root
    assert " width=" not in root and " height=" not in root
    assert 'role="img"' in root and 'aria-labelledby="chart-test-title chart-test-desc"' in root
    assert '<title id="chart-test-title">Share by group</title>' in chart.svg
    assert '<desc id="chart-test-desc">' in chart.svg
    # Only the root speaks to assistive technology; the renderer's inner roles are removed.
    assert chart.svg.count('role="') == 1


def test_svg_loads_nothing_from_another_host(chart):
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", chart.svg))
    assert urls == {"http://www.w3.org/2000/svg"}
    assert "<image" not in chart.svg and "@import" not in chart.svg and "style=" not in chart.svg


def test_series_are_told_apart_by_shape_and_dash_not_colour_alone(chart):
    assert 'stroke-dasharray="6,3"' in chart.svg  # the second series is dashed
    assert chart.svg.count("<path") > 4


def test_summary_and_table_state_the_numbers(chart):
    assert chart.summary == (
        "Total: from 40.0% in 2015 to 41.5% in 2016. "
        # 32.25 rounds half up to 32.3 (as a reader rounds it), not to the binary neighbour 32.2
        "With <immigrant> background: from 30.0% in 2015 to 32.3% in 2016/17. "
        "Target: 50.0% by 2030."
    )
    assert chart.columns == ("Period", "Total", "With <immigrant> background")
    assert [(row.period, row.cells) for row in chart.rows] == [
        ("2015", ("40.0", "30.0")),
        ("2016", ("41.5", "–")),
        ("2016/17", ("–", "32.3")),
    ]


def test_text_from_data_is_escaped_in_the_svg(chart):
    assert "With &lt;immigrant&gt; background" in chart.svg
    assert "<immigrant>" not in chart.svg


def test_german_charts_use_german_number_format(db):
    with translation.override("de"):
        chart = charts.line_chart(chart_id="c", title="T", series=SERIES, targets=TARGETS, unit="%")
    assert "Ziel 2030: 50,0" in chart.svg or "Target 2030: 50,0" in chart.svg
    assert "40,0\u00a0%" in chart.summary


def test_each_distinct_chart_is_rendered_once(db, monkeypatch):
    # given a renderer that counts its calls
    calls = []
    real = charts.vl_convert.vegalite_to_svg
    monkeypatch.setattr(charts.vl_convert, "vegalite_to_svg", lambda spec, **kw: calls.append(1) or real(spec, **kw))
    # when the same chart is drawn twice, then with other data
    with translation.override("en"):
        first = charts.line_chart(chart_id="c", title="T", series=SERIES)
        second = charts.line_chart(chart_id="c", title="T", series=SERIES)
        charts.line_chart(chart_id="c", title="T", series=SERIES[:1])
        # and in another language
    with translation.override("de"):
        charts.line_chart(chart_id="c", title="T", series=SERIES)
    # then
    assert first.svg == second.svg
    assert len(calls) == 3 * 2  # three distinct charts, each in its wide and its narrow layout


def test_no_chart_without_data(db):
    assert charts.line_chart(chart_id="c", title="T", series=[charts.Series("Total", ())]) is None


def test_sparkline_scales_values_into_its_box():
    svg = charts.sparkline_svg([1.0, 3.0, 2.0])
    assert svg == (
        '<svg class="sparkline" viewBox="0 0 100 24" aria-hidden="true" focusable="false">'
        '<polyline points="3.0,21.0 50.0,3.0 97.0,12.0"/><circle cx="97.0" cy="12.0" r="2.5"/></svg>'
    )
    assert charts.sparkline_svg([5.0]) == ""


def test_tile_map_carries_status_as_colour_class_and_text():
    tiles = [
        charts.Tile("Altstadt", "42,0 %", "limited_progress", "Needs acceleration"),
        charts.Tile("Nord <x>", "–", "none", "no data"),
    ]
    svg = charts.tile_map_svg(tiles, chart_id="m", title="Map", description="Altstadt: 42,0 %")
    assert 'class="tile tile-limited_progress"' in svg
    assert ">Needs acceleration</text>" in svg and ">42,0 %</text>" in svg
    assert "Nord &lt;x&gt;" in svg
    assert 'viewBox="0 0 342 96"' in svg  # two tiles side by side
