"""Stored progress assessments: adapt observations and targets to the pure engine and keep its results.

How stored assessments are computed is documented in docs/methods/progress.md, section 11. The pure
methods live in progress.py and opensdg.py; this module reads the rows they need in a fixed number of
queries, hands them over and writes `Assessment` rows. Writers do not call it directly: they call
tasks.enqueue_recompute, which runs `recompute_assessments` as a background job.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from django.db import transaction
from django.utils import timezone

from teilhabe.core.cache import bump_data_version

from . import opensdg, progress
from .breakdowns import parse_key
from .models import (
    Assessment,
    BreakdownCategory,
    Edition,
    Geography,
    IndicatorVersion,
    Target,
)
from .periods import PeriodKind
from .queries import get_current_edition, list_public_observations

# Key of IndicatorVersion.profile_parameters under which an Open SDG import keeps the publisher's settings.
OPENSDG_PARAMETERS = "opensdg"
# Periods that stand for one year: a school year counts as its first year, a reference date as its year.
YEAR_LIKE_PERIODS = frozenset({PeriodKind.YEAR, PeriodKind.SCHOOL_YEAR, PeriodKind.REFERENCE_DATE})
BATCH_SIZE = 1000

# The subject of the explanation sentences, with its article. Explanations are content stored in both
# languages (like progress.explain's own wording), not interface text rendered in the reader's language.
SUBJECTS = {
    "value": {"en": "the value", "de": "der Wert"},
    progress.GapMetric.DIFFERENCE: {"en": "the gap", "de": "der Abstand"},
    progress.GapMetric.RATIO: {"en": "the ratio", "de": "das Verhältnis"},
    progress.GapMetric.PARITY_INDEX: {"en": "the parity index", "de": "der Paritätsindex"},
}
STATUS_CODES = frozenset(status.value for status in progress.Status)
PERCENT_UNITS = frozenset({"%", "percent", "percentage", "prozent"})
POINTS = {"en": "percentage points", "de": "Prozentpunkte"}
IN_POINTS = {"en": "in percentage points", "de": "in Prozentpunkten"}
COUNT_UNITS = frozenset({"number", "count", "anzahl"})
# A longer "unit" is a description ("Number of litres of pure alcohol per person ..."), not something to
# write after every number.
UNIT_MAX_LENGTH = 25


# --------------------------------------------------------------------------- entry points


@transaction.atomic
def recompute_assessments(
    *, edition: Edition | None = None, indicator_ids: Iterable[int] | None = None, today: date | None = None
) -> int:
    """Assess every active indicator of the edition (default: the current one) and store the results.

    With `indicator_ids`, only those indicators' assessments are replaced; otherwise all of the
    edition's, so rows of retired indicators disappear. Returns the number of rows stored. Reads
    a fixed number of queries whatever the number of indicators; runs as one transaction.
    """
    edition = edition or get_current_edition()
    if edition is None:
        return 0
    ids = None if indicator_ids is None else sorted(set(indicator_ids))
    # Serialise recomputations of one edition: two jobs replacing the same rows would collide.
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    rows = compute_assessments(edition=edition, indicator_ids=ids, today=today)
    stale = Assessment.objects.filter(edition=edition)
    if ids is not None:
        stale = stale.filter(indicator_id__in=ids)
    stale.delete()
    Assessment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    transaction.on_commit(bump_data_version)
    return len(rows)


def compute_assessments(
    *, edition: Edition, indicator_ids: Iterable[int] | None = None, today: date | None = None
) -> list[Assessment]:
    """The `Assessment` rows `recompute_assessments` would store, unsaved."""
    inputs = _load(edition, indicator_ids, today or timezone.localdate())
    rows: list[Assessment] = []
    for version in inputs.versions:
        if OPENSDG_PARAMETERS in (version.profile_parameters or {}):
            rows.extend(_assess_opensdg_version(version, inputs))
        else:
            rows.extend(_assess_native_version(version, inputs))
    return rows


def calculation_components(*, edition: Edition, today: date | None = None, progress_bar=None) -> dict[str, dict]:
    """Every indicator's status, score and series components in the shape of Open SDG's
    indicator_calculation_components.yml (docs/methods/progress.md, section 11).

    Indicators imported from an Open SDG repository are assessed from their rebuilt Open SDG rows,
    so the result equals assessing the files; native indicators report their total city series
    (labelled with the indicator code) and their gap series ("<code> gap"). `progress_bar(iterable,
    total=, desc=)`, when given, wraps the loop over the indicators (a command's bar).
    """
    inputs = _load(edition, None, today or timezone.localdate())
    result: dict[str, dict] = {}
    versions = sorted(inputs.versions, key=lambda v: _natural_key(v.indicator.code))
    for version in progress_bar(versions, desc="indicators") if progress_bar else versions:
        code = version.indicator.code
        if OPENSDG_PARAMETERS in (version.profile_parameters or {}):
            result[code] = opensdg.assess_opensdg_indicator(rebuild_opensdg_indicator(version, inputs))
            continue
        headline = None
        series: dict[str, dict] = {}
        for row in _assess_native_version(version, inputs):
            if row.geography_id not in inputs.roots:
                continue
            if row.series_kind == Assessment.SeriesKind.TOTAL and headline is None:
                headline = row
                series[code] = _published_components(row.components)
            elif row.series_kind == Assessment.SeriesKind.GAP:
                series[f"{code} gap"] = _published_components(row.components)
        result[code] = {
            "progress_status": headline.status if headline else progress.Status.NOT_AVAILABLE.value,
            "score": headline.score if headline else None,
            **series,
        }
    return result


# --------------------------------------------------------------------------- reading


@dataclass
class _Inputs:
    """Everything an edition's assessment needs, read in a fixed number of queries."""

    edition: Edition
    versions: list[IndicatorVersion]
    # indicator id -> (geography id, breakdown key) -> observation tuples ordered by period start
    observations: dict[int, dict[tuple[int, str], list[tuple]]]
    # (indicator id, kind, breakdown key, geography id) -> target
    targets: dict[tuple[int, str, str, int], Target]
    geographies: dict[int, Geography]
    roots: set[int] = field(default_factory=set)
    # (dimension code, category code) -> category label, for rebuilding Open SDG rows
    category_labels: dict[tuple[str, str], str] = field(default_factory=dict)


OBSERVATION_FIELDS = (
    "indicator_id",
    "geography_id",
    "breakdown_key",
    "period_kind",
    "period_start",
    "period",
    "value",
    "progress_value",
    "standard_error",
    "sample_size",
)


def _load(edition: Edition, indicator_ids: Iterable[int] | None, today: date) -> _Inputs:
    versions = IndicatorVersion.objects.filter(edition=edition, status=IndicatorVersion.Status.ACTIVE).select_related(
        "indicator", "group_a__dimension", "group_b__dimension"
    )
    if indicator_ids is not None:
        versions = versions.filter(indicator_id__in=list(indicator_ids))
    versions = list(versions.order_by("position", "indicator__code"))
    ids = [version.indicator_id for version in versions]
    geographies = {geography.pk: geography for geography in Geography.objects.only("code", "level", "parent_id")}
    inputs = _Inputs(
        edition=edition,
        versions=versions,
        observations=defaultdict(lambda: defaultdict(list)),
        targets={
            (t.indicator_id, t.kind, t.breakdown_key, t.geography_id): t
            for t in Target.objects.filter(edition=edition, indicator_id__in=ids)
        },
        geographies=geographies,
        roots={pk for pk, geography in geographies.items() if geography.parent_id is None},
    )
    if not ids:
        return inputs
    # The assessment is published, so it reads observations through the public gateway: only those
    # released today, withheld ones without any figure (docs/methods/disclosure-control.md).
    rows = (
        list_public_observations(on=today)
        .filter(indicator_id__in=ids)
        .select_related(None)
        .only(
            "indicator",
            "geography",
            "breakdown_key",
            "period_kind",
            "period_start",
            "period",
            "value",
            "progress_value",
            "standard_error",
            "sample_size",
            "numerator",
            "denominator",
        )
        .order_by("indicator_id", "geography_id", "breakdown_key", "period_start")
    )
    for observation in rows.iterator(chunk_size=10_000):
        row = tuple(getattr(observation, name) for name in OBSERVATION_FIELDS) + (observation.is_withheld,)
        inputs.observations[row[0]][(row[1], row[2])].append(row)
    opensdg_dimensions = {
        code
        for version in versions
        for code in (version.profile_parameters or {}).get(OPENSDG_PARAMETERS, {}).get("dimensions", {}).values()
    }
    if opensdg_dimensions:
        categories = BreakdownCategory.objects.filter(dimension__code__in=opensdg_dimensions).values_list(
            "dimension__code", "code", "name_en", "name"
        )
        inputs.category_labels = {(d, c): name_en or name for d, c, name_en, name in categories}
    return inputs


def _points(rows: list[tuple]) -> tuple[tuple[progress.Point, ...], list[str]]:
    """Observations of one series as yearly points; of two in the same year the later one counts."""
    by_year: dict[int, tuple[str, progress.Point]] = {}
    warnings: list[str] = []
    for _i, _g, _k, kind, start, period, value, progress_value, standard_error, sample_size, withheld in rows:
        if kind not in YEAR_LIKE_PERIODS:
            warnings.append(f"period {period} is not a year, a school year or a date; left out")
            continue
        point = progress.Point(
            year=start.year,
            value=progress_value if progress_value is not None else value,
            standard_error=standard_error,
            sample_size=sample_size,
            is_withheld=withheld,
        )
        if start.year in by_year:
            earlier = by_year[start.year][0]
            warnings.append(f"{earlier} and {period} both fall in {start.year}; the later, {period}, is used")
        by_year[start.year] = (period, point)
    return tuple(point for _period, point in by_year.values()), warnings


# --------------------------------------------------------------------------- native indicators


def _assess_native_version(version: IndicatorVersion, inputs: _Inputs) -> list[Assessment]:
    """Total and group series of every geography, and the gap series when the version compares groups."""
    parameters = version.profile_parameters or {}
    series = inputs.observations.get(version.indicator_id, {})
    inherit = parameters.get("city_target_for_districts", True) is not False
    rows: list[Assessment] = []
    for (geography_id, key), observations in series.items():
        kind = Assessment.SeriesKind.TOTAL if key == "" else Assessment.SeriesKind.GROUP
        target = _target(inputs, version.indicator_id, Target.Kind.VALUE, key, geography_id, inherit=inherit)
        options = _value_options(version, parameters, target)
        points, warnings = _points(observations)
        assessment = _with_warnings(progress.assess_series(points, options), warnings)
        rows.append(_row(version, inputs, kind, key, geography_id, assessment, "value"))
    if version.is_gap and version.group_a and version.group_b:
        key_a, key_b = version.group_a.key, version.group_b.key
        geography_ids = {geography_id for geography_id, key in series if key in (key_a, key_b)}
        for geography_id in sorted(geography_ids):
            points_a, warnings_a = _points(series.get((geography_id, key_a), []))
            points_b, warnings_b = _points(series.get((geography_id, key_b), []))
            gap = progress.derive_gap(points_a, points_b, version.gap_metric)
            target = _target(inputs, version.indicator_id, Target.Kind.GAP, "", geography_id, inherit=inherit)
            options = _gap_options(version, parameters, target, gap)
            assessment = _with_warnings(progress.assess_series(gap, options), [*warnings_a, *warnings_b])
            rows.append(
                _row(version, inputs, Assessment.SeriesKind.GAP, "", geography_id, assessment, version.gap_metric)
            )
    return rows


def _target(
    inputs: _Inputs, indicator_id: int, kind: str, key: str, geography_id: int, *, inherit: bool = True
) -> Target | None:
    """The series' own target; a district without one uses its city's target for the same series.

    `inherit` is False for indicators whose city target means nothing for a district (counts).
    """
    own = inputs.targets.get((indicator_id, kind, key, geography_id))
    if own is not None:
        return own
    geography = inputs.geographies.get(geography_id)
    if inherit and geography is not None and geography.parent_id is not None:
        return inputs.targets.get((indicator_id, kind, key, geography.parent_id))
    return None


def _thresholds(given: object) -> progress.ThresholdOverrides | None:
    if not isinstance(given, Mapping):
        return None

    def bound(*names: str) -> float | None:
        value = next((given[name] for name in names if given.get(name) is not None), None)
        return None if value is None else float(value)

    return progress.ThresholdOverrides(high=bound("high"), medium=bound("medium", "med"), low=bound("low"))


def _common_options(version: IndicatorVersion, parameters: Mapping, target: Target | None) -> dict:
    minimum = version.minimum_sample_size or parameters.get("minimum_sample_size")
    # An explicit base year wins; otherwise a target is judged from its own baseline year.
    base_year = parameters.get("base_year") or (target.baseline_year if target else progress.DEFAULT_BASE_YEAR)
    return {
        "base_year": int(base_year),
        "target": target.target_value if target else None,
        "target_year": target.target_year if target else progress.DEFAULT_TARGET_YEAR,
        "minimum_sample_size": int(minimum) if minimum else None,
    }


def _value_options(version: IndicatorVersion, parameters: Mapping, target: Target | None) -> progress.SeriesOptions:
    limit = parameters.get("limit")
    return progress.SeriesOptions(
        direction=progress.Direction(version.direction),
        limit=None if limit is None else float(limit),
        # A share cannot be projected past 100 % or below 0 %.
        bounds=(0.0, 100.0) if _is_percent(version, "de") or _is_percent(version, "en") else None,
        thresholds=_thresholds(parameters.get("thresholds")),
        profile=progress.Profile(version.profile),
        **_common_options(version, parameters, target),
    )


def _gap_options(
    version: IndicatorVersion, parameters: Mapping, target: Target | None, gap: tuple[progress.Point, ...]
) -> progress.SeriesOptions:
    """Gaps use the linear profile unless `gap_profile` names another; the limit does not apply to them."""
    common = _common_options(version, parameters, target)
    return progress.SeriesOptions(
        direction=_gap_direction(version, parameters, target, gap, common["base_year"]),
        thresholds=_thresholds(parameters.get("gap_thresholds")),
        profile=progress.Profile(parameters.get("gap_profile") or progress.Profile.LINEAR),
        **common,
    )


def _gap_direction(
    version: IndicatorVersion,
    parameters: Mapping,
    target: Target | None,
    gap: tuple[progress.Point, ...],
    base_year: int,
) -> progress.Direction:
    """Which way the gap should move: set explicitly, towards its target, or towards parity."""
    if parameters.get("gap_direction"):
        return progress.Direction(parameters["gap_direction"])
    metric = progress.GapMetric(version.gap_metric)
    if metric is progress.GapMetric.PARITY_INDEX:
        return progress.Direction.POSITIVE
    if target is not None and target.target_value != target.baseline_value:
        rising = target.target_value > target.baseline_value
        return progress.Direction.POSITIVE if rising else progress.Direction.NEGATIVE
    parity = 0.0 if metric is progress.GapMetric.DIFFERENCE else 1.0
    base = next((p for p in gap if p.year >= base_year), gap[0] if gap else None)
    if base is not None and base.value < parity:
        return progress.Direction.POSITIVE
    return progress.Direction.NEGATIVE


def _with_warnings(assessment: progress.Assessment, warnings: list[str]) -> progress.Assessment:
    if not warnings:
        return assessment
    return dataclasses.replace(assessment, warnings=(*warnings, *assessment.warnings))


# --------------------------------------------------------------------------- rows, components, explanations


def _row(
    version: IndicatorVersion,
    inputs: _Inputs,
    kind: str,
    key: str,
    geography_id: int,
    assessment: progress.Assessment,
    subject: str,
) -> Assessment:
    label = version.indicator.code
    if kind == Assessment.SeriesKind.GAP:
        label = f"{label} gap"
    elif key:
        label = f"{label} / {key}"
    components = {**as_components(assessment), "label": label, "series_kind": str(kind)}
    if kind == Assessment.SeriesKind.GAP:
        components["gap_metric"] = version.gap_metric
        components["groups"] = [version.group_a.key, version.group_b.key]
    return Assessment(
        indicator_id=version.indicator_id,
        edition=inputs.edition,
        series_kind=kind,
        breakdown_key=key,
        geography_id=geography_id,
        profile=assessment.profile.value,
        status=assessment.status.value,
        score=_finite(assessment.score),
        progress_value=_finite(assessment.progress_value),
        needed_change_per_year=_finite(assessment.needed_change_per_year),
        is_uncertain=assessment.is_uncertain,
        components=components,
        explanation_de=explain_series(assessment, version=version, subject=subject, language="de"),
        explanation_en=explain_series(assessment, version=version, subject=subject, language="en"),
    )


def as_components(assessment: progress.Assessment) -> dict:
    """Every field of the pure engine's assessment, JSON-serialisable (enums as codes, NaN as None)."""
    return {item.name: _plain(getattr(assessment, item.name)) for item in dataclasses.fields(assessment)}


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return _finite(value)
    if dataclasses.is_dataclass(value):
        return {item.name: _plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _published_components(components: Mapping) -> dict:
    """The per-series entry of indicator_calculation_components.yml, from stored components."""
    return {
        name: components.get(name)
        for name in (
            "base_value",
            "base_year",
            "current_value",
            "current_year",
            "direction",
            "limit",
            "progress_value",
            "score",
            "sign",
            "status",
            "target",
            "target_year",
        )
    }


def _unit(version: IndicatorVersion, language: str) -> str:
    return (getattr(version, f"unit_{language}", None) or version.unit or "").strip()


def _is_percent(version: IndicatorVersion, language: str) -> bool:
    return _unit(version, language).lower() in PERCENT_UNITS


def number_formats(version: IndicatorVersion, subject: str, language: str) -> tuple[str, str]:
    """Formats of values and of changes per year for the explanation, in the indicator's unit.

    Shares in % change by percentage points, and a gap between shares is in percentage points
    (named once, in the subject, so that the German text need not decline the unit); ratios and
    parity indices have no unit; counts and units longer than UNIT_MAX_LENGTH are not repeated
    after every number.
    """
    decimals = version.decimals
    if subject in (progress.GapMetric.RATIO, progress.GapMetric.PARITY_INDEX):
        return "{:.2f}", "{:.3f}"
    if _is_percent(version, language):
        points = f"{{:,.{decimals + 1}f}} {POINTS[language]}"
        if subject == progress.GapMetric.DIFFERENCE:
            return f"{{:,.{decimals}f}}", points
        value = f"{{:,.{decimals}f}}%" if language == "en" else f"{{:,.{decimals}f}} %"
        return value, points
    unit = _unit(version, language)
    shown = unit and len(unit) <= UNIT_MAX_LENGTH and unit.lower() not in COUNT_UNITS
    suffix = " " + unit.replace("{", "{{").replace("}", "}}") if shown else ""
    return f"{{:,.{decimals}f}}{suffix}", f"{{:,.{decimals + 1}f}}{suffix}"


def explain_series(assessment: progress.Assessment, *, version: IndicatorVersion, subject: str, language: str) -> str:
    """progress.explain with the version's unit and decimals; `subject` is "value" or the gap metric."""
    value_format, change_format = number_formats(version, subject, language)
    label = SUBJECTS[subject][language]
    if subject == progress.GapMetric.DIFFERENCE and _is_percent(version, language):
        label = f"{label} ({IN_POINTS[language]})"
    return progress.explain(
        assessment,
        unit_label=label,
        language=language,
        value_format=value_format,
        change_format=change_format,
    )


# --------------------------------------------------------------------------- Open SDG indicators


def rebuild_opensdg_indicator(version: IndicatorVersion, inputs: _Inputs) -> opensdg.OpenSdgIndicator:
    """The Open SDG indicator as read from its repository, rebuilt from the database.

    Breakdown keys turn back into the original columns and cells (dimension and category labels
    kept by the import), the geography into the GeoCode; the `Progress` column is the observation's
    progress value.
    """
    settings = version.profile_parameters[OPENSDG_PARAMETERS]
    columns = tuple(settings.get("columns") or ())
    dimension_columns = {code: column for column, code in (settings.get("dimensions") or {}).items()}
    has_progress = "Progress" in columns
    breakdowns = opensdg.breakdown_columns_of(columns, settings.get("attribute_columns") or ())
    empty = {column: "" for column in dimension_columns.values()}
    # Units and Series with one value in every row are attributes of the series (opensdg_import).
    empty.update(settings.get("attributes") or {})
    if "GeoCode" in columns:
        empty["GeoCode"] = ""
    rows = []
    for (geography_id, key), observations in inputs.observations.get(version.indicator_id, {}).items():
        cells = dict(empty)
        for dimension, category in parse_key(key).items():
            column = dimension_columns.get(dimension)
            if column is not None:
                cells[column] = inputs.category_labels.get((dimension, category), category)
        if "GeoCode" in cells:
            cells["GeoCode"] = _geocode(inputs.geographies.get(geography_id), inputs)
        for _i, _g, _k, kind, start, period, value, progress_value, _se, _n, withheld in observations:
            if withheld:
                continue  # withheld for too few cases: not in the public data
            if kind == PeriodKind.LABEL:
                continue  # a label names no year; quarters count as their year, as in Open SDG (one per year)
            rows.append(
                opensdg.DataRow(
                    year=start.year,
                    year_label=period,
                    value=value,
                    progress=progress_value if has_progress else None,
                    cells=cells,
                )
            )
    return opensdg.OpenSdgIndicator(
        indicator_id=settings.get("indicator_id") or version.indicator.code,
        names=dict(settings.get("names") or {}),
        auto_progress_calculation=bool(settings.get("auto_progress_calculation")),
        progress_calculation_options=opensdg.parse_progress_options(settings.get("progress_calculation_options")),
        progress_status=settings.get("progress_status"),
        columns=columns,
        breakdown_columns=breakdowns,
        has_progress_column=has_progress,
        has_data=bool(settings.get("has_data", True)),
        rows=tuple(rows),
    )


def _geocode(geography: Geography | None, inputs: _Inputs) -> str:
    """A dataset's root geography has no GeoCode; the others carry it after their root's code."""
    if geography is None or geography.parent_id is None:
        return ""
    parent = inputs.geographies.get(geography.parent_id)
    prefix = f"{parent.code}-" if parent else ""
    return geography.code.removeprefix(prefix)


def _assess_opensdg_version(version: IndicatorVersion, inputs: _Inputs) -> list[Assessment]:
    """One headline row at the dataset's root geography with the indicator status of Open SDG.

    Its components hold every selection's components (`opensdg`, the shape of
    indicator_calculation_components.yml); with a single selection they are also that series'
    full components, and the explanation is the series'.
    """
    indicator = rebuild_opensdg_indicator(version, inputs)
    result = opensdg.assess_selections(indicator)
    root = _root_geography(version, inputs)
    if root is None:
        return []
    if result.indicator is None:
        manual = result.manual_status or ""
        status = manual if manual in STATUS_CODES else progress.Status.NOT_AVAILABLE.value
        components = {
            "label": indicator.indicator_id,
            "manual_status": manual,
            "opensdg": {"progress_status": manual, "score": None},
        }
        return [
            Assessment(
                indicator_id=version.indicator_id,
                edition=inputs.edition,
                series_kind=Assessment.SeriesKind.TOTAL,
                breakdown_key="",
                geography_id=root,
                profile=progress.Profile.OPENSDG.value,
                status=status,
                components=components,
                explanation_de=_manual_explanation(manual, "de"),
                explanation_en=_manual_explanation(manual, "en"),
            )
        ]
    shape: dict = {"progress_status": result.indicator.status.value, "score": result.indicator.score}
    shape.update({series.label: opensdg.components(series.assessment) for series in result.series})
    components: dict = {"label": indicator.indicator_id, "opensdg": shape}
    fields: dict = {"status": result.indicator.status.value, "score": _finite(result.indicator.score)}
    if len(result.series) == 1:
        single = result.series[0].assessment
        components = {**as_components(single), **components}
        fields.update(
            progress_value=_finite(single.progress_value),
            needed_change_per_year=_finite(single.needed_change_per_year),
            is_uncertain=single.is_uncertain,
            explanation_de=explain_series(single, version=version, subject="value", language="de"),
            explanation_en=explain_series(single, version=version, subject="value", language="en"),
        )
    else:
        fields.update(
            explanation_de=progress.explain_indicator(result.indicator, language="de"),
            explanation_en=progress.explain_indicator(result.indicator, language="en"),
        )
    return [
        Assessment(
            indicator_id=version.indicator_id,
            edition=inputs.edition,
            series_kind=Assessment.SeriesKind.TOTAL,
            breakdown_key="",
            geography_id=root,
            profile=progress.Profile.OPENSDG.value,
            components=components,
            **fields,
        )
    ]


def _root_geography(version: IndicatorVersion, inputs: _Inputs) -> int | None:
    """The root geography of the indicator's observations (the dataset's total)."""
    for geography_id, _key in inputs.observations.get(version.indicator_id, {}):
        geography = inputs.geographies.get(geography_id)
        while geography is not None and geography.parent_id is not None:
            geography = inputs.geographies.get(geography.parent_id)
        if geography is not None:
            return geography.pk
    code = (version.profile_parameters or {}).get(OPENSDG_PARAMETERS, {}).get("root_geography")
    return next((pk for pk, g in inputs.geographies.items() if g.code == code), None)


def _manual_explanation(manual: str, language: str) -> str:
    if manual in STATUS_CODES:
        name = progress.STATUS_NAMES[language][progress.Status(manual)]
        if language == "de":
            return f"Der Fortschritt wird nicht berechnet; der Herausgeber hat den Status festgelegt: {name}."
        return f"Progress is not calculated; the publisher set the status by hand: {name}."
    if language == "de":
        return "Der Fortschritt dieses Indikators wird nicht berechnet."
    return "Progress is not calculated for this indicator."


def _natural_key(code: str) -> list[tuple[int, int | str]]:
    """1-2-1 before 1-10-1; numbers sort before words so that mixed codes stay comparable."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[-.]", code)]
