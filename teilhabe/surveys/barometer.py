"""The integration barometer: population margins (CSV import), weighting runs, the climate index, and the
comparison of structure (indicator assessments) with climate (index scores), area by area.

Writes repeat their permission check and are atomic; reads own their joins. The arithmetic lives in the
pure modules weighting.py (raking, trimming, diagnostics) and climate_index.py (scores, group means).
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from teilhabe.monitoring import queries as monitoring
from teilhabe.monitoring.models import AreaOfAction, Edition, Geography, IndicatorVersion
from teilhabe.monitoring.status_labels import NOT_AVAILABLE, STATUS_ORDER, status_css_class, status_label

from . import climate_index, permissions, queries, weighting
from .estimates import Estimate, Method
from .models import (
    AgeBand,
    Barometer,
    ClimateAreaLink,
    GroupCode,
    ImmigrantBackground,
    IndexDomain,
    IndexItem,
    IndexResult,
    InvitationCode,
    MarginDimension,
    PopulationMargin,
    Response,
    ResponseWeight,
    Sex,
    Survey,
    Wave,
    WeightingRun,
)

if TYPE_CHECKING:
    from teilhabe.accounts.models import User

MARGIN_COLUMNS = ("dimension", "category", "population")
MAX_MARGIN_ROWS = 1000
# Margins of one wave describe one population, so every variable must add up to the same total.
MARGIN_TOTAL_TOLERANCE = 1e-6


# --- Margins ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarginProblem:
    row: int | None  # line of the file (the header is line 1); None for the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("line %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class MarginImportError(ValidationError):
    """The margins file was refused; nothing was changed. ``problems`` name line and column."""

    def __init__(self, problems: list[MarginProblem]):
        super().__init__([str(problem) for problem in problems])
        self.problems = problems


def margin_categories() -> dict[str, list[str]]:
    """The valid category codes of each weighting variable (districts: the codes of the district geographies)."""
    return {
        MarginDimension.DISTRICT: list(queries.list_districts().values_list("code", flat=True)),
        MarginDimension.AGE_BAND: list(AgeBand.values),
        MarginDimension.SEX: list(Sex.values),
        MarginDimension.IMMIGRANT_BACKGROUND: list(ImmigrantBackground.values),
    }


def parse_margins(text: str) -> tuple[list[tuple[str, str, float]], list[MarginProblem]]:
    """Rows (dimension, category, population) of a margins CSV and every problem found, by line and column."""
    problems: list[MarginProblem] = []
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        return [], [MarginProblem(None, None, _("The file is empty."))]
    missing = [name for name in MARGIN_COLUMNS if name not in header]
    if missing:
        return [], [
            MarginProblem(
                1, name, _("This column is missing (expected: %(columns)s).") % {"columns": ", ".join(MARGIN_COLUMNS)}
            )
            for name in missing
        ]
    position = {name: header.index(name) for name in MARGIN_COLUMNS}
    categories = margin_categories()
    rows: list[tuple[str, str, float]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(problems) >= MAX_MARGIN_ROWS:
            problems.append(
                MarginProblem(
                    line, None, _("More than %(limit)d rows; is this the right file?") % {"limit": MAX_MARGIN_ROWS}
                )
            )
            break
        values = {name: (cells[index].strip() if index < len(cells) else "") for name, index in position.items()}
        dimension, category = values["dimension"].lower(), values["category"]
        row_problems = []
        if dimension not in categories:
            row_problems.append(
                MarginProblem(
                    line,
                    "dimension",
                    _("“%(value)s” is not a weighting variable; use one of %(choices)s.")
                    % {"value": values["dimension"], "choices": ", ".join(categories)},
                )
            )
        elif category not in categories[dimension]:
            row_problems.append(
                MarginProblem(
                    line,
                    "category",
                    _("“%(value)s” is not a category of %(dimension)s; use one of %(choices)s.")
                    % {"value": category, "dimension": dimension, "choices": ", ".join(categories[dimension]) or "–"},
                )
            )
        population = _population(values["population"])
        if population is None:
            row_problems.append(
                MarginProblem(
                    line,
                    "population",
                    _("“%(value)s” is not a number of people (0 or more).") % {"value": values["population"]},
                )
            )
        if not row_problems and (dimension, category) in seen:
            row_problems.append(
                MarginProblem(
                    line,
                    "category",
                    _("%(dimension)s=%(category)s is already on line %(line)d.")
                    % {"dimension": dimension, "category": category, "line": seen[(dimension, category)]},
                )
            )
        if row_problems:
            problems += row_problems
            continue
        seen[(dimension, category)] = line
        rows.append((dimension, category, population))
    if not rows and not problems:
        problems.append(MarginProblem(None, None, _("The file has no margins.")))
    if not problems:
        problems += _check_margin_totals(rows)
    return rows, problems


def _population(raw: str) -> float | None:
    text = raw.replace(" ", "").replace("\u202f", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def _check_margin_totals(rows: list[tuple[str, str, float]]) -> list[MarginProblem]:
    totals: dict[str, float] = defaultdict(float)
    for dimension, _category, population in rows:
        totals[dimension] += population
    problems = []
    reference_name, reference = next(iter(totals.items()))
    for dimension, total in totals.items():
        if total <= 0:
            problems.append(
                MarginProblem(
                    None, "population", _("The populations of %(dimension)s add up to 0.") % {"dimension": dimension}
                )
            )
        elif abs(total - reference) > MARGIN_TOTAL_TOLERANCE * reference:
            problems.append(
                MarginProblem(
                    None,
                    "population",
                    _(
                        "The populations of %(dimension)s add up to %(total)s, those of %(reference)s to %(reference_total)s; "
                        "every variable must describe the same population."
                    )
                    % {
                        "dimension": dimension,
                        "total": f"{total:g}",
                        "reference": reference_name,
                        "reference_total": f"{reference:g}",
                    },
                )
            )
    return problems


@transaction.atomic
def import_margins(*, actor: User, wave: Wave, file) -> int:
    """Replace the wave's margins with those of a CSV file (dimension, category, population); all or nothing."""
    if not permissions.can_manage_barometer(actor):
        raise PermissionDenied
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as error:
        raise MarginImportError(
            [
                MarginProblem(
                    None, None, _("The file is not UTF-8 text (byte %(position)d).") % {"position": error.start}
                )
            ]
        ) from error
    rows, problems = parse_margins(text)
    if problems:
        raise MarginImportError(problems)
    PopulationMargin.objects.filter(wave=wave).delete()
    PopulationMargin.objects.bulk_create(
        PopulationMargin(wave=wave, dimension=dimension, category=category, population=population)
        for dimension, category, population in rows
    )
    return len(rows)


