"""The districts on the indicator page: one chosen series (total, a group or the gap) as map, table and time series.

Value and status always come from the same series: a district's row shows its value of the chosen
series and the assessment of exactly that series in that district (never the total beside the
gap's status). Values come through the disclosure gateway (monitoring.queries.list_public_observations),
so a withheld value reads "/" here as everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from teilhabe.core import formatting
from teilhabe.monitoring import progress
from teilhabe.monitoring.boundaries import get_district_boundaries
from teilhabe.monitoring.models import Assessment, Geography, IndicatorVersion, Observation
from teilhabe.monitoring.status_labels import STATUS_ORDER, status_label

from . import charts, maps
from . import queries as portal

TOTAL = "total"
GAP = "gap"


@dataclass(frozen=True)
class SeriesChoice:
    value: str  # the `series` query parameter
    label: str
    selected: bool


@dataclass
class DistrictRow:
    district: Geography
    period: str
    value: str
    difference: str
    assessment: portal.AssessmentView


@dataclass
class DistrictPicture:
    choices: list[SeriesChoice]
    selected: str
    series_label: str
    rows: list[DistrictRow]
    map_svg: str
    legend: list[tuple[str, str, str]]  # (status, label, swatch svg)
    without_outline: list[Geography]
    period: str
    time_chart: charts.Chart | None = None
    difference_is_share: bool = False  # counts: the district's share of the city instead of a raw difference
    has_map: bool = False
    shapes_are_illustrative: bool = False  # the demo's invented outlines
    notes: list[str] = field(default_factory=list)


def _points(rows: Sequence[Observation]) -> dict[int, Observation]:
    return {row.period_start.year: row for row in rows}


def _series_values(
    version: IndicatorVersion, rows_by_key: dict[str, list[Observation]], selected: str
) -> list[charts.SeriesPoint]:
    """One geography's points of the chosen series; the gap is derived from the two groups as in the city."""
    if selected != GAP:
        return list(portal._series_points(rows_by_key.get("" if selected == TOTAL else selected, [])))
    a_rows = rows_by_key.get(version.group_a.key, [])
    b_rows = rows_by_key.get(version.group_b.key, [])
    gaps = progress.derive_gap(
        [progress.Point(r.period_start.year, r.value) for r in a_rows],
        [progress.Point(r.period_start.year, r.value) for r in b_rows],
        version.gap_metric,
    )
    a_by_year, b_by_year = _points(a_rows), _points(b_rows)
    return [
        charts.SeriesPoint(
            p.year,
            portal._period(a_by_year[p.year]),
            p.value,
            portal._difference_reliability(a_by_year.get(p.year), b_by_year.get(p.year)),
        )
        for p in gaps
        if p.year in a_by_year
    ]


def _short(point: charts.SeriesPoint, version: IndicatorVersion, unit: str, selected: str) -> str:
    """A value short enough to write on the map: "−15,7 Pp." rather than "−15,7 Prozentpunkte"."""
    decimals = version.decimals
    if point.value is None or selected != GAP or version.gap_metric != IndicatorVersion.GapMetric.DIFFERENCE:
        return formatting.format_disclosed_value(point.value, decimals, unit, point.reliability)
    short = formatting.format_change(point.value, decimals, version.unit, short=True)
    return formatting.mark_reliability(short, point.reliability)


def _assessment_for(rows: Sequence[Assessment], selected: str) -> Assessment | None:
    """The district's assessment of exactly the chosen series (no fallback to another series)."""
    for row in rows:
        if selected == GAP and row.series_kind == Assessment.SeriesKind.GAP:
            return row
        if selected == TOTAL and row.series_kind == Assessment.SeriesKind.TOTAL and not row.breakdown_key:
            return row
        if (
            selected not in (GAP, TOTAL)
            and row.series_kind == Assessment.SeriesKind.GROUP
            and row.breakdown_key == selected
        ):
            return row
    return None


def series_choices(version: IndicatorVersion, district_keys: set[str], labels: dict[str, str]) -> list[tuple[str, str]]:
    """The series the districts report: total, each group of the compared dimension, the gap."""
    choices = []
    if "" in district_keys:
        choices.append((TOTAL, _("Total")))
    if version.group_a_id and version.group_b_id:
        dimension = version.group_a.dimension.code
        groups = [version.group_a.key, version.group_b.key] + sorted(
            k for k in district_keys if "|" not in k and k.split("=")[0] == dimension
        )
        for key in dict.fromkeys(groups):
            if key in district_keys:
                choices.append((key, portal.label_for_key(key, labels)))
        if version.group_a.key in district_keys and version.group_b.key in district_keys:
            choices.append(
                (GAP, _("Gap: %(a)s compared with %(b)s") % {"a": version.group_a.name, "b": version.group_b.name})
            )
    return choices


