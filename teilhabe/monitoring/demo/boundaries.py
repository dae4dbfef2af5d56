"""The demo's district outlines: generated, clearly fictional shapes (not any real city's).

A disc for Mitte and a ring of six sectors around it, with a wavy outer edge so the map looks like
a map and not like a diagram; every point follows from the formulas below, so the file is the same
on every run. `python -m teilhabe.monitoring.demo.boundaries` rewrites districts.geojson, which
load_demo loads through the same validation a city's file goes through.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

GEOJSON_PATH = Path(__file__).with_name("districts.geojson")
CENTRE = (10.0, 51.0)  # lon, lat: a fictional place; the shapes resemble no real city
RADIUS = 0.075  # degrees of latitude
INNER = 0.032
# district code → sector from and to, in degrees counterclockwise from east
SECTORS = {
    "ost": (-35, 35),
    "hafen": (35, 80),
    "nord": (80, 150),
    "west": (150, 215),
    "altstadt": (215, 255),
    "sued": (255, 325),
}
STEP = 5  # degrees between outline points


def _point(angle: float, radius: float) -> list[float]:
    lon_scale = 1 / math.cos(math.radians(CENTRE[1]))
    radians = math.radians(angle)
    return [
        round(CENTRE[0] + radius * lon_scale * math.cos(radians), 6),
        round(CENTRE[1] + radius * math.sin(radians), 6),
    ]


def _outer(angle: float) -> float:
    return RADIUS * (1 + 0.08 * math.sin(math.radians(3 * angle)) + 0.05 * math.cos(math.radians(7 * angle)))


def _inner(angle: float) -> float:
    return INNER * (1 + 0.1 * math.sin(math.radians(4 * angle)))


def _angles(start: float, end: float) -> list[float]:
    count = max(1, round((end - start) / STEP))
    return [start + (end - start) * i / count for i in range(count + 1)]


def illustrative_boundaries() -> dict:
    features = []
    centre = [_point(a, _inner(a)) for a in _angles(-35, 325)]
    centre[-1] = centre[0]
    features.append(_feature("mitte", "Mitte", centre))
    names = {"ost": "Ost", "hafen": "Hafen", "nord": "Nord", "west": "West", "altstadt": "Altstadt", "sued": "Süd"}
    for code, (start, end) in SECTORS.items():
        angles = _angles(start, end)
        ring = [_point(a, _outer(a)) for a in angles] + [_point(a, _inner(a)) for a in reversed(angles)]
        ring.append(ring[0])
        features.append(_feature(code, names[code], ring))
    return {
        "type": "FeatureCollection",
        "name": "Illustrative district outlines (fictional shapes, not a real city)",
        "features": features,
    }


def _feature(code: str, name: str, ring: list[list[float]]) -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "illustrative": True},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


if __name__ == "__main__":
    GEOJSON_PATH.write_text(json.dumps(illustrative_boundaries(), ensure_ascii=False, indent=None) + "\n")
