"""Results per question: counts and shares for open surveys, weighted estimates with intervals for waves."""

import numpy as np
import pytest

from teilhabe.surveys import estimates, ranking, results, services
from teilhabe.surveys.models import Response, ResponseWeight, WeightingRun
from tests.surveys.factories import WaveFactory, all_kinds_survey

pytestmark = pytest.mark.django_db


def by_label(rows):
    return {row.label: row for row in rows}


@pytest.fixture(autouse=True)
def _every_count_public(settings):
    """These tests check the arithmetic on four respondents; disclosure control is tested below with its
    real threshold."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 1


@pytest.fixture
def open_survey():
    kinds = all_kinds_survey()
    answers = [
        ("yes", ("press",), ("work", "school"), "p4", 10.0),
        ("yes", ("press", "web"), ("work",), "p2", 20.0),
        ("no", (), ("school", "work", "housing"), "dk", None),
        ("yes", ("web",), (), "p4", 30.0),
    ]
    for index, (single, channels, ranked, rating, years) in enumerate(answers):
        given = {
            kinds.single.pk: kinds.option(kinds.single, single).pk,
            kinds.likert.pk: kinds.option(kinds.likert, rating).pk,
            kinds.free_text.pk: f"Text {index}",
        }
        if channels:
            given[kinds.multiple.pk] = tuple(kinds.option(kinds.multiple, code).pk for code in channels)
        if ranked:
            given[kinds.ranking.pk] = tuple(kinds.option(kinds.ranking, code).pk for code in ranked)
        if years is not None:
            given[kinds.number.pk] = years
        services.submit_response(survey=kinds.survey, answers=given)
    return kinds


def test_open_survey_results_are_counts_and_shares_without_intervals(open_survey):
    summary = results.get_results(open_survey.survey)
    assert (summary.responses, summary.is_weighted, summary.has_intervals) == (4, False, False)
    single, multiple, ranked, likert, _matrix, number, free_text = summary.questions
    assert {label: (row.count, row.share, row.low) for label, row in by_label(single.items[0].rows).items()} == {
        "yes": (3, 0.75, None),
        "no": (1, 0.25, None),
    }
    # multiple choice: the base is who answered the question (3), not everyone
    assert multiple.base == 3
    assert {label: (row.count, row.share) for label, row in by_label(multiple.items[0].rows).items()} == {
        "Zeitung": (2, 2 / 3),
        "Internet": (2, 2 / 3),
        "Bekannte": (0, 0.0),
    }
    # rating: "don't know" is a share of the answers but not part of the mean
    likert_rows = by_label(likert.items[0].rows)
    assert (likert_rows["eher"].count, likert_rows["weiß nicht"].share, likert_rows["weiß nicht"].is_dont_know) == (
        2,
        0.25,
        True,
    )
    assert likert.items[0].mean.estimate == pytest.approx((4 + 2 + 4) / 3, rel=1e-12)
    assert likert.items[0].mean.low is None
    assert number.number.n == 3 and number.number.mean.estimate == 20.0 and number.number.median == 20.0
    assert (number.number.minimum, number.number.maximum) == (10.0, 30.0)
    assert free_text.base == 3  # the third respondent said "no", so the free-text question did not show


def test_ranking_results_use_the_ranking_module(open_survey):
    summary = results.get_results(open_survey.survey)
    ranked = summary.questions[2]
    assert ranked.base == 3 and ranked.rank_places == 3
    labels = ["Schule", "Arbeit", "Wohnen", "Gesundheit"]
    expected = ranking.aggregate_rankings(
        [["Arbeit", "Schule"], ["Arbeit"], ["Schule", "Arbeit", "Wohnen"]], labels, k=3
    )
    assert [row.label for row in ranked.ranks] == [item.item for item in expected.items]
    for row, item in zip(ranked.ranks, expected.items, strict=True):
        assert (row.top_k_share, row.mean_rank, row.borda_normalised, row.times_ranked) == (
            item.top_k_share.estimate,
            item.mean_rank,
            item.borda_normalised,
            item.times_ranked,
        )
    assert by_label(ranked.ranks)["Arbeit"].top_k_count == 3


def test_open_results_page_labels_them_non_representative(client, open_survey):
    open_survey.survey.results_are_public = True
    open_survey.survey.save()
    html = client.get(f"/en/umfragen/{open_survey.survey.slug}/ergebnisse/").content.decode()
    assert "Views of those who took part, not of the city&#x27;s population." in html
    assert "they carry no weights and no confidence intervals" in html
    assert "95 % interval" not in html
    assert "75.0 %" in html


def test_wave_results_are_weighted_with_intervals(client):
    # given: a wave whose survey asks one choice question, with a weighting run
    kinds = all_kinds_survey()
    wave = WaveFactory(survey=kinds.survey)
    choices = ["yes", "yes", "no", "no", "no"]
    responses = []
    for choice in choices:
        responses.append(Response.objects.create(survey=kinds.survey, submitted_on="2022-05-02"))
        responses[-1].answers.create(question=kinds.single, option=kinds.option(kinds.single, choice))
    weights = [3.0, 1.0, 1.0, 1.0, 2.0]
    run = WeightingRun.objects.create(
        wave=wave,
        converged=True,
        iterations=3,
        respondents=5,
        weighted_respondents=5,
        trim_lower=0.2,
        trim_upper=5,
        weight_min=1,
        weight_max=3,
        weight_mean=1.6,
        coefficient_of_variation=0.5,
        n_effective=4.0,
        design_effect=1.25,
    )
    ResponseWeight.objects.bulk_create(
        [
            ResponseWeight(run=run, response=response, weight=weight)
            for response, weight in zip(responses, weights, strict=True)
        ]
    )
    # when
    summary = results.get_results(kinds.survey)
    # then
    assert (summary.is_weighted, summary.has_intervals, summary.weighted_responses) == (True, True, 5)
    row = by_label(summary.questions[0].items[0].rows)["yes"]
    expected = estimates.weighted_share(np.array([1, 1, 0, 0, 0]), np.array(weights))
    assert (row.count, row.share, row.low, row.high) == (2, expected.estimate, expected.low, expected.high)
    assert row.share == pytest.approx(4 / 8, rel=1e-12)
    kinds.survey.results_are_public = True
    kinds.survey.save()
    html = client.get(f"/en/umfragen/{kinds.survey.slug}/ergebnisse/").content.decode()
    assert "Weighted to the population margins; 95 % confidence intervals." in html
    assert "Weighted share" in html and "95 % interval" in html


def _single_choice_answers(kinds, counts):
    for code, count in counts.items():
        for _ in range(count):
            services.submit_response(
                survey=kinds.survey,
                answers={kinds.single.pk: kinds.option(kinds.single, code).pk, kinds.free_text.pk: "x"},
            )


def test_public_results_withhold_small_counts_and_the_share_that_gives_them_away(client, settings):
    """Finding 3: "not at all: 4 (3.9 %)". With the base published, one withheld row would be base minus
    the others, so a second row is withheld too."""
    # given
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    kinds = all_kinds_survey()
    _single_choice_answers(kinds, {"yes": 40, "no": 3})
    # when
    summary = results.get_results(kinds.survey)
    # then
    rows = by_label(summary.questions[0].items[0].rows)
    assert summary.questions[0].items[0].base == 43
    assert (rows["no"].count, rows["no"].share, rows["no"].low) == (None, None, None)
    assert (rows["yes"].count, rows["yes"].share) == (None, None)
    kinds.survey.results_are_public = True
    kinds.survey.save()
    html = client.get(f"/en/umfragen/{kinds.survey.slug}/ergebnisse/").content.decode()
    assert "no figure: too few cases" in html
    assert "7.0 %" not in html and "93.0 %" not in html


def test_public_results_keep_counts_at_the_threshold(settings):
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    kinds = all_kinds_survey()
    _single_choice_answers(kinds, {"yes": 40, "no": 5})
    rows = by_label(results.get_results(kinds.survey).questions[0].items[0].rows)
    assert (rows["yes"].count, rows["no"].count) == (40, 5)
