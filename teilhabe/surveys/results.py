"""Reads for the analysis pages: results per question and cross-tables, computed from the response dataset.

Open surveys get counts and shares of those who took part (no weights, no intervals); a barometer wave
with a weighting run gets weighted shares and means with 95 % intervals (docs/methods/survey-weighting.md).
The pure modules estimates.py, ranking.py and crosstab.py do the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from teilhabe.core import disclosure

from . import crosstab, estimates, ranking
from .models import Question, Survey
from .queries import Dataset, Variable, load_dataset


@dataclass(frozen=True)
class ShareRow:
    label: str
    value: int
    count: int | None  # respondents (unweighted); None when withheld (too few cases)
    share: float | None  # of those who answered; weighted for a weighted wave
    low: float | None = None
    high: float | None = None
    is_dont_know: bool = False

    @property
    def is_withheld(self) -> bool:
        return self.count is None


def _thresholds() -> disclosure.Thresholds:
    return disclosure.Thresholds(
        minimum=settings.TEILHABE_MIN_PUBLIC_COUNT,
        reliable=max(settings.TEILHABE_MIN_PUBLIC_COUNT, settings.TEILHABE_LIMITED_RELIABILITY_COUNT),
        protection_range=settings.TEILHABE_DISCLOSURE_PROTECTION_RANGE or None,
    )


def _withhold_small_counts(rows: list[ShareRow], base: int, *, exhaustive: bool) -> list[ShareRow]:
    """Withhold rows with 1 ≤ count < TEILHABE_MIN_PUBLIC_COUNT, with their share and interval, and as
    many more as the LP audit needs so that no withheld count follows from the base and the other rows
    (docs/methods/disclosure-control.md). `exhaustive`: the rows add up to the base (one answer each);
    otherwise (several answers possible) each row is checked with its complement, base − count."""
    thresholds = _thresholds()
    counts = [float(row.count or 0) for row in rows]
    if exhaustive:
        table = disclosure.Table(values=(*counts, float(base)), relations=((len(rows), tuple(range(len(rows)))),))
        primary = disclosure.primary_cells(table, thresholds)
        hidden = disclosure.protect(table, primary, thresholds).hidden if primary else frozenset()
    else:
        hidden = {
            position
            for position, count in enumerate(counts)
            if disclosure.is_small(count, thresholds.minimum) or disclosure.is_small(base - count, thresholds.minimum)
        }
    if disclosure.is_small(base, thresholds.minimum):
        hidden = set(range(len(rows)))
    return [
        ShareRow(row.label, row.value, None, None, is_dont_know=row.is_dont_know) if position in hidden else row
        for position, row in enumerate(rows)
    ]


@dataclass(frozen=True)
class Mean:
    """A mean with its base n. Withheld (every number None) when n < TEILHABE_MIN_PUBLIC_COUNT; of limited
    reliability (shown in parentheses) when n < TEILHABE_LIMITED_RELIABILITY_COUNT."""

    estimate: float | None
    low: float | None
    high: float | None
    n: int | None
    is_withheld: bool = False
    is_limited: bool = False


WITHHELD_MEAN = Mean(None, None, None, None, is_withheld=True)


@dataclass(frozen=True)
class RankRow:
    """One ranked item; count, share and interval None when fewer than the minimum placed it in the top k,
    the mean place None when fewer than the minimum ranked it at all."""

    label: str
    top_k_count: int | None
    top_k_share: float | None
    low: float | None
    high: float | None
    times_ranked: int | None
    mean_rank: float | None
    borda_normalised: float | None

    @property
    def is_withheld(self) -> bool:
        return self.top_k_count is None


@dataclass(frozen=True)
class NumberSummary:
    """Answers to a number question. Withheld (all None) when fewer than the minimum answered; no smallest
    and largest answer below TEILHABE_LIMITED_RELIABILITY_COUNT answers, as each is one person's answer."""

    n: int | None
    mean: Mean | None
    median: float | None
    minimum: float | None
    maximum: float | None
    is_withheld: bool = False


