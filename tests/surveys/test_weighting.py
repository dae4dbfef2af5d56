"""Raking to population margins (docs/methods/survey-weighting.md, sections 5–8)."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teilhabe.surveys import weighting
from teilhabe.surveys.weighting import (
    Dimension,
    JointTarget,
    RakingError,
    Trimming,
    rake,
    rake_by_labels,
    summarise_weights,
)


def _respondents_from_table(table):
    """Codes of two dimensions for a sample given as a table of respondent counts."""
    rows, columns = [], []
    for i, line in enumerate(table):
        for j, count in enumerate(line):
            rows += [i] * count
            columns += [j] * count
    return np.array(rows), np.array(columns)


def _cell_totals(weights, rows, columns, shape):
    return np.bincount(rows * shape[1] + columns, weights=weights, minlength=shape[0] * shape[1]).reshape(shape)


def _random_problem(seed, sizes, n, *, with_base_weights=False):
    """A sample whose categories depend on each other, and margins of a different population."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    codes = []
    for size in sizes:
        score = latent + rng.normal(size=n)
        cuts = np.quantile(score, np.linspace(0, 1, size + 1)[1:-1] + rng.uniform(-0.05, 0.05, size - 1))
        codes.append(np.searchsorted(cuts, score))
    total = 250_000.0
    targets = [rng.dirichlet(np.full(size, 8.0)) * total for size in sizes]
    base = rng.uniform(0.5, 3.0, n) if with_base_weights else None
    return codes, targets, base


def test_two_by_two_raking_matches_the_closed_form():
    """One-way raking keeps the sample's odds ratio; with both margins fixed that leaves
    one quadratic for the top-left cell (Deming and Stephan 1940)."""
    sample = [[10, 20], [30, 40]]
    rows, columns = _respondents_from_table(sample)
    row_targets, column_targets = np.array([40.0, 60.0]), np.array([55.0, 45.0])
    result = rake([Dimension("sex", rows, row_targets), Dimension("background", columns, column_targets)])

    odds_ratio = (10 * 40) / (20 * 30)
    total, r1, c1 = 100.0, 40.0, 55.0
    # x(total − r1 − c1 + x) = OR·(r1 − x)(c1 − x)  ⇔  (1 − OR)x² + (total − r1 − c1 + OR(r1 + c1))x − OR·r1·c1 = 0
    a, b, c = 1 - odds_ratio, total - r1 - c1 + odds_ratio * (r1 + c1), -odds_ratio * r1 * c1
    roots = [(-b + sign * math.sqrt(b * b - 4 * a * c)) / (2 * a) for sign in (1, -1)]
    x11 = next(root for root in roots if max(0.0, r1 + c1 - total) < root < min(r1, c1))
    expected = np.array([[x11, r1 - x11], [c1 - x11, total - r1 - c1 + x11]])

    assert result.converged
    np.testing.assert_allclose(_cell_totals(result.weights, rows, columns, (2, 2)), expected, rtol=1e-9)
    np.testing.assert_allclose(result.weights, (expected / np.array(sample))[rows, columns], rtol=1e-9)


