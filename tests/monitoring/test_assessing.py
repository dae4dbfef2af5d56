"""Stored assessments (teilhabe/monitoring/assessing.py and tasks.py) on small native fixtures.

Expected values are computed by hand from the formulas of docs/methods/progress.md, not by
calling the engine, so that the adapter's choices (targets, years, released data, gaps) are
what is tested.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teilhabe.monitoring import assessing, tasks
from teilhabe.monitoring.models import Assessment, IndicatorVersion, Observation
from teilhabe.monitoring.progress import IndicatorAssessment, Status, explain_indicator
from tests.monitoring.factories import (
    AreaOfActionFactory,
    CategoryFactory,
    DistrictFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
    ObservationFactory,
    TargetFactory,
)

TODAY = datetime.date(2024, 6, 1)


def growth(value: float, start: float, years: int) -> float:
    return (value / start) ** (1 / years) - 1


@pytest.fixture
def city(db):
    return GeographyFactory()


@pytest.fixture
def edition(db):
    return EditionFactory(code="concept-2017", is_current=True)


def gap_version(edition, code="B1", **extra):
    """Share of school leavers with a certificate (higher is better), compared by immigrant background."""
    fields = {
        "comparison": IndicatorVersion.Comparison.GAP,
        "gap_metric": IndicatorVersion.GapMetric.DIFFERENCE,
        "unit": "%",
        "unit_en": "%",
        "decimals": 1,
        **extra,
    }
    return IndicatorVersionFactory(
        indicator__code=code,
        area=AreaOfActionFactory(edition=edition),
        group_a=CategoryFactory(code="yes"),
        group_b=CategoryFactory(code="no"),
        **fields,
    )


def observe(version, geography, values: dict, *, key: str = "", **extra):
    for year, value in values.items():
        ObservationFactory(
            indicator=version.indicator, geography=geography, year=year, value=value, breakdown_key=key, **extra
        )


def stored(version, *, kind="total", key="", geography=None) -> Assessment:
    rows = Assessment.objects.filter(indicator=version.indicator, series_kind=kind, breakdown_key=key)
    if geography is not None:
        rows = rows.filter(geography=geography)
    return rows.get()


@pytest.fixture
def concept(edition, city):
    """Total, both groups and a gap target for the city; a district without and one with its own target."""
    version = gap_version(edition)
    north, south = DistrictFactory(code="north", parent=city), DistrictFactory(code="south", parent=city)
    observe(version, city, {2015: 80.0, 2020: 82.0})
    observe(version, city, {2015: 70.0, 2020: 75.0}, key="migration_background=yes")
    observe(version, city, {2015: 85.0, 2020: 85.0}, key="migration_background=no")
    observe(version, north, {2015: 60.0, 2020: 62.0})
    observe(version, south, {2015: 60.0, 2020: 62.0})
    TargetFactory(
        indicator=version.indicator,
        edition=edition,
        geography=city,
        baseline_value=80.0,
        baseline_year=2015,
        target_value=90.0,
        target_year=2030,
    )
    TargetFactory(
        indicator=version.indicator,
        edition=edition,
        geography=south,
        baseline_value=60.0,
        baseline_year=2015,
        target_value=70.0,
        target_year=2030,
    )
    TargetFactory(
        indicator=version.indicator,
        edition=edition,
        geography=city,
        kind="gap",
        baseline_value=-15.0,
        baseline_year=2015,
        target_value=0.0,
        target_year=2030,
    )
    return {"version": version, "city": city, "north": north, "south": south}


# --------------------------------------------------------------------------- series and their results


def test_total_city_series_is_assessed_with_the_open_sdg_target_method(concept, edition):
    # when
    count = assessing.recompute_assessments(edition=edition, today=TODAY)
    # then: total, two groups, two districts, one gap
    assert count == 6
    row = stored(concept["version"], geography=concept["city"])
    progress_value = growth(82, 80, 5) / abs(growth(90, 80, 15))
    assert row.status == Status.MODERATE_PROGRESS
    assert row.progress_value == pytest.approx(progress_value, abs=1e-12)
    assert row.score == pytest.approx(7.1429 * progress_value - 4.2857, abs=1e-12)
    assert row.needed_change_per_year == pytest.approx((90 - 82) / 10)
    assert row.profile == "opensdg"
    assert row.components["base_year"] == 2015 and row.components["current_year"] == 2020
    assert row.components["target"] == 90.0 and row.components["target_year"] == 2030
    assert row.components["label"] == "B1"


def test_group_series_without_target_use_the_no_target_method(concept, edition):
    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(concept["version"], kind="group", key="migration_background=yes")

    # P = growth rate = (75/70)^(1/5) - 1 = 1.39 % a year: moderate (0.5 % to 1.5 %), score 250 P - 1.25.
    rate = growth(75, 70, 5)
    assert row.status == Status.MODERATE_PROGRESS
    assert row.progress_value == pytest.approx(rate, abs=1e-12)
    assert row.score == pytest.approx(250 * rate - 1.25, abs=1e-12)
    assert row.components["target"] is None
    assert stored(concept["version"], kind="group", key="migration_background=no").status == Status.LIMITED_PROGRESS


def test_gap_closing_exactly_on_schedule_is_substantial_progress(concept, edition):
    """Gap -15 points in 2015, -10 in 2020, target 0 in 2030: one point a year, exactly what is needed."""
    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(concept["version"], kind="gap", geography=concept["city"])

    assert row.profile == "linear"
    assert row.status == Status.SUBSTANTIAL_PROGRESS
    assert row.progress_value == pytest.approx(1.0)
    assert row.score == pytest.approx(7.1429 - 4.2857)
    assert row.components["base_value"] == -15.0 and row.components["current_value"] == -10.0
    assert row.components["direction"] == 1
    assert row.components["projected_value"] == pytest.approx(0.0)
    assert row.needed_change_per_year == pytest.approx(1.0)
    assert row.components["label"] == "B1 gap"
    assert row.components["groups"] == ["migration_background=yes", "migration_background=no"]
    assert row.explanation_en.startswith(
        "From 2015 to 2020 the gap (in percentage points) rose from -15.0 to -10.0, by 1.00 percentage points a "
        "year. At this pace it would reach 0.0 in 2030, meeting the 0.0 target"
    )
    assert row.explanation_de.startswith(
        "Von 2015 bis 2020 stieg der Abstand (in Prozentpunkten) von -15,0 auf -10,0, um 1,00 Prozentpunkte pro Jahr."
    )


def test_district_uses_its_own_target_or_else_the_citys(concept, edition):
    assessing.recompute_assessments(edition=edition, today=TODAY)

    north = stored(concept["version"], geography=concept["north"])
    south = stored(concept["version"], geography=concept["south"])

    assert north.components["target"] == 90.0  # the city's
    assert south.components["target"] == 70.0  # its own
    assert north.progress_value == pytest.approx(growth(62, 60, 5) / abs(growth(90, 60, 15)), abs=1e-12)
    assert south.progress_value == pytest.approx(growth(62, 60, 5) / abs(growth(70, 60, 15)), abs=1e-12)


def test_districts_can_be_kept_from_the_city_target(concept, edition):
    """For counts a city target says nothing about a district: profile_parameters can turn the fallback off."""
    IndicatorVersion.objects.filter(pk=concept["version"].pk).update(
        profile_parameters={"city_target_for_districts": False}
    )
    assessing.recompute_assessments(edition=edition, today=TODAY)

    assert stored(concept["version"], geography=concept["north"]).components["target"] is None
    assert stored(concept["version"], geography=concept["south"]).components["target"] == 70.0


@pytest.mark.parametrize(
    ("unit", "decimals", "english", "german"),
    [
        pytest.param("%", 1, "from 40.0% to 42.0%", "von 40,0 % auf 42,0 %", id="percent"),
        pytest.param("number", 0, "from 40 to 42", "von 40 auf 42", id="count without unit"),
        pytest.param("weeks", 1, "from 40.0 weeks to 42.0 weeks", "von 40,0 weeks auf 42,0 weeks", id="unit"),
        pytest.param(
            "litres of pure alcohol per person aged 15 and older",
            1,
            "from 40.0 to 42.0",
            "von 40,0 auf 42,0",
            id="description instead of a unit",
        ),
    ],
)
def test_values_in_explanations_carry_the_unit_and_decimals(edition, city, unit, decimals, english, german):
    version = IndicatorVersionFactory(
        area=AreaOfActionFactory(edition=edition), unit=unit, unit_en=unit, decimals=decimals
    )
    observe(version, city, {2015: 40.0, 2020: 42.0})

    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(version)
    assert english in row.explanation_en
    assert german in row.explanation_de


def test_the_headline_is_the_total_city_series_and_the_gap_has_its_own(concept, edition):
    assessing.recompute_assessments(edition=edition, today=TODAY)

    components = assessing.calculation_components(edition=edition, today=TODAY)

    total = stored(concept["version"], geography=concept["city"])
    gap = stored(concept["version"], kind="gap", geography=concept["city"])
    assert set(components) == {"B1"}
    assert components["B1"]["progress_status"] == total.status == "moderate_progress"
    assert components["B1"]["score"] == pytest.approx(total.score)
    assert set(components["B1"]) == {"progress_status", "score", "B1", "B1 gap"}
    assert components["B1"]["B1 gap"]["status"] == gap.status == "substantial_progress"
    assert components["B1"]["B1"]["progress_value"] == pytest.approx(total.progress_value)


def test_unreleased_observations_are_ignored(concept, edition, city):
    observe(concept["version"], city, {2023: 99.0}, released_on=TODAY + datetime.timedelta(days=1))

    assessing.recompute_assessments(edition=edition, today=TODAY)
    before_release = stored(concept["version"], geography=city)
    assessing.recompute_assessments(edition=edition, today=TODAY + datetime.timedelta(days=1))
    after_release = stored(concept["version"], geography=city)

    assert (before_release.components["current_year"], before_release.components["current_value"]) == (2020, 82.0)
    assert (after_release.components["current_year"], after_release.status) == (2023, Status.TARGET_ACHIEVED)


def test_series_below_the_minimum_sample_are_suppressed(edition, city):
    version = IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition), minimum_sample_size=100)
    ObservationFactory(
        indicator=version.indicator, geography=city, year=2015, value=40.0, sample_size=400, standard_error=2.0
    )
    ObservationFactory(
        indicator=version.indicator, geography=city, year=2021, value=44.0, sample_size=60, standard_error=4.0
    )

    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(version)
    assert row.status == Status.NOT_AVAILABLE and row.score is None
    assert row.components["is_suppressed"] is True
    assert row.components["reason"] == "suppressed"
    assert row.components["current_value"] is None
    assert row.explanation_en == (
        "The value is not assessed because too few people were surveyed (n = 60, at least 100 needed)."
    )
    assert row.explanation_de == (
        "Der Wert wird nicht bewertet, weil zu wenige Personen befragt wurden (n = 60, mindestens 100 nötig)."
    )


def test_standard_errors_give_an_interval_and_may_make_the_status_uncertain(edition, city):
    version = IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition))
    ObservationFactory(indicator=version.indicator, geography=city, year=2015, value=40.0, standard_error=2.0)
    ObservationFactory(indicator=version.indicator, geography=city, year=2021, value=42.0, standard_error=2.0)

    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(version)
    low, high = row.components["progress_interval"]
    assert low < row.progress_value < high
    assert row.is_uncertain is True
    assert "so the status is uncertain" in row.explanation_en


@pytest.mark.parametrize("language", ["en", "de"])
def test_explanations_agree_with_the_components(concept, edition, language):
    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(concept["version"], geography=concept["city"])
    text = row.explanation_en if language == "en" else row.explanation_de

    projected = row.components["projected_value"]
    expected = f"{projected:.1f}%" if language == "en" else f"{projected:.1f} %".replace(".", ",")
    assert f" {expected} " in text
    needed = f"{abs(row.needed_change_per_year):.2f}"
    assert (needed if language == "en" else needed.replace(".", ",")) in text
    assert text.endswith("Jahr steigen.") if language == "de" else text.endswith("a year from now on.")
    assert ("moderate progress" if language == "en" else "mäßiger Fortschritt") in text


def test_progress_value_replaces_the_value_and_school_years_count_by_their_first_year(edition, city):
    version = IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition))
    ObservationFactory(indicator=version.indicator, geography=city, period="2015/16", value=1.0, progress_value=50.0)
    ObservationFactory(indicator=version.indicator, geography=city, period="2019/20", value=2.0, progress_value=55.0)

    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(version)
    assert (row.components["base_year"], row.components["base_value"]) == (2015, 50.0)
    assert (row.components["current_year"], row.components["current_value"]) == (2019, 55.0)


def test_two_observations_in_one_year_use_the_later_with_a_warning(edition, city):
    version = IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition))
    for period, value in (("2015-12-31", 10.0), ("2020-06-30", 11.0), ("2020-12-31", 12.0)):
        ObservationFactory(indicator=version.indicator, geography=city, period=period, value=value)

    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(version)
    assert row.components["current_value"] == 12.0
    assert (
        row.components["warnings"][0] == "2020-06-30 and 2020-12-31 both fall in 2020; the later, 2020-12-31, is used"
    )


def test_profile_and_parameters_come_from_the_version(edition, city):
    version = IndicatorVersionFactory(
        area=AreaOfActionFactory(edition=edition),
        profile=IndicatorVersion.Profile.OPENSDG,
        profile_parameters={"limit": 100, "base_year": 2016, "thresholds": {"high": 0.01}},
    )
    observe(version, city, {2015: 70.0, 2016: 90.0, 2021: 92.0})

    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(version)
    coefficient = 1 - (90 / 100) ** 4.44  # base value below the limit
    assert row.components["base_year"] == 2016
    assert row.components["limit"] == 100
    assert row.components["limit_coefficient"] == pytest.approx(coefficient)
    assert row.components["thresholds"]["high"] == pytest.approx(0.01 * coefficient)
    assert row.status == Status.SUBSTANTIAL_PROGRESS


def test_gap_profile_can_be_chosen_and_parity_index_rises_towards_one(edition, city):
    version = gap_version(
        edition,
        gap_metric=IndicatorVersion.GapMetric.PARITY_INDEX,
        profile_parameters={"gap_profile": "target_attainment"},
    )
    observe(version, city, {2015: 60.0, 2020: 70.0}, key="migration_background=yes")
    observe(version, city, {2015: 80.0, 2020: 80.0}, key="migration_background=no")
    TargetFactory(
        indicator=version.indicator,
        edition=edition,
        geography=city,
        kind="gap",
        baseline_value=0.75,
        baseline_year=2015,
        target_value=1.0,
        target_year=2025,
    )

    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(version, kind="gap")
    # 0.75 -> 0.875: half the distance to 1 after half the time.
    assert row.profile == "target_attainment"
    assert row.components["attainment_share"] == pytest.approx(0.5)
    assert row.components["elapsed_share"] == pytest.approx(0.5)
    assert row.components["direction"] == 1
    assert row.status == Status.SUBSTANTIAL_PROGRESS
    assert "from 0.75 to 0.88" in row.explanation_en


def test_gap_without_target_moves_towards_parity(edition, city):
    version = gap_version(edition)
    observe(version, city, {2015: 12.0, 2020: 10.0}, key="migration_background=yes")
    observe(version, city, {2015: 6.0, 2020: 6.0}, key="migration_background=no")

    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(version, kind="gap")
    # Gap 6 -> 4 points: falling towards 0 is the desired direction; relative change 2/5/6 a year.
    assert row.components["direction"] == -1
    assert row.progress_value == pytest.approx((2 / 5) / 6)
    assert row.status == Status.SUBSTANTIAL_PROGRESS


def test_gap_with_one_group_missing_is_not_available(edition, city):
    version = gap_version(edition)
    observe(version, city, {2015: 12.0, 2020: 10.0}, key="migration_background=yes")

    assessing.recompute_assessments(edition=edition, today=TODAY)

    row = stored(version, kind="gap")
    assert row.status == Status.NOT_AVAILABLE
    assert row.components["reason"] == "too_few_years"


# --------------------------------------------------------------------------- replacing rows


def test_recompute_replaces_stale_rows_and_drops_retired_indicators(concept, edition):
    assessing.recompute_assessments(edition=edition, today=TODAY)
    first_ids = set(Assessment.objects.values_list("pk", flat=True))

    assert assessing.recompute_assessments(edition=edition, today=TODAY) == 6
    assert Assessment.objects.count() == 6
    assert not first_ids & set(Assessment.objects.values_list("pk", flat=True))

    IndicatorVersion.objects.filter(pk=concept["version"].pk).update(status=IndicatorVersion.Status.RETIRED)
    assert assessing.recompute_assessments(edition=edition, today=TODAY) == 0
    assert not Assessment.objects.exists()


def test_recompute_of_some_indicators_leaves_the_others(concept, edition, city):
    other = IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition))
    observe(other, city, {2015: 1.0, 2020: 2.0})
    assessing.recompute_assessments(edition=edition, today=TODAY)
    kept = stored(concept["version"], geography=city).pk

    assert assessing.recompute_assessments(edition=edition, indicator_ids=[other.indicator_id], today=TODAY) == 1

    assert stored(concept["version"], geography=city).pk == kept
    assert Assessment.objects.count() == 7


def test_other_editions_are_untouched(concept, edition):
    older = EditionFactory(code="concept-2013")
    IndicatorVersionFactory(indicator=concept["version"].indicator, area=AreaOfActionFactory(edition=older))

    assessing.recompute_assessments(edition=edition, today=TODAY)
    assessing.recompute_assessments(edition=older, today=TODAY)

    assert Assessment.objects.filter(edition=edition).count() == 6
    # The 2013 version compares nothing and the targets belong to 2017: five value series, no targets.
    assert Assessment.objects.filter(edition=older).count() == 5
    assert all(row.components["target"] is None for row in Assessment.objects.filter(edition=older))


def test_query_count_does_not_grow_with_the_number_of_indicators(edition, city):
    district = DistrictFactory(code="east", parent=city)

    def add_indicators(count: int, offset: int) -> None:
        for number in range(offset, offset + count):
            version = gap_version(edition, code=f"Q{number}")
            for geography in (city, district):
                observe(version, geography, {2015: 50.0, 2018: 52.0, 2021: 55.0})
                observe(version, geography, {2015: 40.0, 2021: 45.0}, key="migration_background=yes")
                observe(version, geography, {2015: 55.0, 2021: 56.0}, key="migration_background=no")
            TargetFactory(indicator=version.indicator, edition=edition, geography=city, target_value=60.0)

    add_indicators(2, 0)
    with CaptureQueriesContext(connection) as few:
        assert assessing.recompute_assessments(edition=edition, today=TODAY) == 2 * 2 * 4
    add_indicators(6, 2)
    with CaptureQueriesContext(connection) as many:
        assert assessing.recompute_assessments(edition=edition, today=TODAY) == 8 * 2 * 4

    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 12


# --------------------------------------------------------------------------- the background job


def test_enqueue_after_a_write_recomputes_at_once_with_the_immediate_backend(concept, edition, city):
    """Tests run with the immediate backend (pyproject: TEILHABE_TASKS_IMMEDIATE=1)."""
    assert not Assessment.objects.exists()

    Observation.objects.filter(
        indicator=concept["version"].indicator, geography=city, breakdown_key="", period="2020"
    ).update(value=95.0)
    editions = tasks.enqueue_recompute(indicator_ids=[concept["version"].indicator_id])

    assert editions == 1
    assert stored(concept["version"], geography=city).status == Status.TARGET_ACHIEVED
    assert Assessment.objects.count() == 6


def test_enqueue_without_versions_does_nothing(db):
    assert tasks.enqueue_recompute(indicator_ids=[]) == 0
    assert tasks.enqueue_recompute() == 0


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_one_pending_job_per_edition_is_widened_instead_of_queueing_another(concept, edition, database_backend):
    from django_tasks_db.models import DBTaskResult

    other = IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition))

    tasks.enqueue_recompute(indicator_ids=[concept["version"].indicator_id])
    tasks.enqueue_recompute(indicator_ids=[other.indicator_id])
    tasks.enqueue_recompute(indicator_ids=[other.indicator_id])

    job = DBTaskResult.objects.get()
    assert job.args_kwargs["kwargs"] == {
        "edition_id": edition.pk,
        "indicator_ids": sorted([concept["version"].indicator_id, other.indicator_id]),
    }
    assert not Assessment.objects.exists()  # nothing runs before a worker picks the job up

    tasks.enqueue_recompute()
    job.refresh_from_db()
    assert DBTaskResult.objects.count() == 1
    assert job.args_kwargs["kwargs"]["indicator_ids"] is None


def test_a_started_job_is_not_widened(concept, edition, database_backend):
    from django_tasks_db.models import DBTaskResult

    tasks.enqueue_recompute(indicator_ids=[concept["version"].indicator_id])
    DBTaskResult.objects.update(status="RUNNING")

    tasks.enqueue_recompute(indicator_ids=[concept["version"].indicator_id])

    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert DBTaskResult.objects.count() == 2


def test_the_task_recomputes_one_edition(concept, edition):
    result = tasks.recompute_assessments_task.enqueue(edition_id=edition.pk)

    assert result.return_value == 6
    assert Assessment.objects.filter(edition=edition).count() == 6


# --------------------------------------------------------------------------- indicator explanations


@pytest.mark.parametrize(
    ("indicator", "english", "german"),
    [
        pytest.param(
            IndicatorAssessment(Status.MODERATE_PROGRESS, 1.25, 3, 2),
            "The indicator combines 3 series, 2 of them assessable; the mean of their scores is 1.25 on a scale "
            "from −5 to 5: moderate progress.",
            "Der Indikator fasst 3 Zeitreihen zusammen, davon 2 bewertbar; der Mittelwert ihrer Punktzahlen "
            "beträgt 1,25 auf einer Skala von −5 bis 5: mäßiger Fortschritt.",
            id="mean score",
        ),
        pytest.param(
            IndicatorAssessment(Status.TARGET_ACHIEVED, 5.0, 2, 2),
            "All 2 series of the indicator have reached their targets: target achieved.",
            "Alle 2 Zeitreihen des Indikators haben ihr Ziel erreicht: Ziel erreicht.",
            id="all targets achieved",
        ),
        pytest.param(
            IndicatorAssessment(Status.NOT_AVAILABLE, None, 2, 0),
            "None of the indicator's 2 series can be assessed: no assessment possible.",
            "Keine der 2 Zeitreihen des Indikators lässt sich bewerten: keine Bewertung möglich.",
            id="nothing assessable",
        ),
    ],
)
def test_indicator_explanations(indicator, english, german):
    assert explain_indicator(indicator, language="en") == english
    assert explain_indicator(indicator, language="de") == german
