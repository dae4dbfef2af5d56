"""Aggregating partial top-k rankings (docs/methods/survey-weighting.md, section 9)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teilhabe.surveys.estimates import Method, wilson_interval
from teilhabe.surveys.ranking import UNRANKED, aggregate_places, aggregate_rankings, place_matrix

ITEMS = ["school", "housing", "labour", "health"]

# Four items, so place 1 earns 3 points, place 2 earns 2, place 3 earns 1, place 4 earns 0.
RESPONSES = [
    ["school", "housing", "labour"],
    ["housing", "school"],
    ["school"],
    ["labour", "housing", "school", "health"],
    [],  # answered the question, ranked nothing: still in the base
]


def _by_item(summary):
    return {result.item: result for result in summary.items}


@pytest.mark.parametrize(
    "item, borda, normalised, top_2, times_ranked, mean_rank",
    [
        pytest.param("school", 3 + 2 + 3 + 1, 9 / 15, 3, 4, (1 + 2 + 1 + 3) / 4, id="school"),
        pytest.param("housing", 2 + 3 + 2, 7 / 15, 3, 3, (2 + 1 + 2) / 3, id="housing"),
        pytest.param("labour", 1 + 3, 4 / 15, 1, 2, (3 + 1) / 2, id="labour"),
        pytest.param("health", 0, 0.0, 0, 1, 4.0, id="health-ranked-last-once"),
    ],
)
def test_worked_example_unweighted(item, borda, normalised, top_2, times_ranked, mean_rank):
    result = _by_item(aggregate_rankings(RESPONSES, ITEMS, k=2))[item]
    assert result.borda_score == borda
    assert result.borda_normalised == pytest.approx(normalised, rel=1e-15)
    assert result.top_k_share == wilson_interval(top_2, 5)
    assert result.times_ranked == times_ranked
    assert result.mean_rank == pytest.approx(mean_rank, rel=1e-15)


def test_worked_example_order_and_base():
    summary = aggregate_rankings(RESPONSES, ITEMS, k=2)
    assert [result.item for result in summary.items] == ["school", "housing", "labour", "health"]
    assert (summary.k, summary.item_count, summary.n_responses, summary.total_weight) == (2, 4, 5, 5.0)


@pytest.mark.parametrize(
    "item, borda, normalised, top_2_share, mean_rank",
    [
        # weights 2, 1, 1, 1, 1: total weight 6, maximum Borda 6 × 3 = 18
        pytest.param("school", 2 * 3 + 2 + 3 + 1, 12 / 18, (2 + 1 + 1) / 6, (2 * 1 + 2 + 1 + 3) / 5, id="school"),
        pytest.param("housing", 2 * 2 + 3 + 2, 9 / 18, (2 + 1 + 1) / 6, (2 * 2 + 1 + 2) / 4, id="housing"),
        pytest.param("labour", 2 * 1 + 3, 5 / 18, 1 / 6, (2 * 3 + 1) / 3, id="labour"),
    ],
)
def test_worked_example_weighted(item, borda, normalised, top_2_share, mean_rank):
    result = _by_item(aggregate_rankings(RESPONSES, ITEMS, k=2, weights=[2, 1, 1, 1, 1]))[item]
    assert result.borda_score == borda
    assert result.borda_normalised == pytest.approx(normalised, rel=1e-15)
    assert result.top_k_share.estimate == pytest.approx(top_2_share, rel=1e-15)
    assert result.top_k_share.method is Method.LINEARISATION
    assert result.top_k_share.n_effective == pytest.approx(36 / 8, rel=1e-15)
    assert result.mean_rank == pytest.approx(mean_rank, rel=1e-15)


def test_item_nobody_ranked_has_no_mean_rank_and_zero_scores():
    result = _by_item(aggregate_rankings([["school"], ["housing"]], ITEMS, k=1))["health"]
    assert (result.mean_rank, result.times_ranked, result.borda_score, result.borda_normalised) == (None, 0, 0.0, 0.0)
    assert result.top_k_share.estimate == 0.0 and result.top_k_share.low == 0.0


def test_equal_scores_keep_the_order_of_the_item_list():
    summary = aggregate_rankings([["labour"], ["housing"]], ITEMS, k=1)
    assert [result.item for result in summary.items] == ["housing", "labour", "school", "health"]


def test_no_responses_gives_empty_estimates():
    summary = aggregate_rankings([], ITEMS)
    assert summary.n_responses == 0 and summary.total_weight == 0.0
    assert all(result.top_k_share.is_empty and result.borda_normalised == 0.0 for result in summary.items)


def test_place_matrix():
    places = place_matrix(RESPONSES[:2], ITEMS)
    np.testing.assert_array_equal(places, [[1, 2, 3, UNRANKED], [2, 1, UNRANKED, UNRANKED]])


@pytest.mark.parametrize(
    "build, message",
    [
        pytest.param(
            lambda: aggregate_rankings([["school", "pool"]], ITEMS),
            "response 0: unknown item 'pool' at place 2",
            id="unknown-item",
        ),
        pytest.param(
            lambda: aggregate_rankings([[], ["school", "housing", "school"]], ITEMS),
            "response 1: item 'school' ranked twice .places 1 and 3.",
            id="item-ranked-twice",
        ),
        pytest.param(lambda: aggregate_rankings([["school"]], ITEMS, k=0), "k must be at least 1", id="k-zero"),
        pytest.param(lambda: aggregate_rankings([["school"]], ["school"]), "at least two items", id="single-item"),
        pytest.param(lambda: aggregate_rankings([["school"]], ["school", "school"]), "unique", id="duplicate-items"),
        pytest.param(
            lambda: aggregate_places(np.array([[1, 3, 0, 0]]), ITEMS),
            "response 0: places must be 1, 2",
            id="gap-in-places",
        ),
        pytest.param(
            lambda: aggregate_places(np.array([[1, 1, 0, 0]]), ITEMS),
            "response 0: places must be 1, 2",
            id="repeated-place",
        ),
        pytest.param(lambda: aggregate_places(np.array([[1, 2, 0]]), ITEMS), "n × 4 matrix", id="wrong-width"),
        pytest.param(
            lambda: aggregate_rankings([["school"]], ITEMS, weights=[0.0]), "weights are zero", id="zero-weights"
        ),
    ],
)
def test_bad_input_is_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


rankings = st.lists(
    st.permutations(range(5)).flatmap(lambda order: st.integers(0, 5).map(lambda length: order[:length])), max_size=30
)


def _reference(responses, items, k, weights):
    """A direct, loop-by-loop computation of the same measures."""
    m = len(items)
    result = {}
    for item in items:
        borda = top = ranked_weight = place_sum = 0.0
        for response, weight in zip(responses, weights, strict=True):
            if item in response:
                place = response.index(item) + 1
                borda += weight * (m - place)
                top += weight * (place <= k)
                ranked_weight += weight
                place_sum += weight * place
        result[item] = (borda, top / sum(weights), place_sum / ranked_weight if ranked_weight else None)
    return result


@settings(max_examples=120, deadline=None)
@given(rankings, st.integers(1, 5), st.data())
def test_matches_a_direct_computation_and_keeps_borda_invariants(responses, k, data):
    weights = data.draw(st.lists(st.floats(0.1, 10.0), min_size=len(responses), max_size=len(responses)))
    items = list(range(5))
    summary = aggregate_rankings(responses, items, k=k, weights=weights if responses else None)
    if not responses:
        return
    expected = _reference(responses, items, k, weights)
    for result in summary.items:
        borda, share, mean_rank = expected[result.item]
        assert result.borda_score == pytest.approx(borda, rel=1e-12, abs=1e-12)
        assert result.top_k_share.estimate == pytest.approx(share, rel=1e-12, abs=1e-12)
        if mean_rank is None:
            assert result.mean_rank is None
        else:
            assert result.mean_rank == pytest.approx(mean_rank, rel=1e-12)
        assert 0.0 <= result.borda_normalised <= 1.0 + 1e-12
        assert result.top_k_share.low <= result.top_k_share.estimate <= result.top_k_share.high
    # Each response hands out m−1, m−2, … points for its L places, whatever it ranks.
    handed_out = sum(
        w * sum(5 - place for place in range(1, len(r) + 1)) for r, w in zip(responses, weights, strict=True)
    )
    assert sum(result.borda_score for result in summary.items) == pytest.approx(handed_out, rel=1e-12, abs=1e-12)
    scores = [result.borda_score for result in summary.items]
    assert scores == sorted(scores, reverse=True)


@settings(max_examples=60, deadline=None)
@given(rankings.filter(bool), st.randoms(use_true_random=False))
def test_order_of_responses_does_not_matter_and_shares_grow_with_k(responses, random):
    items = list(range(5))
    shuffled = list(responses)
    random.shuffle(shuffled)
    first, second = aggregate_rankings(responses, items, k=2), aggregate_rankings(shuffled, items, k=2)
    assert {r.item: r.borda_score for r in first.items} == {r.item: r.borda_score for r in second.items}
    wider = _by_item(aggregate_rankings(responses, items, k=3))
    for result in first.items:
        assert result.top_k_share.estimate <= wider[result.item].top_k_share.estimate
