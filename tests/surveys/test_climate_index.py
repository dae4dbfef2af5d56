"""The integration climate index (docs/methods/survey-weighting.md, section 11)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teilhabe.surveys.climate_index import (
    ClimateIndex,
    Domain,
    Item,
    group_means,
    rescale,
    score_respondent,
    score_respondents,
)
from teilhabe.surveys.estimates import Z_95, Method

DONT_KNOW, NO_ANSWER = 8, 9

INDEX = ClimateIndex(
    items=(
        Item("trust_administration", 1, 5, missing_codes=frozenset({DONT_KNOW, NO_ANSWER})),
        Item("experienced_discrimination", 1, 4, is_reversed=True, missing_codes=frozenset({NO_ANSWER})),
        Item("good_neighbours", 0, 10),
        Item("feel_at_home", 1, 5),
    ),
    domains=(
        Domain("institutions", ("trust_administration", "experienced_discrimination"), minimum_answered=1),
        Domain("living_together", ("good_neighbours", "feel_at_home"), minimum_answered=2, weight=2.0),
    ),
    minimum_domains=1,
)

ANSWERS = {
    "trust_administration": [4, DONT_KNOW, np.nan],
    "experienced_discrimination": [2, 4, NO_ANSWER],
    "good_neighbours": [8, 5, np.nan],
    "feel_at_home": [5, np.nan, np.nan],
}


@pytest.mark.parametrize(
    "respondent, items, domains, overall",
    [
        pytest.param(
            0,
            {
                "trust_administration": 75.0,
                "experienced_discrimination": 100 - 100 / 3,
                "good_neighbours": 80.0,
                "feel_at_home": 100.0,
            },
            {"institutions": (75 + 200 / 3) / 2, "living_together": 90.0},
            ((75 + 200 / 3) / 2 * 1 + 90 * 2) / 3,
            id="all-answered-one-reversed",
        ),
        pytest.param(
            1,
            {
                "trust_administration": None,
                "experienced_discrimination": 0.0,
                "good_neighbours": 50.0,
                "feel_at_home": None,
            },
            {"institutions": 0.0, "living_together": None},
            0.0,
            id="dont-know-and-too-few-for-a-domain",
        ),
        pytest.param(
            2,
            dict.fromkeys(ANSWERS),
            {"institutions": None, "living_together": None},
            None,
            id="nothing-answered",
        ),
    ],
)
def test_worked_example(respondent, items, domains, overall):
    scores = score_respondents(INDEX, ANSWERS)
    one = score_respondent(INDEX, {key: values[respondent] for key, values in ANSWERS.items()})

    def as_array_value(value):
        return np.nan if value is None else value

    for key, value in items.items():
        assert one.items[key] == (None if value is None else pytest.approx(value, rel=1e-12))
        np.testing.assert_allclose(scores.items[key][respondent], as_array_value(value), rtol=1e-12)
    for key, value in domains.items():
        assert one.domains[key] == (None if value is None else pytest.approx(value, rel=1e-12))
        np.testing.assert_allclose(scores.domains[key][respondent], as_array_value(value), rtol=1e-12)
    assert one.overall == (None if overall is None else pytest.approx(overall, rel=1e-12))
    np.testing.assert_allclose(scores.overall[respondent], as_array_value(overall), rtol=1e-12)


def test_all_domains_required_by_default():
    strict = ClimateIndex(items=INDEX.items, domains=INDEX.domains)
    scores = score_respondents(strict, ANSWERS)
    assert not math.isnan(scores.overall[0]) and math.isnan(scores.overall[1])


@pytest.mark.parametrize(
    "item, answers, expected",
    [
        pytest.param(Item("a", 1, 5), [1, 3, 5], [0.0, 50.0, 100.0], id="five-point"),
        pytest.param(Item("a", 1, 5, is_reversed=True), [1, 3, 5], [100.0, 50.0, 0.0], id="five-point-reversed"),
        pytest.param(
            Item("a", 0, 10, missing_codes=frozenset({99})),
            [0, 99, 2.5],
            [0.0, np.nan, 25.0],
            id="eleven-point-with-code",
        ),
    ],
)
def test_rescale(item, answers, expected):
    index = ClimateIndex(items=(item,), domains=(Domain("d", ("a",), 1),))
    np.testing.assert_allclose(rescale(index, "a", answers), expected)


def test_group_means_by_hand():
    # yes: (1·80 + 3·60)/4 = 65, z = (3.75, −3.75), V = 5/4·28.125;  no: (2·50 + 2·70)/4 = 60, z = (−5, 5), V = 5/4·50.
    result = group_means(
        [80, 60, np.nan, 50, 70], ["yes", "yes", "yes", "no", "no"], [1, 3, 1, 2, 2], group_order=["yes", "no"]
    )
    yes, no = result
    assert (yes.group, yes.estimate.estimate, yes.estimate.n) == ("yes", 65.0, 2)
    assert yes.estimate.high - 65.0 == pytest.approx(Z_95 * math.sqrt(5 / 4 * 28.125), rel=1e-12)
    assert (no.group, no.estimate.estimate) == ("no", 60.0)
    assert no.estimate.high - 60.0 == pytest.approx(Z_95 * math.sqrt(5 / 4 * 50), rel=1e-12)
    assert yes.estimate.method is Method.LINEARISATION


def test_group_means_default_order_and_empty_group():
    result = group_means([50.0, np.nan], ["b", "a"])
    assert [group.group for group in result] == ["a", "b"]
    assert result[0].estimate.is_empty
    assert result[1].estimate.estimate == 50.0 and not result[1].estimate.has_interval


@pytest.mark.parametrize(
    "build, message",
    [
        pytest.param(
            lambda: score_respondents(INDEX, {**ANSWERS, "good_neighbours": [8, 11, 0]}),
            "item 'good_neighbours': respondent 1 answered 11",
            id="answer-off-the-scale",
        ),
        pytest.param(
            lambda: score_respondent(INDEX, {"feel_at_home": 0}),
            "answer 0 is neither on the scale 1..5",
            id="single-answer-off-the-scale",
        ),
        pytest.param(
            lambda: score_respondents(INDEX, {key: ANSWERS[key] for key in list(ANSWERS)[:3]}),
            "answers lack items",
            id="item-missing",
        ),
        pytest.param(
            lambda: score_respondents(INDEX, {**ANSWERS, "feel_at_home": [5]}), "lengths differ", id="lengths-differ"
        ),
        pytest.param(
            lambda: Item("a", 1, 5, missing_codes=frozenset({3})),
            "missing codes .3. lie on the answer scale",
            id="missing-code-on-scale",
        ),
        pytest.param(lambda: Item("a", 5, 1), "scale_min < scale_max", id="inverted-scale"),
        pytest.param(
            lambda: ClimateIndex(items=(Item("a", 1, 5),), domains=(Domain("d", ("a", "b"), 1),)),
            r"unknown \['b'\]",
            id="domain-with-unknown-item",
        ),
        pytest.param(
            lambda: ClimateIndex(items=(Item("a", 1, 5),), domains=(Domain("d", ("a",), 2),)),
            "minimum_answered must lie in 1..1",
            id="minimum-above-item-count",
        ),
        pytest.param(
            lambda: ClimateIndex(items=(Item("a", 1, 5), Item("a", 1, 3)), domains=(Domain("d", ("a",), 1),)),
            "item keys must be unique",
            id="duplicate-item",
        ),
        pytest.param(
            lambda: ClimateIndex(items=(Item("a", 1, 5),), domains=(Domain("d", ("a",), 1, weight=0),)),
            "weight must be positive",
            id="zero-domain-weight",
        ),
        pytest.param(
            lambda: ClimateIndex(items=INDEX.items, domains=INDEX.domains, minimum_domains=3),
            "minimum_domains must lie in 1..2",
            id="too-many-domains-required",
        ),
        pytest.param(lambda: group_means([1.0, 2.0], ["a"]), "one group per respondent", id="groups-too-short"),
    ],
)
def test_bad_input_is_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


answer_values = {
    "trust_administration": st.sampled_from([1, 2, 3, 4, 5, DONT_KNOW, NO_ANSWER, None]),
    "experienced_discrimination": st.sampled_from([1, 2, 3, 4, NO_ANSWER, None]),
    "good_neighbours": st.one_of(st.integers(0, 10), st.none()),
    "feel_at_home": st.one_of(st.floats(1, 5), st.none()),
}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries(answer_values), min_size=1, max_size=20))
def test_array_entry_point_agrees_with_the_readable_one_and_stays_in_range(respondents):
    columns = {key: [np.nan if r[key] is None else r[key] for r in respondents] for key in answer_values}
    scores = score_respondents(INDEX, columns)
    for position, respondent in enumerate(respondents):
        one = score_respondent(INDEX, respondent)
        for key, value in one.domains.items():
            array_value = scores.domains[key][position]
            if value is None:
                assert math.isnan(array_value)
            else:
                assert array_value == pytest.approx(value, rel=1e-12)
        if one.overall is None:
            assert math.isnan(scores.overall[position])
        else:
            assert 0.0 <= one.overall <= 100.0
            assert scores.overall[position] == pytest.approx(one.overall, rel=1e-12)


def test_a_group_near_the_top_of_the_scale_gets_an_interval_inside_0_to_100():
    # five respondents, four at the top: the normal interval would reach above 100
    from teilhabe.surveys.climate_index import group_means

    (score,) = group_means([100.0, 100.0, 100.0, 100.0, 40.0], ["a"] * 5)
    assert score.estimate.estimate == pytest.approx(88.0)
    assert 0.0 <= score.estimate.low < score.estimate.estimate < score.estimate.high == 100.0