def test_first_sweep_matches_iterative_proportional_fitting_by_hand():
    sample = [[10, 20], [30, 40]]
    rows, columns = _respondents_from_table(sample)
    # Rows to 40 / 60: row 0 × 40/30, row 1 × 60/70.
    table = [
        [Fraction(10) * Fraction(40, 30), Fraction(20) * Fraction(40, 30)],
        [Fraction(30) * Fraction(60, 70), Fraction(40) * Fraction(60, 70)],
    ]
    # Columns to 55 / 45: column j × target_j / (current column sum).
    column_sums = [table[0][j] + table[1][j] for j in range(2)]
    table = [[table[i][j] * Fraction((55, 45)[j]) / column_sums[j] for j in range(2)] for i in range(2)]
    expected_weights = np.array([[float(table[i][j] / sample[i][j]) for j in range(2)] for i in range(2)])

    result = rake(
        [Dimension("sex", rows, np.array([40.0, 60.0])), Dimension("background", columns, np.array([55.0, 45.0]))],
        max_iterations=1,
    )

    assert (result.iterations, result.converged) == (1, False)
    np.testing.assert_allclose(result.weights, expected_weights[rows, columns], rtol=1e-14)
    # The column margin was fitted last and holds exactly; the row margin is still off.
    assert result.max_margin_error[1].relative < 1e-14
    row_total = float(table[0][0] + table[0][1])
    assert result.max_margin_error[0].absolute == pytest.approx(abs(row_total - 40.0), rel=1e-12)
    assert result.history[0] == pytest.approx(max(abs(row_total - 40) / 40, abs(100 - row_total - 60) / 60), rel=1e-12)


@pytest.mark.parametrize(
    "seed, sizes, n, with_base_weights",
    [
        pytest.param(1, (7, 5, 2, 2), 5_000, False, id="barometer-shape"),
        pytest.param(2, (7, 5, 2, 2), 5_000, True, id="barometer-shape-with-design-weights"),
        pytest.param(3, (3,), 200, False, id="single-dimension"),
        pytest.param(4, (12, 9, 6), 3_000, True, id="many-categories"),
    ],
)
def test_raking_meets_every_margin_and_keeps_the_total(seed, sizes, n, with_base_weights):
    codes, targets, base = _random_problem(seed, sizes, n, with_base_weights=with_base_weights)
    dimensions = [
        Dimension(f"d{index}", code, target) for index, (code, target) in enumerate(zip(codes, targets, strict=True))
    ]
    result = rake(dimensions, base_weights=base, tolerance=1e-10)

    assert result.converged and result.iterations == len(result.history)
    for code, target in zip(codes, targets, strict=True):
        np.testing.assert_allclose(np.bincount(code, weights=result.weights), target, rtol=1e-9)
    assert result.weights.sum() == pytest.approx(250_000.0, rel=1e-12)
    assert np.all(result.weights > 0)
    assert all(error.relative <= 1e-10 for error in result.max_margin_error)
    assert [error.margin for error in result.max_margin_error] == [f"d{index}" for index in range(len(sizes))]


def _ipfn_weights(codes, sizes, targets, base, joint=None):
    """Weights from the ipfn package (numpy mode) on the aggregated table, mapped back to respondents."""
    ipfn_module = pytest.importorskip("ipfn.ipfn")
    key = np.ravel_multi_index(codes, sizes)
    table = np.bincount(key, weights=base, minlength=math.prod(sizes)).reshape(sizes)
    aggregates = [np.array(target, dtype=float) for target in targets]
    dimensions = [[axis] for axis in range(len(targets))]  # one-way targets come first, in axis order
    if joint is not None:
        axes, joint_table = joint
        aggregates.append(np.array(joint_table, dtype=float))
        dimensions.append(list(axes))
    fitted = ipfn_module.ipfn(
        table.copy(), aggregates, dimensions, convergence_rate=1e-12, max_iteration=5000, rate_tolerance=0.0
    ).iteration()
    ratio = np.divide(fitted, table, out=np.zeros_like(table), where=table > 0)
    return base * ratio.ravel()[key]


@pytest.mark.parametrize(
    "seed, sizes, n",
    [
        pytest.param(11, (7, 5, 2, 2), 20_000, id="districts-age-sex-background"),
        pytest.param(12, (4, 3, 6), 8_000, id="three-dimensions"),
    ],
)
def test_raking_matches_the_ipfn_package(seed, sizes, n):
    codes, targets, base = _random_problem(seed, sizes, n, with_base_weights=True)
    ours = rake(
        [Dimension(f"d{i}", code, target) for i, (code, target) in enumerate(zip(codes, targets, strict=True))],
        base_weights=base,
        tolerance=1e-12,
    )
    reference = _ipfn_weights(codes, sizes, targets, base)
    assert ours.converged
    np.testing.assert_allclose(ours.weights, reference, rtol=1e-6)


