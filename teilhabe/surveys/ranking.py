"""Aggregate partial top-k rankings, such as "rank the most important areas of action".

Measures and the Borda convention: docs/methods/survey-weighting.md, section 9.
Pure module: sequences or numpy arrays in, frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from teilhabe.surveys.estimates import Estimate, as_weights, weighted_share

UNRANKED = 0  # place recorded in the place matrix for an item a respondent did not rank


@dataclass(frozen=True)
class ItemRanking:
    """How one item fared across all responses (weighted if weights were given)."""

    item: Hashable
    top_k_share: Estimate  # share of respondents placing the item within the first k places
    times_ranked: int  # respondents who ranked the item at any place (unweighted count)
    mean_rank: float | None  # mean place among those who ranked it; None if nobody did
    borda_score: float  # sum of points: place r of m items earns m − r, unranked earns 0
    borda_normalised: float  # borda_score / (total weight × (m − 1)), in [0, 1]


@dataclass(frozen=True)
class RankingSummary:
    """All items, highest Borda score first (ties keep the order of the item list)."""

    items: tuple[ItemRanking, ...]
    k: int
    item_count: int
    n_responses: int
    total_weight: float


def place_matrix(responses: Sequence[Sequence[Hashable]], items: Sequence[Hashable]) -> np.ndarray:
    """Translate responses (ordered lists of item ids) into an n × m matrix of places.

    Entry [i, j] is the 1-based place respondent i gave item j, or ``UNRANKED``.
    Refuses unknown items and items ranked twice in one response.
    """
    column = _item_columns(items)
    places = np.full((len(responses), len(items)), UNRANKED, dtype=np.int64)
    for row, response in enumerate(responses):
        for place, item in enumerate(response, start=1):
            if item not in column:
                raise ValueError(f"response {row}: unknown item {item!r} at place {place}")
            if places[row, column[item]] != UNRANKED:
                raise ValueError(
                    f"response {row}: item {item!r} ranked twice (places {places[row, column[item]]} and {place})"
                )
            places[row, column[item]] = place
    return places


def aggregate_rankings(
    responses: Sequence[Sequence[Hashable]],
    items: Sequence[Hashable],
    *,
    k: int = 3,
    weights: ArrayLike | None = None,
) -> RankingSummary:
    """Top-k shares, mean ranks and Borda scores for partial rankings of ``items``.

    Each response lists item ids from most to least important and may stop
    early; every response passed counts in the base, an empty one included.
    """
    return aggregate_places(place_matrix(responses, items), items, k=k, weights=weights)


def aggregate_places(
    places: np.ndarray, items: Sequence[Hashable], *, k: int = 3, weights: ArrayLike | None = None
) -> RankingSummary:
    """Array entry point of ``aggregate_rankings``: ``places`` as built by ``place_matrix``.

    Respondents with weight 0 are left out. Top-k shares use the Wilson
    interval, or the linearised interval when weighted (``weighted_share``).
    """
    _item_columns(items)
    item_count = len(items)
    if item_count < 2:
        raise ValueError(f"a ranking needs at least two items, got {item_count}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    places = np.asarray(places)
    if places.ndim != 2 or places.shape[1] != item_count:
        raise ValueError(f"places must be an n × {item_count} matrix, got shape {places.shape}")
    _check_places(places)
    weight_array = as_weights(weights, places.shape[0])
    keep = weight_array > 0
    places, weight_array = places[keep], weight_array[keep]
    total_weight = float(weight_array.sum())

    is_ranked = places != UNRANKED
    points = np.where(is_ranked, item_count - places, 0)
    borda = weight_array @ points if places.size else np.zeros(item_count)
    ranked_weight = weight_array @ is_ranked if places.size else np.zeros(item_count)
    place_sum = weight_array @ places if places.size else np.zeros(item_count)
    in_top_k = is_ranked & (places <= k)

    results = []
    for column, item in enumerate(items):
        results.append(
            ItemRanking(
                item=item,
                top_k_share=weighted_share(in_top_k[:, column], None if weights is None else weight_array),
                times_ranked=int(is_ranked[:, column].sum()),
                mean_rank=float(place_sum[column] / ranked_weight[column]) if ranked_weight[column] > 0 else None,
                borda_score=float(borda[column]),
                borda_normalised=float(borda[column] / (total_weight * (item_count - 1))) if total_weight > 0 else 0.0,
            )
        )
    # sorted() is stable, so equal scores keep the order of the item list.
    results.sort(key=lambda result: -result.borda_score)
    return RankingSummary(
        items=tuple(results), k=k, item_count=item_count, n_responses=int(places.shape[0]), total_weight=total_weight
    )


def _item_columns(items: Sequence[Hashable]) -> dict[Hashable, int]:
    column = {item: index for index, item in enumerate(items)}
    if len(column) != len(items):
        raise ValueError(f"item ids must be unique, got {list(items)}")
    return column


def _check_places(places: np.ndarray) -> None:
    """Each row holds places 1..L for some L (a top-L ranking) and UNRANKED elsewhere."""
    if not np.issubdtype(places.dtype, np.integer):
        raise ValueError(f"places must be integers, got dtype {places.dtype}")
    if places.size == 0:
        return
    ranked_count = (places != UNRANKED).sum(axis=1)
    expected = np.sort(np.where(places == UNRANKED, np.iinfo(np.int64).max, places), axis=1)
    positions = np.arange(1, places.shape[1] + 1)
    valid = np.where(positions <= ranked_count[:, None], expected == positions, True).all(axis=1)
    if not np.all(valid):
        row = int(np.flatnonzero(~valid)[0])
        raise ValueError(f"response {row}: places must be 1, 2, … without gaps or repeats, got {places[row].tolist()}")
