"""District boundaries from GeoJSON for the portal's map (docs/data-formats.md, "District boundaries").

A city loads one GeoJSON FeatureCollection with a Polygon or MultiPolygon per district, in
longitude/latitude (WGS 84, as RFC 7946 requires). Each feature names its district by a property
(default `code`) holding the district's code. The file is checked as a whole; any problem rejects
it with a message naming the feature and field, and nothing changes. The outlines are kept on the
site profile as rings of [lon, lat] per district code (editable=False there: this is the only writer).
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from teilhabe.accounts import permissions
from teilhabe.core.cache import bump_data_version
from teilhabe.core.models import SiteProfile

from .models import Geography

MAX_POINTS = 200_000  # a city's districts, generously; a larger file is a mistake (or an attack)


class BoundaryError(ValueError):
    """The file cannot be loaded; `problems` lists every reason, each naming feature and field."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Boundaries:
    source: str
    districts: dict[str, list[list[list[float]]]]  # code → rings of [lon, lat]
    is_illustrative: bool = False  # invented shapes (the demo's): the map says so

    def as_json(self) -> dict:
        return {"source": self.source, "districts": self.districts, "illustrative": self.is_illustrative}


def _ring_problems(ring: object, where: str) -> list[str]:
    if not isinstance(ring, list) or len(ring) < 4:
        return [_("%(where)s: a ring needs at least four positions.") % {"where": where}]
    for index, position in enumerate(ring, start=1):
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(
                isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) for n in position[:2]
            )
        ):
            return [_("%(where)s, position %(n)s: not a pair of numbers.") % {"where": where, "n": index}]
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return [
                _(
                    "%(where)s, position %(n)s: %(lon)s, %(lat)s is not a longitude/latitude (WGS 84); "
                    "convert projected coordinates first."
                )
                % {"where": where, "n": index, "lon": lon, "lat": lat}
            ]
    if ring[0][:2] != ring[-1][:2]:
        return [_("%(where)s: the ring is not closed (first and last position differ).") % {"where": where}]
    return []


def parse_boundaries(
    text: str | bytes, *, known_codes: Collection[str], code_property: str = "code", source: str = ""
) -> Boundaries:
    """Validate a GeoJSON FeatureCollection of district outlines; raises BoundaryError listing every problem."""
    name = source or _("the file")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise BoundaryError([_("%(file)s is not valid JSON: %(error)s") % {"file": name, "error": error}]) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise BoundaryError(
            [_("%(file)s: expected a GeoJSON FeatureCollection with a list of features.") % {"file": name}]
        )
    problems: list[str] = []
    districts: dict[str, list[list[list[float]]]] = {}
    points = 0
    for number, feature in enumerate(data["features"], start=1):
        where = _("%(file)s, feature %(n)s") % {"file": name, "n": number}
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("%(where)s: not a GeoJSON Feature.") % {"where": where})
            continue
        properties = feature.get("properties") or {}
        code = properties.get(code_property) if isinstance(properties, dict) else None
        if code in (None, ""):
            problems.append(
                _("%(where)s, property “%(field)s”: missing; it must hold the district's code.")
                % {"where": where, "field": code_property}
            )
            continue
        code = str(code)
        where = _("%(file)s, feature %(n)s (%(code)s)") % {"file": name, "n": number, "code": code}
        if code in districts:
            problems.append(_("%(where)s: the district appears in more than one feature.") % {"where": where})
            continue
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if kind == "Polygon" and isinstance(coordinates, list):
            polygons = [coordinates]
        elif kind == "MultiPolygon" and isinstance(coordinates, list):
            polygons = coordinates
        else:
            problems.append(
                _("%(where)s, field “geometry”: expected a Polygon or MultiPolygon, found %(kind)s.")
                % {"where": where, "kind": kind or _("nothing")}
            )
            continue
        rings: list[list[list[float]]] = []
        feature_problems: list[str] = []
        for polygon in polygons:
            if not isinstance(polygon, list) or not polygon:
                feature_problems.append(_("%(where)s, field “geometry”: an empty polygon.") % {"where": where})
                continue
            for ring in polygon:
                feature_problems += _ring_problems(ring, _("%(where)s, field “geometry”") % {"where": where})
                if not feature_problems:
                    rings.append([[float(p[0]), float(p[1])] for p in ring])
                    points += len(ring)
        if feature_problems:
            problems += feature_problems[:1]
            continue
        districts[code] = rings
    if points > MAX_POINTS:
        problems.append(
            _("%(file)s has %(points)s positions, more than %(max)s; simplify the outlines first.")
            % {"file": name, "points": points, "max": MAX_POINTS}
        )
    unknown = sorted(set(districts) - set(known_codes))
    if unknown:
        problems.append(
            _("%(file)s names districts this site does not know: %(codes)s (known: %(known)s).")
            % {"file": name, "codes": ", ".join(unknown), "known": ", ".join(sorted(known_codes)) or "–"}
        )
    if not problems and not districts:
        problems.append(_("%(file)s holds no district.") % {"file": name})
    if problems:
        raise BoundaryError(problems)
    return Boundaries(source=source, districts=districts)


@transaction.atomic
def load_district_boundaries(
    *, text: str | bytes, user, code_property: str = "code", source: str = "", is_illustrative: bool = False
) -> Boundaries:
    """Check and store the district outlines (all or nothing); districts without an outline are listed by the map."""
    from .services import is_system_actor

    if not (permissions.can_import_data(user) or is_system_actor(user)):
        raise PermissionDenied
    known = set(Geography.objects.filter(level=Geography.Level.DISTRICT).values_list("code", flat=True))
    boundaries = parse_boundaries(text, known_codes=known, code_property=code_property, source=source)
    boundaries = Boundaries(boundaries.source, boundaries.districts, is_illustrative)
    profile = SiteProfile.objects.order_by("pk").first() or SiteProfile()
    profile.district_boundaries = boundaries.as_json()
    profile.save()
    transaction.on_commit(bump_data_version)
    return boundaries


def get_district_boundaries() -> Boundaries:
    """The stored outlines by district code (no districts when the city has loaded none)."""
    profile = SiteProfile.objects.order_by("pk").only("district_boundaries").first()
    stored = (profile.district_boundaries or {}) if profile else {}
    return Boundaries(stored.get("source", ""), dict(stored.get("districts", {})), bool(stored.get("illustrative")))
