"""Disclosure control rules and the linear-programming audit (docs/methods/disclosure-control.md)."""

import math

import numpy as np
import pytest

from teilhabe.core import disclosure
from teilhabe.core.disclosure import Figures, Reliability, Thresholds

RULES = Thresholds(minimum=5, reliable=30)
W, L, PUB = Reliability.WITHHELD, Reliability.LIMITED, Reliability.PUBLISHED


@pytest.mark.parametrize(
    "figures, expected",
    [
        pytest.param(Figures(value=0.4, sample_size=3, standard_error=0.28), W, id="small-n"),
        pytest.param(Figures(value=0.4, sample_size=5, standard_error=0.2), L, id="n-at-minimum-is-limited"),
        pytest.param(Figures(value=0.4, sample_size=29), L, id="n-below-reliable"),
        pytest.param(Figures(value=0.4, sample_size=30), PUB, id="n-at-reliable"),
        pytest.param(Figures(value=1.5, numerator=3, denominator=200), W, id="small-numerator"),
        pytest.param(Figures(value=98.5, numerator=197, denominator=200), W, id="small-complement"),
        pytest.param(Figures(value=0.0, numerator=0, denominator=200), PUB, id="zero-numerator-is-published"),
        pytest.param(Figures(value=50, numerator=100, denominator=200), PUB, id="large-counts"),
        pytest.param(Figures(value=12.0, numerator=12, denominator=400), L, id="numerator-below-reliable"),
        pytest.param(Figures(value=4, is_count=True), W, id="small-count-value"),
        pytest.param(Figures(value=4.5), PUB, id="value-without-counts"),
        pytest.param(Figures(value=0, is_count=True), PUB, id="zero-count-value"),
        pytest.param(Figures(value=0.3, sample_size=300, numerator=2, denominator=300), W, id="any-small-count"),
    ],
)
def test_classify(figures, expected):
    assert disclosure.classify(figures, RULES) is expected


def test_withheld_cell_loses_every_number():
    """n follows from a share and its SE, so no number of a withheld cell may remain."""
    given = Figures(
        value=0.4,
        standard_error=0.28,
        ci_lower=0.1,
        ci_upper=0.8,
        sample_size=3,
        numerator=1.2,
        denominator=3,
        progress_value=0.4,
    )
    shown = disclosure.disclose(given, RULES)
    assert shown.is_withheld
    assert shown.figures == Figures()


def test_secondary_withholds_a_large_cell():
    shown = disclosure.disclose(Figures(value=0.4, sample_size=500), RULES, is_secondary=True)
    assert shown.is_withheld and shown.figures.value is None


def test_override_only_raises_the_minimum():
    assert RULES.at_least(3) is RULES
    raised = RULES.at_least(50)
    assert (raised.minimum, raised.reliable) == (50, 50)
    assert disclosure.classify(Figures(value=0.5, sample_size=40), raised) is W


@pytest.mark.parametrize(
    "given, message",
    [
        pytest.param({"minimum": 0}, "minimum must be at least 1", id="minimum-zero"),
        pytest.param({"minimum": 5, "reliable": 4}, "must not be below minimum", id="reliable-below-minimum"),
        pytest.param({"protection_range": 0}, "protection_range must be at least 1", id="range-zero"),
    ],
)
def test_bad_thresholds_are_refused(given, message):
    with pytest.raises(ValueError, match=message):
        Thresholds(**given)


def _full(inner):
    inner = np.asarray(inner, dtype=float)
    rows, columns = inner.shape
    full = np.zeros((rows + 1, columns + 1))
    full[:rows, :columns] = inner
    full[:rows, columns] = inner.sum(axis=1)
    full[rows, :] = full[:rows, :].sum(axis=0)
    return full


def test_issue_example_is_recovered_without_protection_and_protected_with_it():
    """Column total 40, published 11 + 19 + 8 + 0: the two hidden cells must be 1 each."""
    full = _full([[11, 30], [19, 25], [8, 40], [0, 12], [1, 20], [1, 22]])
    table = disclosure.grid_table(full)
    primary = disclosure.primary_cells(table, RULES)
    assert sorted(table.labels[c] for c in primary) == [(4, 0), (5, 0)]
    # given: only the small cells and their row partners hidden (what a row-and-column check accepts)
    naive = primary | {4 * 3 + 1, 5 * 3 + 1}
    intervals = disclosure.feasible_intervals(table, naive)
    assert (intervals[12].low, intervals[12].high) == (1, 1)
    # when
    protection = disclosure.protect(table, primary, RULES, shape=full.shape)
    # then
    assert disclosure.audit(table, protection.hidden, primary, RULES) == []
    for cell, interval in disclosure.feasible_intervals(table, protection.hidden).items():
        assert interval.width >= RULES.range
        if cell in primary:
            assert interval.high >= RULES.minimum


def test_relations_that_do_not_hold_are_not_used():
    """Groups that do not add up to the total (people without an answer) give the attacker no equation."""
    table = disclosure.Table(values=(100.0, 3.0, 90.0), relations=((0, (1, 2)),))
    assert disclosure.feasible_intervals(table, [1]) == {1: disclosure.Interval(1.0, math.inf)}


def test_groups_adding_to_a_total_need_a_second_hidden_group():
    """A blanked group n is total minus the other group unless one more cell is hidden."""
    table = disclosure.Table(values=(100.0, 3.0, 97.0), relations=((0, (1, 2)),), labels=("total", "yes", "no"))
    primary = disclosure.primary_cells(table, RULES)
    assert [e.label for e in disclosure.audit(table, primary, primary, RULES)] == ["yes"]
    protection = disclosure.protect(table, primary, RULES)
    assert protection.secondary == {2}
    assert disclosure.audit(table, protection.hidden, primary, RULES) == []


def test_random_tables_are_protected_against_the_linear_programme():
    """600 seeded random tables: after protection no primary cell is recovered exactly and every hidden
    cell's feasible interval is at least the protection range wide (and reaches the minimum)."""
    rng = np.random.default_rng(20260712)
    primaries = exact = 0
    for _ in range(600):
        rows, columns = int(rng.integers(2, 5)), int(rng.integers(2, 6))
        inner = rng.poisson(rng.uniform(1, 12, (rows, columns)))
        full = _full(inner)
        table = disclosure.grid_table(full)
        primary = disclosure.primary_cells(table, RULES)
        protection = disclosure.protect(table, primary, RULES, shape=full.shape)
        intervals = disclosure.feasible_intervals(table, protection.hidden)
        primaries += len(primary)
        exact += sum(1 for cell in primary if intervals[cell].width == 0)
        assert all(interval.width >= RULES.range for interval in intervals.values())
        assert all(intervals[cell].high >= RULES.minimum for cell in primary)
    assert primaries > 1000
    assert exact == 0
