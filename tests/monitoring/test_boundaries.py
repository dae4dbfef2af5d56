"""District boundaries (GeoJSON): a good file loads; each bad file is rejected naming feature and field, nothing changes."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from teilhabe.core.models import SiteProfile
from teilhabe.monitoring.boundaries import BoundaryError, get_district_boundaries, parse_boundaries
from teilhabe.monitoring.demo.boundaries import GEOJSON_PATH, illustrative_boundaries
from teilhabe.monitoring.demo.content import DISTRICTS
from tests.portal.dataset import build_portal_dataset


@pytest.fixture(autouse=True)
def _english():
    """The messages in English here (the German catalogue has them too)."""
    with translation.override("en"):
        yield


GOOD = Path(__file__).parents[1] / "data" / "boundaries" / "musterstadt-districts.geojson"
KNOWN = {"d1", "d2", "d3"}


def _good() -> dict:
    return json.loads(GOOD.read_text())


def _problems(data, **options) -> list[str]:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(BoundaryError) as error:
        parse_boundaries(text, known_codes=KNOWN, source="bezirke.geojson", **options)
    return error.value.problems


def test_a_gis_export_loads_with_holes_and_islands():
    boundaries = parse_boundaries(GOOD.read_bytes(), known_codes=KNOWN, source="bezirke.geojson")
    assert sorted(boundaries.districts) == ["d1", "d2", "d3"]
    assert len(boundaries.districts["d1"]) == 2  # outer ring and hole
    assert len(boundaries.districts["d2"]) == 2  # two polygons


def _broken(change) -> dict:
    data = _good()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["features"][1]["properties"].pop("code"), "bezirke.geojson, feature 2, property “code”: missing"),
        (
            lambda d: d["features"][2]["properties"].update(code="d9"),
            "names districts this site does not know: d9 (known: d1, d2, d3)",
        ),
        (
            lambda d: d["features"][2].update(geometry={"type": "Point", "coordinates": [10, 53]}),
            "feature 3 (d3), field “geometry”: expected a Polygon or MultiPolygon, found Point",
        ),
        (
            lambda d: d["features"][2]["geometry"]["coordinates"][0].pop(),
            "feature 3 (d3), field “geometry”: the ring is not closed",
        ),
        (
            lambda d: d["features"][2]["geometry"].update(
                coordinates=[[[565000, 5935000], [566000, 5935000], [566000, 5936000], [565000, 5935000]]]
            ),
            "feature 3 (d3), field “geometry”, position 1: 565000, 5935000 is not a longitude/latitude (WGS 84)",
        ),
        (
            lambda d: d["features"][0]["geometry"]["coordinates"][0].__setitem__(1, ["9,98", "53,54"]),
            "feature 1 (d1), field “geometry”, position 2: not a pair of numbers",
        ),
        (
            lambda d: d["features"].append(d["features"][0]),
            "feature 4 (d1): the district appears in more than one feature",
        ),
    ],
)
def test_a_bad_file_names_feature_and_field(change, expected):
    problems = _problems(_broken(change))
    assert any(expected in problem for problem in problems), problems


def test_several_problems_are_all_listed():
    def change(data):
        data["features"][0]["properties"]["code"] = "zentrum"
        data["features"][1]["properties"]["code"] = "hafen"
        data["features"][2]["geometry"] = None

    problems = _problems(_broken(change))
    assert len(problems) == 2
    assert "feature 3 (d3), field “geometry”: expected a Polygon or MultiPolygon, found nothing" in problems[0]
    assert "names districts this site does not know: hafen, zentrum" in problems[1]


def test_not_json_and_not_a_feature_collection():
    assert "bezirke.geojson is not valid JSON" in _problems("{'type': 'FeatureCollection'")[0]
    assert "expected a GeoJSON FeatureCollection" in _problems({"type": "Feature", "geometry": None})[0]
    assert "holds no district" in _problems({"type": "FeatureCollection", "features": []})[0]


def test_another_code_property_can_be_named():
    data = _good()
    for feature in data["features"]:
        feature["properties"]["BEZ_CODE"] = feature["properties"].pop("code")
    assert "property “code”: missing" in _problems(data)[0]
    boundaries = parse_boundaries(json.dumps(data), known_codes=KNOWN, code_property="BEZ_CODE")
    assert sorted(boundaries.districts) == ["d1", "d2", "d3"]


@pytest.mark.django_db
def test_the_command_loads_a_good_file_and_a_bad_one_changes_nothing(tmp_path):
    build_portal_dataset()
    call_command("load_boundaries", str(GOOD))
    stored = get_district_boundaries().districts
    assert sorted(stored) == ["d1", "d2", "d3"]
    bad = tmp_path / "bezirke.geojson"
    bad.write_text(json.dumps(_broken(lambda d: d["features"][0]["properties"].update(code="zentrum"))))
    with pytest.raises(CommandError) as error:
        call_command("load_boundaries", str(bad))
    assert "Nothing was loaded" in str(error.value)
    assert "bezirke.geojson names districts this site does not know: zentrum (known: d1, d2, d3)." in str(error.value)
    assert get_district_boundaries().districts == stored
    assert SiteProfile.objects.count() == 1


def test_the_demo_ships_its_generated_fictional_shapes_for_every_district():
    shipped = json.loads(GEOJSON_PATH.read_text())
    assert shipped == illustrative_boundaries()  # regenerated from the formulas, nothing hand-edited
    assert "fictional" in shipped["name"]
    codes = {d.code for d in DISTRICTS}
    boundaries = parse_boundaries(GEOJSON_PATH.read_bytes(), known_codes=codes)
    assert set(boundaries.districts) == codes
