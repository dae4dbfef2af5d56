"""Charts as accessible, self-contained SVG rendered on the server.

Line charts are Vega-Lite specifications built with Altair and rendered by vl-convert
(no browser, no JavaScript, no request to another host). The SVG is made responsive
(the root keeps its viewBox, loses its fixed size), gets a <title> and <desc> that
screen readers announce, and is cached under a hash of its content and language, so
each distinct chart is rendered once. Sparklines and the district tile map are small
enough to write as SVG directly, which keeps pages with dozens of them fast.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import altair as alt
import vl_convert
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# The formatting layer lives in core; portal.queries reaches it through charts.format_number too.
from teilhabe.core.formatting import (
    chart_number_locale,
    format_disclosed_value,
    format_number,
    format_value,
    mark_reliability,
    unit_in_words,
)

CHART_CACHE_TIMEOUT = 30 * 24 * 60 * 60  # content-addressed: a changed chart gets a new key

# Okabe–Ito colours that keep at least 3:1 contrast against white (WCAG 1.4.11), each paired
# with its own dash pattern and point shape so no series is told apart by colour alone.
PALETTE = ("#000000", "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#6B4E00")
DASHES = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3), (4, 4), (1, 3))
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down")
TARGET_COLOUR = "#4A4A4A"
FONT = "Noto Sans, DejaVu Sans, Liberation Sans, sans-serif"


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    period: str
    value: float | None
    # disclosure control: "withheld" (value None, shown "/"), "limited" (shown in parentheses) or "published"
    reliability: str = "published"


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[SeriesPoint, ...]


@dataclass(frozen=True)
class TargetLine:
    """A target value for one series (or the gap), drawn as a dashed line up to its year."""

    label: str
    value: float
    year: int
    baseline_year: int | None = None


@dataclass(frozen=True)
class TableRow:
    period: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """What a page needs to show a chart accessibly: the SVG, a text summary and a data table."""

    chart_id: str
    title: str
    svg: SafeString
    summary: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...] = field(default_factory=tuple)
    # the numbers behind the chart, for its CSV/XLSX download (teilhabe.portal.data_files)
    series: tuple[Series, ...] = ()
    has_withheld: bool = False  # a "/" appears: the legend "no figure: too few cases" goes with it
    has_limited: bool = False  # a value in parentheses appears: the legend "limited reliability: few cases"
    svg_narrow: SafeString | None = None  # the same chart laid out for phones (larger type, smaller view box)
    legend: tuple[str, ...] = ()  # the legend's entries in order: series, then targets (for the series toggles)

    @property
    def legend_json(self) -> str:
        return json.dumps(list(self.legend), ensure_ascii=False)


# --------------------------------------------------------------------------- Vega-Lite charts


# Two renderings of every line chart: the wide one for screens from about 600 px, the narrow one with
# larger type in a smaller view box for phones; CSS shows one of them (no JavaScript). Font sizes are in
# view-box units, so text on screen is font size × (rendered width / view-box width): the narrow one keeps
# text at 11 px or more on a 320-px-wide screen, the wide one at 12 px or more from 600 px up.
WIDE = {"width": 520, "height": 260, "font": 13, "title": 15}
NARROW = {"width": 250, "height": 220, "font": 15, "title": 16}


def _config(size: dict = WIDE) -> dict:
    label = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": size["font"],
        "titleFontSize": size["font"],
        "labelColor": "#1a1a1a",
        "titleColor": "#1a1a1a",
    }
    return {
        "font": FONT,
        "background": "#ffffff",
        "view": {"stroke": None},
        "axis": {**label, "gridColor": "#d6d6d6", "domainColor": "#4a4a4a", "tickColor": "#4a4a4a"},
        # the value axis names its unit above the axis, read left to right, so a long unit is never cut
        "axisY": {
            "titleAngle": 0,
            "titleAlign": "left",
            "titleAnchor": "end",
            "titleBaseline": "bottom",
            "titleX": -40,
            "titleY": -12,
        },
        "legend": {
            **label,
            "orient": "bottom",
            "direction": "vertical",
            "symbolStrokeWidth": 2.5,
            # never truncate a series name: the legend is as wide as its longest label
            "labelLimit": 0,
            "symbolSize": 90,
        },
        "title": {"font": FONT, "fontSize": size["title"], "color": "#1a1a1a", "anchor": "start"},
        "text": {"font": FONT, "fontSize": size["font"], "color": "#1a1a1a"},
    }


_ROOT = re.compile(r"<svg\b[^>]*>")
_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
# a mark's description "series␟text" (see _layers) becomes data attributes for the optional script
_MARK_DESCRIPTION = re.compile(r'\saria-label="([^"␟]*)␟([^"]*)"')


def _finish_svg(raw: str, *, chart_id: str, title: str, description: str) -> str:
    """Make the rendered SVG responsive and announce it as one image with a title and description."""
    match = _ROOT.search(raw)
    if match is None:
        raise ValueError("the renderer returned no <svg> element")
    view_box = re.search(r'viewBox="([^"]*)"', match.group(0))
    body = _MARK_DESCRIPTION.sub(r' data-series="\1" data-tip="\2"', raw[match.end() :])
    body = _INNER_ARIA.sub("", body)
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="{view_box.group(1) if view_box else ""}"'
        f' direction="ltr" role="img" focusable="false" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return root + body


# Part of every chart key: bump it when the chart design (spec or SVG post-processing) changes.
# 2: axes laid out left to right in every language, d3 locale from CLDR; 3: units in words;
# 4: targets in the legend, full legends, unit above the axis, a narrow layout, data attributes for the script
CHART_DESIGN_VERSION = 4


def _chart_key(*parts: object) -> str:
    payload = json.dumps([CHART_DESIGN_VERSION, get_language() or "de", *parts], sort_keys=True, default=str)
    return "teilhabe:chart:" + hashlib.sha256(payload.encode()).hexdigest()


def render_svg(
    spec: dict | Callable[[], dict], *, chart_id: str, title: str, description: str, key: str | None = None
) -> SafeString:
    """Render a Vega-Lite spec to finished SVG, once per distinct content and language.

    `spec` may be a function that builds the spec, so that a cached chart costs neither
    Altair nor the renderer; `key` then identifies the chart's inputs.
    """
    key = key or _chart_key(spec, chart_id, title, description)
    svg = cache.get(key)
    if svg is None:
        built = spec() if callable(spec) else spec
        svg = _render(built, chart_id=chart_id, title=title, description=description)
        cache.set(key, svg, timeout=CHART_CACHE_TIMEOUT)
    return mark_safe(svg)  # noqa: S308 - built from escaped text and the renderer's own markup


def _render(spec: dict, *, chart_id: str, title: str, description: str) -> str:
    """A Vega-Lite spec as finished SVG text (not cached)."""
    raw = vl_convert.vegalite_to_svg(spec, format_locale=chart_number_locale())
    return _finish_svg(raw, chart_id=chart_id, title=title, description=description)


def _target_text(target: TargetLine, decimals: int, unit: str) -> str:
    return _("Target %(year)s: %(value)s") % {
        "year": target.year,
        "value": format_value(target.value, decimals, unit),
    } + (f" ({target.label})" if target.label else "")


def _layers(
    series: Sequence[Series],
    targets: Sequence[TargetLine],
    *,
    value_title: str,
    x_domain: tuple[int, int],
    decimals: int,
    unit: str,
    year_ticks: list[int],
    wrapped: dict[str, list[str]],
) -> list:
    """Lines and points of each series and each target, told apart by colour, dash and shape.

    A target is named in the legend, not beside its line, so no label ever lies across a line. Every
    mark carries a description "series\u241ftext" that _finish_svg turns into data attributes for the
    optional script (tooltips, series toggles).
    """
    target_texts = [_target_text(t, decimals, unit) for t in targets]
    labels = [s.label for s in series] + target_texts
    count = len(series)
    rows = [
        {
            "year": point.year,
            "value": point.value,
            "series": s.label,
            "tip": f"{s.label}\u241f{point.period}: {format_disclosed_value(point.value, decimals, unit, point.reliability)}",
        }
        for s in series
        for point in s.points
    ]
    for target, text in zip(targets, target_texts, strict=True):
        start = target.baseline_year if target.baseline_year is not None else x_domain[0]
        for year, end in ((start, False), (target.year, True)):
            rows.append({"year": year, "value": target.value, "series": text, "end": end, "tip": f"{text}\u241f{text}"})
    colours = list(PALETTE[:count]) + [TARGET_COLOUR] * len(targets)
    dashes = [list(d) for d in DASHES[:count]] + [[5, 4]] * len(targets)
    shapes = list(SHAPES[:count]) + ["diamond"] * len(targets)
    # long legend labels may wrap onto further lines instead of widening (and so shrinking) the chart
    legend = (
        alt.Legend(labelExpr=f"{json.dumps(wrapped, ensure_ascii=False)}[datum.label] || datum.label")
        if wrapped
        else alt.Legend()
    )
    colour = alt.Color(
        "series:N", title=None, sort=labels, scale=alt.Scale(domain=labels, range=colours), legend=legend
    )
    dash = alt.StrokeDash("series:N", title=None, sort=labels, scale=alt.Scale(domain=labels, range=dashes))
    shape = alt.Shape("series:N", title=None, sort=labels, scale=alt.Scale(domain=labels, range=shapes))
    x = alt.X(
        "year:Q",
        title=_("Year"),
        scale=alt.Scale(domain=list(x_domain), nice=False),
        axis=alt.Axis(format="d", values=year_ticks),
    )
    y = alt.Y("value:Q", title=value_title, scale=alt.Scale(zero=False))
    base = alt.Chart(alt.Data(values=rows))
    description = alt.Description("tip:N")
    lines = base.mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=colour, strokeDash=dash, detail="series:N", description=description
    )
    # a target shows its diamond at the target year only, not at its baseline year
    points = (
        base.mark_point(filled=True, size=70, opacity=1)
        .encode(x=x, y=y, color=colour, shape=shape, description=description)
        .transform_filter("datum.end !== false")
    )
    return [lines, points]


def _x_domain(series: Sequence[Series], targets: Sequence[TargetLine]) -> tuple[int, int]:
    years = [p.year for s in series for p in s.points] + [t.year for t in targets]
    years += [t.baseline_year for t in targets if t.baseline_year is not None]
    low, high = min(years), max(years)
    return (low, high if high > low else low + 1)


def data_table(series: Sequence[Series], decimals: int) -> tuple[tuple[str, ...], tuple[TableRow, ...]]:
    periods: dict[str, int] = {}
    for s in series:
        for point in s.points:
            periods.setdefault(point.period, point.year)
    ordered = sorted(periods, key=lambda period: (periods[period], period))
    lookup = {(s.label, p.period): p for s in series for p in s.points}

    def cell(point: SeriesPoint | None) -> str:
        if point is None:
            return format_number(None, decimals)
        return mark_reliability(format_number(point.value, decimals), point.reliability)

    rows = tuple(TableRow(period, tuple(cell(lookup.get((s.label, period))) for s in series)) for period in ordered)
    return (_("Period"), *(s.label for s in series)), rows


def describe_series(series: Sequence[Series], targets: Sequence[TargetLine], *, unit: str, decimals: int) -> str:
    """A plain-language summary: first and latest value of each series, then each target."""
    parts = []
    for s in series:
        if not s.points:
            continue
        first, last = s.points[0], s.points[-1]
        if first == last:
            parts.append(
                _("%(series)s: %(value)s in %(period)s.")
                % {
                    "series": s.label,
                    "value": format_disclosed_value(last.value, decimals, unit, last.reliability),
                    "period": last.period,
                }
            )
        else:
            parts.append(
                _("%(series)s: from %(first)s in %(first_period)s to %(last)s in %(last_period)s.")
                % {
                    "series": s.label,
                    "first": format_disclosed_value(first.value, decimals, unit, first.reliability),
                    "first_period": first.period,
                    "last": format_disclosed_value(last.value, decimals, unit, last.reliability),
                    "last_period": last.period,
                }
            )
    for target in targets:
        parts.append(
            _("Target%(label)s: %(value)s by %(year)s.")
            % {
                "label": f" ({target.label})" if target.label else "",
                "value": format_value(target.value, decimals, unit),
                "year": target.year,
            }
        )
    return " ".join(parts)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def _year_ticks(domain: tuple[int, int], most: int) -> list[int]:
    """Whole years only (never 2019.5 shown as "2020"), thinned to at most `most` ticks."""
    step = max(1, math.ceil((domain[1] - domain[0] + 1) / most))
    return list(range(domain[0], domain[1] + 1, step))


def line_chart_spec(
    series: Sequence[Series],
    targets: Sequence[TargetLine],
    unit: str,
    decimals: int,
    zero_line: bool,
    *,
    size: dict = WIDE,
) -> dict:
    """The Vega-Lite specification of a line chart in one of the two layouts (WIDE or NARROW)."""
    domain = _x_domain(series, targets)
    # the axis names the unit in words ("number (count)", "per cent (share of 100)"), never a raw "Anzahl"
    wrapped: dict[str, list[str]] = {}
    if size is NARROW:
        labels = [s.label for s in series] + [_target_text(t, decimals, unit) for t in targets]
        wrapped = {label: _wrap(label, 26) for label in labels if len(label) > 26}
    layers = _layers(
        series,
        targets,
        value_title=unit_in_words(unit) or _("Value"),
        x_domain=domain,
        decimals=decimals,
        unit=unit,
        year_ticks=_year_ticks(domain, 10 if size is WIDE else 5),
        wrapped=wrapped,
    )
    if zero_line:
        layers.append(
            alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color="#4a4a4a", strokeWidth=1).encode(y="zero:Q")
        )
    config = _config(size)
    chart = alt.layer(*layers).properties(width=size["width"], height=size["height"]).configure(**config)
    return chart.to_dict(validate=False)  # the spec is ours and tested; validation costs more than rendering


def line_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[Series],
    targets: Sequence[TargetLine] = (),
    unit: str = "",
    decimals: int = 1,
    zero_line: bool = False,
) -> Chart | None:
    """A time-series chart of several series with dashed target lines; None without data."""
    series = [s for s in series if s.points]
    if not series:
        return None

    summary = describe_series(series, targets, unit=unit, decimals=decimals)
    columns, rows = data_table(series, decimals)
    parts = (series, targets, unit, decimals, zero_line)
    # Both layouts under one cache key: one cache round trip per chart, as before there were two.
    key = _chart_key("line-pair", chart_id, title, summary, *parts)
    pair = cache.get(key)
    if not (isinstance(pair, tuple) and len(pair) == 2):
        narrow_id = f"{chart_id}-narrow"
        pair = (
            _render(line_chart_spec(*parts, size=WIDE), chart_id=chart_id, title=title, description=summary),
            _render(line_chart_spec(*parts, size=NARROW), chart_id=narrow_id, title=title, description=summary),
        )
        cache.set(key, pair, timeout=CHART_CACHE_TIMEOUT)
    svg, svg_narrow = (mark_safe(text) for text in pair)  # noqa: S308 - built as render_svg builds it
    reliabilities = {point.reliability for s in series for point in s.points}
    return Chart(
        chart_id=chart_id,
        title=title,
        svg=svg,
        svg_narrow=svg_narrow,
        legend=tuple(s.label for s in series) + tuple(_target_text(t, decimals, unit) for t in targets),
        summary=summary,
        columns=columns,
        rows=rows,
        series=tuple(series),
        has_withheld="withheld" in reliabilities,
        has_limited="limited" in reliabilities,
    )


# --------------------------------------------------------------------------- hand-written SVG


def sparkline_svg(values: Sequence[float]) -> SafeString:
    """A small trend line (decorative: the page states the values in text beside it)."""
    if len(values) < 2:
        return mark_safe("")
    width, height, pad = 100.0, 24.0, 3.0
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / (len(values) - 1)
    coords = [
        (pad + i * step, height - pad - (value - low) / span * (height - 2 * pad)) for i, value in enumerate(values)
    ]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    return mark_safe(  # noqa: S308 - numbers only
        f'<svg class="sparkline" viewBox="0 0 {width:.0f} {height:.0f}" aria-hidden="true" focusable="false">'
        f'<polyline points="{points}"/><circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5"/></svg>'
    )


@dataclass(frozen=True)
class Tile:
    """One district in the schematic tile map: colour class and text both carry the status and value."""

    name: str
    value_text: str
    status_code: str
    status_text: str


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def tile_map_svg(tiles: Sequence[Tile], *, chart_id: str, title: str, description: str) -> SafeString:
    """Districts as equal tiles in a grid (schematic, not geographic), each with name, value and status."""
    if not tiles:
        return mark_safe("")
    columns = max(1, math.ceil(math.sqrt(len(tiles))))
    rows = math.ceil(len(tiles) / columns)
    width, height, gap = 168, 96, 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tile-map" viewBox="0 0 {columns * (width + gap) - gap} '
        f'{rows * (height + gap) - gap}" direction="ltr" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    ]
    for index, tile in enumerate(tiles):
        x = (index % columns) * (width + gap)
        y = (index // columns) * (height + gap)
        status_class = escape(tile.status_code or "none")
        parts.append(
            f'<g class="tile tile-{status_class}" transform="translate({x},{y})">'
            f'<rect width="{width}" height="{height}" rx="4"/>'
            f'<text x="10" y="26" class="tile-name">{escape(_shorten(tile.name, 18))}</text>'
            f'<text x="10" y="54" class="tile-value">{escape(tile.value_text)}</text>'
            f'<text x="10" y="80" class="tile-status">{escape(_shorten(tile.status_text, 24))}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped
