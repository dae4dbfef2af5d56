"""Import an Open SDG data repository into a concept edition (docs/methods/progress.md, section 8).

The pure reader (opensdg.py) reads settings, names and data; this service checks the files, maps
ids, breakdown columns and GeoCodes onto the monitoring models and writes everything in one
transaction. Running it again on the same files changes nothing. How the files map:

- the edition is created or reused by code; one area of action per SDG goal (code = the goal number);
- Indicator.code = the Open SDG id; its version keeps title, definition and unit in English (and in
  German when the repository has meta/de/), the direction of the first selection, and the publisher's
  settings under profile_parameters["opensdg"] (options, auto calculation, manual status, columns,
  names in other languages) so that the Open SDG rows can be rebuilt exactly (assessing.py);
- each breakdown column becomes a breakdown dimension (matched by its English name, else created with
  a slug code); each cell a category (matched by English name within the dimension, else created);
  codes are at most 30 characters so that breakdown keys fit;
- Units and Series are attributes of the series: a column with one value in every row is kept with the
  indicator (profile_parameters["opensdg"]["attributes"], and Units as the unit when the metadata name
  none), so the rows without breakdowns form the total series. Only a Units or Series column with
  several values, which tells series apart within one file, becomes part of the breakdown key, since one
  cell holds one observation; the report names it with the total series the progress options select;
- the dataset's total is a root geography (code = the edition code); each GeoCode a district below it
  (code "<edition code>-<GeoCode>");
- Value and Progress become the observation's value and progress value; missing-value markers
  (empty, "..", "-", "x", "n/a", "NaN", "Inf", ... and `missing_markers`) are counted and left out;
- the Year column is a label: years, school years, quarters ("2024 Q1"), months, dates and date
  ranges ("17 May to 11 June 2023") become periods of their kind; a year range ("2005-2007") counts
  as its first year, as in Open SDG, with the label in the note; any other label ("wave 3") becomes
  an ordered period label (shown and listed, never assessed);
- observation attributes (COMMENT_OBS, COMMENT_OBS_0, OBS_STATUS, ..., and the columns the repository's
  configuration names in `data_non_disaggregation_columns`) go to the observation's note as
  "<column>: <text>", not into breakdowns;
- names, definitions and units that are translation keys (`global_indicators.1-1-1-title`) are resolved
  through translations/<language>/ (English text, German and the other languages where present);
  breakdown columns and cells that are `data.` keys keep the key as their code, with German names
  from translations/de/ where present;
- a placeholder file (no value at all, a sentence in the Year column) gives an indicator without data
  that keeps the sentence as its note.

A foreign repository is imported as it is: every row that is not data is left out and named in the
report (file, row, column, reason); `strict=True` turns any left-out row into a problem. Either
everything the report counts is stored, or nothing is.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_update_with_history

from teilhabe.accounts import permissions
from teilhabe.core.cache import bump_data_version

from . import opensdg, services
from .assessing import OPENSDG_PARAMETERS
from .breakdowns import make_key
from .models import (
    AreaOfAction,
    BreakdownCategory,
    BreakdownDimension,
    Direction,
    Edition,
    Geography,
    Indicator,
    IndicatorVersion,
    Observation,
)
from .periods import PeriodKind, label_period, read_period_label
from .tasks import enqueue_recompute

SOURCE = "Open SDG data repository"
CHANGE_REASON = "Open SDG import"
CODE_LENGTH = 30
BREAKDOWN_KEY_LENGTH = Observation._meta.get_field("breakdown_key").max_length
SERIES_COLUMNS = ("Units", "Series")
BATCH_SIZE = 2000
# Observation fields an import writes; an observation whose fields all match is left alone.
WRITTEN_FIELDS = ("period_kind", "period_start", "period_end", "value", "progress_value", "note", "source")


class OpenSdgImportFailed(Exception):
    """The repository cannot be imported; nothing was written. `problems` name file and row."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems

    def describe(self) -> str:
        return "\n".join(f"- {problem}" for problem in self.problems)


