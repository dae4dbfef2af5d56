"""Cross-tabulation with small-cell suppression (docs/methods/survey-weighting.md, section 10)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teilhabe.core import disclosure
from teilhabe.surveys.crosstab import Suppression, cross_tabulate

P, S = Suppression.PRIMARY, Suppression.SECONDARY


def _answers(table):
    """Row and column answers of respondents given as a table of counts (rows r0.., columns c0..)."""
    rows, columns = [], []
    for i, line in enumerate(table):
        for j, count in enumerate(line):
            rows += [f"r{i}"] * count
            columns += [f"c{j}"] * count
    return rows, columns


def _tabulate(table, **options):
    rows, columns = _answers(table)
    return cross_tabulate(
        rows,
        columns,
        row_categories=[f"r{i}" for i in range(len(table))],
        column_categories=[f"c{j}" for j in range(len(table[0]))],
        **options,
    )


def _pattern(crosstab):
    """Suppression of every cell of the table with totals: interior rows, then the row of column totals."""
    lines = [
        [cell.suppression for cell in line] + [total.suppression]
        for line, total in zip(crosstab.cells, crosstab.row_totals, strict=True)
    ]
    lines.append([cell.suppression for cell in crosstab.column_totals] + [crosstab.grand_total.suppression])
    return [[None if kind is Suppression.NONE else kind for kind in line] for line in lines]


N = None


@pytest.mark.parametrize(
    "table, expected",
    [
        pytest.param(
            [[20, 3, 15], [12, 25, 30], [8, 9, 40]],
            [[S, P, N, N], [N, N, N, N], [S, S, N, N], [N, N, N, N]],
            id="one-small-cell-needs-a-rectangle",
        ),
        pytest.param(
            [[20, 3, 15], [12, 2, 30], [8, 9, 40]],
            # Hiding only 3, 2 and their row partners would leave 3 + 2 = 5 known: each hidden cell
            # is at least 1, so both would lie in [1, 4].
            [[S, P, N, N], [S, P, N, N], [S, S, N, N], [N, N, N, N]],
            id="two-small-cells-in-a-column-need-a-third-row",
        ),
        pytest.param(
            [[3, 0, 15], [12, 25, 30]],
            [[P, N, S, N], [S, N, S, N], [N, N, N, N]],
            id="empty-cell-is-not-chosen-as-partner",
        ),
        pytest.param(
            [[2, 30, 40]],
            # The column total 2 equals the cell: both are small counts, and nothing else can hide them.
            [[P, S, S, S], [P, S, S, S]],
            id="single-row-with-a-small-column-total-hides-everything",
        ),
        pytest.param(
            [[0, 3], [0, 20]],
            [[N, P, P], [N, S, S], [N, S, S]],
            id="small-row-total-is-primary-too",
        ),
        pytest.param(
            [[5, 0], [7, 9]],
            [[N, N, N], [N, N, N], [N, N, N]],
            id="nothing-small-nothing-hidden",
        ),
    ],
)
def test_suppression_pattern(table, expected):
    assert _pattern(_tabulate(table, threshold=5)) == expected


def test_published_cells_of_the_rectangle_example():
    crosstab = _tabulate([[20, 3, 15], [12, 25, 30], [8, 9, 40]], threshold=5)
    cell = crosstab.cell("r1", "c1")
    assert (cell.count, cell.weighted_count, cell.suppression) == (25, 25.0, Suppression.NONE)
    assert (cell.row_share, cell.column_share, cell.total_share) == (25 / 67, 25 / 37, 25 / 162)
    hidden = crosstab.cell("r0", "c1")
    assert (hidden.count, hidden.weighted_count, hidden.row_share, hidden.column_share, hidden.total_share) == (
        None,
    ) * 5
    assert hidden.is_suppressed and hidden.suppression is P
    row_total = crosstab.row_totals[0]
    assert (row_total.row, row_total.column, row_total.count) == ("r0", None, 38)
    assert (row_total.row_share, row_total.column_share, row_total.total_share) == (1.0, 38 / 162, 38 / 162)
    assert crosstab.column_totals[1].count == 37 and crosstab.column_totals[1].row_share == 37 / 162
    assert (crosstab.grand_total.row, crosstab.grand_total.column, crosstab.grand_total.count) == (None, None, 162)


def test_shares_with_a_hidden_base_are_withheld():
    # Row totals and the grand total are hidden here: a published count with its share would give them away.
    crosstab = _tabulate([[0, 3], [0, 20]], threshold=5)
    cell = crosstab.cell("r1", "c0")
    assert (cell.count, cell.row_share, cell.column_share, cell.total_share) == (0, None, None, None)


def test_weighted_table_suppresses_on_unweighted_counts_and_shares_weighted_values():
    rows = ["yes"] * 4 + ["no"] * 6
    columns = ["a", "a", "b", "b", "a", "a", "a", "b", "b", "b"]
    weights = [1, 3, 1, 1, 2, 2, 2, 1, 1, 2]
    crosstab = cross_tabulate(rows, columns, weights=weights, threshold=2, row_categories=["yes", "no"])
    cell = crosstab.cell("yes", "a")
    assert crosstab.is_weighted
    assert (cell.count, cell.weighted_count) == (2, 4.0)
    assert (cell.row_share, cell.column_share, cell.total_share) == (4 / 6, 4 / 10, 4 / 16)
    assert crosstab.column_categories == ("a", "b")
    assert not any(c.is_suppressed for line in crosstab.cells for c in line)


def test_explicit_categories_keep_their_order_and_show_empty_ones():
    crosstab = cross_tabulate(
        ["no", "yes", "yes"], ["x", "x", "y"], threshold=1, row_categories=["yes", "no", "unsure"]
    )
    assert crosstab.row_categories == ("yes", "no", "unsure")
    empty = crosstab.cell("unsure", "x")
    assert (empty.count, empty.row_share, empty.column_share) == (0, None, 0.0)
    assert crosstab.row_totals[2].count == 0


@pytest.mark.parametrize(
    "rows, columns, options, message",
    [
        pytest.param(["a", None], ["x", "y"], {}, "row value of respondent 1 is missing", id="missing-row-value"),
        pytest.param(["a"], ["x", "y"], {}, "got 1 and 2", id="length-mismatch"),
        pytest.param(
            ["a", "b"],
            ["x", "z"],
            {"column_categories": ["x", "y"]},
            "column value 'z' of respondent 1 is not among the column categories",
            id="unknown-category",
        ),
        pytest.param(["a", 1], ["x", "y"], {}, "pass row_categories explicitly", id="unsortable-values"),
        pytest.param(["a"], ["x"], {"threshold": 0}, "threshold must be at least 1", id="threshold-zero"),
        pytest.param(["a"], ["x"], {"weights": [0.0]}, "weights are zero", id="all-zero-weights"),
    ],
)
def test_bad_input_is_refused(rows, columns, options, message):
    with pytest.raises(ValueError, match=message):
        cross_tabulate(rows, columns, **options)


tables = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(0, 12), min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(tables, st.integers(1, 6))
def test_no_suppressed_cell_can_be_recomputed_and_published_values_are_true(table, threshold):
    crosstab = _tabulate(table, threshold=threshold)
    counts = np.array(table)
    full = np.zeros((counts.shape[0] + 1, counts.shape[1] + 1), dtype=int)
    full[:-1, :-1] = counts
    full[:-1, -1] = counts.sum(axis=1)
    full[-1, :] = full[:-1, :].sum(axis=0)
    cells = [list(line) + [total] for line, total in zip(crosstab.cells, crosstab.row_totals, strict=True)]
    cells.append(list(crosstab.column_totals) + [crosstab.grand_total])
    hidden = np.array([[cell.is_suppressed for cell in line] for line in cells])

    for (i, j), count in np.ndenumerate(full):
        cell = cells[i][j]
        assert (cell.suppression is P) == (1 <= count < threshold)
        if not cell.is_suppressed:
            assert cell.count == count
    # The attacker's linear programme (hidden cells at least 1) narrows no hidden cell below the range.
    table_ = disclosure.grid_table(full)
    positions = [i * full.shape[1] + j for i, j in np.argwhere(hidden)]
    for position, interval in disclosure.feasible_intervals(table_, positions).items():
        assert interval.width >= threshold, (divmod(position, full.shape[1]), interval)
    # A line holding a hidden cell must hold at least two.
    for line_counts in list(hidden.sum(axis=1)) + list(hidden.sum(axis=0)):
        assert line_counts != 1


def test_the_issue_example_column_is_protected():
    """Column total 40 with 11 + 19 + 8 + 0 published: two hidden cells of 1 each were recoverable."""
    table = [[11, 30], [19, 25], [8, 40], [0, 12], [1, 20], [1, 22]]
    crosstab = _tabulate(table, threshold=5)
    hidden = [[cell.is_suppressed for cell in line] for line in crosstab.cells]
    assert hidden[4][0] and hidden[5][0]
    # A third cell of the column is hidden, so the two are no longer pinned to 1 each.
    assert sum(line[0] for line in hidden) >= 3
    assert not crosstab.column_totals[0].is_suppressed and crosstab.column_totals[0].count == 40
