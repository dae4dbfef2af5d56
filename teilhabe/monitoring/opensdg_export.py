"""Write a concept edition as an Open SDG data repository (docs/opensdg.md).

The layout is the one `import_opensdg` reads and Open SDG's data build (sdg-build) takes as input:

- data/indicator_<id>.csv: Year, the breakdown columns (by their English names), Units and Series,
  GeoCode (only where a value is not the dataset's total geography), observation attribute columns
  (COMMENT_OBS, ...), Progress (where the indicator has assessment values), Value. An empty breakdown
  cell is the total. Only public values are written: every observation passes the disclosure gateway
  (queries.list_public_observations), so unreleased and withheld values are not exported;
- meta/<id>.yml: the indicator's metadata, with `indicator_name` and `graph_title` as translation
  keys, and `auto_progress_calculation` / `progress_calculation_options` / `progress_status` in Open
  SDG's progress calculation shape (imported indicators keep the publisher's options as they were);
- translations/<language>/indicators.yml: the titles (`<id>-title`), for every language that has one;
- config_data.yml: the build inputs, and `data_non_disaggregation_columns` where an imported
  repository declared attribute columns.

Everything is written in a fixed order with fixed formatting, so that export → import into an empty
database → export gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.text import slugify

from teilhabe.core.tabular import CSVWriter

from . import opensdg, queries
from .assessing import OPENSDG_PARAMETERS
from .breakdowns import parse_key
from .models import BreakdownCategory, BreakdownDimension, Edition, Geography, IndicatorVersion, Target
from .periods import PeriodKind

TRANSLATION_GROUP = "indicators"
COMMENT_COLUMN = "COMMENT_OBS"
# Notes the import writes: "Open SDG year: 2005-2007", "Open SDG period: wave 3", "<column>: <text>".
LABEL_PREFIXES = ("Open SDG year", "Open SDG period")
SERIES_COLUMNS = ("Units", "Series")
BUILD_CONFIG = {
    # Inputs of sdg-build's open_sdg_build() for this layout (docs/opensdg.md, "Open SDG's build").
    "inputs": [
        {"class": "InputCsvData", "path_pattern": "data/*.csv"},
        {"class": "InputYamlMeta", "path_pattern": "meta/*.yml", "git": False},
    ],
    "translations": [{"class": "TranslationInputYaml", "source": "translations"}],
}


@dataclass
class OpenSdgExportResult:
    directory: Path
    indicators: int = 0
    rows: int = 0
    withheld: int = 0  # public observations withheld by disclosure control (unreleased ones are not counted)
    files: list[Path] = field(default_factory=list)


def export_opensdg(*, edition: Edition, directory: Path, on: date | None = None) -> OpenSdgExportResult:
    """Write `edition` to `directory` as an Open SDG data repository; public values only."""
    directory = Path(directory)
    result = OpenSdgExportResult(directory=directory)
    versions = sorted(
        IndicatorVersion.objects.filter(edition=edition).select_related("indicator").prefetch_related("breakdowns"),
        key=lambda v: opensdg.natural_key(_indicator_id(v)),
    )
    dimension_names = {
        code: name_en or name
        for code, name_en, name in BreakdownDimension.objects.values_list("code", "name_en", "name")
    }
    category_names = {
        (dimension, code): name_en or name
        for dimension, code, name_en, name in BreakdownCategory.objects.values_list(
            "dimension__code", "code", "name_en", "name"
        )
    }
    geographies = {g.pk: g for g in Geography.objects.all()}
    observations: dict[int, list] = defaultdict(list)
    for observation in queries.list_public_observations(on=on).filter(
        indicator_id__in=[v.indicator_id for v in versions]
    ):
        if observation.is_withheld or observation.value is None:
            result.withheld += 1
            continue
        observations[observation.indicator_id].append(observation)
    targets = _targets(edition)

    files: dict[str, str] = {}
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    declared: set[str] = set()
    for version in versions:
        indicator_id = _indicator_id(version)
        parameters = (version.profile_parameters or {}).get(OPENSDG_PARAMETERS)
        declared.update((parameters or {}).get("attribute_columns") or ())
        table = _data_table(
            version, parameters, observations[version.indicator_id], dimension_names, category_names, geographies
        )
        if table is not None:
            files[f"data/indicator_{indicator_id}.csv"] = table[0]
            result.rows += table[1]
        files[f"meta/{indicator_id}.yml"] = _dump(_meta(version, indicator_id, parameters, targets, table is not None))
        for language, title in _titles(version, indicator_id, parameters).items():
            titles[language][f"{indicator_id}-title"] = title
        result.indicators += 1
    for language, keys in titles.items():
        files[f"translations/{language}/{TRANSLATION_GROUP}.yml"] = _dump(keys)
    config = dict(BUILD_CONFIG)
    if declared:
        config["data_non_disaggregation_columns"] = sorted(declared)
    files["config_data.yml"] = _dump(config)

    for name in sorted(files):
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[name], encoding="utf-8", newline="")
        result.files.append(path)
    return result


def _indicator_id(version: IndicatorVersion) -> str:
    """The Open SDG id: the publisher's for imported indicators, else the code ('1.2' → '1-2')."""
    parameters = (version.profile_parameters or {}).get(OPENSDG_PARAMETERS) or {}
    code = parameters.get("indicator_id") or version.indicator.code
    if re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z-]*", code):
        return code
    return slugify(code.replace(".", "-").replace("_", "-")) or "indicator"


