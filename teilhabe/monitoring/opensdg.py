"""Read an Open SDG data repository and assess its indicators (docs/methods/progress.md).

Pure module (stdlib, numpy through `progress`, PyYAML): it knows the Open SDG file
layout and series-selection rules and hands series to `progress`; storing the results
is the Django layer's job.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from teilhabe.monitoring.progress import (
    DEFAULT_BASE_YEAR,
    DEFAULT_TARGET_YEAR,
    Assessment,
    Direction,
    IndicatorAssessment,
    Point,
    Reason,
    SeriesOptions,
    ThresholdOverrides,
    assess_indicator,
    assess_series,
    not_assessable,
)

# Columns that never identify a sub-series: the Open SDG fixed columns plus SDMX
# observation attributes that publishers add to the long format.
FIXED_COLUMNS = frozenset({"Year", "Units", "Series", "Value", "GeoCode", "Progress"})
ATTRIBUTE_COLUMNS = frozenset(
    {
        "COMMENT_OBS",
        "COMMENT_TS",
        "SOURCE_DETAIL",
        "OBS_STATUS",
        "UNIT_MULT",
        "UNIT_MEASURE",
        "NATURE",
        "TIME_DETAIL",
        "TIME_COVERAGE",
        "BASE_PER",
    }
)
# Missing-value markers of statistics offices (compared case-insensitively): the cell is missing, not wrong.
MISSING_MARKERS = frozenset(
    {
        "",
        ".",
        "..",
        "...",
        "-",
        "–",
        "—",
        "x",
        "n/a",
        "na",
        "nan",
        "inf",
        "+inf",
        "-inf",
        "infinity",
        ":",
        "null",
        "none",
        "nd",
        "n.d.",
        "n.v.",
        "k.a.",
    }
)


def is_attribute_column(column: str) -> bool:
    """Observation attributes, also numbered as publishers repeat them (COMMENT_OBS_0, COMMENT_OBS_1)."""
    return column in ATTRIBUTE_COLUMNS or re.sub(r"_\d+$", "", column) in ATTRIBUTE_COLUMNS


def is_missing_marker(text: str, extra: frozenset[str] = frozenset()) -> bool:
    value = text.strip().lower()
    return value in MISSING_MARKERS or value in extra


def breakdown_columns_of(columns: Sequence[str], attributes: Sequence[str] = ()) -> tuple[str, ...]:
    """The columns that identify a sub-series: all but the fixed columns and observation attributes.

    `attributes` are further attribute columns the repository names in its configuration
    (`data_non_disaggregation_columns`, see read_attribute_columns).
    """
    return tuple(c for c in columns if c not in FIXED_COLUMNS and not is_attribute_column(c) and c not in attributes)


# Configuration files of an Open SDG data repository (data build) and site, in the order they are read.
CONFIG_FILES = ("config_data.yml", "data_config.yml", "_config.yml", "config_site.yml", "site_config.yml")


def read_attribute_columns(repository: Path) -> tuple[str, ...]:
    """Columns the repository's configuration declares as not disaggregating (`data_non_disaggregation_columns`).

    Entries may be column names or mappings with a `column` key (both forms occur). Missing or
    unreadable configuration files declare none.
    """
    found: list[str] = []
    for name in CONFIG_FILES:
        path = Path(repository) / name
        if not path.is_file():
            continue
        try:
            config = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
        except yaml.YAMLError:
            continue
        entries = config.get("data_non_disaggregation_columns") if isinstance(config, Mapping) else None
        for entry in entries or ():
            column = entry.get("column") if isinstance(entry, Mapping) else entry
            if isinstance(column, str) and column.strip() and column.strip() not in found:
                found.append(column.strip())
    return tuple(found)


# Published result files key series by label; Open SDG publishers shorten long labels
# (reverse-engineered from the development data, see docs/methods/progress.md).
LABEL_MAX_LENGTH = 122
LABEL_ELLIPSIS = "..."


@dataclass(frozen=True)
class DisaggregationFilter:
    """One `disaggregation` entry of a selection; a None value selects the empty (total) cell."""

    field: str
    value: str | None


@dataclass(frozen=True)
class Selection:
    """One entry of `progress_calculation_options`, or a group of them (`group` non-empty)."""

    direction: Direction = Direction.NEGATIVE
    target: float | None = None
    target_year: int = DEFAULT_TARGET_YEAR
    base_year: int = DEFAULT_BASE_YEAR
    limit: float | None = None
    series: str | None = None
    unit: str | None = None
    disaggregation: tuple[DisaggregationFilter, ...] = ()
    thresholds: ThresholdOverrides | None = None
    group: tuple[Selection, ...] = ()

    @property
    def is_group(self) -> bool:
        return bool(self.group)

    def series_options(self) -> SeriesOptions:
        return SeriesOptions(
            direction=self.direction,
            base_year=self.base_year,
            target=self.target,
            target_year=self.target_year,
            limit=self.limit,
            thresholds=self.thresholds,
        )


@dataclass(frozen=True)
class DataRow:
    """One row of `data/indicator_<id>.csv`; empty breakdown cells are the empty string."""

    year: int
    year_label: str
    value: float | None
    progress: float | None
    cells: dict[str, str] = field(default_factory=dict)

    def cell(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class OpenSdgIndicator:
    """Settings and data of one indicator of an Open SDG repository."""

    indicator_id: str
    names: dict[str, str]
    auto_progress_calculation: bool
    progress_calculation_options: tuple[Selection, ...]
    progress_status: str | None
    columns: tuple[str, ...]
    breakdown_columns: tuple[str, ...]
    has_progress_column: bool
    has_data: bool
    rows: tuple[DataRow, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SelectedSeries:
    """The observations a selection picks out of the data, or why it picks none."""

    label: str
    points: tuple[Point, ...]
    reason: Reason | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SeriesResult:
    label: str
    selection: Selection
    selected: SelectedSeries
    assessment: Assessment
    group_index: int | None = None


@dataclass(frozen=True)
class OpenSdgResult:
    """All assessments of an indicator; `indicator` is None when progress is set manually."""

    indicator_id: str
    indicator: IndicatorAssessment | None
    manual_status: str | None
    series: tuple[SeriesResult, ...]


# --------------------------------------------------------------------------- reading


def list_indicator_ids(repository: Path) -> list[str]:
    """Ids found in data/, meta/ and indicator-config/, in natural order (1-2-1 before 1-10-1)."""
    repository = Path(repository)
    ids = {path.stem.removeprefix("indicator_") for path in (repository / "data").glob("indicator_*.csv")}
    ids |= {path.stem for path in (repository / "meta").glob("*.md")}
    ids |= {path.stem for path in (repository / "meta").glob("*.yml")}
    ids |= {path.stem for path in (repository / "indicator-config").glob("*.yml")}
    return sorted(ids, key=natural_key)


def natural_key(indicator_id: str) -> tuple:
    """1-2-1 before 1-10-1 and 1-a-1 after 1-10-1: numbers by value, letters after numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[-.]", indicator_id))