def test_two_way_margin_matches_the_ipfn_package_and_is_met():
    sizes = (5, 2, 3)
    codes, targets, base = _random_problem(21, sizes, 10_000, with_base_weights=True)
    rng = np.random.default_rng(21)
    joint = rng.dirichlet(np.full(10, 6.0)).reshape(5, 2) * 250_000.0
    result = rake(
        [Dimension("age", codes[0]), Dimension("sex", codes[1]), Dimension("district", codes[2], targets[2])],
        joint_targets=[JointTarget(("age", "sex"), joint)],
        base_weights=base,
        tolerance=1e-12,
    )
    achieved = np.bincount(codes[0] * 2 + codes[1], weights=result.weights, minlength=10).reshape(5, 2)
    assert result.converged
    np.testing.assert_allclose(achieved, joint, rtol=1e-9)
    np.testing.assert_allclose(np.bincount(codes[2], weights=result.weights), targets[2], rtol=1e-9)
    assert [error.margin for error in result.max_margin_error] == ["district", "age×sex"]
    reference = _ipfn_weights([codes[2], codes[0], codes[1]], (3, 5, 2), [targets[2]], base, joint=((1, 2), joint))
    np.testing.assert_allclose(result.weights, reference, rtol=1e-6)


def test_two_way_margin_together_with_consistent_one_way_margins():
    codes, _, _ = _random_problem(22, (3, 2), 2_000)
    joint = np.array([[100.0, 150.0], [300.0, 250.0], [80.0, 120.0]])
    result = rake(
        [Dimension("age", codes[0], joint.sum(axis=1)), Dimension("sex", codes[1], joint.sum(axis=0))],
        joint_targets=[JointTarget(("age", "sex"), joint)],
    )
    assert result.converged
    np.testing.assert_allclose(_cell_totals(result.weights, codes[0], codes[1], (3, 2)), joint, rtol=1e-9)


def _two_dimensions(rows_targets, columns_targets, table=((10, 20), (30, 40))):
    rows, columns = _respondents_from_table(table)
    return [
        Dimension("sex", rows, np.array(rows_targets, dtype=float)),
        Dimension("district", columns, np.array(columns_targets, dtype=float)),
    ]


@pytest.mark.parametrize(
    "build, message, margin, category",
    [
        pytest.param(
            lambda: rake(_two_dimensions([0, 100], [50, 50])),
            "margin sex: category 0 has 30 respondent.s. in the sample but a population target of 0",
            "sex",
            0,
            id="present-in-sample-absent-in-population",
        ),
        pytest.param(
            lambda: rake(_two_dimensions([40, 60, 0], [50, 50]) + [], category_labels={"sex": ["f", "m", "d"]}),
            None,
            None,
            None,
            id="empty-category-with-zero-target-is-fine",
        ),
        pytest.param(
            lambda: rake(_two_dimensions([40, 50, 10], [50, 50]), category_labels={"sex": ["f", "m", "d"]}),
            "margin sex: category 'd' has a population target of 10 but no respondent in the sample",
            "sex",
            "d",
            id="empty-in-sample-needed-by-population",
        ),
        pytest.param(
            lambda: rake(_two_dimensions([40, 60], [50, 51])),
            "margin totals disagree: sex sums to 100 but district sums to 101",
            "district",
            None,
            id="totals-disagree",
        ),
        pytest.param(
            lambda: rake(
                [
                    Dimension("sex", _respondents_from_table(((10, 20), (30, 40)))[0], np.array([40.0, 60.0])),
                    Dimension("district", _respondents_from_table(((10, 20), (30, 40)))[1]),
                ],
                joint_targets=[JointTarget(("sex", "district"), np.array([[20.0, 30.0], [25.0, 25.0]]))],
            ),
            r"joint margin sex×district implies a total of 50 for sex=0, but margin sex says 40",
            "sex×district",
            0,
            id="joint-contradicts-one-way",
        ),
        pytest.param(
            lambda: rake(
                [
                    Dimension("sex", _respondents_from_table(((10, 20), (30, 40)))[0]),
                    Dimension("district", _respondents_from_table(((10, 20), (30, 40)))[1]),
                ],
                joint_targets=[JointTarget(("sex", "district"), np.array([[40.0, 0.0], [30.0, 30.0]]))],
            ),
            r"margin sex×district: category \(0, 1\) has 20 respondent.s. in the sample but a population target of 0",
            "sex×district",
            (0, 1),
            id="joint-cell-absent-in-population",
        ),
    ],
)
def test_impossible_margins_are_refused_naming_margin_and_category(build, message, margin, category):
    if message is None:
        assert build().converged
        return
    with pytest.raises(RakingError, match=message) as raised:
        build()
    assert (raised.value.margin, raised.value.category) == (margin, category)


