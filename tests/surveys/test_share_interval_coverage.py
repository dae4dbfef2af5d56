"""Coverage of the default interval for weighted shares (docs/methods/survey-weighting.md, section 2).

A seeded simulation of a survey whose weights are unequal and related to the answer: people in the
smaller, oversampled group (weight 1/4 of the others') say "yes" far less often. Across many samples
the 95 % interval must contain the population share in at least 94.5 % of them. The Wilson interval
with Kish's effective sample size, the former default, falls short in this design, because Kish's n
ignores that the answers differ between the heavily and the lightly weighted respondents.

In a run of 100,000 replications (written out separately with numpy) the coverage was 94.97 % for
the linearised and 93.39 % for the Kish-Wilson interval; the Monte Carlo standard error is 0.15
points at 20,000 replications and 0.25 points at 10,000.
"""

import numpy as np

from teilhabe.surveys.estimates import Method, weighted_share

GROUP_SIZES = np.array([600_000.0, 400_000.0])  # the population
OVERSAMPLING = np.array([1.0, 4.0])  # a member of group 2 is 4 times as likely to be drawn
YES_RATE = np.array([0.5, 0.1])
SAMPLE_SIZE = 1_000


def _coverage(method, replications, seed=20261208):
    rng = np.random.default_rng(seed)
    draw = GROUP_SIZES * OVERSAMPLING / (GROUP_SIZES * OVERSAMPLING).sum()  # chance that a draw is from a group
    design_weight = GROUP_SIZES / (SAMPLE_SIZE * draw)  # inverse inclusion expectation per respondent
    truth = float(GROUP_SIZES @ YES_RATE / GROUP_SIZES.sum())
    covered = 0
    for _ in range(replications):
        groups = rng.choice(2, size=SAMPLE_SIZE, p=draw)
        answers = rng.random(SAMPLE_SIZE) < YES_RATE[groups]
        estimate = weighted_share(answers, design_weight[groups], method=method)
        covered += estimate.low <= truth <= estimate.high
    return covered / replications


def test_default_for_weighted_shares_is_the_linearised_interval():
    assert weighted_share([1, 0, 1], [1.0, 2.0, 3.0]).method is Method.LINEARISATION
    assert weighted_share([1, 0, 1]).method is Method.WILSON


def test_default_interval_for_weighted_shares_holds_its_coverage():
    assert _coverage(None, 20_000) >= 0.945


def test_wilson_interval_with_kish_n_falls_short_in_the_same_design():
    # The former default, kept on request only: a return to it as the default would be noticed here.
    assert _coverage(Method.WILSON_KISH, 10_000) < 0.940
