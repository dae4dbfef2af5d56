"""Disclosure control of observations: adapt released rows to teilhabe.core.disclosure and back.

The public observations query (queries.list_public_observations) asks `decide` which observations
are withheld or of limited reliability. Primary: the cell rule on each observation. Secondary: per
indicator, period and count (sample size, numerator, denominator, a count value) the groups of one
breakdown dimension add up to the total and the districts to their city; cells are hidden until the
attacker's linear programme narrows no withheld count below the protection range
(docs/methods/disclosure-control.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.db.models import Q

from teilhabe.core import disclosure
from teilhabe.core.disclosure import Figures, Reliability, Thresholds

from .breakdowns import parse_key
from .models import Geography, IndicatorVersion, Observation

COUNT_UNITS = frozenset({"number", "count", "anzahl", "persons", "personen"})
# Key of IndicatorVersion.profile_parameters that raises the minimum count of one indicator.
MINIMUM_PARAMETER = "minimum_public_count"
COUNT_FIELDS = ("sample_size", "numerator", "denominator")


def thresholds() -> Thresholds:
    """The thresholds in force (settings)."""
    minimum = settings.TEILHABE_MIN_PUBLIC_COUNT
    return Thresholds(
        minimum=minimum,
        reliable=max(minimum, settings.TEILHABE_LIMITED_RELIABILITY_COUNT),
        protection_range=settings.TEILHABE_DISCLOSURE_PROTECTION_RANGE or None,
    )


@dataclass(frozen=True)
class _Rules:
    thresholds: Thresholds
    is_count: bool


def _rules(indicator_ids: Iterable[int]) -> dict[int, _Rules]:
    """Per indicator: thresholds (raised by its latest version's `minimum_public_count`) and whether its
    value is itself a count of people."""
    base = thresholds()
    rules: dict[int, _Rules] = {}
    versions = (
        IndicatorVersion.objects.filter(indicator_id__in=list(indicator_ids))
        .order_by("indicator_id", "-edition__adopted_on", "-pk")
        .values_list("indicator_id", "unit", "profile_parameters")
    )
    for indicator_id, unit, parameters in versions:
        if indicator_id in rules:
            continue
        override = (parameters or {}).get(MINIMUM_PARAMETER) if isinstance(parameters, dict) else None
        try:
            override = int(override) if override is not None else None
        except (TypeError, ValueError):
            override = None
        rules[indicator_id] = _Rules(base.at_least(override), (unit or "").strip().lower() in COUNT_UNITS)
    return rules


_ROW_FIELDS = (
    "pk",
    "indicator_id",
    "period",
    "geography_id",
    "breakdown_key",
    "value",
    "standard_error",
    "sample_size",
    "numerator",
    "denominator",
    "progress_value",
)


def figures_of(row: dict, *, is_count: bool) -> Figures:
    return Figures(
        value=row["value"],
        standard_error=row["standard_error"],
        sample_size=row["sample_size"],
        numerator=row["numerator"],
        denominator=row["denominator"],
        progress_value=row["progress_value"],
        is_count=is_count,
    )


def fractional_indicators(rows: Iterable[dict]) -> set[int]:
    """Indicators with a fractional value: their "number" unit is no count of people (a Gini coefficient)."""
    return {row["indicator_id"] for row in rows if row["value"] is not None and not float(row["value"]).is_integer()}


def decide(indicator_ids: Iterable[int], *, released: Q) -> dict[int, Reliability]:
    """Reliability of every released observation of the indicators (observation id → reliability).

    Reads one query for the rules and one for the observations, whatever their number.
    """
    ids = sorted(set(indicator_ids))
    if not ids:
        return {}
    rules = _rules(ids)
    default = _Rules(thresholds(), False)
    rows = list(Observation.objects.filter(released, indicator_id__in=ids).values(*_ROW_FIELDS))
    parents = dict(Geography.objects.values_list("pk", "parent_id"))
    # A unit named "number" is a count of people only when every value is whole: an Open SDG "Number"
    # such as a Gini coefficient (0.31) or a wage ratio is not a head count.
    fractional = fractional_indicators(rows)
    rules = {
        indicator_id: replace(rule, is_count=False) if indicator_id in fractional else rule
        for indicator_id, rule in rules.items()
    }
    result: dict[int, Reliability] = {}
    by_table: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in rows:
        rule = rules.get(row["indicator_id"], default)
        result[row["pk"]] = disclosure.classify(figures_of(row, is_count=rule.is_count), rule.thresholds)
        by_table[(row["indicator_id"], row["period"])].append(row)
    for (indicator_id, _period), group in by_table.items():
        rule = rules.get(indicator_id, default)
        for pk in _secondary(group, result, parents, rule):
            result[pk] = Reliability.WITHHELD
    return result


def _secondary(rows: list[dict], decided: dict[int, Reliability], parents: dict[int, int | None], rule: _Rules):
    """Observations to withhold so that no withheld count of this indicator and period can be narrowed."""
    fields = [*COUNT_FIELDS, "value"] if rule.is_count else list(COUNT_FIELDS)
    withheld = {row["pk"] for row in rows if decided[row["pk"]] is Reliability.WITHHELD}
    if not withheld:
        return set()
    # One table per breakdown dimension: its categories and the total, at every geography.
    dimensions: dict[str, list[dict]] = defaultdict(list)
    totals = [row for row in rows if row["breakdown_key"] == ""]
    for row in rows:
        parsed = parse_key(row["breakdown_key"]) if row["breakdown_key"] else {}
        if len(parsed) == 1:
            dimensions[next(iter(parsed))].append(row)
    tables = [totals + members for members in dimensions.values()] or [totals]
    changed = True
    while changed:
        changed = False
        for members in tables:
            for name in fields:
                cells = [row for row in members if row[name] is not None]
                if not any(row["pk"] in withheld for row in cells):
                    continue
                table, pks = _table(cells, name, parents)
                primary = {index for index, pk in enumerate(pks) if pk in withheld}
                protection = disclosure.protect(table, primary, rule.thresholds)
                added = {pks[index] for index in protection.secondary} - withheld
                if added:
                    withheld |= added
                    changed = True
    return withheld


def _table(cells: list[dict], name: str, parents: dict[int, int | None]) -> tuple[disclosure.Table, list[int]]:
    """Cells of one count with the relations: categories add to the total at a geography, districts to
    their parent for the same breakdown."""
    index = {(row["geography_id"], row["breakdown_key"]): position for position, row in enumerate(cells)}
    relations = []
    by_geography: dict[int, list[int]] = defaultdict(list)
    by_parent: dict[tuple[int, str], list[int]] = defaultdict(list)
    for (geography, key), position in index.items():
        if key:
            by_geography[geography].append(position)
        parent = parents.get(geography)
        if parent is not None:
            by_parent[(parent, key)].append(position)
    for geography, parts in by_geography.items():
        if (geography, "") in index:
            relations.append((index[(geography, "")], tuple(parts)))
    for (parent, key), parts in by_parent.items():
        if (parent, key) in index:
            relations.append((index[(parent, key)], tuple(parts)))
    table = disclosure.Table(
        values=tuple(float(row[name]) for row in cells),
        relations=tuple(relations),
        labels=tuple((row["geography_id"], row["breakdown_key"]) for row in cells),
    )
    return table, [row["pk"] for row in cells]


def count_table(cells: list[dict], name: str, parents: dict[int, int | None]) -> tuple[disclosure.Table, list[int]]:
    """The table `decide` audits for one count of one indicator and period (rows as read by `decide`, with
    pk, geography_id, breakdown_key and the count `name`), and the observation id of each cell; for the
    disclosure audit, which checks the public outputs against the same tables."""
    return _table(cells, name, parents)


WITHHELD_FIELDS = ("value", "standard_error", "sample_size", "numerator", "denominator", "progress_value")


def apply(observation: Observation, reliability: Reliability) -> Observation:
    """Blank every figure of a withheld observation; mark the reliability on the instance."""
    observation.reliability = reliability.value
    observation.is_withheld = reliability is Reliability.WITHHELD
    observation.is_limited = reliability is Reliability.LIMITED
    if observation.is_withheld:
        for name in WITHHELD_FIELDS:
            setattr(observation, name, None)
    return observation


def public_figures(indicator_ids: Iterable[int], *, on: date) -> dict[int, Reliability]:
    """`decide` for the observations released on `on`."""
    from .queries import released_by

    return decide(indicator_ids, released=released_by(on))