@pytest.mark.parametrize(
    "build, message",
    [
        pytest.param(
            lambda: rake([Dimension("sex", np.array([0, 1, 2]), np.array([1.0, 1.0]))]),
            "respondent 2 has code 2, but codes must lie in 0..1",
            id="code-out-of-range",
        ),
        pytest.param(
            lambda: rake([Dimension("sex", np.array([0.0, 1.0]), np.array([1.0, 1.0]))]),
            "integer numpy array",
            id="float-codes",
        ),
        pytest.param(
            lambda: rake([Dimension("sex", np.array([0, 1]), np.array([1.0, 1.0]))], base_weights=[1.0, 0.0]),
            "respondent 1 has 0.0",
            id="zero-base-weight",
        ),
        pytest.param(
            lambda: rake(
                [
                    Dimension("sex", np.array([0, 1]), np.array([1.0, 1.0])),
                    Dimension("age", np.array([0, 1, 1]), np.array([1.0, 1.0])),
                ]
            ),
            "lengths differ",
            id="codes-of-different-length",
        ),
        pytest.param(
            lambda: rake([Dimension("sex", np.array([0, 1]))]),
            "has no targets and is in no joint margin",
            id="dimension-without-targets",
        ),
        pytest.param(
            lambda: rake([Dimension("sex", np.array([0, 1]), np.array([1.0, -1.0]))]),
            "finite and non-negative",
            id="negative-target",
        ),
        pytest.param(
            lambda: rake(
                [Dimension("sex", np.array([0, 1]), np.array([1.0, 1.0]))],
                joint_targets=[JointTarget(("sex", "age"), np.ones((2, 2)))],
            ),
            "unknown dimension 'age'",
            id="joint-with-unknown-dimension",
        ),
    ],
)
def test_malformed_input_is_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_incompatible_sampling_zeros_are_reported_as_not_converged():
    # Only the diagonal is observed, so the row and column totals of a cell must agree; 30 ≠ 50.
    rows, columns = _respondents_from_table([[5, 0], [0, 5]])
    result = rake(
        [Dimension("sex", rows, np.array([30.0, 70.0])), Dimension("district", columns, np.array([50.0, 50.0]))],
        max_iterations=20,
    )
    assert not result.converged
    assert result.iterations == 20
    assert result.max_margin_error[0].absolute == pytest.approx(20.0)
    assert result.max_margin_error[0].relative == pytest.approx(20.0 / 30.0)


