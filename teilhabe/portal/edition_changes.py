"""What changed between two editions of the concept: indicators added, retired, redefined; targets changed.

Pure module: snapshots in, a change list out; no Django imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

RETIRED = "retired"
# The fields whose change means an indicator now measures something else.
DEFINING_FIELDS = ("definition", "unit", "direction", "comparison")


@dataclass(frozen=True)
class IndicatorSnapshot:
    code: str
    title: str
    definition: str
    unit: str
    direction: str
    status: str
    comparison: str = "absolute"


@dataclass(frozen=True)
class TargetSnapshot:
    indicator_code: str
    kind: str
    breakdown_key: str
    geography_code: str
    baseline_value: float
    baseline_year: int
    target_value: float
    target_year: int

    @property
    def series(self) -> tuple[str, str, str, str]:
        return (self.indicator_code, self.kind, self.breakdown_key, self.geography_code)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Redefinition:
    code: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class TargetChange:
    """A target set, dropped or moved; `old` or `new` is None when the target was added or removed."""

    indicator_code: str
    kind: str
    breakdown_key: str
    geography_code: str
    old: TargetSnapshot | None
    new: TargetSnapshot | None


@dataclass(frozen=True)
class EditionChanges:
    added: tuple[str, ...]
    retired: tuple[str, ...]
    redefined: tuple[Redefinition, ...]
    targets_changed: tuple[TargetChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.retired or self.redefined or self.targets_changed)


def _normalise(text: str) -> str:
    return " ".join(str(text).split())


def compare_editions(
    old_indicators: Iterable[IndicatorSnapshot],
    new_indicators: Iterable[IndicatorSnapshot],
    old_targets: Iterable[TargetSnapshot] = (),
    new_targets: Iterable[TargetSnapshot] = (),
) -> EditionChanges:
    """Compare indicators by their stable code and targets by their series.

    An indicator is added when the newer edition has it (not retired) and the older had
    it not or only as retired; retired when the older had it active and the newer lacks
    it or marks it retired; redefined when both have it and a defining field differs
    (whitespace does not count). A target changed when its value, year or baseline moved,
    or it exists in only one edition.
    """
    old = {i.code: i for i in old_indicators}
    new = {i.code: i for i in new_indicators}
    old_live = {code for code, i in old.items() if i.status != RETIRED}
    new_live = {code for code, i in new.items() if i.status != RETIRED}
    added = tuple(sorted(new_live - old_live))
    retired = tuple(sorted(old_live - new_live))
    redefined = []
    for code in sorted(old_live & new_live):
        changes = tuple(
            FieldChange(name, getattr(old[code], name), getattr(new[code], name))
            for name in DEFINING_FIELDS
            if _normalise(getattr(old[code], name)) != _normalise(getattr(new[code], name))
        )
        if changes:
            redefined.append(Redefinition(code, changes))

    old_targets_by = {t.series: t for t in old_targets}
    new_targets_by = {t.series: t for t in new_targets}
    target_changes = []
    for series in sorted(set(old_targets_by) | set(new_targets_by)):
        before, after = old_targets_by.get(series), new_targets_by.get(series)
        if (
            before is not None
            and after is not None
            and (before.target_value, before.target_year, before.baseline_value, before.baseline_year)
            == (after.target_value, after.target_year, after.baseline_value, after.baseline_year)
        ):
            continue
        target_changes.append(TargetChange(*series, old=before, new=after))
    return EditionChanges(added, retired, tuple(redefined), tuple(target_changes))