# --- Weighting -------------------------------------------------------------------------------------------------


def _margins_of(wave: Wave) -> dict[str, dict[str, float]]:
    margins: dict[str, dict[str, float]] = {}
    for margin in PopulationMargin.objects.filter(wave=wave).order_by("dimension", "pk"):
        margins.setdefault(margin.dimension, {})[margin.category] = margin.population
    return margins


@transaction.atomic
def run_weighting(*, actor: User | None, wave: Wave) -> WeightingRun:
    """Rake the wave's responses to its margins (with trimming) and store the weights and diagnostics.

    Respondents who left a weighting variable unanswered, or gave a category the margins do not list,
    cannot be weighted: they get weight 0 and are counted in the run (docs/surveys.md).
    """
    if actor is not None and not permissions.can_manage_barometer(actor):
        raise PermissionDenied
    margins = _margins_of(wave)
    if not margins:
        raise ValidationError(_("Import the population margins of this wave first."))
    responses = list(Response.objects.filter(survey=wave.survey).select_related("district").order_by("pk"))
    if not responses:
        raise ValidationError(_("This wave has no responses to weight."))
    included, respondents = [], []
    for response in responses:
        values = {
            MarginDimension.DISTRICT: response.district.code if response.district else "",
            MarginDimension.AGE_BAND: response.age_band,
            MarginDimension.SEX: response.sex,
            MarginDimension.IMMIGRANT_BACKGROUND: response.immigrant_background,
        }
        labels = {dimension: values[dimension] for dimension in margins}
        if all(label in margins[dimension] for dimension, label in labels.items()):
            included.append(response)
            respondents.append(labels)
    if not respondents:
        raise ValidationError(_("No response gives every weighting variable; nothing can be weighted."))
    trimming = weighting.Trimming(lower=wave.trim_lower, upper=wave.trim_upper)
    # Categories nobody in the sample falls into cannot be met; leave them out with a clear message instead.
    try:
        result = weighting.rake_by_labels(respondents, margins, trimming=trimming)
    except weighting.RakingError as error:
        raise ValidationError(
            _("The weighting cannot meet the margins: %(reason)s") % {"reason": str(error)}
        ) from error
    summary = result.summary
    report = result.trimming
    run = WeightingRun.objects.create(
        wave=wave,
        created_by=actor,
        converged=result.converged,
        iterations=result.iterations,
        margin_errors=[
            {"margin": error.margin, "absolute": error.absolute, "relative": error.relative}
            for error in result.max_margin_error
        ],
        respondents=len(responses),
        weighted_respondents=len(included),
        trim_lower=trimming.lower,
        trim_upper=trimming.upper,
        trimming={}
        if report is None
        else {
            "lower_bound": report.lower_bound,
            "upper_bound": report.upper_bound,
            "rounds": report.rounds,
            "trimmed_respondents": report.trimmed_respondents,
            "is_within_bounds": report.is_within_bounds,
            "max_relative_violation": report.max_relative_violation,
        },
        weight_min=summary.minimum,
        weight_max=summary.maximum,
        weight_mean=summary.mean,
        coefficient_of_variation=summary.coefficient_of_variation,
        n_effective=summary.n_effective,
        design_effect=summary.design_effect,
    )
    weights = {response.pk: float(weight) for response, weight in zip(included, result.weights, strict=True)}
    ResponseWeight.objects.bulk_create(
        [ResponseWeight(run=run, response=response, weight=weights.get(response.pk, 0.0)) for response in responses],
        batch_size=2000,
    )
    return run


