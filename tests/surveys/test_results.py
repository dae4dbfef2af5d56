"""Results per question: counts and shares for open surveys, weighted estimates with intervals for waves."""

import numpy as np
import pytest

from teilhabe.surveys import estimates, ranking, results, services
from teilhabe.surveys.models import Answer, Response, ResponseWeight, Survey, WeightingRun
from tests.surveys.factories import WaveFactory, all_kinds_survey

pytestmark = pytest.mark.django_db


def by_label(rows):
    return {row.label: row for row in rows}


@pytest.fixture(autouse=True)
def _every_count_public(settings):
    """These tests check the arithmetic on four respondents; disclosure control is tested below with its
    real threshold."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 1
    settings.TEILHABE_LIMITED_RELIABILITY_COUNT = 1


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
    assert "75.0%" in html  # CLDR English writes the per cent sign without a space


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


def _number_answers(kinds, values):
    for value in values:
        response = Response.objects.create(survey=kinds.survey, submitted_on="2024-05-04")
        Answer.objects.create(response=response, question=kinds.number, number=value)


def test_a_number_question_with_four_answers_publishes_no_figure(client, settings):
    """Mean, median, smallest and largest of 4 answers are those people's answers: all withheld, shown "/"."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    kinds = all_kinds_survey(status=Survey.Status.CLOSED, results_are_public=True)
    _number_answers(kinds, [11, 23, 37, 52])
    number = results.get_results(kinds.survey).questions[5].number
    assert (number.is_withheld, number.n, number.mean, number.median, number.minimum, number.maximum) == (
        True,
        None,
        None,
        None,
        None,
        None,
    )
    html = client.get(f"/en/umfragen/{kinds.survey.slug}/ergebnisse/").content.decode()
    assert "no figure: too few cases" in html
    assert not any(f">{v}" in html or f"{v}.00" in html for v in (11, 23, 37, 52))


def test_smallest_and_largest_answer_wait_for_the_reliable_base(settings):
    """Between the minimum and the second threshold the mean is shown (in parentheses), min/max are not."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    settings.TEILHABE_LIMITED_RELIABILITY_COUNT = 10
    kinds = all_kinds_survey()
    _number_answers(kinds, [1, 2, 3, 4, 5, 6, 7, 99])
    number = results.get_results(kinds.survey).questions[5].number
    assert (number.n, number.mean.estimate, number.mean.is_limited, number.minimum, number.maximum) == (
        8,
        127 / 8,
        True,
        None,
        None,
    )
    _number_answers(kinds, [10, 11])
    number = results.get_results(kinds.survey).questions[5].number
    assert (number.n, number.mean.is_limited, number.minimum, number.maximum) == (10, False, 1.0, 99.0)


def test_a_rating_mean_of_a_small_base_is_withheld_and_the_base_too(client, settings):
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    kinds = all_kinds_survey(status=Survey.Status.CLOSED, results_are_public=True)
    agree = kinds.likert.options.order_by("value").first()
    for _ in range(3):
        response = Response.objects.create(survey=kinds.survey, submitted_on="2024-05-04")
        Answer.objects.create(response=response, question=kinds.likert, option=agree)
    item = results.get_results(kinds.survey).questions[3].items[0]
    assert (item.base, item.is_base_withheld, item.mean.is_withheld, item.mean.estimate) == (3, True, True, None)
    assert all(row.count is None for row in item.rows)
    html = client.get(f"/en/umfragen/{kinds.survey.slug}/ergebnisse/").content.decode()
    assert "3 answers" not in html and "Answers: /" in html


def test_a_ranking_count_below_the_minimum_is_withheld_with_its_share(settings):
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    kinds = all_kinds_survey()
    school, work = kinds.option(kinds.ranking, "school"), kinds.option(kinds.ranking, "work")
    for index in range(12):
        response = Response.objects.create(survey=kinds.survey, submitted_on="2024-05-04")
        Answer.objects.create(response=response, question=kinds.ranking, option=work, rank=1)
        if index < 2:
            Answer.objects.create(response=response, question=kinds.ranking, option=school, rank=2)
    ranks = {row.label: row for row in results.get_results(kinds.survey).questions[2].ranks}
    assert (ranks["Arbeit"].top_k_count, ranks["Arbeit"].mean_rank) == (12, 1.0)
    assert (ranks["Schule"].top_k_count, ranks["Schule"].top_k_share, ranks["Schule"].mean_rank) == (None, None, None)