@pytest.mark.parametrize(
    "seed, with_base_weights, lower, upper",
    [
        pytest.param(31, False, 0.55, 1.6, id="cells-share-one-weight"),
        pytest.param(32, True, 0.4, 2.0, id="design-weights-trimmed-per-respondent"),
    ],
)
def test_trimming_respects_bounds_and_still_meets_margins(seed, with_base_weights, lower, upper):
    codes, _, base = _random_problem(seed, (4, 3, 2), 6_000, with_base_weights=with_base_weights)
    # Margins that move weight towards the last categories, so that raking alone exceeds the bounds.
    targets = [np.linspace(1.0, 1.8, size) / np.linspace(1.0, 1.8, size).sum() * 60_000 for size in (4, 3, 2)]
    dimensions = [Dimension(f"d{i}", code, target) for i, (code, target) in enumerate(zip(codes, targets, strict=True))]
    untrimmed = rake(dimensions, base_weights=base)
    trimmed = rake(dimensions, base_weights=base, trimming=Trimming(lower=lower, upper=upper))
    mean = 60_000 / 6_000

    assert untrimmed.weights.max() > upper * mean or untrimmed.weights.min() < lower * mean
    report = trimmed.trimming
    assert report is not None and report.is_within_bounds and report.rounds >= 1 and report.trimmed_respondents > 0
    assert (report.lower_bound, report.upper_bound) == pytest.approx((lower * mean, upper * mean))
    assert trimmed.weights.min() >= lower * mean * (1 - 1e-6)
    assert trimmed.weights.max() <= upper * mean * (1 + 1e-6)
    assert trimmed.converged
    for code, target in zip(codes, targets, strict=True):
        np.testing.assert_allclose(np.bincount(code, weights=trimmed.weights), target, rtol=1e-9)


def test_trimming_reports_bounds_it_cannot_reach():
    rows, columns = _respondents_from_table([[1, 50], [50, 50]])
    dimensions = [
        Dimension("sex", rows, np.array([100.0, 50.0])),
        Dimension("district", columns, np.array([75.0, 75.0])),
    ]
    result = rake(dimensions, trimming=Trimming(lower=0.9, upper=1.1, max_rounds=5))
    assert result.trimming.rounds == 5
    assert not result.trimming.is_within_bounds and result.trimming.max_relative_violation > 0.1


def test_trimming_leaves_weights_inside_the_bounds_alone():
    rows, columns = _respondents_from_table([[10, 20], [30, 40]])
    dimensions = [
        Dimension("sex", rows, np.array([30.0, 70.0])),
        Dimension("district", columns, np.array([40.0, 60.0])),
    ]
    result = rake(dimensions, trimming=Trimming(lower=0.5, upper=2.0))
    np.testing.assert_allclose(result.weights, 1.0)
    assert (result.trimming.rounds, result.trimming.trimmed_respondents) == (0, 0)


@pytest.mark.parametrize(
    "bounds",
    [pytest.param((1.0, 2.0), id="lower-not-below-one"), pytest.param((0.5, 1.0), id="upper-not-above-one")],
)
def test_trimming_bounds_must_bracket_the_mean(bounds):
    with pytest.raises(ValueError, match="0 <= lower < 1 < upper"):
        Trimming(*bounds)


@pytest.mark.parametrize(
    "weights, expected",
    [
        pytest.param(
            [1.0, 1.0, 2.0, 4.0],
            dict(minimum=1.0, maximum=4.0, mean=2.0, n_effective=64 / 22, design_effect=88 / 64),
            id="unequal",
        ),
        pytest.param(
            [2.0, 2.0], dict(minimum=2.0, maximum=2.0, mean=2.0, n_effective=2.0, design_effect=1.0), id="equal"
        ),
    ],
)
def test_weight_summary(weights, expected):
    summary = summarise_weights(weights)
    for name, value in expected.items():
        assert getattr(summary, name) == pytest.approx(value, rel=1e-12), name
    assert summary.design_effect == pytest.approx(1 + summary.coefficient_of_variation**2, rel=1e-12)