def _targets(edition: Edition) -> dict[int, Target]:
    """The value target of each indicator's total at its top geography."""
    found: dict[int, Target] = {}
    for target in Target.objects.filter(edition=edition, kind=Target.Kind.VALUE, breakdown_key="").order_by(
        "indicator_id", "geography__parent_id", "geography__code"
    ):
        found.setdefault(target.indicator_id, target)
    return found


# --------------------------------------------------------------------------- data


def _data_table(
    version: IndicatorVersion,
    parameters: Mapping | None,
    observations: list,
    dimension_names: Mapping[str, str],
    category_names: Mapping[tuple[str, str], str],
    geographies: Mapping[int, Geography],
) -> tuple[str, int] | None:
    """The CSV text and its row count, or None when the indicator has no public value (and no placeholder)."""
    parameters = parameters or {}
    if not observations:
        if note := parameters.get("placeholder_note"):
            return _csv(["Year", "Value"], [[note, ""]]), 0
        return None
    order = {column: index for index, column in enumerate(parameters.get("columns") or ())}
    attributes = dict(parameters.get("attributes") or {}) if parameters else _native_attributes(version)
    declared = set(parameters.get("attribute_columns") or ())
    known_attributes = {c for c in order if opensdg.is_attribute_column(c) or c in declared} | {COMMENT_COLUMN}
    root = _main_root(observations, geographies)

    rows = []
    breakdowns: set[str] = {dimension_names.get(d.code, d.code) for d in version.breakdowns.all()}
    used_attributes: set[str] = {c for c in order if c in known_attributes}
    for observation in observations:
        cells = {}
        for dimension, category in parse_key(observation.breakdown_key).items():
            column = dimension_names.get(dimension, dimension)
            cells[column] = category_names.get((dimension, category), category)
            breakdowns.add(column)
        label, notes = _read_note(observation.note, known_attributes)
        cells.update(notes)
        used_attributes.update(notes)
        cells["GeoCode"] = _geocode(geographies[observation.geography_id], root, geographies)
        rows.append((observation, label or _year_label(observation), cells))

    def ordered(columns: Iterable[str]) -> list[str]:
        return sorted(columns, key=lambda column: (order.get(column, len(order)), column))

    series = [c for c in SERIES_COLUMNS if c in attributes or c in breakdowns]
    header = [
        "Year",
        *ordered(breakdowns - set(SERIES_COLUMNS)),
        *series,
        *(["GeoCode"] if any(cells["GeoCode"] for _o, _l, cells in rows) else []),
        *ordered(used_attributes),
        *(["Progress"] if any(o.progress_value is not None for o, _l, _c in rows) else []),
        "Value",
    ]
    columns = header[1:-1]
    # Rows by series (breakdowns, Units/Series, GeoCode), then period; attributes do not order them.
    series_columns = [c for c in columns if c not in used_attributes and c != "Progress"]
    lines = []
    for observation, label, cells in rows:
        cells = {**attributes, **cells}
        if "Progress" in header:
            cells["Progress"] = _number(observation.progress_value)
        lines.append(
            (
                tuple(cells.get(column, "") for column in series_columns),
                observation.period_start,
                label,
                [label, *(cells.get(column, "") for column in columns), _number(observation.value)],
            )
        )
    lines.sort(key=lambda line: line[:3])
    return _csv(header, [line[3] for line in lines]), len(lines)


def _native_attributes(version: IndicatorVersion) -> dict[str, str]:
    """Series attributes of an indicator not imported from Open SDG: its unit."""
    unit = version.unit_en or version.unit_de or ""
    return {"Units": unit} if unit else {}


def _main_root(observations: list, geographies: Mapping[int, Geography]) -> int | None:
    """The top geography most values belong to: its values are the dataset's (empty GeoCode)."""
    counts: Counter = Counter(_root(geographies[o.geography_id], geographies).pk for o in observations)
    return counts.most_common(1)[0][0] if counts else None


