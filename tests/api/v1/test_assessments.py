"""The assessments resource."""

from teilhabe.core.cache import bump_data_version
from teilhabe.monitoring import assessing
from teilhabe.monitoring.models import Geography, Observation
from tests.monitoring.factories import (
    AreaOfActionFactory,
    CategoryFactory,
    DimensionFactory,
    DistrictFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
    ObservationFactory,
    TargetFactory,
)


def test_assessment_with_explanation_in_the_requested_language(api_client, dataset):
    row = api_client.get("/api/v1/assessments/?indicator=B1", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert (row["status"], row["score"], row["series_kind"], row["geography"]) == (
        "moderate_progress",
        1.5,
        "total",
        "city",
    )
    assert row["components"] == {"base_year": 2019, "current_year": 2020}
    assert (row["explanation"], row["explanation_de"]) == ("Moderate progress.", "Mäßiger Fortschritt.")


def test_assessments_of_another_geography(api_client, dataset):
    assert api_client.get("/api/v1/assessments/?geography=altona").json()["count"] == 0


def _limited_district_dataset(settings):
    """A gap indicator (background yes vs no) at city level from fully published observations (n = 100 and 80),
    and a district whose total rests on n = 21 (limited reliability between 5 and 30) with its own target."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    settings.TEILHABE_LIMITED_RELIABILITY_COUNT = 30
    edition = EditionFactory(is_current=True, code="2026")
    dimension = DimensionFactory(code="background")
    yes, no = CategoryFactory(dimension=dimension, code="yes"), CategoryFactory(dimension=dimension, code="no")
    version = IndicatorVersionFactory(
        area=AreaOfActionFactory(edition=edition), unit="%", decimals=1, comparison="gap", group_a=yes, group_b=no
    )
    version.breakdowns.add(dimension)
    city = GeographyFactory(code="city", level="city")
    district = DistrictFactory(parent=city, code="d3")
    rows = [
        (city, "", 180, 51.0),
        (city, "background=yes", 100, 46.0),
        (city, "background=no", 80, 57.25),
        (district, "", 21, 61.9),
    ]
    for year in (2021, 2022):
        for geography, key, n, value in rows:
            ObservationFactory(
                indicator=version.indicator,
                geography=geography,
                year=year,
                breakdown_key=key,
                value=value + (year - 2021),
                sample_size=n,
                numerator=round(n * value / 100),
                denominator=n,
            )
    TargetFactory(
        indicator=version.indicator,
        edition=edition,
        geography=district,
        baseline_value=60.0,
        baseline_year=2021,
        target_value=70.0,
        target_year=2030,
    )
    assessing.recompute_assessments(edition=edition)
    return version


def test_components_of_limited_reliability_are_flagged(api_client, settings, db):
    version = _limited_district_dataset(settings)
    district = api_client.get(f"/api/v1/assessments/?indicator={version.indicator.code}&geography=d3").json()
    assert district["count"] == 1
    row = district["results"][0]
    assert set(row["limited_reliability"]) == {"current_value", "base_value", "sample_size"} & set(row["components"])
    assert "current_value" in row["limited_reliability"]
    city = api_client.get(f"/api/v1/assessments/?indicator={version.indicator.code}&geography=city").json()
    assert city["count"] >= 1
    assert [r["limited_reliability"] for r in city["results"]] == [[] for _ in city["results"]]
    # the same flag on the detail resource
    detail = api_client.get(f"/api/v1/assessments/{row['id']}/").json()
    assert detail["limited_reliability"] == row["limited_reliability"]


def test_a_gap_is_as_reliable_as_its_less_reliable_group(api_client, settings, db):
    version = _limited_district_dataset(settings)
    TargetFactory(
        indicator=version.indicator,
        edition=version.edition,
        geography=Geography.objects.get(code="city"),
        kind="gap",
        baseline_value=-11.25,
        baseline_year=2021,
        target_value=0.0,
        target_year=2030,
    )
    assessing.recompute_assessments(edition=version.edition)
    before = api_client.get(f"/api/v1/assessments/?indicator={version.indicator.code}&geography=city&series_kind=gap")
    assert [row["limited_reliability"] for row in before.json()["results"]] == [[]]
    # the "with background" group shrinks to n = 12 in the latest year: the gap's latest value is limited
    Observation.objects.filter(breakdown_key="background=yes", period_start__year=2022).update(
        sample_size=12, numerator=6, denominator=12
    )
    assessing.recompute_assessments(edition=version.edition)
    bump_data_version()  # as the import service does when its transaction commits (the test's never does)
    rows = api_client.get(f"/api/v1/assessments/?indicator={version.indicator.code}&geography=city&series_kind=gap")
    gap = rows.json()["results"]
    assert gap and "current_value" in gap[0]["limited_reliability"]
    assert "base_value" not in gap[0]["limited_reliability"]


def test_the_flag_is_in_the_openapi_schema(api_client, db):
    schema = api_client.get("/api/schema/?format=json").json()
    field = schema["components"]["schemas"]["AssessmentOutput"]["properties"]["limited_reliability"]
    assert field["type"] == "array"
    items = field["items"]
    if "$ref" in items:
        items = schema["components"]["schemas"][items["$ref"].rsplit("/", 1)[-1]]
    assert items["enum"] == ["base_value", "current_value", "sample_size"]
    assert "limited reliability" in field["description"]
