"""Reads that assemble the portal's pages; each page costs a fixed number of queries.

The public-data rules (release dates, small counts) come from
`teilhabe.monitoring.queries.list_public_observations`; assessments from
`list_assessments`. Everything here only reads.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from teilhabe.accounts.models import Authority
from teilhabe.core import formatting
from teilhabe.monitoring import progress
from teilhabe.monitoring import queries as monitoring
from teilhabe.monitoring.models import (
    AreaOfAction,
    Assessment,
    BreakdownCategory,
    Direction,
    Edition,
    Geography,
    Indicator,
    IndicatorVersion,
    Measure,
    Observation,
    SubGoal,
    Target,
)
from teilhabe.monitoring.status_labels import (
    COMPONENT_LABELS,
    NOT_AVAILABLE,
    ON_TRACK,
    STATUS_ORDER,
    display_status,
    format_component,
    status_css_class,
    status_label,
)

from . import charts, districts
from .edition_changes import EditionChanges, IndicatorSnapshot, TargetSnapshot, compare_editions

SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100
SEARCH_LIMIT = 25


# --------------------------------------------------------------------------- shared pieces


@dataclass(frozen=True)
class StatusCount:
    code: str
    label: str
    count: int
    css_class: str


@dataclass(frozen=True)
class AssessmentView:
    """An assessment as the page shows it: label, explanation in the reader's language, components."""

    row: Assessment | None
    status: str
    label: str
    css_class: str
    is_uncertain: bool
    explanation: str
    explanation_language: str | None  # set when the text is not in the page's language
    components: tuple[tuple[str, str], ...] = ()
    needed_change: str = ""
    series_label: str = ""
    has_limited: bool = False  # a component is in parentheses: limited reliability


def count_statuses(codes: Iterable[str]) -> list[StatusCount]:
    counts = Counter(codes)
    return [
        StatusCount(code, status_label(code), counts[code], status_css_class(code))
        for code in STATUS_ORDER
        if counts.get(code)
    ]


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def _explanation(row: Assessment) -> tuple[str, str | None]:
    current = _language()
    order = [current] + [code for code, _name in settings.LANGUAGES if code != current]
    for code in order:
        text = getattr(row, f"explanation_{code}", "") or ""
        if text:
            return text, (None if code == current else code)
    return "", None


def view_assessment(
    row: Assessment | None,
    *,
    decimals: int = 1,
    unit: str = "",
    series_label: str = "",
    reliabilities: dict[str, str] | None = None,
) -> AssessmentView:
    """An assessment as pages show it; `reliabilities` (component → "limited", see
    monitoring.queries.component_reliabilities) puts components of limited reliability in parentheses."""
    if row is None:
        return AssessmentView(
            None,
            NOT_AVAILABLE,
            status_label(NOT_AVAILABLE),
            status_css_class(NOT_AVAILABLE),
            False,
            "",
            None,
            series_label=series_label,
        )
    text, language = _explanation(row)
    values = dict(row.components or {})
    values.setdefault("score", row.score)
    values.setdefault("progress_value", row.progress_value)
    values.setdefault("needed_change_per_year", row.needed_change_per_year)
    components = []
    for key, label in COMPONENT_LABELS.items():
        shown = format_component(key, values.get(key), decimals, unit)
        if shown is not None:
            components.append((str(label), formatting.mark_reliability(shown, (reliabilities or {}).get(key))))
    needed = ""
    if row.needed_change_per_year is not None:
        needed = format_component("needed_change_per_year", row.needed_change_per_year, decimals, unit) or ""
    status = display_status(row.status, values)
    return AssessmentView(
        row=row,
        status=status,
        label=status_label(status),
        css_class=status_css_class(status),
        is_uncertain=row.is_uncertain,
        explanation=text,
        explanation_language=language,
        components=tuple(components),
        needed_change=needed,
        series_label=series_label,
        has_limited=any(key in (reliabilities or {}) and values.get(key) is not None for key in COMPONENT_LABELS),
    )


def get_city() -> Geography | None:
    return Geography.objects.filter(level=Geography.Level.CITY).order_by("position", "code").first()


def breakdown_labels() -> dict[str, str]:
    """Single-category keys ('migration_background=yes') → the category's name in the current language."""
    return {
        f"{category.dimension.code}={category.code}": category.name
        for category in BreakdownCategory.objects.select_related("dimension")
    }


def breakdown_order() -> Callable[[str], tuple]:
    """A sort key for breakdown keys in their natural order: each part by its dimension's and its
    category's position (age groups youngest first), never alphabetically by code or name."""
    positions = {
        f"{category.dimension.code}={category.code}": (category.dimension.position, category.position)
        for category in BreakdownCategory.objects.select_related("dimension")
    }

    def key(breakdown_key: str) -> tuple:
        if not breakdown_key:
            return ((-1, -1, ""),)  # the total first
        return tuple((*positions.get(part, (10**6, 10**6)), part) for part in breakdown_key.split("|"))

    return key


def label_for_key(key: str, labels: dict[str, str]) -> str:
    if not key:
        return _("Total")
    return ", ".join(labels.get(part, part) for part in key.split("|"))