def test_labelled_entry_point_agrees_with_the_array_entry_point():
    sexes, districts = ["f", "m"], ["Altona", "Mitte", "Nord"]
    rng = np.random.default_rng(41)
    sex_codes, district_codes = rng.integers(0, 2, 300), rng.integers(0, 3, 300)
    respondents = [{"sex": sexes[s], "district": districts[d]} for s, d in zip(sex_codes, district_codes, strict=True)]
    margins = {"sex": {"f": 510.0, "m": 490.0}, "district": {"Altona": 300.0, "Mitte": 450.0, "Nord": 250.0}}

    by_labels = rake_by_labels(respondents, margins)
    by_arrays = rake(
        [
            Dimension("sex", sex_codes, np.array([510.0, 490.0])),
            Dimension("district", district_codes, np.array([300.0, 450.0, 250.0])),
        ]
    )
    np.testing.assert_array_equal(by_labels.weights, by_arrays.weights)


@pytest.mark.parametrize(
    "respondents, margins, message",
    [
        pytest.param(
            [{"sex": "f"}, {"sex": "x"}],
            {"sex": {"f": 1.0, "m": 1.0}},
            "respondent 1 has sex='x', which is not a category",
            id="unknown-label",
        ),
        pytest.param(
            [{"sex": "f"}, {"age": "x"}],
            {"sex": {"f": 1.0, "m": 1.0}},
            "respondent 1 has no value for 'sex'",
            id="missing-dimension",
        ),
        pytest.param(
            [{"sex": "f"}, {"sex": "f"}],
            {"sex": {"f": 1.0, "m": 1.0}},
            "category 'm' has a population target of 1 but no respondent",
            id="error-names-the-label",
        ),
    ],
)
def test_labelled_entry_point_names_labels_in_errors(respondents, margins, message):
    with pytest.raises(RakingError, match=message):
        rake_by_labels(respondents, margins)


def test_sparse_cell_path_agrees_with_the_dense_path(monkeypatch):
    codes, targets, base = _random_problem(51, (11, 10), 50, with_base_weights=True)
    targets = [
        np.where(np.bincount(code, minlength=len(target)) > 0, target, 0.0)
        for code, target in zip(codes, targets, strict=True)
    ]
    targets[1] *= targets[0].sum() / targets[1].sum()
    dimensions = [Dimension("a", codes[0], targets[0]), Dimension("b", codes[1], targets[1])]
    dense = rake(dimensions, base_weights=base)
    monkeypatch.setattr(weighting, "_MAX_DENSE_CELLS", 0)
    sparse = rake(dimensions, base_weights=base)
    np.testing.assert_allclose(sparse.weights, dense.weights, rtol=1e-12)


