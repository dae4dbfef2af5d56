"""`teilhabe disclosure_audit` on a database with small counts planted in observations and survey answers.

Clean when every public output goes through disclosure control; when one path is made to bypass it (as
the assessment, export and survey paths did before issue 12), the command exits non-zero and names the
output and what gives the count away.
"""

import datetime

import pytest
from django.core.management import CommandError, call_command

from teilhabe.monitoring import assessing, exporting
from teilhabe.monitoring.models import Assessment, Observation
from teilhabe.portal import disclosure_audit
from teilhabe.surveys import barometer, results
from teilhabe.surveys.models import Answer, Response, Survey
from tests.monitoring.factories import (
    AreaOfActionFactory,
    CategoryFactory,
    DimensionFactory,
    DistrictFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
    ObservationFactory,
)
from tests.surveys.factories import all_kinds_survey, define_index, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(settings):
    """Observations with n = 3 (a group and a district) beside their totals, a survey whose single-choice
    question has 3 'no' answers and whose number question 4 answers, and a barometer wave of 8 people."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    settings.TEILHABE_LIMITED_RELIABILITY_COUNT = 30
    settings.TEILHABE_CLIMATE_INDEX_MIN_N = 30
    edition = EditionFactory(is_current=True)
    version = IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition), unit="%")
    city = GeographyFactory(code="city", level="city")
    dimension = DimensionFactory(code="background")
    CategoryFactory(dimension=dimension, code="yes")
    CategoryFactory(dimension=dimension, code="no")
    districts = [DistrictFactory(parent=city, code=f"d{i}") for i in range(3)]
    for year in (2021, 2022):
        for key, n, value, se in (
            ("", 100, 50.0, 5.0),
            ("background=yes", 3, 33.3, 27.2),
            ("background=no", 97, 50.5, 5.1),
        ):
            ObservationFactory(
                indicator=version.indicator,
                geography=city,
                year=year,
                breakdown_key=key,
                value=value,
                standard_error=se,
                sample_size=n,
            )
        for district, n in zip(districts, (3, 40, 57), strict=True):
            ObservationFactory(
                indicator=version.indicator,
                geography=district,
                year=year,
                value=40.0,
                standard_error=28.3 if n == 3 else 7.7,
                sample_size=n,
            )
    assessing.recompute_assessments(edition=edition)

    kinds = all_kinds_survey(slug="open-survey", status=Survey.Status.CLOSED, results_are_public=True)
    yes, no = kinds.option(kinds.single, "yes"), kinds.option(kinds.single, "no")
    for index in range(20):
        response = Response.objects.create(survey=kinds.survey, submitted_on="2024-05-04")
        Answer.objects.create(response=response, question=kinds.single, option=no if index < 3 else yes)
        if index < 4:
            Answer.objects.create(response=response, question=kinds.number, number=10 + index)

    wave = make_wave(year=2022)
    define_index(wave.barometer)
    barometer.compute_climate_index(actor=None, wave=wave)
    return version


def run_audit() -> str:
    from io import StringIO

    out = StringIO()
    try:
        call_command("disclosure_audit", stdout=out)
    except CommandError as error:
        return f"{out.getvalue()}\nERROR {error}"
    return out.getvalue()


def test_the_audit_is_clean_when_everything_goes_through_disclosure_control(planted):
    # given small counts in observations, survey answers and a barometer wave (planted)
    assert Observation.objects.filter(sample_size=3).count() == 4
    # when
    output = run_audit()
    # then
    assert "ERROR" not in output, output
    assert "no withheld figure can be read or recomputed" in output


def test_an_export_that_bypasses_the_gateway_is_named(planted, monkeypatch):
    """The public export reading stored rows (the pre-issue-12 path): values of n = 3 rows are published."""
    staff_path = exporting._observation_tuples
    monkeypatch.setattr(
        exporting, "_observation_tuples", lambda **options: staff_path(**{**options, "public_only": False})
    )
    output = run_audit()
    assert "ERROR disclosure audit:" in output
    assert "download observations.csv:" in output
    assert "data package observations.csv:" in output
    assert "download data.xlsx:" in output
    assert "withheld, but value, standard_error, sample_size published" in output
    assert "API /api/v1/observations/:" not in output


def test_blanking_only_the_count_is_caught_by_recomputing_n_from_value_and_se(planted, monkeypatch):
    """n blank but value and SE kept: n = p(1 − p)/SE² = 0.333 × 0.667 / 0.272² ≈ 3."""
    from teilhabe.monitoring import disclosing

    def counts_only(observation, reliability):
        observation.reliability = reliability.value
        observation.is_withheld = observation.is_limited = False
        if reliability is disclosing.Reliability.WITHHELD:
            observation.sample_size = observation.numerator = observation.denominator = None
        return observation

    monkeypatch.setattr(disclosing, "apply", counts_only)
    output = run_audit()
    assert "API /api/v1/observations/:" in output
    assert "n recomputable from value and SE: p(1 − p)/SE² ≈ 3" in output


def test_an_assessment_with_a_raw_n_is_named(planted):
    """A stored assessment whose components and explanation state n = 3 (issue 12, item 1)."""
    assessment = Assessment.objects.first()
    assessment.components = {**assessment.components, "sample_size": 3}
    assessment.explanation_en = "Not assessable: n = 3, at least 50 needed."
    assessment.save()
    output = run_audit()
    assert "API /api/v1/assessments/:" in output
    assert "small count in the components: sample_size = 3" in output
    assert "small count in explanation_en: “n = 3”" in output


def test_survey_results_without_withholding_are_named(planted, monkeypatch):
    """Survey rows shown as counted ('no': 3) and a number question's summary of 4 answers."""
    monkeypatch.setattr(results, "_withhold_small_counts", lambda rows, base, exhaustive: rows)
    monkeypatch.setattr(results, "_thresholds", lambda: results.disclosure.Thresholds(minimum=1, reliable=1))
    output = run_audit()
    assert "survey results /open-survey:" in output
    assert "small count published: 3" in output
    assert "summary of 4 answers published" in output


def test_a_climate_index_group_below_the_minimum_is_named(planted, monkeypatch):
    monkeypatch.setattr(barometer, "is_withheld_result", lambda result: False)
    monkeypatch.setattr(barometer, "withheld_components", set)
    output = run_audit()
    assert "API /api/v1/climate-index/:" in output
    assert "below the minimum of 30 published" in output


def test_findings_name_output_item_and_problem(planted):
    """The audit's own result for one planted leak, read directly."""
    Assessment.objects.update(explanation_de="n = 2")
    findings = disclosure_audit.audit_public_outputs(on=datetime.date.today())
    assert {f.output for f in findings} == {"API /api/v1/assessments/"}
    assert all(f.problem == "small count in explanation_de: “n = 2”" for f in findings)