def _root(geography: Geography, geographies: Mapping[int, Geography]) -> Geography:
    while geography.parent_id is not None and geography.parent_id in geographies:
        geography = geographies[geography.parent_id]
    return geography


def _geocode(geography: Geography, root_id: int | None, geographies: Mapping[int, Geography]) -> str:
    """Empty for the dataset's geography; else the code below its root (as import_opensdg names districts)."""
    if geography.pk == root_id:
        return ""
    root = _root(geography, geographies)
    if root.pk == geography.pk:
        return geography.code
    return geography.code.removeprefix(f"{root.code}-")


def _read_note(note: str, attributes: set[str]) -> tuple[str, dict[str, str]]:
    """The Year label and attribute cells an imported note holds; any other text is a COMMENT_OBS."""
    if not note:
        return "", {}
    names = sorted({*attributes, *LABEL_PREFIXES}, key=len, reverse=True)
    pattern = "|".join(re.escape(name) for name in names)
    parts = re.split(rf"; (?=(?:{pattern}): )", note)
    label, cells, rest = "", {}, []
    for part in parts:
        match = re.match(rf"({pattern}): (.*)\Z", part, re.DOTALL)
        if match is None:
            rest.append(part)
        elif match.group(1) in LABEL_PREFIXES:
            label = match.group(2)
        else:
            cells[match.group(1)] = match.group(2)
    if rest:
        cells[COMMENT_COLUMN] = "; ".join(filter(None, (cells.get(COMMENT_COLUMN, ""), *rest)))
    return label, cells


def _year_label(observation) -> str:
    """The period as the import reads it back: years as '2016', other kinds by their code."""
    if observation.period_kind == PeriodKind.YEAR:
        return str(observation.period_start.year)
    return observation.period


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _csv(header: list[str], rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = CSVWriter(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# --------------------------------------------------------------------------- metadata


def _meta(
    version: IndicatorVersion, indicator_id: str, parameters: Mapping | None, targets: Mapping, has_data: bool
) -> dict:
    key = f"{TRANSLATION_GROUP}.{indicator_id}-title"
    meta: dict = {
        "indicator_number": indicator_id.replace("-", "."),
        "indicator_name": key,
        "graph_title": key,
        "sdg_goal": re.split(r"[-.]", indicator_id)[0],
        "reporting_status": "complete" if has_data else "notstarted",
        "published": True,
        "data_non_statistical": False,
        "graph_type": "line",
        # The import takes the name for a missing definition; so does the export, to give the same bytes.
        "indicator_definition": version.definition_en
        or version.definition_de
        or _titles(version, indicator_id, None)["en"],
    }
    if unit := version.unit_en or version.unit_de:
        meta["computation_units"] = unit
    if parameters is not None:
        meta["auto_progress_calculation"] = bool(parameters.get("auto_progress_calculation"))
        meta["progress_calculation_options"] = [
            _option_in_order(option) for option in parameters.get("progress_calculation_options") or []
        ]
        if parameters.get("progress_status"):
            meta["progress_status"] = parameters["progress_status"]
        return meta
    option: dict = {"direction": str(version.direction)}
    if (target := targets.get(version.indicator_id)) is not None:
        option.update(target=target.target_value, target_year=target.target_year, base_year=target.baseline_year)
    meta["auto_progress_calculation"] = True
    meta["progress_calculation_options"] = [_option_in_order(option)]
    return meta


# Keys of a progress option in a fixed order: a database's JSON column (PostgreSQL's jsonb) does not keep the
# order in which they were stored, and the export must give the same bytes on every database.
OPTION_KEY_ORDER = ("direction", "target", "target_year", "base_year")


def _option_in_order(option: object) -> object:
    if not isinstance(option, Mapping):
        return option
    known = [key for key in OPTION_KEY_ORDER if key in option]
    rest = sorted((key for key in option if key not in OPTION_KEY_ORDER), key=str)
    return {key: option[key] for key in [*known, *rest]}


def _titles(version: IndicatorVersion, indicator_id: str, parameters: Mapping | None) -> dict[str, str]:
    """Title per language: the model's languages (English falls back to German), then other publisher names."""
    titles = {"en": version.title_en or version.title_de or indicator_id}
    for language in settings.MODELTRANSLATION_LANGUAGES:
        if language != "en" and (title := getattr(version, f"title_{language}", "")):
            titles[language] = title
    for language, name in ((parameters or {}).get("names") or {}).items():
        titles.setdefault(language, name)
    return dict(sorted(titles.items()))


def _dump(content: object) -> str:
    return yaml.safe_dump(content, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