def read_repository(repository: Path, **kwargs: object) -> list[OpenSdgIndicator]:
    return [read_indicator(repository, indicator_id, **kwargs) for indicator_id in list_indicator_ids(repository)]


def read_front_matter(path: Path) -> dict:
    """YAML between the first two `---` lines of a Markdown file (empty if there is none)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return yaml.safe_load("\n".join(lines[1:end])) or {}
    return {}


def read_settings(repository: Path, indicator_id: str) -> dict:
    """Indicator settings: meta front matter (meta/<id>.md) or meta/<id>.yml, overridden by
    indicator-config/<id>.yml where both exist."""
    repository = Path(repository)
    settings: dict = {}
    meta = repository / "meta" / f"{indicator_id}.md"
    if meta.exists():
        settings.update(read_front_matter(meta))
    meta_yml = repository / "meta" / f"{indicator_id}.yml"
    if meta_yml.exists():
        settings.update(yaml.safe_load(meta_yml.read_text(encoding="utf-8-sig")) or {})
    config = repository / "indicator-config" / f"{indicator_id}.yml"
    if config.exists():
        settings.update(yaml.safe_load(config.read_text(encoding="utf-8-sig")) or {})
    return settings


def read_translations(repository: Path, language: str) -> dict[str, str]:
    """Open SDG translation keys `<file>.<key>` from translations/<language>/*.yml (or *.json), if any.

    Nested groups give dotted keys (`global_indicators.1-1-1-title` from `1-1-1-title` in
    global_indicators.yml, or from `{"1-1-1": {"title": ...}}` as `global_indicators.1-1-1.title`).
    """
    folder = Path(repository) / "translations" / language
    keys: dict[str, str] = {}
    paths = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml"), *folder.glob("*.json")])
    for path in paths:
        content = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}  # JSON is YAML
        _flatten(path.stem, content, keys)
    return keys


def _flatten(prefix: str, content: object, keys: dict[str, str]) -> None:
    if isinstance(content, Mapping):
        for key, value in content.items():
            _flatten(f"{prefix}.{key}", value, keys)
    elif isinstance(content, str | int | float) and not isinstance(content, bool):
        keys.setdefault(prefix, str(content))


def translation_languages(repository: Path) -> list[str]:
    """Languages with a folder in translations/."""
    folder = Path(repository) / "translations"
    return sorted(path.name for path in folder.glob("*") if path.is_dir()) if folder.is_dir() else []


def translate(text: object, translations: Mapping[str, str]) -> object:
    """A metadata text that is a translation key, resolved; anything else as it is."""
    return translations.get(text.strip(), text) if isinstance(text, str) else text


def _name(settings: Mapping) -> str | None:
    for key in ("indicator_name", "national_indicator_available", "graph_title"):
        if isinstance(settings.get(key), str) and settings[key].strip():
            return settings[key].strip()
    return None


def read_indicator(
    repository: Path,
    indicator_id: str,
    *,
    language: str = "en",
    translations: Mapping[str, str] | None = None,
    attribute_columns: Sequence[str] | None = None,
    with_rows: bool = True,
) -> OpenSdgIndicator:
    """Read settings, names and data of one indicator.

    `language` is the language of the untranslated files (meta/<id>.md); other
    languages come from meta/<lang>/<id>.md. Data cells, column names and the name that are
    translation keys (e.g. `data.All ages`, `global_indicators.1-1-1-title`) are resolved through
    `translations`, by default the repository's translations/<language>/*.yml; a name that is a
    key also gets its text in every other language of translations/. `attribute_columns` (default:
    the repository's `data_non_disaggregation_columns`) are attributes, not breakdowns. With
    `with_rows=False` only the header of the data file is read (for callers that read the rows
    themselves, such as the import).
    """
    repository = Path(repository)
    settings = read_settings(repository, indicator_id)
    if translations is None:
        translations = read_translations(repository, language)
    if attribute_columns is None:
        attribute_columns = read_attribute_columns(repository)
    names = {}
    if name := _name(settings):
        names[language] = translate(name, translations)
        if name in translations:
            for other in translation_languages(repository):
                if other != language and (text := read_translations(repository, other).get(name)):
                    names[other] = text
    for folder in sorted(p for p in (repository / "meta").glob("*") if p.is_dir()):
        translated = folder / f"{indicator_id}.md"
        if translated.exists() and (name := _name(read_front_matter(translated))):
            names[folder.name] = translate(name, read_translations(repository, folder.name))

    warnings: list[str] = []
    options = tuple(
        _parse_selection(entry, {}, warnings) for entry in settings.get("progress_calculation_options") or ()
    )
    path = repository / "data" / f"indicator_{indicator_id}.csv"
    columns: tuple[str, ...] = ()
    rows: tuple[DataRow, ...] = ()
    if path.exists() and not with_rows:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            columns = tuple(translations.get(name.strip(), name.strip()) for name in next(csv.reader(handle), []))
    elif path.exists():
        columns, rows = _read_data(path, translations, warnings)
    else:
        warnings.append(f"data file {path.name} is missing")
    breakdowns = breakdown_columns_of(columns, attribute_columns)
    manual = settings.get("progress_status")
    return OpenSdgIndicator(
        indicator_id=indicator_id,
        names=names,
        auto_progress_calculation=_as_bool(settings.get("auto_progress_calculation")),
        progress_calculation_options=options,
        progress_status=manual if isinstance(manual, str) else None,
        columns=columns,
        breakdown_columns=breakdowns,
        has_progress_column="Progress" in columns,
        has_data=path.exists(),
        rows=rows,
        warnings=tuple(warnings),
    )


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1"}
    return bool(value)


def _as_float(value: object) -> float | None:
    """A number from settings; empty, `[]` and other non-scalars (`target: []` in real repositories) are none."""
    if isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]
    if value is None or isinstance(value, list | tuple | dict) or (isinstance(value, str) and not value.strip()):
        return None
    return float(value)


def parse_progress_options(entries: Sequence[Mapping] | None) -> tuple[Selection, ...]:
    """Selections of a `progress_calculation_options` list as written in the settings.

    For callers that keep the raw options elsewhere (the Django layer stores them with the
    indicator) and rebuild an `OpenSdgIndicator` from them; parsed exactly as `read_indicator` does.
    """
    return tuple(_parse_selection(entry, {}, []) for entry in entries or ())


def _parse_selection(entry: Mapping, inherited: Mapping, warnings: list[str]) -> Selection:
    """One options entry; keys of a group apply to its members unless they set their own."""
    merged = {**inherited, **{k: v for k, v in entry.items() if k != "group"}}
    if entry.get("group"):
        members = tuple(_parse_selection(member, merged, warnings) for member in entry["group"])
        return Selection(group=members)
    thresholds = None
    if isinstance(merged.get("progress_thresholds"), Mapping):
        given = merged["progress_thresholds"]
        thresholds = ThresholdOverrides(
            high=_as_float(given.get("high")),
            medium=_as_float(given.get("med", given.get("medium"))),
            low=_as_float(given.get("low")),
        )
    filters = tuple(
        DisaggregationFilter(field=str(item["field"]), value=None if item.get("value") is None else str(item["value"]))
        for item in merged.get("disaggregation") or ()
        if isinstance(item, Mapping) and item.get("field") is not None
    )
    direction = (
        Direction.POSITIVE if str(merged.get("direction", "")).strip().lower() == "positive" else Direction.NEGATIVE
    )
    return Selection(
        direction=direction,
        target=_as_float(merged.get("target")),
        target_year=int(_as_float(merged.get("target_year")) or DEFAULT_TARGET_YEAR),
        base_year=int(_as_float(merged.get("base_year")) or DEFAULT_BASE_YEAR),
        limit=_as_float(merged.get("limit")),
        series=None if merged.get("series") is None else str(merged["series"]),
        unit=None if merged.get("unit") is None else str(merged["unit"]),
        disaggregation=filters,
        thresholds=thresholds,
    )


def _read_data(
    path: Path, translations: Mapping[str, str], warnings: list[str]
) -> tuple[tuple[str, ...], tuple[DataRow, ...]]:
    """Long-format CSV: optional BOM, quoted years, year ranges counted as their first year."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        columns = tuple(translations.get(name.strip(), name.strip()) for name in header)
        rows = []
        skipped = 0
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            cells = {
                column: translations.get(cell.strip(), cell.strip())
                for column, cell in zip(columns, record, strict=False)
            }
            year_label = cells.get("Year", "")
            try:
                # "2015-2016" and other labels longer than a year count as their first four characters.
                year = int(year_label[:4])
            except ValueError:
                skipped += 1
                continue
            rows.append(
                DataRow(
                    year=year,
                    year_label=year_label,
                    value=_parse_number(cells.get("Value", "")),
                    progress=_parse_number(cells.get("Progress", "")),
                    cells={c: v for c, v in cells.items() if c not in ("Year", "Value", "Progress")},
                )
            )
    if skipped:
        warnings.append(f"{path.name}: {skipped} rows without a readable year were skipped")
    return columns, tuple(rows)


def _parse_number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# --------------------------------------------------------------------------- series selection


def series_label(indicator_id: str, selection: Selection) -> str:
    """Label of a selection as in indicator_calculation_components.yml.

    The indicator id, then series, unit and each disaggregation value (None as "None"),
    joined by " / "; just the id when the selection names none of them. A label longer
    than LABEL_MAX_LENGTH is shortened by cutting the longest part (the first on ties)
    one character at a time and marking cut parts with "...".
    """
    parts = [p for p in (selection.series, selection.unit) if p is not None]
    parts += ["None" if f.value is None else f.value for f in selection.disaggregation]
    cut = [False] * len(parts)

    def render() -> str:
        return " / ".join(
            [
                indicator_id,
                *(part + (LABEL_ELLIPSIS if is_cut else "") for part, is_cut in zip(parts, cut, strict=True)),
            ]
        )

    while len(render()) > LABEL_MAX_LENGTH and any(parts):
        longest = max(range(len(parts)), key=lambda index: len(parts[index]))
        parts[longest] = parts[longest][:-1]
        cut[longest] = True
    return render()


def select_series(indicator: OpenSdgIndicator, selection: Selection) -> SelectedSeries:
    """Pick a selection's observations by the Open SDG rules (docs/methods/progress.md)."""
    label = series_label(indicator.indicator_id, selection)
    if not indicator.has_data:
        return SelectedSeries(
            label=label, points=(), reason=Reason.NO_DATA, warnings=("the indicator has no data file",)
        )
    warnings: list[str] = []
    rows = list(indicator.rows)

    def narrow(column: str, wanted: str) -> None:
        nonlocal rows
        if column not in indicator.columns:
            warnings.append(f"column {column!r} is missing; filter {column} = {wanted!r} skipped")
            return
        matching = [row for row in rows if row.cell(column) == wanted]
        if not matching:
            warnings.append(f"no row has {column} = {wanted!r}; filter skipped")
            return
        rows = matching

    if selection.unit is not None:
        narrow("Units", selection.unit.strip())
    if selection.series is not None:
        narrow("Series", selection.series.strip())
    for item in selection.disaggregation:
        narrow(item.field, "" if item.value is None else item.value.strip())
    if not selection.disaggregation:
        rows = [row for row in rows if all(row.cell(column) == "" for column in indicator.breakdown_columns)]

    def value(row: DataRow) -> float | None:
        # A Progress column holds the values meant for the assessment.
        return row.progress if indicator.has_progress_column else row.value

    rows = [row for row in rows if value(row) is not None]
    if not rows:
        # Not an error of the selection: the assessment reports the empty series as too short.
        warnings.append("no rows with a value remain")
        return SelectedSeries(label=label, points=(), warnings=tuple(warnings))
    for column in ("Series", "Units", *indicator.breakdown_columns):
        if column in indicator.columns and len(distinct := sorted({row.cell(column) for row in rows})) > 1:
            warnings.append(f"several sub-series remain: {column} has {len(distinct)} values {distinct[:5]}")
    years = [row.year for row in rows]
    if len(set(years)) != len(years):
        warnings.append("a year occurs more than once")
    if warnings and (len(set(years)) != len(years) or any(w.startswith("several sub-series") for w in warnings)):
        return SelectedSeries(label=label, points=(), reason=Reason.SERIES_NOT_SELECTED, warnings=tuple(warnings))
    points = tuple(sorted((Point(year=row.year, value=value(row)) for row in rows), key=lambda point: point.year))
    return SelectedSeries(label=label, points=points, warnings=tuple(warnings))


# --------------------------------------------------------------------------- assessment


def assess_selections(indicator: OpenSdgIndicator) -> OpenSdgResult:
    """Assess every selection of an indicator; manual indicators keep their manual status."""
    if not indicator.auto_progress_calculation:
        return OpenSdgResult(
            indicator.indicator_id, indicator=None, manual_status=indicator.progress_status or "", series=()
        )
    # auto_progress_calculation without options: one headline selection with the defaults.
    selections = indicator.progress_calculation_options or (Selection(),)
    results: list[SeriesResult] = []
    combined: list[Assessment | list[Assessment]] = []
    used_labels: set[str] = set()

    def run(selection: Selection, group_index: int | None) -> Assessment:
        selected = select_series(indicator, selection)
        options = selection.series_options()
        if selected.reason is None:
            assessment = assess_series(selected.points, options)
            assessment = _with_warnings(assessment, selected.warnings)
        else:
            assessment = not_assessable(options, selected.reason, selected.warnings)
        label = selected.label
        duplicate = 2
        while label in used_labels:
            label = f"{selected.label} ({duplicate})"
            duplicate += 1
        used_labels.add(label)
        results.append(
            SeriesResult(
                label=label, selection=selection, selected=selected, assessment=assessment, group_index=group_index
            )
        )
        return assessment

    for index, selection in enumerate(selections):
        if selection.is_group:
            combined.append([run(member, index) for member in selection.group])
        else:
            combined.append(run(selection, None))
    return OpenSdgResult(
        indicator.indicator_id, indicator=assess_indicator(combined), manual_status=None, series=tuple(results)
    )


def _with_warnings(assessment: Assessment, warnings: Sequence[str]) -> Assessment:
    if not warnings:
        return assessment
    return replace(assessment, warnings=(*warnings, *assessment.warnings))


def components(assessment: Assessment) -> dict:
    """Per-series entry in the shape of indicator_calculation_components.yml."""
    return {
        "base_value": assessment.base_value,
        "base_year": assessment.base_year,
        "current_value": assessment.current_value,
        "current_year": assessment.current_year,
        "direction": assessment.direction,
        "limit": assessment.limit,
        "progress_value": assessment.progress_value,
        "score": assessment.score,
        "sign": assessment.sign,
        "status": assessment.status.value,
        "target": assessment.target,
        "target_year": assessment.target_year,
    }


def assess_opensdg_indicator(indicator: OpenSdgIndicator) -> dict:
    """Result in the shape of indicator_calculation_components.yml.

    `{progress_status, score, <series label>: {base_value, base_year, current_value,
    current_year, target, target_year, direction, sign, limit, progress_value, score,
    status}}`; a manual indicator gives its `progress_status` from the metadata (or "")
    and score None.
    """
    result = assess_selections(indicator)
    if result.indicator is None:
        return {"progress_status": result.manual_status, "score": None}
    output: dict = {"progress_status": result.indicator.status.value, "score": result.indicator.score}
    for series in result.series:
        output[series.label] = components(series.assessment)
    return output