@dataclass
class ItemResult:
    """The distribution of one coded variable (a question or a matrix item)."""

    label: str
    base: int
    rows: list[ShareRow] = field(default_factory=list)
    mean: Mean | None = None

    @property
    def has_withheld(self) -> bool:
        return any(row.is_withheld for row in self.rows) or self.is_base_withheld

    @property
    def is_base_withheld(self) -> bool:
        """1 to minimum − 1 answers: the base itself is a small count and shown as "/"."""
        return disclosure.is_small(self.base, settings.TEILHABE_MIN_PUBLIC_COUNT)


@dataclass
class QuestionResult:
    question: Question
    base: int  # respondents who answered
    items: list[ItemResult] = field(default_factory=list)  # one for choice and rating questions, one per matrix row
    ranks: list[RankRow] = field(default_factory=list)
    rank_places: int = 0
    number: NumberSummary | None = None

    @property
    def has_withheld_ranks(self) -> bool:
        return any(row.is_withheld or row.times_ranked is None for row in self.ranks)


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    is_weighted: bool  # weighted estimates with intervals
    has_intervals: bool
    weighted_responses: int
    dataset: Dataset
    questions: list[QuestionResult]


def _weights(dataset: Dataset) -> np.ndarray | None:
    return None if dataset.weights is None else np.asarray(dataset.weights, dtype=float)


def _column(dataset: Dataset, name: str) -> np.ndarray:
    """A numeric column with NaN for missing values."""
    return np.array([np.nan if value is None else float(value) for value in dataset.columns[name]], dtype=float)


def _share_rows(values: np.ndarray, weights: np.ndarray | None, options, *, with_intervals: bool) -> list[ShareRow]:
    answered = ~np.isnan(values)
    base_values = values[answered]
    base_weights = None if weights is None else weights[answered]
    usable = base_values.size > 0 and (base_weights is None or base_weights.sum() > 0)
    rows = []
    for option in options:
        hits = base_values == option.value
        count = int(hits.sum())
        if not usable:
            rows.append(ShareRow(option.label, option.value, count, None, is_dont_know=option.is_dont_know))
            continue
        estimate = (
            estimates.weighted_share(hits, base_weights)
            if base_weights is not None
            else (estimates.wilson_interval(count, int(base_values.size)))
        )
        rows.append(
            ShareRow(
                option.label,
                option.value,
                count,
                estimate.estimate,
                estimate.low if with_intervals else None,
                estimate.high if with_intervals else None,
                is_dont_know=option.is_dont_know,
            )
        )
    return rows


def _mean(values: np.ndarray, weights: np.ndarray | None, domain: np.ndarray, *, with_intervals: bool) -> Mean | None:
    if not domain.any():
        return None
    if weights is not None and not (weights[domain] > 0).any():
        return None
    estimate = estimates.weighted_mean(values, weights, domain=domain)
    if estimate.is_empty:
        return None
    thresholds = _thresholds()
    if estimate.n < thresholds.minimum:
        return WITHHELD_MEAN
    has_interval = with_intervals and estimate.has_interval
    return Mean(
        estimate.estimate,
        estimate.low if has_interval else None,
        estimate.high if has_interval else None,
        estimate.n,
        is_limited=estimate.n < thresholds.reliable,
    )


def _item_result(
    label: str,
    variable: Variable,
    dataset: Dataset,
    question: Question,
    weights: np.ndarray | None,
    *,
    with_intervals: bool,
) -> ItemResult:
    values = _column(dataset, variable.name)
    options = list(question.options.all())
    base = int((~np.isnan(values)).sum())
    result = ItemResult(
        label=label,
        base=base,
        rows=_withhold_small_counts(
            _share_rows(values, weights, options, with_intervals=with_intervals), base, exhaustive=True
        ),
    )
    if question.kind in (Question.Kind.LIKERT, Question.Kind.MATRIX):
        on_scale = ~np.isnan(values) & ~np.isin(values, list(variable.missing_values))
        result.mean = _mean(values, weights, on_scale, with_intervals=with_intervals)
    return result


