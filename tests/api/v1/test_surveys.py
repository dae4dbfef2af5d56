"""The barometer in the API: /api/v1/structure-vs-climate/ and /api/v1/climate-index/."""

import pytest

from teilhabe.surveys import barometer
from teilhabe.surveys.models import ClimateAreaLink, IndexResult
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import AreaOfActionFactory, EditionFactory, IndicatorVersionFactory
from tests.surveys.factories import MARGINS, define_index, make_wave, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_group_public(settings):
    """The waves have 8 respondents (4 per group): these tests check the arithmetic; withholding small
    groups is tested at the end with the real minimum."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 1
    settings.TEILHABE_CLIMATE_INDEX_MIN_N = 1


@pytest.fixture
def waves():
    edition = EditionFactory(code="e2017", is_current=True)
    field = AreaOfActionFactory(edition=edition, code="f1", position=1)
    AreaOfActionFactory(edition=edition, code="f2", position=2)
    IndicatorVersionFactory(edition=edition, area=field)
    first = make_wave(2020)
    belonging, _coexistence = define_index(first.barometer)
    second = make_wave(2022, barometer_object=first.barometer, shift=1)
    ClimateAreaLink.objects.create(barometer=first.barometer, area=field, domain=belonging)
    admin = UserFactory(roles=["department_admin"])
    for wave in (first, second):
        barometer.import_margins(actor=admin, wave=wave, file=upload(MARGINS))
        barometer.run_weighting(actor=admin, wave=wave)
        barometer.compute_climate_index(actor=admin, wave=wave)
    return first, second, belonging


def test_structure_vs_climate_has_one_entry_per_area(client, waves):
    first, second, belonging = waves
    body = client.get("/api/v1/structure-vs-climate/").json()
    assert body["count"] == 2
    entry, other = body["results"]
    assert (entry["area_code"], entry["edition"], entry["indicator_count"]) == ("f1", "e2017", 1)
    assert entry["status_counts"] == {
        "target_achieved": 0,
        "substantial_progress": 0,
        "moderate_progress": 0,
        "limited_progress": 0,
        "deterioration": 0,
        "not_available": 1,
    }
    climate = entry["climate"]
    assert (
        climate["barometer"],
        climate["wave"],
        climate["previous_wave"],
        climate["component_kind"],
        climate["component_code"],
    ) == (first.barometer.slug, 2022, 2020, "domain", "belonging")
    for key, group in (("with_immigrant_background", "yes"), ("without_immigrant_background", "no")):
        now = IndexResult.objects.get(wave=second, domain=belonging, group=group)
        before = IndexResult.objects.get(wave=first, domain=belonging, group=group)
        assert climate[key]["score"] == now.estimate and climate[key]["low"] == now.low
        assert climate[key]["previous_score"] == before.estimate
        assert climate[key]["change"] == pytest.approx(now.estimate - before.estimate, rel=1e-12)
        assert climate[key]["change_low"] < climate[key]["change"] < climate[key]["change_high"]
    assert other["climate"] is None


def test_structure_vs_climate_as_csv(client, waves):
    response = client.get("/api/v1/structure-vs-climate.csv")
    header = response.content.decode().splitlines()[0].split(",")
    assert response.status_code == 200 and "status_counts.deterioration" in header
    assert "climate.with_immigrant_background.change" in header


def test_unknown_parameters_are_refused_by_name(client, waves):
    response = client.get("/api/v1/structure-vs-climate/?barometer=nope&lang=en")
    assert response.status_code == 400
    assert response.json() == {"barometer": ["There is no barometer with the short name “…”."]}


def test_climate_index_values_by_wave_and_group(client, waves):
    first, _second, _belonging = waves
    body = client.get("/api/v1/climate-index/", {"year": 2020, "group": "yes"}).json()
    assert body["count"] == 5  # overall, two domains, two items
    overall = next(row for row in body["results"] if row["component_kind"] == "overall")
    stored = IndexResult.objects.get(wave=first, domain=None, item=None, group="yes")
    assert (overall["estimate"], overall["low"], overall["high"], overall["n"], overall["is_weighted"]) == (
        stored.estimate,
        stored.low,
        stored.high,
        stored.n,
        True,
    )


def test_a_group_below_the_minimum_n_is_withheld_with_the_n_of_the_others(client, waves, settings):
    """Groups of 4 respondents: no score, interval or n; everyone's n goes too (n(all) − n(no) = n(yes))."""
    # given
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    settings.TEILHABE_CLIMATE_INDEX_MIN_N = 30
    first, _second, _belonging = waves
    # when
    body = client.get("/api/v1/climate-index/", {"year": 2020}).json()
    # then
    overall = {row["group"]: row for row in body["results"] if row["component_kind"] == "overall"}
    assert IndexResult.objects.get(wave=first, domain=None, item=None, group="yes").n == 4
    for group in ("yes", "no"):
        row = overall[group]
        assert (row["estimate"], row["low"], row["high"], row["n"], row["n_effective"]) == (None,) * 5
    assert overall["all"]["estimate"] is None  # 8 < 30
    # with a minimum of 6, everyone's score (8 respondents) is shown, but not its n
    settings.TEILHABE_CLIMATE_INDEX_MIN_N = 6
    body = client.get("/api/v1/climate-index/", {"year": 2020, "group": "all"}).json()
    everyone = next(row for row in body["results"] if row["component_kind"] == "overall")
    assert (everyone["estimate"] is not None, everyone["n"], everyone["n_effective"]) == (True, None, None)
    climate = client.get("/api/v1/structure-vs-climate/").json()["results"][0]["climate"]
    assert climate["with_immigrant_background"]["score"] is None
    assert climate["with_immigrant_background"]["n"] is None
    assert climate["with_immigrant_background"]["change"] is None
