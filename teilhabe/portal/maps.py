"""The district map: the city's district outlines drawn as server-side SVG (no JavaScript, no tiles).

Outlines are rings of [lon, lat] (monitoring.boundaries). They are projected with a simple
equirectangular projection (x = lon · cos of the mean latitude, y = −lat), which is faithful enough
at a city's scale, and scaled to the bounding box. Each district is a link to its page with a
<title> naming district, value and status; the status is carried by colour *and* a pattern, and the
value is written on the map, so colour is never the only carrier (WCAG 1.4.1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400  # viewBox units; labels of 13 units stay ≥ 11 px on a 340 px wide map
PADDING = 6
LABEL_SIZE = 13

# status → pattern drawn over the colour (white strokes), so statuses differ without colour
PATTERNS = {
    "target_achieved": "",
    "substantial_progress": '<path d="M0,8 L8,0" />',
    "moderate_progress": '<path d="M0,8 L8,0 M0,0 L8,8" />',
    "limited_progress": '<circle cx="4" cy="4" r="1.6" />',
    "deterioration": '<path d="M0,4 L8,4" />',
    "not_available": "",
    "none": "",
}


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    value_text: str
    status_code: str
    status_text: str
    href: str = ""
    label_text: str = ""  # the value as written on the map (short unit); defaults to value_text


Rings = Sequence[Sequence[Sequence[float]]]


def project(outlines: Mapping[str, Rings], width: float = WIDTH, padding: float = PADDING):
    """Rings in lon/lat → rings in SVG units, scaled to `width`; returns (projected outlines, height)."""
    points = [p for rings in outlines.values() for ring in rings for p in ring]
    if not points:
        return {}, 0.0
    mean_lat = sum(p[1] for p in points) / len(points)
    factor = math.cos(math.radians(mean_lat))
    xs = [p[0] * factor for p in points]
    ys = [-p[1] for p in points]
    min_x, min_y = min(xs), min(ys)
    scale = (width - 2 * padding) / max(max(xs) - min_x, 1e-9)
    height = (max(ys) - min_y) * scale + 2 * padding
    projected = {
        code: [
            [((p[0] * factor - min_x) * scale + padding, (-p[1] - min_y) * scale + padding) for p in ring]
            for ring in rings
        ]
        for code, rings in outlines.items()
    }
    return projected, height


def _area_and_centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def _label_point(rings: Sequence[Sequence[tuple[float, float]]]) -> tuple[float, float]:
    """The centroid of the largest ring: where the name and value are written."""
    _area, x, y = max((_area_and_centroid(ring) for ring in rings), key=lambda item: item[0])
    return x, y


def _path(rings: Sequence[Sequence[tuple[float, float]]]) -> str:
    return " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring[:-1]) + " Z" for ring in rings if len(ring) > 2)


def district_map_svg(
    areas: Sequence[MapArea], outlines: Mapping[str, Rings], *, chart_id: str, title: str, description: str
) -> SafeString:
    """The districts that have an outline, each filled by status (colour + pattern) and labelled with its value."""
    drawn = [area for area in areas if area.code in outlines]
    projected, height = project({area.code: outlines[area.code] for area in drawn})
    if not drawn:
        return mark_safe("")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="district-map" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'direction="ltr" role="group" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        "<defs>"
    ]
    for status, shape in PATTERNS.items():
        if shape:
            parts.append(
                f'<pattern id="{chart_id}-pattern-{status}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<g class="map-pattern">{shape}</g></pattern>'
            )
    parts.append("</defs>")
    labels = []
    for area in drawn:
        rings = projected[area.code]
        status = area.status_code if area.status_code in PATTERNS else "none"
        path = _path(rings)
        text = f"{area.name}: {area.value_text}, {area.status_text}"
        pattern = (
            f'<path d="{path}" fill-rule="evenodd" fill="url(#{chart_id}-pattern-{status})" class="map-overlay"/>'
            if PATTERNS[status]
            else ""
        )
        shape = (
            f'<g class="map-area map-{escape(status)}" data-code="{escape(area.code)}">'
            f'<path d="{path}" fill-rule="evenodd" class="map-shape"/>{pattern}<title>{escape(text)}</title></g>'
        )
        if area.href:
            shape = f'<a href="{escape(area.href)}" aria-label="{escape(text)}">{shape}</a>'
        parts.append(shape)
        x, y = _label_point(rings)
        labels.append(
            f'<text class="map-label" x="{x:.1f}" y="{y - 2:.1f}" text-anchor="middle" aria-hidden="true">'
            f'<tspan class="map-label-name">{escape(area.name)}</tspan>'
            f'<tspan x="{x:.1f}" dy="{LABEL_SIZE + 2}" class="map-label-value">{escape(area.label_text or area.value_text)}</tspan></text>'
        )
    parts += labels  # after every shape, so no label is covered by a neighbour
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and attribute is escaped


def legend_swatch(status: str) -> SafeString:
    """A small swatch of a status as the map draws it (colour and pattern), for the legend."""
    key = status if status in PATTERNS else "none"
    overlay = (
        f'<defs><pattern id="legend-pattern-{key}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<g class="map-pattern">{PATTERNS[key]}</g></pattern></defs>'
        f'<rect width="32" height="20" fill="url(#legend-pattern-{key})"/>'
        if PATTERNS[key]
        else ""
    )
    return mark_safe(  # noqa: S308 - fixed markup from constants
        f'<svg class="map-swatch" viewBox="0 0 32 20" width="32" height="20" aria-hidden="true" focusable="false">'
        f'<g class="map-area map-{key}"><rect width="32" height="20" class="map-shape"/></g>{overlay}</svg>'
    )