def _question_result(
    question: Question, dataset: Dataset, weights: np.ndarray | None, *, with_intervals: bool
) -> QuestionResult:
    variables = dataset.question_variables(question)
    kind = question.kind
    if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT):
        item = _item_result(question.text, variables[0], dataset, question, weights, with_intervals=with_intervals)
        return QuestionResult(question, item.base, items=[item])
    if kind == Question.Kind.MATRIX:
        items = [
            _item_result(row.text, variable, dataset, question, weights, with_intervals=with_intervals)
            for row, variable in zip(question.rows.all(), variables, strict=True)
        ]
        return QuestionResult(question, max((item.base for item in items), default=0), items=items)
    if kind == Question.Kind.MULTIPLE_CHOICE:
        matrix = np.vstack([_column(dataset, variable.name) for variable in variables]) if variables else None
        answered = ~np.isnan(matrix[0]) if matrix is not None else np.zeros(dataset.size, dtype=bool)
        base_weights = None if weights is None else weights[answered]
        usable = answered.any() and (base_weights is None or base_weights.sum() > 0)
        rows = []
        for option, line in zip(question.options.all(), matrix if matrix is not None else [], strict=False):
            hits = line[answered] == 1
            count = int(hits.sum())
            if not usable:
                rows.append(ShareRow(option.label, option.value, count, None))
                continue
            estimate = (
                estimates.weighted_share(hits, base_weights)
                if base_weights is not None
                else estimates.wilson_interval(count, int(answered.sum()))
            )
            rows.append(
                ShareRow(
                    option.label,
                    option.value,
                    count,
                    estimate.estimate,
                    estimate.low if with_intervals else None,
                    estimate.high if with_intervals else None,
                )
            )
        base = int(answered.sum())
        rows = _withhold_small_counts(rows, base, exhaustive=False)
        return QuestionResult(question, base, items=[ItemResult(question.text, base, rows)])
    if kind == Question.Kind.RANKING:
        return _ranking_result(question, variables, dataset, weights, with_intervals=with_intervals)
    if kind == Question.Kind.NUMBER:
        values = _column(dataset, variables[0].name)
        answered = ~np.isnan(values)
        plain = values[answered]
        thresholds = _thresholds()
        n = int(answered.sum())
        if disclosure.is_small(n, thresholds.minimum):
            summary = NumberSummary(None, None, None, None, None, is_withheld=True)
        else:
            extremes = plain.size >= thresholds.reliable
            summary = NumberSummary(
                n=n,
                mean=_mean(values, weights, answered, with_intervals=with_intervals),
                median=float(np.median(plain)) if plain.size else None,
                minimum=float(plain.min()) if extremes else None,
                maximum=float(plain.max()) if extremes else None,
            )
        return QuestionResult(question, n, number=summary)
    if kind == Question.Kind.FREE_TEXT:
        texts = dataset.columns[variables[0].name]
        return QuestionResult(question, sum(1 for text in texts if text))
    raise ValueError(f"unknown question kind {kind!r}")


def _ranking_result(
    question: Question, variables: list[Variable], dataset: Dataset, weights: np.ndarray | None, *, with_intervals: bool
) -> QuestionResult:
    options = list(question.options.all())
    k = question.rank_places or 1
    if not variables:
        return QuestionResult(question, 0, rank_places=k)
    places = np.vstack([_column(dataset, variable.name) for variable in variables]).T
    answered = ~np.all(np.isnan(places), axis=1)
    places = np.nan_to_num(places[answered], nan=ranking.UNRANKED).astype(np.int64)
    base = int(answered.sum())
    base_weights = None if weights is None else weights[answered]
    if base == 0 or len(options) < 2 or (base_weights is not None and base_weights.sum() <= 0):
        return QuestionResult(question, base, rank_places=k)
    summary = ranking.aggregate_places(
        places, [option.pk for option in options], k=min(k, len(options)), weights=base_weights
    )
    labels = {option.pk: option.label for option in options}
    column = {option.pk: position for position, option in enumerate(options)}
    minimum = _thresholds().minimum
    rows = []
    for item in summary.items:
        in_top = (places[:, column[item.item]] != ranking.UNRANKED) & (places[:, column[item.item]] <= k)
        count = int(in_top.sum())
        # A count of 1 to minimum − 1 (or all but that many of the base) is withheld with its share; a mean
        # place of so few people is their answers; of a small base nothing is published.
        hidden = disclosure.is_small(count, minimum) or disclosure.is_small(base - count, minimum)
        hidden = hidden or disclosure.is_small(base, minimum)
        few_ranked = disclosure.is_small(item.times_ranked, minimum) or disclosure.is_small(base, minimum)
        rows.append(
            RankRow(
                label=labels[item.item],
                top_k_count=None if hidden else count,
                top_k_share=None if hidden else item.top_k_share.estimate,
                low=item.top_k_share.low if with_intervals and not hidden else None,
                high=item.top_k_share.high if with_intervals and not hidden else None,
                times_ranked=None if few_ranked else item.times_ranked,
                mean_rank=None if few_ranked else item.mean_rank,
                borda_normalised=None if disclosure.is_small(base, minimum) else item.borda_normalised,
            )
        )
    return QuestionResult(question, base, ranks=rows, rank_places=k)