def _headline(version: IndicatorVersion, rows: Sequence[Assessment]) -> Assessment | None:
    """The assessment that speaks for an indicator: the gap for gap indicators, else the total."""
    preferred = Assessment.SeriesKind.GAP if version.is_gap else Assessment.SeriesKind.TOTAL
    for row in rows:
        if row.series_kind == preferred and (preferred == Assessment.SeriesKind.GAP or not row.breakdown_key):
            return row
    for row in rows:
        if row.series_kind in (Assessment.SeriesKind.GAP, Assessment.SeriesKind.TOTAL):
            return row
    return None


def _headline_rows(edition: Edition, indicator_ids: Iterable[int], level: str = Geography.Level.CITY) -> dict:
    """Headline candidates (totals and gaps) per indicator id, at city or district level, in one query."""
    rows = (
        Assessment.objects.filter(edition=edition, indicator_id__in=list(indicator_ids), geography__level=level)
        .filter(Q(series_kind=Assessment.SeriesKind.GAP) | Q(series_kind=Assessment.SeriesKind.TOTAL, breakdown_key=""))
        .select_related("geography")
        .order_by("series_kind", "pk")
    )
    grouped: dict = defaultdict(list)
    for row in rows:
        grouped[row.indicator_id].append(row)
    return grouped


def _active_versions(edition: Edition) -> QuerySet[IndicatorVersion]:
    return (
        IndicatorVersion.objects.filter(edition=edition)
        .exclude(status=IndicatorVersion.Status.RETIRED)
        .select_related("indicator", "area", "group_a", "group_b")
        .order_by("position", "indicator__code")
    )


def _root_id(area: AreaOfAction) -> int:
    return area.parent_id or area.pk


# --------------------------------------------------------------------------- home / edition overview


@dataclass
class AreaOverview:
    area: AreaOfAction
    topics: list[AreaOfAction]
    indicator_count: int
    on_track_count: int
    status_counts: list[StatusCount]


@dataclass
class ConceptOverview:
    edition: Edition
    areas: list[AreaOverview]
    status_counts: list[StatusCount]
    indicator_count: int


def get_concept_overview(edition: Edition) -> ConceptOverview:
    """Every field of action with its we-statement, topics and its indicators' status counts."""
    fields = list(
        AreaOfAction.objects.filter(edition=edition, parent__isnull=True)
        .select_related("edition")
        .prefetch_related(
            Prefetch("children", queryset=AreaOfAction.objects.select_related("edition").order_by("position", "code"))
        )
        .order_by("position", "code")
    )
    versions = list(_active_versions(edition))
    headlines = _headline_rows(edition, (v.indicator_id for v in versions))
    statuses_by_field: dict[int, list[str]] = defaultdict(list)
    # Areas may nest deeper than field → topic; walk up through the areas we know.
    parents = {a.pk: a.parent_id for f in fields for a in [f, *f.children.all()]}
    for version in versions:
        area_id = version.area_id
        while parents.get(area_id):
            area_id = parents[area_id]
        headline = _headline(version, headlines.get(version.indicator_id, []))
        statuses_by_field[area_id].append(
            display_status(headline.status, headline.components) if headline else NOT_AVAILABLE
        )
    overviews = []
    for area in fields:
        codes = statuses_by_field.get(area.pk, [])
        overviews.append(
            AreaOverview(
                area=area,
                topics=list(area.children.all()),
                indicator_count=len(codes),
                on_track_count=sum(1 for code in codes if code in ON_TRACK),
                status_counts=count_statuses(codes),
            )
        )
    all_codes = [code for codes in statuses_by_field.values() for code in codes]
    return ConceptOverview(
        edition=edition, areas=overviews, status_counts=count_statuses(all_codes), indicator_count=len(all_codes)
    )


def get_edition(code: str) -> Edition:
    return get_object_or_404(Edition, code=code)


def list_editions() -> list[Edition]:
    return list(Edition.objects.select_related("supersedes").order_by("-adopted_on", "-pk"))


def is_edition_code(code: str) -> bool:
    return 0 < len(code) <= 50 and Edition.objects.filter(code=code).exists()


# --------------------------------------------------------------------------- area page


@dataclass
class IndicatorRow:
    version: IndicatorVersion
    assessment: AssessmentView
    latest_value: str = ""
    latest_period: str = ""
    sparkline: str = ""
    trend_text: str = ""
    latest_is_limited: bool = False  # the latest value is in parentheses (limited reliability)


@dataclass
class AreaSection:
    area: AreaOfAction
    rows: list[IndicatorRow]


@dataclass
class AreaPage:
    area: AreaOfAction
    sub_goals: list[SubGoal]
    topics: list[AreaOfAction]
    sections: list[AreaSection]
    status_counts: list[StatusCount]


def _total_city_series(indicator_ids: Sequence[int], city: Geography | None) -> dict[int, list[Observation]]:
    series: dict[int, list[Observation]] = defaultdict(list)
    if city is None or not indicator_ids:
        return series
    rows = (
        monitoring.list_public_observations()
        .filter(indicator_id__in=list(indicator_ids), geography=city, breakdown_key="")
        .order_by("indicator_id", "period_start")
    )
    for row in rows:
        series[row.indicator_id].append(row)
    return series


