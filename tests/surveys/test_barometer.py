"""The barometer: margins from CSV, the weighting run and its diagnostics, the climate index, structure vs. climate."""

import io

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teilhabe.monitoring.models import Assessment, Geography
from teilhabe.surveys import barometer, estimates
from teilhabe.surveys.models import (
    ClimateAreaLink,
    IndexItem,
    IndexResult,
    PopulationMargin,
    Response,
    ResponseWeight,
    WeightingRun,
)
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import (
    AreaOfActionFactory,
    CategoryFactory,
    DistrictFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
)
from tests.surveys.factories import (
    MARGINS,
    RESPONDENTS,
    WaveFactory,
    define_index,
    make_wave,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_group_public(settings):
    """The waves here have 8 respondents (4 per group): these tests check the arithmetic; withholding
    small groups is tested in test_small_groups_are_withheld_on_the_pages."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 1
    settings.TEILHABE_CLIMATE_INDEX_MIN_N = 1


@pytest.fixture
def admin():
    return UserFactory(roles=["department_admin"])


# --- Margins ---------------------------------------------------------------------------------------------------


def test_margins_are_imported_from_csv(admin):
    wave = WaveFactory()
    DistrictFactory(code="nord")
    DistrictFactory(code="sued")
    count = barometer.import_margins(
        actor=admin,
        wave=wave,
        file=upload(
            "dimension,category,population\n"
            "district,nord,600\ndistrict,sued,400\n"
            "sex,female,510\nsex,male,490\n"
            "immigrant_background,yes,350\nimmigrant_background,no,650\n"
        ),
    )
    assert count == 6
    assert sorted(PopulationMargin.objects.values_list("dimension", "category", "population")) == [
        ("district", "nord", 600.0),
        ("district", "sued", 400.0),
        ("immigrant_background", "no", 650.0),
        ("immigrant_background", "yes", 350.0),
        ("sex", "female", 510.0),
        ("sex", "male", 490.0),
    ]


def test_semicolon_files_from_spreadsheets_are_read_too(admin):
    wave = WaveFactory()
    barometer.import_margins(
        actor=admin, wave=wave, file=upload("Dimension;Category;Population\nsex;female;5\nsex;male;5\n")
    )
    assert PopulationMargin.objects.count() == 2


@pytest.mark.parametrize(
    "text, problems",
    [
        pytest.param(
            "dimension,category\nsex,female\n",
            ["line 1, column “population”: This column is missing (expected: dimension, category, population)."],
            id="missing-column",
        ),
        pytest.param(
            "dimension,category,population\nsex,female,100\nsex,other,100\nage,18_29,3\nsex,male,-1\nsex,male,abc\n",
            [
                "line 3, column “category”: “other” is not a category of sex; use one of female, male, diverse.",
                "line 4, column “dimension”: “age” is not a weighting variable; use one of district, age_band, "
                "sex, immigrant_background.",
                "line 5, column “population”: “-1” is not a number of people (0 or more).",
                "line 6, column “population”: “abc” is not a number of people (0 or more).",
            ],
            id="bad-rows-each-named",
        ),
        pytest.param(
            "dimension,category,population\nsex,female,1\nsex,female,2\n",
            ["line 3, column “category”: sex=female is already on line 2."],
            id="duplicate",
        ),
        pytest.param(
            "dimension,category,population\nsex,female,10\nsex,male,10\nimmigrant_background,yes,5\n",
            [
                "column “population”: The populations of immigrant_background add up to 5, those of sex to 20; "
                "every variable must describe the same population."
            ],
            id="totals-disagree",
        ),
        pytest.param(
            "dimension,category,population\ndistrict,atlantis,10\n",
            ["line 2, column “category”: “atlantis” is not a category of district; use one of –."],
            id="unknown-district",
        ),
        pytest.param("", ["The file is empty."], id="empty"),
        pytest.param("dimension,category,population\n", ["The file has no margins."], id="header-only"),
    ],
)
def test_bad_margins_are_refused_by_line_and_column_and_nothing_changes(admin, text, problems):
    # given
    wave = WaveFactory()
    PopulationMargin.objects.create(wave=wave, dimension="sex", category="female", population=1)
    # when
    with pytest.raises(barometer.MarginImportError) as refused:
        barometer.import_margins(actor=admin, wave=wave, file=upload(text))
    # then
    assert [str(problem) for problem in refused.value.problems] == problems
    assert list(PopulationMargin.objects.values_list("category", "population")) == [("female", 1.0)]


def test_a_file_that_is_not_utf8_is_refused(admin):
    wave = WaveFactory()
    file = io.BytesIO("dimension,category,population\nsex,männlich,1\n".encode("latin-1"))
    with pytest.raises(barometer.MarginImportError, match="not UTF-8"):
        barometer.import_margins(actor=admin, wave=wave, file=file)


def test_only_the_department_imports_margins():
    with pytest.raises(PermissionDenied):
        barometer.import_margins(
            actor=UserFactory(roles=["analyst"]),
            wave=WaveFactory(),
            file=upload("dimension,category,population\nsex,female,1\n"),
        )


def test_the_wave_page_shows_import_problems_next_to_the_upload(client, admin):
    wave = WaveFactory()
    client.force_login(admin)
    response = client.post(
        wave.get_absolute_url(),
        {"action": "import_margins", "file": upload("dimension,category,population\nsex,robot,1\n")},
    )
    assert response.status_code == 400
    assert "line 2, column “category”: “robot” is not a category of sex" in response.content.decode()
    assert not PopulationMargin.objects.exists()


# --- A small wave ----------------------------------------------------------------------------------------------


def independent_raking(rows, sex_targets, background_targets, sweeps=200):
    """Iterative proportional fitting written out plainly, to check the stored weights against."""
    weights = np.ones(len(rows))
    for _ in range(sweeps):
        for position, targets in ((0, sex_targets), (1, background_targets)):
            for category, target in targets.items():
                members = np.array([row[position] == category for row in rows])
                weights[members] *= target / weights[members].sum()
    return weights


def test_weighting_meets_the_margins_and_stores_its_diagnostics(admin):
    # given
    wave = make_wave()
    barometer.import_margins(actor=admin, wave=wave, file=upload(MARGINS))
    # when
    run = barometer.run_weighting(actor=admin, wave=wave)
    # then
    weights = dict(ResponseWeight.objects.filter(run=run).values_list("response__pk", "weight"))
    responses = list(Response.objects.filter(survey=wave.survey).order_by("pk"))
    stored = np.array([weights[response.pk] for response in responses])
    expected = independent_raking(RESPONDENTS, {"female": 600, "male": 400}, {"yes": 300, "no": 700})
    np.testing.assert_allclose(stored, expected, rtol=1e-8)
    for field, targets in (("sex", {"female": 600, "male": 400}), ("immigrant_background", {"yes": 300, "no": 700})):
        for category, target in targets.items():
            total = sum(w for w, r in zip(stored, responses, strict=True) if getattr(r, field) == category)
            assert total == pytest.approx(target, rel=1e-9)
    assert run.converged is True and run.iterations >= 1
    assert (run.respondents, run.weighted_respondents, run.excluded_respondents) == (8, 8, 0)
    assert run.n_effective == pytest.approx(stored.sum() ** 2 / (stored**2).sum(), rel=1e-12)
    assert run.design_effect == pytest.approx(8 / run.n_effective, rel=1e-12)
    assert {error["margin"] for error in run.margin_errors} == {"sex", "immigrant_background"}
    assert max(error["relative"] for error in run.margin_errors) <= 1e-10
    assert run.trimming["is_within_bounds"] is True


def test_respondents_without_every_weighting_variable_get_weight_zero(admin):
    wave = make_wave(respondents=[*RESPONDENTS, ("", "yes", 3, 3)])
    barometer.import_margins(actor=admin, wave=wave, file=upload(MARGINS))
    run = barometer.run_weighting(actor=admin, wave=wave)
    assert (run.respondents, run.weighted_respondents) == (9, 8)
    assert ResponseWeight.objects.filter(run=run, weight=0, response__sex="").count() == 1


def test_weighting_needs_margins_and_names_unmeetable_ones(admin):
    wave = make_wave()
    with pytest.raises(ValidationError, match="Import the population margins"):
        barometer.run_weighting(actor=admin, wave=wave)
    barometer.import_margins(
        actor=admin,
        wave=wave,
        file=upload("dimension,category,population\nsex,female,500\nsex,male,300\nsex,diverse,200\n"),
    )
    with pytest.raises(ValidationError, match="diverse"):
        barometer.run_weighting(actor=admin, wave=wave)
    assert not WeightingRun.objects.exists()


def test_the_climate_index_by_group_matches_a_computation_written_out(admin):
    # given
    wave = make_wave()
    belonging, coexistence = define_index(wave.barometer)
    barometer.import_margins(actor=admin, wave=wave, file=upload(MARGINS))
    run = barometer.run_weighting(actor=admin, wave=wave)
    # when
    count = barometer.compute_climate_index(actor=admin, wave=wave)
    # then: 2 domains + 2 items + overall, each for everyone and both groups
    assert count == 15
    responses = list(Response.objects.filter(survey=wave.survey).order_by("pk"))
    weights = np.array([ResponseWeight.objects.get(run=run, response=r).weight for r in responses])
    home = np.array([(row[2] - 1) / 4 * 100 for row in RESPONDENTS])
    unfair = np.array([np.nan if row[3] == 9 else 100 - (row[3] - 1) / 4 * 100 for row in RESPONDENTS])
    overall = (home + unfair) / 2  # NaN where "don't know": both domains are needed
    groups = np.array([row[1] for row in RESPONDENTS])
    for component, scores in ((belonging, home), (coexistence, unfair), (None, overall)):
        for group in ("all", "yes", "no"):
            domain = ~np.isnan(scores) & ((groups == group) if group != "all" else True)
            expected = estimates.weighted_mean(scores, weights, domain=domain)
            result = IndexResult.objects.get(wave=wave, domain=component, item=None, group=group)
            assert (result.estimate, result.low, result.high, result.n) == (
                pytest.approx(expected.estimate, rel=1e-12),
                # the interval of a mean of 0–100 scores is cut to 0–100
                pytest.approx(max(expected.low, 0.0), rel=1e-12, abs=1e-12),
                pytest.approx(min(expected.high, 100.0), rel=1e-12),
                expected.n,
            )
            assert result.run == run
    yes_home = IndexResult.objects.get(wave=wave, domain=belonging, group="yes").estimate
    manual = float(np.sum(weights[groups == "yes"] * home[groups == "yes"]) / np.sum(weights[groups == "yes"]))
    assert yes_home == pytest.approx(manual, rel=1e-12)


def test_the_index_names_variables_the_survey_lacks(admin):
    wave = make_wave()
    belonging, _coexistence = define_index(wave.barometer)
    IndexItem.objects.create(domain=belonging, variable="climate_missing", title="?", scale_min=1, scale_max=5)
    with pytest.raises(ValidationError, match="climate_missing"):
        barometer.compute_climate_index(actor=admin, wave=wave)
    assert not IndexResult.objects.exists()


def test_without_a_weighting_run_the_index_is_unweighted(admin):
    wave = make_wave()
    define_index(wave.barometer)
    barometer.compute_climate_index(actor=admin, wave=wave)
    result = IndexResult.objects.get(wave=wave, domain__code="belonging", group="all")
    assert result.estimate == pytest.approx(np.mean([(row[2] - 1) / 4 * 100 for row in RESPONDENTS]), rel=1e-12)
    assert result.run is None


# --- Structure vs. climate --------------------------------------------------------------------------------------


@pytest.fixture
def comparison_data(admin):
    edition = EditionFactory(is_current=True)
    city = GeographyFactory()
    district = DistrictFactory(parent=city)
    field = AreaOfActionFactory(edition=edition, code="f1", title_de="Teilhabe", position=1)
    topic = AreaOfActionFactory(edition=edition, code="f1-t1", title_de="Wahlen", parent=field)
    other = AreaOfActionFactory(edition=edition, code="f2", title_de="Bildung", position=2)
    total = IndicatorVersionFactory(edition=edition, area=field)
    gap = IndicatorVersionFactory(
        edition=edition,
        area=topic,
        comparison="gap",
        group_a=CategoryFactory(code="yes"),
        group_b=CategoryFactory(code="no"),
    )
    IndicatorVersionFactory(edition=edition, area=field)  # never assessed
    for version, kind, status, geography in (
        (total, "total", "substantial_progress", city),
        (total, "total", "deterioration", district),
        (gap, "gap", "deterioration", city),
        (gap, "total", "target_achieved", city),
    ):
        Assessment.objects.create(
            indicator=version.indicator,
            edition=edition,
            series_kind=kind,
            geography=geography,
            profile="opensdg",
            status=status,
        )
    first = make_wave(2020)
    belonging, _coexistence = define_index(first.barometer)
    second = make_wave(2022, barometer_object=first.barometer, shift=1)
    ClimateAreaLink.objects.create(barometer=first.barometer, area=field, domain=belonging)
    for wave in (first, second):
        barometer.import_margins(actor=admin, wave=wave, file=upload(MARGINS))
        barometer.run_weighting(actor=admin, wave=wave)
        barometer.compute_climate_index(actor=admin, wave=wave)
    return edition, field, other, first, second, belonging


def test_structure_vs_climate_puts_status_counts_beside_climate_scores_and_their_change(comparison_data):
    edition, field, other, first, second, belonging = comparison_data
    comparison = barometer.get_structure_vs_climate()
    assert (comparison.edition, comparison.wave, comparison.previous_wave) == (edition, second, first)
    assert [entry.area for entry in comparison.entries] == [field, other]
    entry = comparison.entries[0]
    assert entry.indicator_count == 3
    # the city's headline series only: the total of the absolute indicator, the gap of the gap indicator
    assert [(status.code, status.count) for status in entry.status_counts] == [
        ("substantial_progress", 1),
        ("deterioration", 1),
        ("not_available", 1),
    ]
    assert entry.component_label == "Zugehörigkeit"
    for group in entry.climate:
        now = IndexResult.objects.get(wave=second, domain=belonging, group=group.group)
        before = IndexResult.objects.get(wave=first, domain=belonging, group=group.group)
        assert group.score.estimate == now.estimate and group.previous.estimate == before.estimate
        assert group.change.estimate == pytest.approx(now.estimate - before.estimate, rel=1e-12)
        assert group.change.low < group.change.estimate < group.change.high
    assert [group.group for group in entry.climate] == ["yes", "no"]
    assert comparison.entries[1].climate == () and comparison.entries[1].indicator_count == 0


def test_structure_vs_climate_page_shows_each_area(client, comparison_data):
    _edition, field, other, _first, _second, _belonging = comparison_data
    html = client.get("/en/umfragen/struktur-und-klima/").content.decode()
    assert html.index(f'id="area-{field.pk}"') < html.index(f'id="area-{other.pk}"')
    assert "Zugehörigkeit" in html and "change since 2020" in html
    assert "No part of the climate index is linked to this area." in html


def test_the_barometer_page_shows_the_trend(client, comparison_data):
    _edition, _field, _other, first, _second, _belonging = comparison_data
    html = client.get(first.barometer.get_absolute_url()).content.decode()
    assert '<th scope="row">2020</th>' in html and '<th scope="row">2022</th>' in html
    assert Geography.objects.count() == 2


def test_small_groups_are_withheld_on_the_pages(client, comparison_data, settings):
    """A group's index from 4 respondents is shown as "/" with the legend, and no change is computed from it."""
    # given
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    settings.TEILHABE_CLIMATE_INDEX_MIN_N = 30
    # when
    comparison = barometer.get_structure_vs_climate()
    html = client.get("/en/umfragen/struktur-und-klima/").content.decode()
    # then
    groups = [group for entry in comparison.entries for group in entry.climate]
    assert groups and all(group.score.is_withheld and group.change is None for group in groups)
    assert 'title="no figure: too few cases">/</abbr>' in html
    # no climate gap from withheld scores, in the chart nor in its table
    assert all(entry.climate_gap is None for entry in comparison.entries)
    assert 'class="chart-gap">Climate gap: /</text>' in html


def test_the_climate_gap_is_charted_beside_the_structural_gap(client, comparison_data):
    """Per area a chart (SVG) and its table: the climate score by group, their gap (with minus without), and
    the gap indicators by the status of their gap; numbers rounded in the reader's locale."""
    _edition, field, other, _first, second, belonging = comparison_data
    entry = barometer.get_structure_vs_climate().entries[0]
    with_, without = (IndexResult.objects.get(wave=second, domain=belonging, group=g) for g in ("yes", "no"))
    assert entry.climate_gap.estimate == pytest.approx(with_.estimate - without.estimate, rel=1e-12)
    # only the gap indicator counts for the structural gap, rated by its gap series
    assert [(status.code, status.count) for status in entry.gap_status_counts] == [("deterioration", 1)]
    assert entry.is_reversed is False  # "belonging" holds no reverse-coded item

    response = client.get("/umfragen/struktur-und-klima/", HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    chart = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="structure-climate-chart"') :]
    chart = chart[: chart.index("</svg>")]
    for result in (with_, without):
        shown = f"{result.estimate:.1f}".replace(".", ",")  # German decimal comma, one place
        assert f">{shown}</text>" in chart
        assert f'<td class="number">{shown}<br>' in html
    gap = with_.estimate - without.estimate
    signed = ("+" if gap > 0 else "\u2212") + f"{abs(gap):.1f}".replace(".", ",")
    assert signed in chart and f'<td class="number">{signed}</td>' in html
    assert 'role="img"' in chart and "Teilhabe</title>" in chart
    assert "↺" not in html.split('id="reverse-legend"')[0]


def test_a_reverse_coded_component_is_marked_with_a_legend(client, comparison_data):
    _edition, field, other, first, _second, _belonging = comparison_data
    coexistence = first.barometer.domains.get(code="coexistence")  # holds the reverse-coded "climate_unfair"
    ClimateAreaLink.objects.create(barometer=first.barometer, area=other, domain=coexistence)
    entries = barometer.get_structure_vs_climate().entries
    assert [entry.is_reversed for entry in entries] == [False, True]
    html = client.get("/en/umfragen/struktur-und-klima/").content.decode()
    section = html[html.index(f'id="area-{other.pk}"') :]
    assert '<abbr class="reverse-marker" title="reverse-coded">↺</abbr>' in section
    assert "Reverse-coded: a higher answer means a worse climate" in html
    first_section = html[html.index(f'id="area-{field.pk}"') : html.index(f'id="area-{other.pk}"')]
    assert "reverse-marker" not in first_section
