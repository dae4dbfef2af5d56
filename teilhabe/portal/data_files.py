"""The data behind the portal's pages as CSV and XLSX: a chart's series, an area's or a district's observations.

Every figure comes through the public gateway (monitoring.queries.list_public_observations) or from a chart
the portal built from it, so a file holds exactly what the page shows: nothing before its release date, no
figure of a withheld observation (its value is empty, its `reliability` says "withheld"). Values are rounded
half up to the indicator's decimals, as on the page; the full precision is in the data package.
Series and geographies carry the labels the pages use, in the page's language, beside their codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import Http404

from teilhabe.core import formatting
from teilhabe.core.tabular import WorkbookWriter, csv_text
from teilhabe.monitoring import queries as monitoring
from teilhabe.monitoring.models import Geography, IndicatorVersion, Observation

from . import queries

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The charts of an indicator page whose data can be downloaded; "all" is every public observation of it.
CHARTS = ("groups", "gap", "districts", "all")

CHART_HEADER = ("indicator", "indicator_title", "series", "period", "year", "value", "unit", "reliability")
OBSERVATION_HEADER = (
    "indicator",
    "indicator_title",
    "series",
    "breakdown_key",
    "geography_code",
    "geography",
    "period",
    "period_start",
    "period_end",
    "value",
    "unit",
    "reliability",
    "is_provisional",
    "source",
)
VALUE_COLUMN = "value"
SHEET = "data"


@dataclass(frozen=True)
class DataFile:
    """Rows for one download; `decimals` per row index of the value column, for the workbook's display."""

    name: str
    header: tuple[str, ...]
    rows: list[tuple]
    decimals: list[int]


def _rounded(value: float | None, decimals: int) -> float | int | None:
    """The value as the page shows it: rounded half up to the indicator's decimals (whole numbers as ints)."""
    if value is None:
        return None
    rounded = formatting.round_half_up(value, decimals)
    return int(rounded) if decimals <= 0 else float(rounded)


# --------------------------------------------------------------------------- charts of an indicator page


def chart_file(code: str, chart: str, edition_code: str | None = None) -> DataFile:
    """The series behind one chart of the indicator page (the same page query, so the same numbers)."""
    if chart not in CHARTS:
        raise Http404
    if chart == "all":
        version = queries._get_version(code, edition_code)
        return _observation_file(
            f"{version.indicator.code}",
            monitoring.list_public_observations().filter(indicator=version.indicator),
            {version.indicator_id: version},
        )
    if chart == "districts":
        version = queries._get_version(code, edition_code)
        # every series the district map and time series can show: the total and each group, per district
        rows = monitoring.list_public_observations().filter(
            indicator=version.indicator, geography__level=Geography.Level.DISTRICT
        )
        return _observation_file(f"{version.indicator.code}-districts", rows, {version.indicator_id: version})
    page = queries.get_indicator_page(code, edition_code)
    version = page.version
    figure = page.group_chart if chart == "groups" else page.gap_chart
    if figure is None:
        raise Http404
    unit = formatting.unit_in_words(version.unit)
    if chart == "gap":
        unit = (
            formatting.unit_in_words(formatting.change_unit(version.unit))
            if version.gap_metric == IndicatorVersion.GapMetric.DIFFERENCE
            else ""  # a ratio of the two groups has no unit
        )
    rows = []
    for series in figure.series:
        for point in series.points:
            rows.append(
                (
                    version.indicator.code,
                    version.title,
                    series.label,
                    point.period,
                    point.year,
                    _rounded(point.value, version.decimals),
                    unit,
                    getattr(point, "reliability", "published"),
                )
            )
    rows.sort(key=lambda row: (row[4], row[3]))  # by period, series in the chart's order within one
    return DataFile(f"{version.indicator.code}-{chart}", CHART_HEADER, rows, [version.decimals] * len(rows))


# --------------------------------------------------------------------------- observations of an area or district


def area_file(edition_code: str, code: str) -> DataFile:
    """Every public observation of the indicators of an area of action and its topics."""
    page = queries.get_area_page(edition_code, code)
    versions = {row.version.indicator_id: row.version for section in page.sections for row in section.rows}
    rows = monitoring.list_public_observations().filter(indicator_id__in=list(versions))
    return _observation_file(f"{page.area.edition.code}-{page.area.code}", rows, versions)


def district_file(code: str) -> DataFile:
    """Every public observation of one district for the indicators of the current edition."""
    district = Geography.objects.filter(code=code, level=Geography.Level.DISTRICT).first()
    edition = monitoring.get_current_edition()
    if district is None or edition is None:
        raise Http404
    versions = {v.indicator_id: v for v in queries._active_versions(edition)}
    rows = monitoring.list_public_observations().filter(indicator_id__in=list(versions), geography=district)
    return _observation_file(f"district-{district.code}", rows, versions)


def _observation_file(
    name: str, observations: Iterable[Observation], versions: dict[int, IndicatorVersion]
) -> DataFile:
    labels = queries.breakdown_labels()
    rows, decimals = [], []
    for row in observations:
        version = versions.get(row.indicator_id)
        if version is None:
            continue
        rows.append(
            (
                row.indicator.code,
                version.title,
                queries.label_for_key(row.breakdown_key, labels),
                row.breakdown_key,
                row.geography.code,
                row.geography.name,
                formatting.format_period(row.period, row.period_kind),
                row.period_start,
                row.period_end,
                _rounded(row.value, version.decimals),
                formatting.unit_in_words(version.unit),
                getattr(row, "reliability", "published"),
                row.is_provisional,
                row.source,
            )
        )
        decimals.append(version.decimals)
    return DataFile(name, OBSERVATION_HEADER, rows, decimals)


# --------------------------------------------------------------------------- the open-data page


@dataclass(frozen=True)
class OpenData:
    edition: object
    versions: list[IndicatorVersion]
    licence: dict
    year: int


def get_open_data() -> OpenData:
    """What the open-data page lists: the indicators of the current edition and the licence."""
    from django.utils import timezone

    from teilhabe.core.data_licence import licence

    edition = monitoring.get_current_edition()
    versions = list(queries._active_versions(edition)) if edition else []
    return OpenData(edition=edition, versions=versions, licence=licence(), year=timezone.localdate().year)


# --------------------------------------------------------------------------- bytes


def to_bytes(data: DataFile, file_format: str) -> bytes:
    if file_format == "csv":
        # a byte-order mark, so that spreadsheet programs read the umlauts as UTF-8
        return ("\ufeff" + csv_text(data.rows, data.header)).encode("utf-8")
    if file_format == "xlsx":
        return _workbook(data.header, data.rows, data.decimals)
    raise Http404


def _workbook(header: Sequence[str], rows: Sequence[tuple], decimals: Sequence[int]) -> bytes:
    value_index = list(header).index(VALUE_COLUMN)
    book = WorkbookWriter()
    sheet = book.add_sheet(SHEET, widths=[12, 40, 30] + [14] * (len(header) - 3), freeze_header=True)
    sheet.append(header, bold=True)
    for row, places in zip(rows, decimals, strict=True):
        sheet.append(row, number_formats={value_index: formatting.spreadsheet_format(places)})
    return book.to_bytes()