def default_series(version: IndicatorVersion, available: Sequence[str]) -> str:
    """The series the indicator rates (the gap for gap indicators), if the districts report it."""
    preferred = GAP if version.is_gap else TOTAL
    return preferred if preferred in available else (available[0] if available else TOTAL)


def get_district_picture(
    version: IndicatorVersion,
    city_rows: dict[str, list[Observation]],
    district_rows: dict[int, dict[str, list[Observation]]],
    assessments: Sequence[Assessment],
    labels: dict[str, str],
    selected: str | None,
) -> DistrictPicture | None:
    if not district_rows:
        return None
    districts = list(Geography.objects.filter(level=Geography.Level.DISTRICT).order_by("position", "code"))
    keys = {key for rows in district_rows.values() for key in rows}
    options = series_choices(version, keys, labels)
    available = [value for value, _label in options]
    if selected not in available:
        selected = default_series(version, available)
    series_label = dict(options).get(selected, _("Total"))
    unit = portal._gap_unit(version) if selected == GAP else version.unit
    decimals = version.decimals
    is_count = formatting.is_count_unit(unit)
    city_points = {p.year: p for p in _series_values(version, city_rows, selected)}
    by_district: dict[int, list[Assessment]] = defaultdict(list)
    for row in assessments:
        if row.geography.level == Geography.Level.DISTRICT:
            by_district[row.geography_id].append(row)
    boundaries = get_district_boundaries()
    outlines = boundaries.districts
    rows, areas, time_series, latest = [], [], [], []
    for district in districts:
        points = _series_values(version, district_rows.get(district.pk, {}), selected)
        last = points[-1] if points else None
        value = (
            formatting.format_disclosed_value(last.value, decimals, unit, last.reliability) if last is not None else "–"
        )
        difference = "–"
        city = city_points.get(last.year) if last is not None else None
        if last is not None and city is not None and last.value is not None and city.value is not None:
            reliability = "limited" if "limited" in (last.reliability, city.reliability) else "published"
            if is_count:
                # a district's count is a part of the city's: compare as a share, never raw
                shown = formatting.format_percent(last.value / city.value, 1) if city.value else "–"
            else:
                shown = formatting.format_change(last.value - city.value, decimals, unit)
            difference = formatting.mark_reliability(shown, reliability)
        assessment = portal.view_assessment(
            _assessment_for(by_district.get(district.pk, []), selected),
            decimals=decimals,
            unit=unit,
            series_label=series_label,
        )
        rows.append(DistrictRow(district, last.period if last else "", value, difference, assessment))
        has_status = assessment.row is not None
        areas.append(
            maps.MapArea(
                code=district.code,
                name=district.name,
                value_text=value,
                status_code=assessment.status if has_status else "none",
                status_text=assessment.label if has_status else _("no status"),
                href=district.get_absolute_url(),
                label_text=_short(last, version, unit, selected) if last is not None else "–",
            )
        )
        if points:
            time_series.append(charts.Series(district.name, tuple(points)))
            latest.append(last)
    period = max(latest, key=lambda p: p.year).period if latest else ""
    title = _("%(title)s by district: %(series)s") % {"title": version.title, "series": series_label}
    description = "; ".join(f"{a.name}: {a.value_text}, {a.status_text}" for a in areas)
    chart_id = f"district-map-{version.indicator_id}"
    if outlines:
        svg = maps.district_map_svg(areas, outlines, chart_id=chart_id, title=title, description=description)
    else:
        svg = charts.tile_map_svg(
            [charts.Tile(a.name, a.value_text, a.status_code, a.status_text) for a in areas],
            chart_id=chart_id,
            title=title,
            description=description,
        )
    shown_statuses = [s for s in [*STATUS_ORDER, "none"] if any(a.status_code == s for a in areas)]
    legend = [
        (status, status_label(status) if status != "none" else _("no status"), maps.legend_swatch(status))
        for status in shown_statuses
    ]
    time_chart = charts.line_chart(
        chart_id=f"chart-districts-{version.indicator_id}-{selected.replace('=', '-')}",
        title=_("%(title)s by district over time: %(series)s") % {"title": version.title, "series": series_label},
        series=time_series,
        unit=unit,
        decimals=decimals,
        zero_line=selected == GAP and version.gap_metric == IndicatorVersion.GapMetric.DIFFERENCE,
    )
    return DistrictPicture(
        choices=[SeriesChoice(value, label, value == selected) for value, label in options],
        selected=selected,
        series_label=series_label,
        rows=rows,
        map_svg=svg,
        legend=legend,
        without_outline=[d for d in districts if outlines and d.code not in outlines],
        period=period,
        time_chart=time_chart,
        difference_is_share=is_count,
        has_map=bool(outlines),
        shapes_are_illustrative=bool(outlines) and boundaries.is_illustrative,
    )
