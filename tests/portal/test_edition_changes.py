"""What changed between two editions: a table of cases for the pure comparison."""

import pytest

from teilhabe.portal.edition_changes import (
    FieldChange,
    IndicatorSnapshot,
    Redefinition,
    TargetSnapshot,
    compare_editions,
)


def indicator(
    code, *, definition="Share of pupils.", unit="%", direction="positive", status="active", comparison="absolute"
):
    return IndicatorSnapshot(
        code=code,
        title=code,
        definition=definition,
        unit=unit,
        direction=direction,
        status=status,
        comparison=comparison,
    )


def target(code, value=50.0, year=2030, *, kind="value", key="", baseline=40.0):
    return TargetSnapshot(
        indicator_code=code,
        kind=kind,
        breakdown_key=key,
        geography_code="city",
        baseline_value=baseline,
        baseline_year=2015,
        target_value=value,
        target_year=year,
    )


@pytest.mark.parametrize(
    ("old", "new", "added", "retired", "redefined"),
    [
        ([indicator("A")], [indicator("A")], (), (), ()),
        ([indicator("A")], [indicator("A"), indicator("B")], ("B",), (), ()),
        ([indicator("A"), indicator("B")], [indicator("A")], (), ("B",), ()),
        ([indicator("A")], [indicator("A", status="retired")], (), ("A",), ()),
        ([indicator("A", status="retired")], [indicator("A")], ("A",), (), ()),
        ([indicator("A")], [indicator("A", definition="Share  of\npupils.")], (), (), ()),
        (
            [indicator("A")],
            [indicator("A", unit="per 1,000")],
            (),
            (),
            (Redefinition("A", (FieldChange("unit", "%", "per 1,000"),)),),
        ),
        (
            [indicator("A")],
            [indicator("A", direction="negative", definition="Other.")],
            (),
            (),
            (
                Redefinition(
                    "A",
                    (
                        FieldChange("definition", "Share of pupils.", "Other."),
                        FieldChange("direction", "positive", "negative"),
                    ),
                ),
            ),
        ),
        (
            [indicator("A")],
            [indicator("A", comparison="gap")],
            (),
            (),
            (Redefinition("A", (FieldChange("comparison", "absolute", "gap"),)),),
        ),
        ([], [], (), (), ()),
    ],
    ids=[
        "unchanged",
        "added",
        "dropped",
        "marked-retired",
        "revived",
        "whitespace-only",
        "unit",
        "two-fields",
        "became-gap",
        "empty",
    ],
)
def test_indicator_changes(old, new, added, retired, redefined):
    changes = compare_editions(old, new)
    assert (changes.added, changes.retired, changes.redefined) == (added, retired, redefined)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ([target("A")], [target("A")], []),
        ([target("A")], [target("A", 55.0)], [("A", 50.0, 55.0)]),
        ([target("A")], [target("A", year=2035)], [("A", 50.0, 50.0)]),
        ([target("A")], [target("A", baseline=41.0)], [("A", 50.0, 50.0)]),
        ([], [target("A")], [("A", None, 50.0)]),
        ([target("A")], [], [("A", 50.0, None)]),
        ([target("A", kind="gap")], [target("A", kind="value")], [("A", 50.0, None), ("A", None, 50.0)]),
        (
            [target("A", key="migration_background=yes")],
            [target("A", key="migration_background=no")],
            [("A", None, 50.0), ("A", 50.0, None)],
        ),
    ],
    ids=[
        "same",
        "value-moved",
        "year-moved",
        "baseline-moved",
        "target-set",
        "target-dropped",
        "kind-differs",
        "group-differs",
    ],
)
def test_target_changes(old, new, expected):
    changes = compare_editions([], [], old, new)
    found = [
        (c.indicator_code, c.old.target_value if c.old else None, c.new.target_value if c.new else None)
        for c in changes.targets_changed
    ]
    assert found == expected


def test_no_change_is_empty():
    assert compare_editions([indicator("A")], [indicator("A")], [target("A")], [target("A")]).is_empty
    assert not compare_editions([], [indicator("A")]).is_empty