# --- The climate index ------------------------------------------------------------------------------------------


def get_index_definition(
    barometer: Barometer, *, missing_codes: dict[str, frozenset[float]] | None = None
) -> climate_index.ClimateIndex:
    """The barometer's index as the pure module's definition; raises ValidationError if it is incomplete."""
    domains = list(IndexDomain.objects.filter(barometer=barometer).prefetch_related("items").order_by("position", "pk"))
    items, domain_specs = [], []
    for domain in domains:
        domain_items = list(domain.items.all())
        for item in domain_items:
            items.append(
                climate_index.Item(
                    key=item.variable,
                    scale_min=item.scale_min,
                    scale_max=item.scale_max,
                    is_reversed=item.is_reversed,
                    missing_codes=(missing_codes or {}).get(item.variable, frozenset()),
                )
            )
        if domain_items:
            domain_specs.append(
                climate_index.Domain(
                    key=domain.code,
                    item_keys=tuple(item.variable for item in domain_items),
                    minimum_answered=min(domain.minimum_answered, len(domain_items)),
                    weight=domain.weight,
                )
            )
    if not domain_specs:
        raise ValidationError(_("Define the index first: at least one domain with items."))
    try:
        return climate_index.ClimateIndex(
            items=tuple(items), domains=tuple(domain_specs), minimum_domains=barometer.minimum_domains
        )
    except ValueError as error:
        raise ValidationError(_("The index definition is not usable: %(reason)s") % {"reason": str(error)}) from error


