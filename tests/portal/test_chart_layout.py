"""Charts a reader can read: targets named in the legend (never written over a line), legends in full,
the unit above the value axis, type large enough on a phone, whole years, breakdowns in natural order."""

import re

import pytest
from django.utils import translation

from teilhabe.portal import charts
from tests.monitoring.factories import CategoryFactory, DimensionFactory, ObservationFactory

LONG = "With an immigrant background of their own or of at least one parent, aged 18 to 64"
SERIES = [
    charts.Series("Total", tuple(charts.SeriesPoint(y, str(y), 40.0 + y % 4) for y in range(2012, 2025))),
    charts.Series(LONG, tuple(charts.SeriesPoint(y, str(y), 30.0 + y % 3) for y in range(2012, 2025))),
]
# a target whose value lies on the line's path: a label beside it would be written across the line
TARGETS = [charts.TargetLine(LONG, 31.0, 2030, 2015)]
PHONE_CONTENT_WIDTH = 320 - 2 * 16  # a 320-px screen less the page's padding (1rem on each side)


def _spec(size):
    with translation.override("en"):
        return charts.line_chart_spec(SERIES, TARGETS, "%", 1, False, size=size)


@pytest.fixture
def chart(db):
    with translation.override("en"):
        return charts.line_chart(chart_id="c", title="Share", series=SERIES, targets=TARGETS, unit="%")


def _texts(svg: str, role: str) -> list[str]:
    """The text of each <text> element inside the groups of one Vega role (tspans joined by spaces)."""
    found = []
    for group in re.findall(rf'<g class="mark-text role-{role}"[^>]*>(.*?)</g>', svg):
        for text in re.findall(r"<text\b[^>]*>(.*?)</text>", group):
            parts = re.findall(r"<tspan\b[^>]*>(.*?)</tspan>", text) or [text]
            found.append(" ".join(parts))
    return found


def test_a_target_is_named_in_the_legend_and_no_label_is_drawn_in_the_plot(chart):
    for size in (charts.WIDE, charts.NARROW):
        marks = [layer["mark"]["type"] for layer in _spec(size)["layer"]]
        assert "text" not in marks
    target = "Target 2030: 31.0% (" + LONG + ")"
    assert chart.legend == ("Total", LONG, target)
    assert target in _texts(chart.svg, "legend-label")
    every_text = re.findall(r"<text\b[^>]*>(.*?)</text>", chart.svg)
    assert not [t for t in every_text if "Target" in t and t not in _texts(chart.svg, "legend-label")]


def test_legend_labels_are_never_cut(chart):
    assert _spec(charts.WIDE)["config"]["legend"]["labelLimit"] == 0
    wide = _texts(chart.svg, "legend-label")
    assert LONG in wide and not any("…" in label for label in wide)
    # on a phone long labels wrap onto further lines, every word kept
    narrow = _texts(chart.svg_narrow, "legend-label")
    assert LONG in narrow and not any("…" in label for label in narrow)
    assert re.search(r"<tspan\b", chart.svg_narrow)


def test_the_unit_stands_above_the_value_axis_unrotated(chart):
    for svg in (chart.svg, chart.svg_narrow):
        titles = re.findall(r'<g class="mark-text role-axis-title"[^>]*>(<text[^>]*>)', svg)
        unit = [t for t in titles if "rotate" in t]
        assert len(titles) == 2 and unit == []  # "Year" and "per cent (share of 100)", neither turned on its side


def _font_sizes(svg: str) -> list[float]:
    return [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]


def _view_box_width(svg: str) -> float:
    return float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))


def test_text_is_at_least_11_px_on_a_320_px_screen_and_on_a_desktop(chart):
    narrow_scale = min(PHONE_CONTENT_WIDTH, 26 * 16) / _view_box_width(chart.svg_narrow)
    assert _font_sizes(chart.svg_narrow) and min(_font_sizes(chart.svg_narrow)) * narrow_scale >= 11
    # the wide layout is shown from 40em (640 px) up, in at most 44rem
    wide_scale = min(640 - 2 * 16, 44 * 16) / _view_box_width(chart.svg)
    assert min(_font_sizes(chart.svg)) * wide_scale >= 11


def test_the_year_axis_shows_each_year_once(chart):
    for svg in (chart.svg, chart.svg_narrow):
        years = _texts(svg, "axis-label")
        year_labels = [y for y in years if re.fullmatch(r"\d{4}", y)]
        assert len(year_labels) >= 4 and len(year_labels) == len(set(year_labels))
        assert year_labels == sorted(year_labels)


def test_marks_carry_series_and_value_for_the_script_but_only_the_root_speaks(chart):
    assert chart.svg.count('role="') == 1 and not re.search(r"\saria-label=", chart.svg)
    assert f'data-series="{LONG}" data-tip="2013: 30.0%"' in chart.svg_narrow
    assert 'data-series="Total" data-tip="2012: 40.0%"' in chart.svg


def test_breakdowns_follow_the_order_of_their_categories_not_the_alphabet(client, portal_data):
    # given an age dimension whose categories' names and codes sort differently from their positions
    age = DimensionFactory(code="age", name="Alter", name_en="Age", position=5)
    ages = [("z_u18", "under 18"), ("b18_24", "18 to 24"), ("c25_64", "25 to 64"), ("a65", "65 and over")]
    for position, (code, name) in enumerate(ages):
        CategoryFactory(dimension=age, code=code, name=name, name_en=name, position=position)
    portal_data.gap_indicator.versions.get(edition=portal_data.edition).breakdowns.add(age)
    for index, (code, _name) in enumerate(reversed(ages)):
        ObservationFactory(
            indicator=portal_data.gap_indicator,
            geography=portal_data.city,
            year=2022,
            breakdown_key=f"age={code}",
            value=20.0 + index,
        )
    # when
    html = client.get("/en/indikatoren/B1/").content.decode()
    # then the table of the age breakdown lists them youngest first
    table = html[re.search(r"<caption[^>]*>Age</caption>", html).start() :]
    header = table[: table.index("</thead>")]
    positions = [header.index(f">{name}<") for _code, name in ages]
    assert positions == sorted(positions)