def _indicator_rows(edition: Edition, versions: Sequence[IndicatorVersion]) -> list[IndicatorRow]:
    ids = [v.indicator_id for v in versions]
    headlines = _headline_rows(edition, ids)
    observations = _total_city_series(ids, get_city())
    rows = []
    for version in versions:
        assessment = view_assessment(
            _headline(version, headlines.get(version.indicator_id, [])), decimals=version.decimals, unit=version.unit
        )
        # a withheld value (disclosure control) is neither the latest value nor a point of the sparkline
        points = [p for p in observations.get(version.indicator_id, []) if p.value is not None]
        row = IndicatorRow(version=version, assessment=assessment)
        if points:
            last = points[-1]
            row.latest_value = _disclosed(last, version)
            row.latest_is_limited = last.is_limited
            row.latest_period = _period(last)
            row.sparkline = charts.sparkline_svg([p.value for p in points])
            if len(points) > 1:
                first = points[0]
                row.trend_text = _("from %(first)s (%(first_period)s) to %(last)s (%(last_period)s)") % {
                    "first": _disclosed(first, version),
                    "first_period": _period(first),
                    "last": row.latest_value,
                    "last_period": _period(last),
                }
        rows.append(row)
    return rows


def get_area_page(edition_code: str, code: str) -> AreaPage:
    area = get_object_or_404(
        AreaOfAction.objects.select_related("edition", "parent__edition").prefetch_related(
            Prefetch("sub_goals", queryset=SubGoal.objects.order_by("position", "code")),
            Prefetch("children", queryset=AreaOfAction.objects.select_related("edition").order_by("position", "code")),
        ),
        edition__code=edition_code,
        code=code,
    )
    topics = list(area.children.all())
    versions = list(_active_versions(area.edition).filter(area__in=[area, *topics]))
    rows = _indicator_rows(area.edition, versions)
    by_area: dict[int, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        by_area[row.version.area_id].append(row)
    sections = [AreaSection(a, by_area[a.pk]) for a in [area, *topics] if by_area.get(a.pk)]
    return AreaPage(
        area=area,
        sub_goals=list(area.sub_goals.all()),
        topics=topics,
        sections=sections,
        status_counts=count_statuses(r.assessment.status for r in rows),
    )


# --------------------------------------------------------------------------- indicator page


@dataclass
class TargetRow:
    label: str
    kind: str
    baseline: str
    target: str
    target_year: int
    geography: str
    note: str


@dataclass
class BreakdownTable:
    title: str
    columns: tuple[str, ...]
    rows: tuple[charts.TableRow, ...]


@dataclass
class IndicatorPage:
    version: IndicatorVersion
    edition: Edition
    other_versions: list[IndicatorVersion]
    sub_goals: list[SubGoal]
    dimensions: list
    headline: AssessmentView
    assessments: list[AssessmentView]
    targets: list[TargetRow]
    group_chart: charts.Chart | None
    gap_chart: charts.Chart | None
    further_tables: list[BreakdownTable]
    districts: object  # portal.districts.DistrictPicture | None: map, table and time series of one series
    measures: list[Measure]
    counts: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    has_withheld: bool = False  # legend "/": no figure, too few cases
    has_limited: bool = False  # legend "( )": limited reliability


def _series_points(rows: Sequence[Observation]) -> tuple[charts.SeriesPoint, ...]:
    return tuple(charts.SeriesPoint(r.period_start.year, _period(r), r.value, r.reliability) for r in rows)


def _disclosed(row: Observation | None, version: IndicatorVersion) -> str:
    """An observation's value as the public sees it: "/" when withheld, "(…)" of limited reliability."""
    if row is None:
        return "–"
    return formatting.format_disclosed_value(row.value, version.decimals, version.unit, row.reliability)


def _difference_reliability(*rows: Observation | None) -> str:
    """A difference of two values is as reliable as the less reliable one."""
    if any(row is not None and row.is_withheld for row in rows):
        return "withheld"
    return "limited" if any(row is not None and row.is_limited for row in rows) else "published"


def _gap_unit(version: IndicatorVersion) -> str:
    if version.gap_metric != IndicatorVersion.GapMetric.DIFFERENCE:
        return ""
    return formatting.change_unit(version.unit)


def _rated_series(version: IndicatorVersion, row: Assessment | None, labels: dict[str, str]) -> str:
    """Which series the headline status rates, in words: the gap between the groups, or the total."""
    if row is None:
        return ""
    if row.series_kind == Assessment.SeriesKind.GAP and version.group_a_id and version.group_b_id:
        return _("the gap between %(a)s and %(b)s") % {"a": version.group_a.name, "b": version.group_b.name}
    if row.breakdown_key:
        return label_for_key(row.breakdown_key, labels)
    return _("total")


def _get_version(code: str, edition_code: str | None) -> IndicatorVersion:
    """The version in the named edition, else in the current one, else the latest (like monitoring's query)."""
    versions = IndicatorVersion.objects.filter(indicator__code=code).select_related(
        "indicator",
        "edition",
        "area__edition",
        "area__parent__edition",
        "authority",
        "group_a__dimension",
        "group_b__dimension",
    )
    if edition_code:
        version = versions.filter(edition__code=edition_code).first()
        if version is None:
            raise Http404("This indicator has no version in that edition.")
        return version
    current = monitoring.get_current_edition()
    version = versions.filter(edition=current).first() if current else None
    return version or get_object_or_404(versions.order_by("-edition__adopted_on", "-pk")[:1])


def get_indicator_page(code: str, edition_code: str | None = None, district_series: str | None = None) -> IndicatorPage:
    version = _get_version(code, edition_code)
    edition = version.edition
    indicator = version.indicator
    other_versions = list(
        IndicatorVersion.objects.filter(indicator=indicator)
        .exclude(pk=version.pk)
        .select_related("edition")
        .order_by("-edition__adopted_on")
    )
    sub_goals = list(version.sub_goals.select_related("area__edition").order_by("position"))
    dimensions = list(version.breakdowns.order_by("position", "code"))
    labels = breakdown_labels()
    city = get_city()
    observations = list(
        monitoring.list_public_observations().filter(indicator=indicator).order_by("breakdown_key", "period_start")
    )
    city_rows: dict[str, list[Observation]] = defaultdict(list)
    district_rows_raw: dict[int, dict[str, list[Observation]]] = defaultdict(lambda: defaultdict(list))
    for row in observations:
        if city is not None and row.geography_id == city.pk:
            city_rows[row.breakdown_key].append(row)
        elif row.geography.level == Geography.Level.DISTRICT and "|" not in row.breakdown_key:
            district_rows_raw[row.geography_id][row.breakdown_key].append(row)

    assessments = list(monitoring.list_assessments(edition=edition, indicator=indicator))
    city_assessments = [a for a in assessments if a.geography.level == Geography.Level.CITY]
    headline_row = _headline(version, city_assessments)
    reliabilities = monitoring.reliability_lookup(observations)
    headline = view_assessment(
        headline_row,
        decimals=version.decimals,
        unit=_gap_unit(version) if headline_row and headline_row.series_kind == "gap" else version.unit,
        series_label=_rated_series(version, headline_row, labels),
        reliabilities=monitoring.component_reliabilities(headline_row, version, reliabilities),
    )
    assessment_views = [
        view_assessment(
            a,
            decimals=version.decimals,
            unit=_gap_unit(version) if a.series_kind == "gap" else version.unit,
            series_label=_("Gap") if a.series_kind == "gap" else label_for_key(a.breakdown_key, labels),
            reliabilities=monitoring.component_reliabilities(a, version, reliabilities),
        )
        for a in city_assessments
    ]

    targets = list(
        Target.objects.filter(indicator=indicator, edition=edition)
        .select_related("geography")
        .order_by("kind", "breakdown_key")
    )
    target_rows = [
        TargetRow(
            label=_("Gap") if t.kind == Target.Kind.GAP else label_for_key(t.breakdown_key, labels),
            kind=t.get_kind_display(),
            baseline=formatting.format_value(
                t.baseline_value, version.decimals, _gap_unit(version) if t.kind == Target.Kind.GAP else version.unit
            )
            + f" ({t.baseline_year})",
            target=formatting.format_value(
                t.target_value, version.decimals, _gap_unit(version) if t.kind == Target.Kind.GAP else version.unit
            ),
            target_year=t.target_year,
            geography=t.geography.name,
            note=t.note,
        )
        for t in targets
    ]
    city_targets = [t for t in targets if city is not None and t.geography_id == city.pk]

    # The group chart: the total and the groups of the compared dimension (or the first one reported).
    primary = version.group_a.dimension.code if version.group_a_id else None
    if primary is None:
        for key in city_rows:
            if key and "|" not in key:
                primary = key.split("=")[0]
                break
    natural = breakdown_order()
    group_keys = [""] + sorted(
        (k for k in city_rows if k and "|" not in k and k.split("=")[0] == primary),
        key=lambda k: (
            k != (version.group_a.key if version.group_a_id else None),
            k != (version.group_b.key if version.group_b_id else None),
            natural(k),
        ),
    )
    group_series = [charts.Series(label_for_key(k, labels), _series_points(city_rows.get(k, []))) for k in group_keys]
    value_targets = [
        charts.TargetLine(
            label_for_key(t.breakdown_key, labels) if t.breakdown_key else "",
            t.target_value,
            t.target_year,
            t.baseline_year,
        )
        for t in city_targets
        if t.kind == Target.Kind.VALUE and t.breakdown_key in group_keys
    ]
    group_chart = charts.line_chart(
        chart_id=f"chart-groups-{indicator.pk}",
        title=_("%(title)s by group") % {"title": version.title},
        series=group_series,
        targets=value_targets,
        unit=version.unit,
        decimals=version.decimals,
    )

    gap_chart = None
    if version.group_a_id and version.group_b_id:
        gap_points = progress.derive_gap(
            [progress.Point(r.period_start.year, r.value) for r in city_rows.get(version.group_a.key, [])],
            [progress.Point(r.period_start.year, r.value) for r in city_rows.get(version.group_b.key, [])],
            version.gap_metric,
        )
        periods = {r.period_start.year: _period(r) for r in city_rows.get(version.group_a.key, [])}
        # a gap is as reliable as the less reliable of its two values
        by_year: dict[int, list[Observation]] = defaultdict(list)
        for key in (version.group_a.key, version.group_b.key):
            for r in city_rows.get(key, []):
                by_year[r.period_start.year].append(r)
        gap_label = _("Gap: %(a)s compared with %(b)s") % {"a": version.group_a.name, "b": version.group_b.name}
        gap_series = charts.Series(
            gap_label,
            tuple(
                charts.SeriesPoint(
                    p.year, periods.get(p.year, str(p.year)), p.value, _difference_reliability(*by_year.get(p.year, []))
                )
                for p in gap_points
            ),
        )
        gap_targets = [
            charts.TargetLine("", t.target_value, t.target_year, t.baseline_year)
            for t in city_targets
            if t.kind == Target.Kind.GAP
        ]
        gap_chart = charts.line_chart(
            chart_id=f"chart-gap-{indicator.pk}",
            title=gap_label,
            series=[gap_series],
            targets=gap_targets,
            unit=_gap_unit(version),
            decimals=version.decimals,
            zero_line=version.gap_metric == IndicatorVersion.GapMetric.DIFFERENCE,
        )

    further_tables = []
    shown = set(group_keys)
    other_keys = [k for k in city_rows if k not in shown]
    by_dimension: dict[str, list[str]] = defaultdict(list)
    for key in other_keys:
        by_dimension["|".join(part.split("=")[0] for part in key.split("|"))].append(key)
    dimension_names = {d.code: d.name for d in dimensions}
    for dimension_key, keys in sorted(
        by_dimension.items(), key=lambda item: (tuple(part[0] for part in natural(item[1][0])), item[0])
    ):
        series = [
            charts.Series(label_for_key(k, labels), _series_points(city_rows[k])) for k in sorted(keys, key=natural)
        ]
        columns, rows = charts.data_table(series, version.decimals)
        title = " × ".join(dimension_names.get(code, code) for code in dimension_key.split("|"))
        further_tables.append(BreakdownTable(title=title, columns=columns, rows=rows))

    district_picture = districts.get_district_picture(
        version, city_rows, district_rows_raw, assessments, labels, district_series
    )
    measures = list(Measure.objects.filter(indicators=indicator).select_related("authority").order_by("code"))
    # Counts of every city series that reports any; suppressed counts read "–".
    counted_keys = {
        key
        for key, rows in city_rows.items()
        if any(r.numerator is not None or r.denominator is not None for r in rows)
    }
    counts = [
        (
            label_for_key(row.breakdown_key, labels),
            _period(row),
            row.geography.name,
            _count_text(row.numerator, row.reliability),
            _count_text(row.denominator, row.reliability),
        )
        for key in sorted(counted_keys)
        for row in city_rows[key]
    ]
    return IndicatorPage(
        version=version,
        edition=edition,
        other_versions=other_versions,
        sub_goals=sub_goals,
        dimensions=dimensions,
        headline=headline,
        assessments=assessment_views,
        targets=target_rows,
        group_chart=group_chart,
        gap_chart=gap_chart,
        further_tables=further_tables,
        districts=district_picture,
        measures=measures,
        counts=counts,
        has_withheld=any(row.is_withheld for row in observations),
        has_limited=any(row.is_limited for row in observations),
    )


def _period(row: Observation) -> str:
    """An observation's period as a person reads it ("2024", "2016/17", "31. Dezember 2024", "Q1 2024")."""
    return formatting.format_period(row.period, row.period_kind)


def _count_text(value: float | None, reliability: str = "published") -> str:
    if reliability == "withheld":
        return formatting.WITHHELD_MARK
    return "–" if value is None else formatting.mark_reliability(charts.format_number(value, 0), reliability)


# --------------------------------------------------------------------------- district page


@dataclass
class DistrictIndicatorRow:
    version: IndicatorVersion
    period: str
    district_value: str
    city_value: str
    difference: str
    assessment: AssessmentView
    series_label: str = ""  # the gap's name when the row shows the district's gap, empty for the total
    difference_is_share: bool = False  # a count: the district's share of the city, not a raw difference


@dataclass
class DistrictSection:
    area: AreaOfAction
    rows: list[DistrictIndicatorRow]


@dataclass
class DistrictPage:
    district: Geography
    city: Geography | None
    edition: Edition | None
    sections: list[DistrictSection]
    other_districts: list[Geography]
    indicator_count: int
    has_withheld: bool = False  # legend "/": no figure, too few cases
    has_limited: bool = False  # legend "( )": limited reliability


def _code_order(code: str) -> tuple:
    """Indicator codes in the order a person counts: A2 before A10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code))


def get_district_page(code: str) -> DistrictPage:
    """Each indicator's rated series (the gap for gap indicators, else the total) in the district beside the city.

    Value and status come from the same series; counts are compared as the district's share of the city.
    """
    district = get_object_or_404(Geography.objects.select_related("parent"), code=code, level=Geography.Level.DISTRICT)
    city = district.parent
    edition = monitoring.get_current_edition()
    other_districts = list(
        Geography.objects.filter(level=Geography.Level.DISTRICT).exclude(pk=district.pk).order_by("position", "code")
    )
    if edition is None:
        return DistrictPage(district, city, None, [], other_districts, 0)
    versions = list(
        _active_versions(edition).select_related("area__parent", "group_a__dimension", "group_b__dimension")
    )
    ids = [v.indicator_id for v in versions]
    geographies = [district.pk] + ([city.pk] if city else [])
    keys = (
        {""}
        | {v.group_a.key for v in versions if v.is_gap and v.group_a_id}
        | {v.group_b.key for v in versions if v.is_gap and v.group_b_id}
    )
    values: dict[tuple[int, int], dict[str, list[Observation]]] = defaultdict(lambda: defaultdict(list))
    for row in (
        monitoring.list_public_observations()
        .filter(indicator_id__in=ids, geography_id__in=geographies, breakdown_key__in=keys)
        .order_by("period_start")
    ):
        values[(row.indicator_id, row.geography_id)][row.breakdown_key].append(row)
    statuses = _headline_rows(edition, ids, level=Geography.Level.DISTRICT)
    sections: dict[int, DistrictSection] = {}
    count = 0
    has_withheld = has_limited = False
    for version in versions:
        own = values.get((version.indicator_id, district.pk), {})
        if not own:
            continue
        series = districts.TOTAL
        if (
            version.is_gap
            and version.group_a_id
            and version.group_b_id
            and own.get(version.group_a.key)
            and own.get(version.group_b.key)
        ):
            series = districts.GAP
        own_points = districts._series_values(version, own, series)
        if not own_points:
            continue
        latest = own_points[-1]
        city_points = (
            {
                p.year: p
                for p in districts._series_values(version, values.get((version.indicator_id, city.pk), {}), series)
            }
            if city
            else {}
        )
        city_point = city_points.get(latest.year)
        unit = _gap_unit(version) if series == districts.GAP else version.unit
        decimals = version.decimals
        is_count = formatting.is_count_unit(unit)
        difference = "–"
        if city_point is not None and latest.value is not None and city_point.value is not None:
            shown = (
                (formatting.format_percent(latest.value / city_point.value, 1) if city_point.value else "–")
                if is_count
                else formatting.format_change(latest.value - city_point.value, decimals, unit)
            )
            reliability = "limited" if "limited" in (latest.reliability, city_point.reliability) else "published"
            difference = formatting.mark_reliability(shown, reliability)
        district_rows = [r for r in statuses.get(version.indicator_id, []) if r.geography_id == district.pk]
        series_label = (
            _("Gap: %(a)s compared with %(b)s") % {"a": version.group_a.name, "b": version.group_b.name}
            if series == districts.GAP
            else ""
        )
        row = DistrictIndicatorRow(
            version=version,
            period=latest.period,
            district_value=formatting.format_disclosed_value(latest.value, decimals, unit, latest.reliability),
            city_value=formatting.format_disclosed_value(city_point.value, decimals, unit, city_point.reliability)
            if city_point
            else "–",
            difference=difference,
            assessment=view_assessment(
                districts._assessment_for(district_rows, series),
                decimals=decimals,
                unit=unit,
                series_label=series_label,
            ),
            series_label=series_label,
            difference_is_share=is_count,
        )
        root = version.area.parent or version.area
        sections.setdefault(root.pk, DistrictSection(root, [])).rows.append(row)
        count += 1
        shown_points = [p for p in (latest, city_point) if p is not None]
        has_withheld = has_withheld or any(p.reliability == "withheld" for p in shown_points)
        has_limited = has_limited or any(p.reliability == "limited" for p in shown_points)
    ordered = sorted(sections.values(), key=lambda s: (s.area.position, s.area.code))
    for section in ordered:
        section.rows.sort(key=lambda r: _code_order(r.version.indicator.code))
    return DistrictPage(district, city, edition, ordered, other_districts, count, has_withheld, has_limited)


def list_districts() -> list[Geography]:
    return list(Geography.objects.filter(level=Geography.Level.DISTRICT).order_by("position", "code"))


# --------------------------------------------------------------------------- measure page


def get_measure(code: str) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("authority").prefetch_related(
            Prefetch("sub_goals", queryset=SubGoal.objects.select_related("area__edition").order_by("position")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("code")),
        ),
        code=code,
    )


def list_measure_indicator_rows(measure: Measure) -> list[IndicatorRow]:
    edition = monitoring.get_current_edition()
    if edition is None:
        return []
    versions = list(_active_versions(edition).filter(indicator__in=measure.indicators.all()))
    return _indicator_rows(edition, versions)


# --------------------------------------------------------------------------- editions page


@dataclass(frozen=True)
class TargetChangeRow:
    """One target that was set, dropped or moved between two editions, in the words of the indicator pages."""

    indicator_code: str
    indicator_title: str
    series: str
    geography: str
    before: str
    after: str


@dataclass
class EditionComparison:
    editions: list[Edition]
    older: Edition | None
    newer: Edition | None
    changes: EditionChanges | None
    titles: dict[str, str]
    new_targets: list[TargetChangeRow] = field(default_factory=list)
    moved_targets: list[TargetChangeRow] = field(default_factory=list)
    dropped_targets: list[TargetChangeRow] = field(default_factory=list)
    # per redefined indicator's code: (field, old, new) with units and choices in words
    redefined_fields: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


def _snapshots(edition: Edition) -> tuple[list[IndicatorSnapshot], list[TargetSnapshot]]:
    base = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    versions = IndicatorVersion.objects.filter(edition=edition).select_related("indicator")
    indicators = [
        IndicatorSnapshot(
            code=v.indicator.code,
            title=getattr(v, f"title_{base}") or v.title,
            definition=getattr(v, f"definition_{base}") or v.definition,
            unit=getattr(v, f"unit_{base}") or v.unit,
            direction=v.direction,
            status=v.status,
            comparison=v.comparison,
        )
        for v in versions
    ]
    targets = [
        TargetSnapshot(
            indicator_code=t.indicator.code,
            kind=t.kind,
            breakdown_key=t.breakdown_key,
            geography_code=t.geography.code,
            baseline_value=t.baseline_value,
            baseline_year=t.baseline_year,
            target_value=t.target_value,
            target_year=t.target_year,
        )
        for t in Target.objects.filter(edition=edition).select_related("indicator", "geography")
    ]
    return indicators, targets


def get_edition_comparison(older_code: str | None, newer_code: str | None) -> EditionComparison:
    editions = list_editions()
    by_code = {e.code: e for e in editions}
    newer = (
        by_code.get(newer_code or "")
        or next((e for e in editions if e.is_current), None)
        or (editions[0] if editions else None)
    )
    older = by_code.get(older_code or "")
    if older is None and newer is not None:
        older = newer.supersedes or next(
            (
                e
                for e in editions
                if e.pk != newer.pk and (e.adopted_on or newer.adopted_on) <= (newer.adopted_on or e.adopted_on)
            ),
            None,
        )
    if newer is None or older is None or older.pk == newer.pk:
        return EditionComparison(editions, older, newer, None, {})
    old_indicators, old_targets = _snapshots(older)
    new_indicators, new_targets = _snapshots(newer)
    changes = compare_editions(old_indicators, new_indicators, old_targets, new_targets)
    # the newer edition's version names and formats an indicator both editions have
    versions = {
        v.indicator.code: v
        for v in IndicatorVersion.objects.filter(edition__in=[older, newer])
        .select_related("indicator", "group_a", "group_b")
        .order_by("edition__adopted_on")
    }
    titles = {code: version.title for code, version in versions.items()}
    rows = _target_change_rows(changes, versions)
    return EditionComparison(
        editions,
        older,
        newer,
        changes,
        titles,
        new_targets=[row for change, row in rows if change.old is None],
        moved_targets=[row for change, row in rows if change.old is not None and change.new is not None],
        dropped_targets=[row for change, row in rows if change.new is None],
        redefined_fields={
            item.code: [_field_in_words(change) for change in item.changes] for item in changes.redefined
        },
    )


def _field_in_words(change) -> tuple[str, str, str]:
    """A changed defining field as the indicator page words it: units and choices by their labels."""
    if change.field == "unit":
        return change.field, formatting.unit_in_words(change.old), formatting.unit_in_words(change.new)
    choices = {"direction": Direction, "comparison": IndicatorVersion.Comparison}.get(change.field)
    if choices is not None:
        labels = dict(choices.choices)
        return change.field, str(labels.get(change.old, change.old)), str(labels.get(change.new, change.new))
    return change.field, change.old, change.new


def _target_change_rows(changes: EditionChanges, versions: dict[str, IndicatorVersion]) -> list[tuple]:
    """Each target change with its series and area named as on the indicator pages and its values formatted."""
    labels = breakdown_labels()
    places = {g.code: g.name for g in Geography.objects.all()}

    def side(target: TargetSnapshot | None, other: TargetSnapshot | None, version: IndicatorVersion | None) -> str:
        if target is None:
            return _("none")
        decimals = version.decimals if version else 1
        unit = version.unit if version else ""
        if target.kind == Target.Kind.GAP and version is not None:
            unit = _gap_unit(version)
        text = f"{formatting.format_value(target.target_value, decimals, unit)} ({target.target_year})"
        if other is not None and (other.baseline_value, other.baseline_year) != (
            target.baseline_value,
            target.baseline_year,
        ):
            baseline = formatting.format_value(target.baseline_value, decimals, unit)
            word = _("Baseline")
            text += f"; {word} {baseline} ({target.baseline_year})"
        return text

    rows = []
    for change in changes.targets_changed:
        version = versions.get(change.indicator_code)
        if change.kind == Target.Kind.GAP:
            series = _("Gap")
            if version is not None and version.group_a_id and version.group_b_id:
                series = _("Gap: %(a)s compared with %(b)s") % {"a": version.group_a.name, "b": version.group_b.name}
        else:
            series = label_for_key(change.breakdown_key, labels)
        rows.append(
            (
                change,
                TargetChangeRow(
                    indicator_code=change.indicator_code,
                    indicator_title=version.title if version else "",
                    series=series,
                    geography=places.get(change.geography_code, change.geography_code),
                    before=side(change.old, change.new, version),
                    after=side(change.new, change.old, version),
                ),
            )
        )
    return rows


# --------------------------------------------------------------------------- search


@dataclass
class SearchResults:
    query: str
    areas: list[AreaOfAction]
    indicators: list[IndicatorVersion]
    measures: list[Measure]
    too_short: bool = False

    @property
    def count(self) -> int:
        return len(self.areas) + len(self.indicators) + len(self.measures)


def _any_language(term: str, *names: str) -> Q:
    query = Q()
    for name in names:
        for language in settings.MODELTRANSLATION_LANGUAGES:
            query |= Q(**{f"{name}_{language}__icontains": term})
    return query


def search(query: str) -> SearchResults:
    """Areas, indicators and measures whose texts (in any language) contain every word of the query."""
    text = " ".join(query.split())[:SEARCH_MAX_LENGTH]
    if len(text) < SEARCH_MIN_LENGTH:
        return SearchResults(text, [], [], [], too_short=bool(text))
    words = text.split()[:8]
    edition = monitoring.get_current_edition()
    area_q, version_q, measure_q = Q(), Q(), Q()
    for word in words:
        area_q &= _any_language(word, "title", "we_statement", "description")
        version_q &= _any_language(word, "title", "definition") | Q(indicator__code__icontains=word)
        measure_q &= _any_language(word, "title", "description") | Q(code__icontains=word)
    areas = AreaOfAction.objects.filter(area_q).select_related("edition")
    versions = IndicatorVersion.objects.filter(version_q).select_related("indicator", "edition", "area")
    if edition is not None:
        areas = areas.filter(edition=edition)
        versions = versions.filter(edition=edition)
    return SearchResults(
        query=text,
        areas=list(areas.order_by("position", "code")[:SEARCH_LIMIT]),
        indicators=list(versions.order_by("indicator__code")[:SEARCH_LIMIT]),
        measures=list(Measure.objects.filter(measure_q).select_related("authority").order_by("code")[:SEARCH_LIMIT]),
    )


# --------------------------------------------------------------------------- contact


def list_responsible_authorities() -> list[Authority]:
    """The integration department first, then every authority responsible for an indicator or measure."""
    return list(
        Authority.objects.filter(
            Q(is_department=True) | Q(indicator_versions__isnull=False) | Q(measures__isnull=False)
        )
        .distinct()
        .order_by("-is_department", "name")
    )


# --------------------------------------------------------------------------- methodology page


@dataclass(frozen=True)
class BadgeMeaning:
    code: str
    label: str
    css_class: str
    meaning: str


@dataclass(frozen=True)
class ProfileRow:
    code: str
    name: str
    description: str
    thresholds: str  # lower bounds of substantial / moderate / limited progress, as the reader reads them


@dataclass(frozen=True)
class Methodology:
    badges: list[BadgeMeaning]
    profiles: list[ProfileRow]
    no_target_thresholds: str


def _thresholds_text(thresholds: progress.Thresholds, *, pace: bool = True) -> str:
    def share(value: float) -> str:
        return formatting.format_percent(value, 0 if pace else 1)

    return _("substantial from %(high)s, moderate from %(medium)s, limited from %(low)s") % {
        "high": share(thresholds.high),
        "medium": share(thresholds.medium),
        "low": share(thresholds.low),
    }


def get_methodology() -> Methodology:
    """The public statement of the method, built from the constants the assessment uses (never retyped)."""
    from teilhabe.monitoring.status_labels import STATUS_LABELS, STATUS_MEANINGS

    badges = [
        BadgeMeaning(code, str(STATUS_LABELS[code]), status_css_class(code), str(STATUS_MEANINGS[code]))
        for code in STATUS_ORDER
    ]
    descriptions = {
        "opensdg": _(
            "The pace since the base year (compound annual growth) compared with the pace the target needs, "
            "as in the Open SDG platforms. Without a target the growth rate itself is judged."
        ),
        "un_progress_chart": _("The UN SDG Progress Chart method: the same pace ratio with the UN's bands."),
        "german_weather": _(
            "The German Sustainability Strategy: the trend of the last five years, extrapolated to the target "
            "year, and the share of the remaining distance it covers (sun, sun and cloud, cloud, thunderstorm)."
        ),
        "target_attainment": _(
            "The share of the distance from the base value to the target that has been covered, compared "
            "with the share of the time to the target year that has elapsed."
        ),
        "linear": _("A straight-line pace, which also works for values that cross zero; used for gaps between groups."),
    }
    thresholds = {
        "opensdg": progress.TARGET_THRESHOLDS,
        "un_progress_chart": progress.UN_CHART_THRESHOLDS,
        "german_weather": progress.WEATHER_THRESHOLDS,
        "target_attainment": progress.TARGET_THRESHOLDS,
        "linear": progress.TARGET_THRESHOLDS,
    }
    profiles = [
        ProfileRow(code, str(name), str(descriptions.get(code, "")), _thresholds_text(thresholds[code]))
        for code, name in IndicatorVersion.Profile.choices
        if code in thresholds
    ]
    return Methodology(
        badges=badges,
        profiles=profiles,
        no_target_thresholds=_thresholds_text(progress.NO_TARGET_THRESHOLDS, pace=False),
    )