@transaction.atomic
def compute_climate_index(*, actor: User | None, wave: Wave) -> int:
    """Score every respondent and store the index (overall, domains, items) by group with intervals.

    Uses the wave's latest weighting run; without one the estimates are unweighted.
    """
    if actor is not None and not permissions.can_manage_barometer(actor):
        raise PermissionDenied
    barometer = wave.barometer
    dataset = queries.load_dataset(wave.survey)
    variables = {variable.name: variable for variable in dataset.variables}
    item_rows = list(IndexItem.objects.filter(domain__barometer=barometer).select_related("domain"))
    unknown = sorted({item.variable for item in item_rows if item.variable not in variables})
    if unknown:
        raise ValidationError(
            _("The survey of %(wave)s has no variable %(names)s used by the index.")
            % {"wave": wave, "names": ", ".join(unknown)}
        )
    missing = {
        item.variable: frozenset(float(code) for code in variables[item.variable].missing_values) for item in item_rows
    }
    definition = get_index_definition(barometer, missing_codes=missing)
    answers = {
        key: np.array([np.nan if value is None else float(value) for value in dataset.columns[key]])
        for key in {item.key for item in definition.items}
    }
    try:
        scores = climate_index.score_respondents(definition, answers)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    weights = None if dataset.weights is None else np.asarray(dataset.weights, dtype=float)
    if weights is not None and not (weights > 0).any():
        weights = None
    background = dataset.columns.get("immigrant_background") or [None] * dataset.size
    groups = np.array(
        [{1: GroupCode.WITH_BACKGROUND, 2: GroupCode.WITHOUT_BACKGROUND}.get(value, "") for value in background],
        dtype=object,
    )
    domains = {domain.code: domain for domain in IndexDomain.objects.filter(barometer=barometer)}
    items = {item.variable: item for item in item_rows}
    components: list[tuple[dict, np.ndarray]] = [({}, scores.overall)]
    components += [({"domain": domains[key]}, values) for key, values in scores.domains.items()]
    components += [({"item": items[key]}, values) for key, values in scores.items.items()]
    IndexResult.objects.filter(wave=wave).delete()
    rows = []
    for target, values in components:
        has_score = ~np.isnan(values)
        for group in GroupCode:
            in_group = has_score if group == GroupCode.ALL else has_score & (groups == group.value)
            estimate = _group_estimate(values, weights, in_group)
            rows.append(
                IndexResult(
                    wave=wave,
                    run=dataset.run if weights is not None else None,
                    group=group.value,
                    estimate=estimate.estimate,
                    low=estimate.low,
                    high=estimate.high,
                    n=estimate.n,
                    n_effective=estimate.n_effective,
                    has_interval=estimate.has_interval and not estimate.is_empty,
                    **target,
                )
            )
    IndexResult.objects.bulk_create(rows)
    return len(rows)


def _group_estimate(values: np.ndarray, weights: np.ndarray | None, domain: np.ndarray) -> Estimate:
    from .climate_index import on_scale
    from .estimates import weighted_mean

    if weights is not None and not (weights[domain] > 0).any():
        return Estimate(0.0, 0.0, 0.0, 0, 0.0, Method.LINEARISATION, is_empty=True, has_interval=False)
    # Scores lie on 0–100, so their mean's interval does too.
    return on_scale(weighted_mean(values, weights, domain=domain))


# --- Reads ---------------------------------------------------------------------------------------------------------


def list_barometers() -> list[Barometer]:
    return list(
        Barometer.objects.prefetch_related(Prefetch("waves", queryset=Wave.objects.order_by("year"))).order_by("slug")
    )


def get_wave(slug: str, year: int) -> Wave:
    return get_object_or_404(Wave.objects.select_related("barometer", "survey"), barometer__slug=slug, year=year)


def count_invitation_codes(survey: Survey) -> dict[str, int]:
    counts = InvitationCode.objects.filter(survey=survey).aggregate(
        issued=Count("pk"), used=Count("pk", filter=Q(used_on__isnull=False))
    )
    return {"issued": counts["issued"] or 0, "used": counts["used"] or 0}


def climate_minimum() -> int:
    """Fewest respondents with a score for a group's index value to be published (settings)."""
    return max(settings.TEILHABE_CLIMATE_INDEX_MIN_N, settings.TEILHABE_MIN_PUBLIC_COUNT)


def is_withheld_result(result: IndexResult) -> bool:
    """A group's index value (overall, domain or item) from too few respondents: no figure is published."""
    return 0 < result.n < climate_minimum()


def withheld_components() -> set[tuple[int, int | None, int | None]]:
    """(wave, domain, item) of the index values with a withheld group: the other groups' n must go too,
    or n(all) − n(other group) would give the withheld n back."""
    return {
        (result.wave_id, result.domain_id, result.item_id)
        for result in IndexResult.objects.filter(n__gt=0, n__lt=climate_minimum()).only("wave", "domain", "item")
    }