@dataclass
class OpenSdgImportReport:
    edition: Edition
    indicators: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rows_without_value: int = 0
    warnings: list[str] = field(default_factory=list)
    # Rows that are not data, each "file, row N[, column C]: reason"; empty under strict=True.
    left_out: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    # Files whose Units or Series column holds several values, and the total series the options select.
    several_series: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    """One data row as the import reads it: its period, value and (translated) cells."""

    line: int
    period: tuple[str, str, date, date, str]  # code, kind, start, end, note
    value: float
    progress: float | None
    cells: dict[str, str]
    attributes: str

    def cell(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class _Cell:
    """One observation as read: where it comes from and what it says."""

    line: int
    period: tuple[str, str, date, date, str]  # code, kind, start, end, note
    key: str
    geocode: str
    value: float
    progress: float | None


@transaction.atomic
def import_opensdg(
    *,
    repository: Path,
    user,
    edition_code: str | None = None,
    title: str | None = None,
    strict: bool = False,
    missing_markers: tuple[str, ...] = (),
    progress=None,
) -> OpenSdgImportReport:
    """Import (or update) every indicator of an Open SDG repository into the edition `edition_code`.

    `user` is a department admin or a system actor; it is recorded in the history of the
    observations. Rows that are not data are left out and listed in the report; with `strict`
    they are problems. Raises OpenSdgImportFailed naming file and row of every problem; the
    database is then unchanged. Schedules the recomputation of the edition's assessments.
    `progress(iterable, total=, desc=)`, when given, wraps the loop over the indicators (a command's bar).
    """
    if not (permissions.can_import_data(user) or services.is_system_actor(user)):
        raise PermissionDenied
    repository = Path(repository)
    markers = frozenset(marker.strip().lower() for marker in missing_markers)
    reading = _read(repository, strict=strict, markers=markers)
    indicators, settings_by_id, cells, warnings = reading.indicators, reading.settings, reading.cells, reading.warnings
    edition_code = edition_code or slugify(repository.resolve().name)[:50] or "opensdg"
    report = OpenSdgImportReport(edition=_edition(edition_code, title or f"Open SDG: {repository.resolve().name}"))
    report.warnings = warnings
    report.rows_without_value = reading.rows_without_value
    report.left_out = reading.left_out
    report.placeholders = sorted(reading.placeholders)
    report.several_series = reading.several_series
    root = _root_geography(report.edition)
    geographies = _geographies(root, indicators, cells)
    dimensions = _dimensions(indicators, cells, reading.constants, reading.translations, reading.german)
    areas = _areas(report.edition, indicators)
    versions = _versions(
        report.edition,
        indicators,
        settings_by_id,
        areas,
        dimensions,
        root,
        user,
        reading.placeholders,
        constants=reading.constants,
        attribute_columns=reading.attribute_columns,
        translations=reading.translations,
        decimals=reading.decimals,
    )
    observations = {
        version.indicator_id: _observation_cells(
            indicator,
            cells[indicator.indicator_id],
            dimensions,
            strict=strict,
            left_out=report.left_out,
            constants=reading.constants[indicator.indicator_id],
        )
        for indicator, version in (progress or _no_progress)(
            zip(indicators, versions, strict=True), total=len(versions), desc="Open SDG indicators"
        )
    }
    _write_observations(observations, geographies, user, report)
    report.indicators = len(versions)
    enqueue_recompute(indicator_ids=[v.indicator_id for v in versions], edition_ids=[report.edition.pk])
    transaction.on_commit(bump_data_version)
    return report


def _no_progress(iterable, **_options):
    return iterable


# --------------------------------------------------------------------------- reading and checking


@dataclass
class _Reading:
    indicators: list[opensdg.OpenSdgIndicator] = field(default_factory=list)
    settings: dict[str, dict] = field(default_factory=dict)
    cells: dict[str, list[tuple[int, _Row]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    placeholders: dict[str, str] = field(default_factory=dict)
    rows_without_value: int = 0
    # Per indicator: Units/Series columns with one value in every row (attributes of the series).
    constants: dict[str, dict[str, str]] = field(default_factory=dict)
    several_series: list[str] = field(default_factory=list)
    attribute_columns: tuple[str, ...] = ()
    translations: dict[str, str] = field(default_factory=dict)
    # German texts of translations/de/ (for `data.` keys: German names of breakdowns and categories).
    german: dict[str, str] = field(default_factory=dict)
    decimals: dict[str, int] = field(default_factory=dict)


def _read(repository: Path, *, strict: bool = False, markers: frozenset[str] = frozenset()) -> _Reading:
    """Read and check every indicator; all problems are collected before anything is written."""
    if not repository.is_dir():
        raise OpenSdgImportFailed([f"{repository}: not a directory"])
    ids = opensdg.list_indicator_ids(repository)
    if not ids:
        raise OpenSdgImportFailed(
            [
                f"{repository}: no indicators found (expected data/indicator_<id>.csv, meta/<id>.md or "
                "indicator-config/<id>.yml)"
            ]
        )
    problems: list[str] = []
    reading = _Reading()
    indicators, settings_by_id, cells = reading.indicators, reading.settings, reading.cells
    translations = reading.translations = opensdg.read_translations(repository, "en")
    reading.german = opensdg.read_translations(repository, "de")
    reading.attribute_columns = opensdg.read_attribute_columns(repository)
    for indicator_id in ids:
        where = f"settings of {indicator_id} (meta/{indicator_id}.md, indicator-config/{indicator_id}.yml)"
        if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.-]*", indicator_id) or len(indicator_id) > 50:
            problems.append(f"{indicator_id}: an indicator id must be letters, digits, '-' and '.' (at most 50)")
            continue
        try:
            settings_by_id[indicator_id] = opensdg.read_settings(repository, indicator_id)
            options = settings_by_id[indicator_id].get("progress_calculation_options")
            if options is not None and not (
                isinstance(options, list) and all(isinstance(entry, Mapping) for entry in options)
            ):
                problems.append(f"{where}: progress_calculation_options must be a list of settings")
                continue
            opensdg.parse_progress_options(options)
        except (ValueError, TypeError, AttributeError, yaml.YAMLError, OSError) as error:
            # YAML errors carry their own line numbers in the message.
            problems.append(f"{where}: {error}")
            continue
        try:
            indicator = opensdg.read_indicator(
                repository,
                indicator_id,
                translations=translations,
                attribute_columns=reading.attribute_columns,
                with_rows=False,  # _check_data reads the rows, with line numbers
            )
        except (ValueError, csv.Error, OSError, yaml.YAMLError) as error:
            problems.append(f"data/indicator_{indicator_id}.csv or translations: {error}")
            continue
        indicators.append(indicator)
        cells[indicator_id] = _check_data(
            repository, indicator, problems, reading, strict=strict, markers=markers, translations=translations
        )
        reading.constants[indicator_id] = _constant_columns(indicator, cells[indicator_id])
        reading.several_series.extend(_several_series(indicator, cells[indicator_id], reading.constants[indicator_id]))
        reading.decimals[indicator_id] = _decimals(row.value for _line, row in cells[indicator_id][:2000])
    if problems:
        raise OpenSdgImportFailed(problems)
    return reading


def _check_data(
    repository: Path,
    indicator: opensdg.OpenSdgIndicator,
    problems: list[str],
    reading: _Reading,
    *,
    strict: bool,
    markers: frozenset[str],
    translations: Mapping[str, str],
) -> list[tuple[int, _Row]]:
    """Read each data row with its line number, period and value, naming every row that is not data.

    The pure reader (for the progress method) keeps only rows with a readable year; the import keeps
    every period a row names and says, file, row and column, why any other row was left out.
    """
    path = repository / "data" / f"indicator_{indicator.indicator_id}.csv"
    name = f"data/{path.name}"
    if not indicator.has_data:
        return []
    left_out: list[str] = []
    labels_without_period: dict[str, int] = {}
    periods: dict[str, tuple | None] = {}
    rows: list[tuple[int, _Row]] = []
    missing = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [translations.get(cell.strip(), cell.strip()) for cell in next(reader, [])]
        if "Year" not in header or "Value" not in header:
            problems.append(f"{name}, row 1: the columns Year and Value are required")
            return []
        attribute_columns = [
            column for column in header if opensdg.is_attribute_column(column) or column in reading.attribute_columns
        ]
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            line = reader.line_num
            cells = {
                column: translations.get(cell.strip(), cell.strip())
                for column, cell in zip(header, record, strict=False)
            }
            label = cells.get("Year", "")
            value_text, progress_text = cells.get("Value", ""), cells.get("Progress", "")
            value = _number(value_text)
            if value is None and not opensdg.is_missing_marker(value_text, markers):
                left_out.append(f"{name}, row {line}, column Value: {value_text!r} is not a number")
                continue
            progress = _number(progress_text) if "Progress" in header else None
            if progress_text and progress is None and not opensdg.is_missing_marker(progress_text, markers):
                left_out.append(f"{name}, row {line}, column Progress: {progress_text!r} is not a number")
                continue
            # A file repeats few labels: each is read once (a label's position is fixed at its first row).
            period = (
                periods[label] if label in periods else periods.setdefault(label, _period(label, labels_without_period))
            )
            if period is None:
                left_out.append(f"{name}, row {line}, column Year: the period is empty")
                continue
            if value is None:
                missing += 1
                continue
            attributes = "; ".join(f"{column}: {cells[column]}" for column in attribute_columns if cells.get(column))
            rows.append((line, _Row(line, period, value, progress, cells, attributes)))
    if not rows and labels_without_period:
        # A placeholder file: no value, a sentence in the Year column.
        reading.placeholders[indicator.indicator_id] = " ".join(labels_without_period)[:500]
        return []
    reading.rows_without_value += missing
    if missing:
        reading.warnings.append(f"{name}: {missing} row(s) without a value (empty or a missing-value marker)")
    if strict:
        problems.extend(left_out)
    else:
        reading.left_out.extend(left_out)
    return rows


def _constant_columns(indicator: opensdg.OpenSdgIndicator, rows: list[tuple[int, _Row]]) -> dict[str, str]:
    """Units and Series columns holding one value in every stored row: attributes of the series, not breakdowns."""
    constants = {}
    for column in SERIES_COLUMNS:
        if column in indicator.columns and rows:
            values = {row.cell(column) for _line, row in rows}
            if len(values) == 1 and (value := values.pop()):
                constants[column] = value
    return constants


def _several_series(
    indicator: opensdg.OpenSdgIndicator, rows: list[tuple[int, _Row]], constants: Mapping[str, str]
) -> list[str]:
    """Name each Units or Series column with several values and the total series the progress options select.

    Such a column stays in the breakdown key; the Open SDG assessment selects a total series per
    unit or series through the options' `unit` and `series` (docs/opensdg.md).
    """
    messages = []
    selections = [
        member
        for selection in indicator.progress_calculation_options
        for member in (selection.group if selection.is_group else (selection,))
    ]
    for column, attribute in (("Units", "unit"), ("Series", "series")):
        if column not in indicator.columns or column in constants:
            continue
        values = sorted({row.cell(column) for _line, row in rows} - {""})
        if len(values) < 2:
            continue
        selected = []
        for selection in selections:
            wanted = getattr(selection, attribute)
            if wanted is not None and wanted.strip() in values and wanted.strip() not in selected:
                selected.append(wanted.strip())
        if selected:
            outcome = "the progress options select the total series " + ", ".join(f"{column} = {v}" for v in selected)
        else:
            outcome = (
                f"no progress option selects one of them (`{attribute}:`), so the indicator has no total series "
                "to assess"
            )
        messages.append(
            f"data/indicator_{indicator.indicator_id}.csv: {column} has several values ({', '.join(values)}), "
            f"so it stays in the breakdown key; {outcome}"
        )
    return messages


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# --------------------------------------------------------------------------- concept


def _edition(code: str, title: str) -> Edition:
    edition = Edition.objects.filter(code=code).first()
    if edition is None:
        edition = Edition.objects.create(code=code, title_de=title, title_en=title)
    return edition


def _root_geography(edition: Edition) -> Geography:
    root = Geography.objects.filter(code=edition.code).first()
    if root is None:
        return Geography.objects.create(
            code=edition.code, name_en=str(edition.title), level=Geography.Level.CITY, position=0
        )
    if root.parent_id is not None:
        raise OpenSdgImportFailed(
            [f"geography {root.code!r} already exists below another geography; it cannot be the dataset's total"]
        )
    return root


def _geographies(
    root: Geography, indicators: list[opensdg.OpenSdgIndicator], cells: dict[str, list]
) -> dict[str, Geography]:
    """GeoCode -> geography below the root, named by the data's Geography column where it is unambiguous."""
    names: dict[str, Counter] = defaultdict(Counter)
    for indicator in indicators:
        for _line, row in cells[indicator.indicator_id]:
            geocode = row.cell("GeoCode")
            if geocode:
                names[geocode][row.cell("Geography")] += 1
    existing = {g.code: g for g in Geography.objects.filter(parent=root)}
    taken = set(Geography.objects.filter(code__startswith=f"{root.code}-").values_list("code", flat=True))
    result = {"": root}
    created = []
    for geocode in sorted(names):
        code = _geography_code(root.code, geocode)
        if code in existing:
            result[geocode] = existing[code]
            continue
        if code in taken:
            raise OpenSdgImportFailed([f"GeoCode {geocode!r}: geography {code!r} exists elsewhere in the hierarchy"])
        label = next((name for name, _count in names[geocode].most_common() if name), geocode)
        geography = Geography(code=code, name_en=label[:200], level=Geography.Level.DISTRICT, parent=root)
        created.append(geography)
        result[geocode] = geography
    Geography.objects.bulk_create(created)
    return result


def _geography_code(root_code: str, geocode: str) -> str:
    slug = slugify(geocode) or hashlib.sha1(geocode.encode()).hexdigest()[:8]
    return f"{root_code}-{slug}"[:50]


def _code(label: str, taken: set[str]) -> str:
    """A slug code of at most CODE_LENGTH characters, unique among `taken` (which it joins)."""
    base = slugify(label.replace("+", " plus"))
    if not base or len(base) > CODE_LENGTH:
        digest = hashlib.sha1(label.encode()).hexdigest()[:8]
        base = f"{base[: CODE_LENGTH - 9].rstrip('-_')}-{digest}".lstrip("-")
    code, number = base, 2
    while code in taken:
        suffix = f"-{number}"
        code = f"{base[: CODE_LENGTH - len(suffix)]}{suffix}"
        number += 1
    taken.add(code)
    return code


@dataclass
class _Dimensions:
    """Column label -> dimension code, and (column, cell label) -> category code."""

    columns: dict[str, BreakdownDimension]
    categories: dict[tuple[str, str], str]


def _dimension_columns(indicator: opensdg.OpenSdgIndicator, constants: Mapping[str, str]) -> list[str]:
    """Breakdown columns, plus Units and Series where they tell series apart (several values)."""
    return [
        c for c in indicator.columns if (c in indicator.breakdown_columns or c in SERIES_COLUMNS) and c not in constants
    ]


DATA_KEY_PREFIX = "data."


def _data_keys(translations: Mapping[str, str]) -> dict[str, str]:
    """English label -> its `data.` translation key (the first key where two share a text)."""
    keys: dict[str, str] = {}
    for key, text in translations.items():
        if key.startswith(DATA_KEY_PREFIX):
            keys.setdefault(text, key)
    return keys


def _dimensions(
    indicators: list[opensdg.OpenSdgIndicator],
    cells: dict[str, list],
    constants: Mapping[str, Mapping[str, str]],
    translations: Mapping[str, str] | None = None,
    german: Mapping[str, str] | None = None,
) -> _Dimensions:
    """Match breakdown columns and cells to dimensions and categories by English name, creating the rest.

    A column or cell that was a `data.` translation key (`data.SEX`, `data.Female`) keeps the key as its
    stable code (`sex`, `female`): a category is found by that code when its English text changed, and a
    new one gets its German name from translations/de/ where present.
    """
    keys = _data_keys(translations or {})
    german = german or {}

    def key_of(label: str) -> str | None:
        return label if label.startswith(DATA_KEY_PREFIX) else keys.get(label)

    def new_code(label: str, taken: set[str]) -> str:
        key = key_of(label)
        return _code(key.removeprefix(DATA_KEY_PREFIX) if key else label, taken)

    def german_name(label: str) -> str | None:
        key = key_of(label)
        return german.get(key)[:200] if key and german.get(key) else None

    used: dict[str, set[str]] = defaultdict(set)
    for indicator in indicators:
        columns = _dimension_columns(indicator, constants[indicator.indicator_id])
        for column in columns:
            used[column]
        for _line, row in cells[indicator.indicator_id]:
            for column in columns:
                if value := row.cell(column):
                    used[column].add(value)
    existing = list(BreakdownDimension.objects.all())
    by_name = {}
    for dimension in existing:
        by_name.setdefault(dimension.name_en or dimension.name, dimension)
    taken = {dimension.code for dimension in existing}
    columns: dict[str, BreakdownDimension] = {}
    for column in sorted(used):
        dimension = by_name.get(column)
        if dimension is None:
            dimension = BreakdownDimension.objects.create(
                code=new_code(column, taken), name_en=column[:200], name_de=german_name(column)
            )
        columns[column] = dimension
    categories_by_dimension: dict[int, dict[str, str]] = defaultdict(dict)
    taken_by_dimension: dict[int, set[str]] = defaultdict(set)
    for dimension_id, code, name_en, name in BreakdownCategory.objects.filter(
        dimension__in=list(columns.values())
    ).values_list("dimension_id", "code", "name_en", "name"):
        categories_by_dimension[dimension_id].setdefault(name_en or name, code)
        taken_by_dimension[dimension_id].add(code)
    categories: dict[tuple[str, str], str] = {}
    created = []
    for column in sorted(used):
        dimension = columns[column]
        known = categories_by_dimension[dimension.pk]
        for label in sorted(used[column]):
            code = known.get(label)
            key = key_of(label)
            if (
                code is None
                and key
                and (stable := slugify(key.removeprefix(DATA_KEY_PREFIX))) in taken_by_dimension[dimension.pk]
            ):
                code = known[label] = stable  # the same key, its text changed
            if code is None:
                code = new_code(label, taken_by_dimension[dimension.pk])
                known[label] = code
                created.append(
                    BreakdownCategory(dimension=dimension, code=code, name_en=label[:200], name_de=german_name(label))
                )
            categories[(column, label)] = code
    BreakdownCategory.objects.bulk_create(created, batch_size=BATCH_SIZE)
    return _Dimensions(columns=columns, categories=categories)


def _goal(indicator_id: str) -> str:
    return re.split(r"[-.]", indicator_id)[0]


def _areas(edition: Edition, indicators: list[opensdg.OpenSdgIndicator]) -> dict[str, AreaOfAction]:
    """One area of action per SDG goal, coded by the goal number."""
    areas = {area.code: area for area in AreaOfAction.objects.filter(edition=edition)}
    for goal in sorted({_goal(i.indicator_id) for i in indicators}, key=lambda g: (not g.isdigit(), g.zfill(4))):
        if goal not in areas:
            areas[goal] = AreaOfAction.objects.create(
                edition=edition,
                code=goal,
                title_de=f"Ziel {goal}",
                title_en=f"Goal {goal}",
                position=int(goal) if goal.isdigit() else 0,
            )
    return areas


def _first_selection(indicator: opensdg.OpenSdgIndicator) -> opensdg.Selection:
    for selection in indicator.progress_calculation_options:
        return selection.group[0] if selection.is_group else selection
    return opensdg.Selection()


def _json(value: object) -> object:
    """Settings as JSON (YAML may hold dates and other types JSON lacks)."""
    return json.loads(json.dumps(value, default=str))


def _versions(
    edition: Edition,
    indicators: list[opensdg.OpenSdgIndicator],
    settings_by_id: dict[str, dict],
    areas: dict[str, AreaOfAction],
    dimensions: _Dimensions,
    root: Geography,
    user,
    placeholders: Mapping[str, str] | None = None,
    constants: Mapping[str, Mapping[str, str]] | None = None,
    attribute_columns: tuple[str, ...] = (),
    translations: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
) -> list[IndicatorVersion]:
    languages = set(settings.MODELTRANSLATION_LANGUAGES)
    codes = [indicator.indicator_id for indicator in indicators]
    existing = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    foreign = (
        Observation.objects.filter(indicator__code__in=codes)
        .exclude(source=SOURCE)
        .values_list("indicator__code", flat=True)
        .distinct()
    )
    if foreign := sorted(set(foreign)):
        raise OpenSdgImportFailed(
            [
                f"indicator {code}: it already has observations from another source; an Open SDG import would "
                "mix with them"
                for code in foreign
            ]
        )
    for code in codes:
        if code not in existing:
            existing[code] = Indicator.objects.create(code=code)
    current = {v.indicator_id: v for v in IndicatorVersion.objects.filter(edition=edition, indicator__code__in=codes)}
    versions = []
    for position, indicator in enumerate(indicators, start=1):
        raw = settings_by_id[indicator.indicator_id]
        constant = dict((constants or {}).get(indicator.indicator_id, {}))
        columns = _dimension_columns(indicator, constant)
        first = _first_selection(indicator)
        english = indicator.names.get("en") or indicator.indicator_id
        definition = raw.get("indicator_definition") or raw.get("national_indicator_description") or english
        unit = raw.get("computation_units") or raw.get("unit_of_measure") or constant.get("Units") or ""
        definition, unit = (opensdg.translate(text, translations or {}) for text in (definition, unit))
        fields = {
            "area": areas[_goal(indicator.indicator_id)],
            "status": IndicatorVersion.Status.ACTIVE,
            "title_en": str(english)[:300],
            "definition_en": str(definition),
            "unit_en": str(unit)[:100],
            "decimals": (decimals or {}).get(indicator.indicator_id, 0),
            "direction": Direction.POSITIVE if first.direction == "positive" else Direction.NEGATIVE,
            "profile": IndicatorVersion.Profile.OPENSDG,
            "position": position,
            "profile_parameters": {
                OPENSDG_PARAMETERS: {
                    "indicator_id": indicator.indicator_id,
                    "auto_progress_calculation": indicator.auto_progress_calculation,
                    "progress_calculation_options": _json(raw.get("progress_calculation_options") or []),
                    "progress_status": indicator.progress_status,
                    "columns": list(indicator.columns),
                    "dimensions": {column: dimensions.columns[column].code for column in columns},
                    "attributes": constant,
                    "attribute_columns": [c for c in indicator.columns if c in attribute_columns],
                    "has_data": indicator.has_data and indicator.indicator_id not in (placeholders or {}),
                    "placeholder_note": (placeholders or {}).get(indicator.indicator_id, ""),
                    "root_geography": root.code,
                    "names": {lang: name for lang, name in indicator.names.items() if lang not in languages},
                },
            },
        }
        for language in languages - {"en"}:
            if name := indicator.names.get(language):
                fields[f"title_{language}"] = str(name)[:300]
        version = current.get(existing[indicator.indicator_id].pk)
        if version is None:
            version = IndicatorVersion(indicator=existing[indicator.indicator_id], edition=edition, **fields)
            _save_with_history(version, user)
        elif any(getattr(version, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(version, name, value)
            _save_with_history(version, user)
        version.breakdowns.set([dimensions.columns[column] for column in columns])
        versions.append(version)
    return versions


def _save_with_history(instance, user) -> None:
    instance._change_reason = CHANGE_REASON
    instance._history_user = user
    instance.save()


def _decimals(values) -> int:
    """Decimal places to show: as many as the data use, at most three."""
    places = 0
    for value in values:
        if value is not None:
            text = repr(value)
            if "e" not in text and "." in text:
                places = max(places, len(text.split(".")[1].rstrip("0")))
    return min(places, 3)


# --------------------------------------------------------------------------- observations


def _period(label: str, labels: dict[str, int]) -> tuple[str, str, date, date, str] | None:
    """The period a Year label names; a year range counts as its first year; other labels are ordered labels.

    `labels` collects, per file, the labels that name no period, in order of appearance (their position).
    """
    text = " ".join(label.split())
    if not text:
        return None
    period = read_period_label(text)
    if period is not None:
        return period.code, period.kind.value, period.start, period.end, ""
    if re.fullmatch(r"\d{4}", text[:4]) and not text[4:5].isdigit():
        year = int(text[:4])
        return str(year), PeriodKind.YEAR.value, date(year, 1, 1), date(year, 12, 31), f"Open SDG year: {text}"[:500]
    position = labels.setdefault(text, len(labels))
    period = label_period(text, position)
    return period.code, period.kind.value, period.start, period.end, f"Open SDG period: {text}"[:500]


def _observation_cells(
    indicator: opensdg.OpenSdgIndicator,
    rows: list[tuple[int, _Row]],
    dimensions: _Dimensions,
    *,
    strict: bool = True,
    left_out: list[str] | None = None,
    constants: Mapping[str, str] | None = None,
) -> dict[tuple[str, str, str], _Cell]:
    """(period, breakdown key, GeoCode) -> the row's observation.

    Two rows in one cell are a problem under `strict`; otherwise the later row is left out and named.
    """
    name = f"data/indicator_{indicator.indicator_id}.csv"
    columns = _dimension_columns(indicator, constants or {})
    keys: dict[tuple[str, ...], str] = {}
    result: dict[tuple[str, str, str], _Cell] = {}
    problems: list[str] = []
    for line, row in rows:
        values = tuple(row.cell(column) for column in columns)
        key = keys.get(values)
        if key is None:
            key = make_key(
                (dimensions.columns[column].code, dimensions.categories[(column, value)])
                for column, value in zip(columns, values, strict=True)
                if value
            )
            keys[values] = key
        if len(key) > BREAKDOWN_KEY_LENGTH:
            problems.append(f"{name}, row {line}: the combination of breakdowns is too long to store ({key})")
            continue
        period = row.period
        if row.attributes:
            code, kind, start, end, note = period
            period = (code, kind, start, end, "; ".join(filter(None, (note, row.attributes)))[:500])
        geocode = row.cell("GeoCode")
        cell = _Cell(line, period, key, geocode, row.value, row.progress if indicator.has_progress_column else None)
        identity = (period[0], key, geocode)
        if identity in result:
            message = f"{name}, row {line}: same period, breakdowns and GeoCode as row {result[identity].line}"
            if strict or left_out is None:
                problems.append(message)
            else:
                left_out.append(message)
            continue
        result[identity] = cell
    if problems:
        raise OpenSdgImportFailed(problems)
    return result


def _write_observations(
    observations: dict[int, dict], geographies: dict[str, Geography], user, report: OpenSdgImportReport
) -> None:
    """Create, update and delete observations so that they match the files; history rows for each change."""
    wanted: dict[tuple[int, str, str, int], dict] = {
        (indicator_id, period, key, geographies[geocode].pk): _fields(cell)
        for indicator_id, cells in observations.items()
        for (period, key, geocode), cell in cells.items()
    }
    existing = Observation.objects.filter(indicator_id__in=list(observations)).values_list(
        "id", "indicator_id", "period", "breakdown_key", "geography_id", *WRITTEN_FIELDS
    )
    found: set[tuple[int, str, str, int]] = set()
    changed: dict[int, dict] = {}
    stale: list[int] = []
    for pk, indicator_id, period, key, geography_id, *values in existing.iterator(chunk_size=10_000):
        identity = (indicator_id, period, key, geography_id)
        fields = wanted.get(identity)
        if fields is None:
            stale.append(pk)
            continue
        found.add(identity)
        if tuple(fields.values()) != tuple(values):
            changed[pk] = fields
    report.unchanged = len(found) - len(changed)
    for start in range(0, len(stale), BATCH_SIZE):
        for observation in Observation.objects.filter(pk__in=stale[start : start + BATCH_SIZE]):
            observation._change_reason = CHANGE_REASON
            observation._history_user = user
            observation.delete()
    if changed:
        instances = []
        for observation in Observation.objects.filter(pk__in=list(changed)):
            for name, value in changed[observation.pk].items():
                setattr(observation, name, value)
            instances.append(observation)
        bulk_update_with_history(
            instances,
            Observation,
            list(WRITTEN_FIELDS),
            batch_size=BATCH_SIZE,
            default_user=user,
            default_change_reason=CHANGE_REASON,
        )
    _insert_with_history([(identity, fields) for identity, fields in wanted.items() if identity not in found], user)
    report.created, report.updated, report.deleted = len(wanted) - len(found), len(changed), len(stale)


def _fields(cell: _Cell) -> dict:
    """The written fields of a cell's observation, in the order of WRITTEN_FIELDS."""
    _code, kind, start, end, note = cell.period
    return {
        "period_kind": kind,
        "period_start": start,
        "period_end": end,
        "value": cell.value,
        "progress_value": cell.progress,
        "note": note,
        "source": SOURCE,
    }


def _insert_with_history(rows: list[tuple[tuple[int, str, str, int], dict]], user) -> None:
    """Insert new observations and their '+' history rows with plain INSERTs.

    The ORM's bulk_create is limited on SQLite to a few dozen rows per statement (999 parameters)
    and builds a model instance per row; for the 200,000 rows of a national repository that takes
    minutes, executemany seconds. The new rows share one timestamp, by which the history rows find them.
    """
    if not rows:
        return
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(timezone.now())
    columns = (
        "created_at",
        "updated_at",
        "indicator_id",
        "period",
        "breakdown_key",
        "geography_id",
        *WRITTEN_FIELDS,
        "is_provisional",
    )
    values = [
        (
            stamp,
            stamp,
            indicator_id,
            period,
            key,
            geography_id,
            fields["period_kind"],
            ops.adapt_datefield_value(fields["period_start"]),
            ops.adapt_datefield_value(fields["period_end"]),
            fields["value"],
            fields["progress_value"],
            fields["note"],
            fields["source"],
            False,
        )
        for (indicator_id, period, key, geography_id), fields in rows
    ]
    table = Observation._meta.db_table
    history = Observation.history.model._meta.db_table
    copied = ", ".join(field.column for field in Observation._meta.concrete_fields)
    indicator_ids = sorted({identity[0] for identity, _fields in rows})
    with connection.cursor() as cursor:
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        for start in range(0, len(values), 10_000):
            cursor.executemany(insert, values[start : start + 10_000])
        cursor.execute(
            f"INSERT INTO {history} ({copied}, history_date, history_change_reason, history_type, history_user_id) "
            f"SELECT {copied}, %s, %s, '+', %s FROM {table} "
            f"WHERE created_at = %s AND indicator_id IN ({', '.join(['%s'] * len(indicator_ids))})",
            [stamp, CHANGE_REASON, getattr(user, "pk", None), stamp, *indicator_ids],
        )