def get_results(survey: Survey, *, dataset: Dataset | None = None) -> SurveyResults:
    """Results of every question. Weighted with intervals for a weighted barometer wave; for a wave not yet
    weighted, unweighted shares with Wilson intervals; for an open survey, counts and shares only."""
    dataset = dataset or load_dataset(survey)
    weights = _weights(dataset)
    is_wave = hasattr(survey, "wave")
    with_intervals = is_wave
    results = [
        _question_result(question, dataset, weights, with_intervals=with_intervals)
        for question in dataset.questionnaire.questions
    ]
    return SurveyResults(
        survey=survey,
        responses=dataset.size,
        is_weighted=weights is not None,
        has_intervals=with_intervals,
        weighted_responses=int((weights > 0).sum()) if weights is not None else dataset.size,
        dataset=dataset,
        questions=results,
    )


# --- Cross-tables ---------------------------------------------------------------------------------------------


def crosstab_variables(dataset: Dataset) -> list[Variable]:
    """Variables that can be cross-tabulated: single-choice and rating questions and matrix items."""
    kinds = {question.pk: question.kind for question in dataset.questionnaire.questions}
    return [
        variable
        for variable in dataset.variables
        if variable.question_id is not None
        and variable.value_labels
        and kinds[variable.question_id] in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT, Question.Kind.MATRIX)
    ]


@dataclass(frozen=True)
class CrosstabTable:
    """A cross-table of codes with the labels to show for them."""

    table: crosstab.Crosstab
    row_variable: Variable
    column_variable: Variable

    def row_label(self, code: int | None) -> str:
        return _("Total") if code is None else self.row_variable.value_labels.get(code, str(code))

    def column_label(self, code: int | None) -> str:
        return _("Total") if code is None else self.column_variable.value_labels.get(code, str(code))


def get_crosstab(dataset: Dataset, *, variable: str, by: str) -> CrosstabTable | None:
    """``variable`` (rows) by immigrant background or district (columns), small cells suppressed.

    Respondents missing either answer (or without weight in a weighted wave) are left out; "don't know"
    is a row like any other. Returns None when the survey asks no demographic questions.
    """
    if by not in ("immigrant_background", "district") or by not in dataset.columns:
        return None
    row_variable = dataset.variable(variable)
    column_variable = dataset.variable(by)
    rows, columns, weights = [], [], []
    weight_column = dataset.weights
    pairs = zip(dataset.columns[variable], dataset.columns[by], strict=True)
    for position, (row_value, column_value) in enumerate(pairs):
        if row_value is None or column_value is None:
            continue
        if weight_column is not None and weight_column[position] <= 0:
            continue
        rows.append(row_value)
        columns.append(column_value)
        if weight_column is not None:
            weights.append(weight_column[position])
    table = crosstab.cross_tabulate(
        rows,
        columns,
        weights=weights if weight_column is not None else None,
        threshold=settings.TEILHABE_MIN_PUBLIC_COUNT,
        protection_range=settings.TEILHABE_DISCLOSURE_PROTECTION_RANGE or None,
        row_categories=list(row_variable.value_labels),
        column_categories=list(column_variable.value_labels),
    )
    return CrosstabTable(table, row_variable, column_variable)


def describe_weighting(results: SurveyResults) -> str:
    if results.is_weighted:
        # xgettext:no-python-format
        return _("Weighted to the population margins; 95 % confidence intervals.")
    if results.has_intervals:
        # xgettext:no-python-format
        return _("Not yet weighted: unweighted shares with 95 % confidence intervals.")
    return _("Views of those who took part, not of the city's population.")