@dataclass(frozen=True)
class Score:
    """A stored index value as the page shows it; a withheld one (too few respondents) has no figure."""

    estimate: float | None
    low: float | None
    high: float | None
    n: int | None
    is_withheld: bool = False

    @classmethod
    def of(cls, result: IndexResult | None) -> Score | None:
        if result is None or result.n == 0:
            return None
        if is_withheld_result(result):
            return cls(None, None, None, None, is_withheld=True)
        return cls(
            result.estimate,
            result.low if result.has_interval else None,
            result.high if result.has_interval else None,
            result.n,
        )

    def as_estimate(self) -> Estimate:
        has_interval = self.low is not None and self.high is not None
        return Estimate(
            self.estimate,
            self.low if has_interval else self.estimate,
            self.high if has_interval else self.estimate,
            self.n,
            float(self.n),
            Method.LINEARISATION,
            has_interval=has_interval,
        )


@dataclass
class ComponentRow:
    """One line of an index table: a component (overall, domain, item) with its score per group."""

    label: str
    kind: str  # overall | domain | item
    scores: dict[str, Score | None]


@dataclass
class WaveIndex:
    wave: Wave
    rows: list[ComponentRow]


def _component_key(result: IndexResult) -> tuple[str, int | None]:
    if result.domain_id:
        return ("domain", result.domain_id)
    if result.item_id:
        return ("item", result.item_id)
    return ("overall", None)


def _results_by_wave(waves: list[Wave]) -> dict[int, dict[tuple[str, int | None, str], IndexResult]]:
    found: dict[int, dict[tuple[str, int | None, str], IndexResult]] = defaultdict(dict)
    for result in IndexResult.objects.filter(wave__in=waves):
        kind, pk = _component_key(result)
        found[result.wave_id][(kind, pk, result.group)] = result
    return found


@dataclass
class BarometerPage:
    barometer: Barometer
    waves: list[Wave]
    trend: list[ComponentRow]  # overall index per wave (label = year), by group
    latest: WaveIndex | None
    domains: list[IndexDomain] = field(default_factory=list)
    is_weighted: bool = False


def get_barometer_page(slug: str) -> BarometerPage:
    barometer = get_object_or_404(Barometer, slug=slug)
    waves = list(Wave.objects.filter(barometer=barometer).select_related("survey").order_by("year"))
    domains = list(IndexDomain.objects.filter(barometer=barometer).prefetch_related("items").order_by("position"))
    results = _results_by_wave(waves)
    groups = [group.value for group in GroupCode]
    trend = [
        ComponentRow(
            str(wave.year),
            "overall",
            {group: Score.of(results[wave.pk].get(("overall", None, group))) for group in groups},
        )
        for wave in waves
        if results.get(wave.pk)
    ]
    latest = None
    computed = [wave for wave in waves if results.get(wave.pk)]
    if computed:
        wave = computed[-1]
        rows = [
            ComponentRow(
                _("Integration climate index"),
                "overall",
                {group: Score.of(results[wave.pk].get(("overall", None, group))) for group in groups},
            )
        ]
        for domain in domains:
            rows.append(
                ComponentRow(
                    domain.title,
                    "domain",
                    {group: Score.of(results[wave.pk].get(("domain", domain.pk, group))) for group in groups},
                )
            )
            for item in domain.items.all():
                rows.append(
                    ComponentRow(
                        item.title,
                        "item",
                        {group: Score.of(results[wave.pk].get(("item", item.pk, group))) for group in groups},
                    )
                )
        latest = WaveIndex(wave, rows)
    is_weighted = bool(computed) and IndexResult.objects.filter(wave=computed[-1], run__isnull=False).exists()
    return BarometerPage(
        barometer=barometer, waves=waves, trend=trend, latest=latest, domains=domains, is_weighted=is_weighted
    )


@dataclass
class WavePage:
    wave: Wave
    margins: dict[str, list[PopulationMargin]]
    margin_totals: dict[str, float]
    run: WeightingRun | None
    responses: int
    codes: dict[str, int]
    index: WaveIndex | None


