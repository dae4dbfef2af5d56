"""The integration climate index of the barometer survey: items → domains → overall index.

Scoring rules and the group estimate: docs/methods/survey-weighting.md, section 11.
Pure module: arrays (or one respondent's answers) in, frozen dataclasses out.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

from teilhabe.surveys.estimates import Z_95, Estimate, Method, as_weights, weighted_mean


@dataclass(frozen=True)
class Item:
    """A rating item: answers on ``scale_min..scale_max``; ``missing_codes`` such as "don't know"."""

    key: str
    scale_min: float
    scale_max: float
    is_reversed: bool = False  # true when a high answer means a worse climate
    missing_codes: frozenset[float] = frozenset()

    def __post_init__(self) -> None:
        if not (math.isfinite(self.scale_min) and math.isfinite(self.scale_max) and self.scale_min < self.scale_max):
            raise ValueError(
                f"item {self.key!r}: need finite scale_min < scale_max, got {self.scale_min}..{self.scale_max}"
            )
        inside = sorted(code for code in self.missing_codes if self.scale_min <= code <= self.scale_max)
        if inside:
            raise ValueError(
                f"item {self.key!r}: missing codes {inside} lie on the answer scale and would be ambiguous"
            )


@dataclass(frozen=True)
class Domain:
    """A group of items scored as the mean of those answered, if at least ``minimum_answered`` were."""

    key: str
    item_keys: tuple[str, ...]
    minimum_answered: int
    weight: float = 1.0  # weight of the domain in the overall index


@dataclass(frozen=True)
class ClimateIndex:
    """The index definition; ``minimum_domains`` defaults to all domains."""

    items: tuple[Item, ...]
    domains: tuple[Domain, ...]
    minimum_domains: int | None = None

    def __post_init__(self) -> None:
        item_keys = [item.key for item in self.items]
        if len(set(item_keys)) != len(item_keys):
            raise ValueError(f"item keys must be unique, got {item_keys}")
        domain_keys = [domain.key for domain in self.domains]
        if not domain_keys or len(set(domain_keys)) != len(domain_keys):
            raise ValueError(f"need at least one domain and unique domain keys, got {domain_keys}")
        for domain in self.domains:
            unknown = [key for key in domain.item_keys if key not in item_keys]
            if unknown or not domain.item_keys:
                raise ValueError(f"domain {domain.key!r}: needs items from the index, unknown {unknown}")
            if not 1 <= domain.minimum_answered <= len(domain.item_keys):
                raise ValueError(
                    f"domain {domain.key!r}: minimum_answered must lie in 1..{len(domain.item_keys)}, "
                    f"got {domain.minimum_answered}"
                )
            if not (math.isfinite(domain.weight) and domain.weight > 0):
                raise ValueError(f"domain {domain.key!r}: weight must be positive, got {domain.weight}")
        if self.minimum_domains is not None and not 1 <= self.minimum_domains <= len(self.domains):
            raise ValueError(f"minimum_domains must lie in 1..{len(self.domains)}, got {self.minimum_domains}")

    @property
    def required_domains(self) -> int:
        return len(self.domains) if self.minimum_domains is None else self.minimum_domains

    def item(self, key: str) -> Item:
        return next(item for item in self.items if item.key == key)


@dataclass(frozen=True, eq=False)
class RespondentScores:
    """Scores on 0–100 per respondent; NaN where too little was answered."""

    items: Mapping[str, np.ndarray]
    domains: Mapping[str, np.ndarray]
    overall: np.ndarray


@dataclass(frozen=True)
class RespondentScore:
    """One respondent's scores on 0–100; None where too little was answered."""

    items: Mapping[str, float | None] = field(default_factory=dict)
    domains: Mapping[str, float | None] = field(default_factory=dict)
    overall: float | None = None


@dataclass(frozen=True)
class GroupScore:
    group: Hashable
    estimate: Estimate


def rescale(index: ClimateIndex, item_key: str, answers: ArrayLike) -> np.ndarray:
    """Answers of one item on 0–100 (reversed if needed); NaN for missing codes and NaN answers."""
    item = index.item(item_key)
    values = np.asarray(answers, dtype=float)
    missing = np.isnan(values) | np.isin(values, list(item.missing_codes))
    outside = ~missing & ((values < item.scale_min) | (values > item.scale_max))
    if np.any(outside):
        position = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"item {item.key!r}: respondent {position} answered {values[position]:g}, which is neither on the scale "
            f"{item.scale_min:g}..{item.scale_max:g} nor a missing code {sorted(item.missing_codes)}"
        )
    scores = (values - item.scale_min) / (item.scale_max - item.scale_min) * 100.0
    if item.is_reversed:
        scores = 100.0 - scores
    scores[missing] = np.nan
    return scores