@st.composite
def raking_problems(draw, *, attainable):
    """Small samples covering every category. With ``attainable`` the targets are the totals of
    some positive weighting of the same sample, so positive weights meeting them exist."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    n = draw(st.integers(max(sizes), 40))
    codes = []
    for size in sizes:
        # The first `size` respondents cover every category.
        rest = draw(st.lists(st.integers(0, size - 1), min_size=n - size, max_size=n - size))
        codes.append(np.array(list(range(size)) + rest))
    total = draw(st.floats(1.0, 1e6))
    if attainable:
        hidden = np.array(draw(st.lists(st.floats(0.05, 20.0), min_size=n, max_size=n)))
        hidden *= total / hidden.sum()
        targets = [np.bincount(code, weights=hidden, minlength=size) for code, size in zip(codes, sizes, strict=True)]
    else:
        targets = []
        for size in sizes:
            parts = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=size, max_size=size)))
            targets.append(parts / parts.sum() * total)
    base = np.array(draw(st.lists(st.floats(0.1, 10.0), min_size=n, max_size=n)))
    return codes, targets, base, total


def _dimensions(codes, targets):
    return [Dimension(f"d{i}", code, target) for i, (code, target) in enumerate(zip(codes, targets, strict=True))]


@settings(max_examples=100, deadline=None)
@given(raking_problems(attainable=True))
def test_attainable_margins_are_met_with_positive_weights_and_the_total_kept(problem):
    codes, targets, base, total = problem
    # Proportional fitting converges linearly, and slowly near the boundary: give it room.
    result = rake(_dimensions(codes, targets), base_weights=base, tolerance=1e-9, max_iterations=200_000)
    assert result.converged
    assert np.all(result.weights > 0)
    assert result.weights.sum() == pytest.approx(total, rel=1e-9)
    for code, target in zip(codes, targets, strict=True):
        np.testing.assert_allclose(np.bincount(code, weights=result.weights, minlength=target.size), target, rtol=1e-8)


@settings(max_examples=100, deadline=None)
@given(raking_problems(attainable=False))
def test_any_margins_keep_the_total_and_finite_non_negative_weights(problem):
    # Sampling zeros can make margins unattainable together; raking then reports it has not
    # converged, and the weights of respondents it cannot fit may shrink towards 0.
    codes, targets, base, total = problem
    result = rake(_dimensions(codes, targets), base_weights=base, max_iterations=200)
    assert np.all(np.isfinite(result.weights)) and np.all(result.weights >= 0)
    assert result.weights.sum() == pytest.approx(total, rel=1e-9)
    assert result.converged == (result.history[-1] <= 1e-10 if result.history else True)


# --------------------------------------------------------------------------- margins from different sources


def test_margins_off_by_one_person_in_a_city_of_1_25_million_converge():
    """Two registers may count the city one person apart (relative 8e-7): raking must still converge."""
    codes, targets, base = _random_problem(7, (3, 4), 1_500, with_base_weights=True)
    city = 1_250_000.0
    first = targets[0] / targets[0].sum() * city
    second = targets[1] / targets[1].sum() * (city + 1)
    result = rake([Dimension("age", codes[0], first), Dimension("district", codes[1], second)], base_weights=base)

    assert result.converged
    assert result.history[-1] <= 1e-10
    # Every margin is scaled to the first margin's total; the given second margin stays one person off.
    assert result.weights.sum() == pytest.approx(city, rel=1e-12)
    assert np.bincount(codes[0], weights=result.weights) == pytest.approx(first, rel=1e-9)
    assert np.bincount(codes[1], weights=result.weights) == pytest.approx(second * city / (city + 1), rel=1e-9)
    age_error, district_error = result.max_margin_error
    assert age_error.relative <= 1e-9
    assert district_error.relative == pytest.approx(1 / (city + 1), rel=1e-3)


def test_margins_that_disagree_beyond_the_total_tolerance_are_still_refused():
    codes, targets, _ = _random_problem(7, (3, 4), 500)
    city = 1_250_000.0
    with pytest.raises(RakingError, match="margin totals disagree"):
        rake(
            [
                Dimension("age", codes[0], targets[0] / targets[0].sum() * city),
                Dimension("district", codes[1], targets[1] / targets[1].sum() * city * (1 + 2e-6)),
            ]
        )


def test_two_way_margin_that_differs_from_a_one_way_margin_within_the_tolerance_converges():
    """A joint table rounded differently from the one-way margin cannot be met better than that difference."""
    rows, columns = _respondents_from_table([[40, 60, 20], [30, 50, 45]])
    joint = np.array([[300_000.0, 420_000.0, 110_000.0], [140_000.0, 180_000.0, 100_000.0]])
    one_way = joint.sum(axis=1) + np.array([0.4, -0.4])  # 0.4 persons apart in each row, same total
    result = rake(
        [Dimension("sex", rows, one_way), Dimension("age", columns)],
        joint_targets=[JointTarget(("sex", "age"), joint)],
    )

    assert result.converged
    sex_error, joint_error = result.max_margin_error
    assert sex_error.absolute == pytest.approx(0.4, rel=1e-6)
    assert joint_error.relative <= 1e-9