def get_wave_page(wave: Wave) -> WavePage:
    margins: dict[str, list[PopulationMargin]] = defaultdict(list)
    for margin in PopulationMargin.objects.filter(wave=wave).order_by("dimension", "pk"):
        margins[margin.dimension].append(margin)
    run = queries.get_latest_run(wave.survey)
    page = get_barometer_page(wave.barometer.slug)
    index = None
    results = _results_by_wave([wave]).get(wave.pk)
    if results:
        groups = [group.value for group in GroupCode]
        rows = [
            ComponentRow(
                _("Integration climate index"),
                "overall",
                {group: Score.of(results.get(("overall", None, group))) for group in groups},
            )
        ]
        rows += [
            ComponentRow(
                domain.title, "domain", {group: Score.of(results.get(("domain", domain.pk, group))) for group in groups}
            )
            for domain in page.domains
        ]
        index = WaveIndex(wave, rows)
    return WavePage(
        wave=wave,
        margins=dict(margins),
        margin_totals={dimension: sum(m.population for m in rows) for dimension, rows in margins.items()},
        run=run,
        responses=Response.objects.filter(survey=wave.survey).count(),
        codes=count_invitation_codes(wave.survey),
        index=index,
    )


# --- Structure vs. climate -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    code: str
    label: str
    css_class: str
    count: int


@dataclass(frozen=True)
class GroupClimate:
    """The climate score of one group in the latest wave, the previous wave and the change between them."""

    group: str
    label: str
    score: Score | None
    previous: Score | None
    change: Estimate | None


@dataclass(frozen=True)
class AreaComparison:
    area: AreaOfAction
    indicator_count: int
    status_counts: tuple[StatusCount, ...]
    component_label: str | None  # the index domain or item linked to the area
    climate: tuple[GroupClimate, ...]
    # the structural gap: status of the gap series of the area's gap indicators
    gap_status_counts: tuple[StatusCount, ...] = ()
    # the climate gap: with minus without an immigrant background in the latest wave (None if either is missing)
    climate_gap: Estimate | None = None
    # the linked item is reverse-coded, or the linked domain holds reverse-coded items (scored so 100 is best)
    is_reversed: bool = False

    @property
    def gap_indicator_count(self) -> int:
        return sum(status.count for status in self.gap_status_counts)


@dataclass(frozen=True)
class StructureVsClimate:
    edition: Edition | None
    barometer: Barometer | None
    wave: Wave | None
    previous_wave: Wave | None
    entries: tuple[AreaComparison, ...]


def _headline_statuses(edition: Edition) -> dict[int, str]:
    """Indicator id → status of its headline series at city level: the gap for gap indicators, else the total."""
    versions = {version.indicator_id: version for version in IndicatorVersion.objects.filter(edition=edition)}
    city_level = Geography.Level.CITY
    statuses: dict[int, str] = {}
    for assessment in monitoring.list_assessments(edition=edition):
        version = versions.get(assessment.indicator_id)
        if version is None or assessment.geography.level != city_level:
            continue
        wanted = "gap" if version.is_gap else "total"
        if assessment.series_kind == wanted and assessment.breakdown_key == "":
            statuses[assessment.indicator_id] = assessment.status
    return statuses


def _latest_barometer() -> Barometer | None:
    wave = Wave.objects.filter(index_results__isnull=False).select_related("barometer").order_by("-year", "-pk").first()
    return wave.barometer if wave else Barometer.objects.order_by("slug").first()