def score_respondents(index: ClimateIndex, answers: Mapping[str, ArrayLike]) -> RespondentScores:
    """Item, domain and overall scores for every respondent; ``answers[item_key]`` holds one answer each."""
    missing_items = [item.key for item in index.items if item.key not in answers]
    if missing_items:
        raise ValueError(f"answers lack items {missing_items}")
    lengths = {key: len(np.asarray(answers[key])) for key in (item.key for item in index.items)}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"every item needs one answer per respondent; lengths differ: {lengths}")
    items = {item.key: rescale(index, item.key, answers[item.key]) for item in index.items}
    domains: dict[str, np.ndarray] = {}
    for domain in index.domains:
        stacked = np.vstack([items[key] for key in domain.item_keys])
        answered = np.sum(~np.isnan(stacked), axis=0)
        sums = np.nansum(stacked, axis=0)
        domains[domain.key] = np.where(answered >= domain.minimum_answered, sums / np.maximum(answered, 1), np.nan)
    stacked_domains = np.vstack([domains[domain.key] for domain in index.domains])
    weights = np.array([domain.weight for domain in index.domains])[:, None]
    available = ~np.isnan(stacked_domains)
    weight_available = np.sum(weights * available, axis=0)
    weighted_sum = np.nansum(weights * stacked_domains, axis=0)
    overall = np.where(
        available.sum(axis=0) >= index.required_domains,
        weighted_sum / np.where(weight_available > 0, weight_available, 1),
        np.nan,
    )
    return RespondentScores(items=MappingProxyType(items), domains=MappingProxyType(domains), overall=overall)


def score_respondent(index: ClimateIndex, answers: Mapping[str, float | None]) -> RespondentScore:
    """Readable entry point for one respondent; an absent or None answer counts as missing."""
    item_scores: dict[str, float | None] = {}
    for item in index.items:
        answer = answers.get(item.key)
        if answer is None or math.isnan(answer) or answer in item.missing_codes:
            item_scores[item.key] = None
            continue
        if not item.scale_min <= answer <= item.scale_max:
            raise ValueError(
                f"item {item.key!r}: answer {answer:g} is neither on the scale {item.scale_min:g}..{item.scale_max:g} "
                f"nor a missing code {sorted(item.missing_codes)}"
            )
        score = (answer - item.scale_min) / (item.scale_max - item.scale_min) * 100.0
        item_scores[item.key] = 100.0 - score if item.is_reversed else score
    domain_scores: dict[str, float | None] = {}
    for domain in index.domains:
        answered = [item_score for key in domain.item_keys if (item_score := item_scores[key]) is not None]
        domain_scores[domain.key] = sum(answered) / len(answered) if len(answered) >= domain.minimum_answered else None
    available = [
        (domain.weight, domain_score)
        for domain in index.domains
        if (domain_score := domain_scores[domain.key]) is not None
    ]
    overall = None
    if len(available) >= index.required_domains:
        overall = sum(weight * score for weight, score in available) / sum(weight for weight, _ in available)
    return RespondentScore(
        items=MappingProxyType(item_scores), domains=MappingProxyType(domain_scores), overall=overall
    )


def group_means(
    scores: ArrayLike,
    groups: Sequence[Hashable],
    weights: ArrayLike | None = None,
    *,
    group_order: Sequence[Hashable] | None = None,
) -> tuple[GroupScore, ...]:
    """Weighted mean score per group with a linearised 95 % interval, cut to the scale (0–100).

    A mean of scores on 0–100 lies on 0–100, so the normal interval is truncated at the scale's ends
    (near the top with few respondents it would otherwise reach above 100).
    Respondents without a score (NaN) are left out of the mean; each group is
    a domain of the whole sample for the variance (section 3). Groups follow
    ``group_order``, else their sorted order; a listed group without scored
    respondents gets an empty estimate.
    """
    values = np.asarray(scores, dtype=float)
    if values.ndim != 1 or len(groups) != values.size:
        raise ValueError(f"need one group per respondent: {values.size} scores but {len(groups)} groups")
    weight_array = as_weights(weights, values.size)
    labels = np.empty(values.size, dtype=object)
    labels[:] = list(groups)
    order = list(group_order) if group_order is not None else sorted(set(labels.tolist()))
    has_score = ~np.isnan(values)
    return tuple(
        GroupScore(
            group=group,
            estimate=on_scale(weighted_mean(values, weight_array, domain=(labels == group) & has_score)),
        )
        for group in order
    )


def on_scale(estimate: Estimate) -> Estimate:
    """The estimate with its interval cut to 0–100, the range every score and so every mean lies in."""
    return dataclasses.replace(estimate, low=max(estimate.low, 0.0), high=min(estimate.high, 100.0))


def difference(first: Estimate, second: Estimate) -> Estimate:
    """``first − second`` (a gap between groups, or a change between waves) with a 95 % interval.

    Section 12 of docs/methods/survey-weighting.md: the standard errors are recovered from the two
    intervals and combined as for independent estimates, which holds for two waves and, under the
    linearisation of section 3, for two disjoint groups of one sample. Without an interval on either
    side the difference has none; with an empty side it is empty.
    """
    if first.is_empty or second.is_empty:
        return Estimate(0.0, 0.0, 0.0, 0, 0.0, Method.LINEARISATION, is_empty=True, has_interval=False)
    value = first.estimate - second.estimate
    n = min(first.n, second.n)
    n_effective = min(first.n_effective, second.n_effective)
    if not (first.has_interval and second.has_interval):
        return Estimate(value, value, value, n, n_effective, Method.LINEARISATION, has_interval=False)
    first_error = (first.high - first.low) / (2 * Z_95)
    second_error = (second.high - second.low) / (2 * Z_95)
    half_width = Z_95 * math.hypot(first_error, second_error)
    return Estimate(value, value - half_width, value + half_width, n, n_effective, Method.LINEARISATION)