def get_structure_vs_climate(
    *, edition: Edition | None = None, barometer: Barometer | None = None
) -> StructureVsClimate:
    """For each area of action of the edition (default: the current one): the status counts of its structural
    indicators (its topics' included) beside the linked climate score, its change since the previous wave,
    for people with and without an immigrant background.

    Entries: every top-level area, plus topics that have their own climate link, in concept order.
    """
    edition = edition or monitoring.get_current_edition()
    barometer = barometer or _latest_barometer()
    if edition is None:
        return StructureVsClimate(None, barometer, None, None, ())
    areas = list(AreaOfAction.objects.filter(edition=edition).select_related("parent").order_by("position", "code"))
    links = {}
    if barometer is not None:
        links = {
            link.area_id: link
            for link in ClimateAreaLink.objects.filter(barometer=barometer, area__edition=edition).select_related(
                "domain", "item"
            )
        }
    children: dict[int, list[int]] = defaultdict(list)
    for area in areas:
        if area.parent_id:
            children[area.parent_id].append(area.pk)

    def family(area_id: int) -> list[int]:
        found = [area_id]
        for child in children.get(area_id, []):
            found += family(child)
        return found

    versions = (
        IndicatorVersion.objects.filter(edition=edition)
        .exclude(status=IndicatorVersion.Status.RETIRED)
        .values_list("area_id", "indicator_id", "comparison")
    )
    indicators_by_area: dict[int, list[int]] = defaultdict(list)
    gap_indicators: set[int] = set()
    for area_id, indicator_id, comparison in versions:
        indicators_by_area[area_id].append(indicator_id)
        if comparison == IndicatorVersion.Comparison.GAP:
            gap_indicators.add(indicator_id)
    statuses = _headline_statuses(edition)

    waves = []
    if barometer is not None:
        waves = [
            wave
            for wave in Wave.objects.filter(barometer=barometer).order_by("year")
            if IndexResult.objects.filter(wave=wave).exists()
        ]
    wave = waves[-1] if waves else None
    previous = waves[-2] if len(waves) > 1 else None
    results = _results_by_wave([w for w in (wave, previous) if w is not None])

    ordered = [area for area in areas if area.parent_id is None]
    topics = [area for area in areas if area.parent_id is not None and area.pk in links]
    entries = []
    for area in _concept_order(ordered, topics):
        indicator_ids = [indicator for member in family(area.pk) for indicator in indicators_by_area.get(member, [])]
        counter = Counter(statuses.get(indicator, NOT_AVAILABLE) for indicator in indicator_ids)
        status_counts = tuple(
            StatusCount(code, status_label(code), status_css_class(code), counter[code])
            for code in STATUS_ORDER
            if counter[code]
        )
        gap_counter = Counter(
            statuses.get(indicator, NOT_AVAILABLE) for indicator in indicator_ids if indicator in gap_indicators
        )
        gap_status_counts = tuple(
            StatusCount(code, status_label(code), status_css_class(code), gap_counter[code])
            for code in STATUS_ORDER
            if gap_counter[code]
        )
        link = links.get(area.pk)
        climate: tuple[GroupClimate, ...] = ()
        climate_gap = None
        is_reversed = False
        label = None
        if link is not None and wave is not None:
            kind, pk = ("domain", link.domain_id) if link.domain_id else ("item", link.item_id)
            label = str(link.component)
            climate_rows = []
            for group in (GroupCode.WITH_BACKGROUND, GroupCode.WITHOUT_BACKGROUND):
                score = Score.of(results.get(wave.pk, {}).get((kind, pk, group.value)))
                before = Score.of(results.get(previous.pk, {}).get((kind, pk, group.value))) if previous else None
                change = (
                    climate_index.difference(score.as_estimate(), before.as_estimate())
                    if score is not None and before is not None and not (score.is_withheld or before.is_withheld)
                    else None
                )
                climate_rows.append(GroupClimate(group.value, str(group.label), score, before, change))
            climate = tuple(climate_rows)
            with_score, without_score = climate_rows[0].score, climate_rows[1].score
            if with_score is not None and without_score is not None:
                if not (with_score.is_withheld or without_score.is_withheld):
                    climate_gap = climate_index.difference(with_score.as_estimate(), without_score.as_estimate())
            is_reversed = link.item.is_reversed if link.item_id else link.domain.items.filter(is_reversed=True).exists()
        entries.append(
            AreaComparison(
                area, len(indicator_ids), status_counts, label, climate, gap_status_counts, climate_gap, is_reversed
            )
        )
    return StructureVsClimate(edition, barometer, wave, previous, tuple(entries))


def _concept_order(top_level: list[AreaOfAction], topics: list[AreaOfAction]) -> list[AreaOfAction]:
    ordered = []
    for area in top_level:
        ordered.append(area)
        ordered += [topic for topic in topics if topic.parent_id == area.pk]
    return ordered
