"""The disclosure audit: read every public output as an attacker would and report what gives a withheld count away.

`teilhabe disclosure_audit` calls `audit_public_outputs`. Each output is produced by the code the public
reaches — the API's serializers over the same querysets as its views, the survey results and cross-tables
of teilhabe.surveys.results, the open-data export and data package of teilhabe.api.open_data — and then
compared with the stored data (the only place here that reads observations around the public gateway,
since the truth is what the outputs are checked against; nothing read here is published).

Per output, a finding is a withheld value that can be read, or recomputed (docs/methods/disclosure-control.md):
a small count published; any figure of a withheld observation; n from a share and its standard error
(n = p(1 − p)/SE²); the numerator from value × denominator; a count from the total minus the other groups
or districts, or a cross-table cell, narrowed by the attacker's linear programme below the protection range.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from teilhabe.core import disclosure
from teilhabe.monitoring import disclosing
from teilhabe.monitoring.breakdowns import make_key
from teilhabe.monitoring.models import Assessment, BreakdownDimension, Geography, IndicatorVersion, Observation
from teilhabe.monitoring.periods import parse_period
from teilhabe.monitoring.queries import list_public_observations, released_by

FIGURES = ("value", "standard_error", "sample_size", "numerator", "denominator", "progress_value")
COUNTS = ("sample_size", "numerator", "denominator")
PERCENT_UNITS = frozenset({"%", "percent", "prozent"})


@dataclass(frozen=True)
class Finding:
    output: str  # the public output, as a person would name it: "API /api/v1/observations/", "download ..."
    item: str  # what in it: an observation, a survey row, a cross-table cell
    problem: str

    def __str__(self) -> str:
        return f"{self.output}: {self.item}: {self.problem}"


# --------------------------------------------------------------------------- the stored data


@dataclass
class Truth:
    """The stored released observations with the gateway's decision on each."""

    rows: dict[int, dict]
    by_key: dict[tuple[str, str, str, str], int]  # (indicator code, period, geography code, breakdown key) → pk
    withheld: set[int]
    is_percent: dict[int, bool]
    is_count: dict[int, bool]
    parents: dict[int, int | None]
    thresholds: disclosure.Thresholds

    def label(self, pk: int) -> str:
        row = self.rows[pk]
        key = row["breakdown_key"] or "total"
        return f"observation {pk} ({row['indicator__code']} {row['period']} {row['geography__code']} {key})"


def load_truth(*, on: date) -> Truth:
    fields = (
        "pk",
        "indicator_id",
        "indicator__code",
        "period",
        "period_start",
        "geography_id",
        "geography__code",
        "breakdown_key",
        *FIGURES,
    )
    # The stored figures, to check the public outputs against; this module publishes nothing.
    rows = {row["pk"]: row for row in Observation.objects.filter(released_by(on)).values(*fields)}
    indicator_ids = {row["indicator_id"] for row in rows.values()}
    decisions = disclosing.decide(indicator_ids, released=released_by(on))
    units: dict[int, str] = {}
    for indicator_id, unit in (
        IndicatorVersion.objects.filter(indicator_id__in=indicator_ids)
        .order_by("indicator_id", "-edition__adopted_on", "-pk")
        .values_list("indicator_id", "unit")
    ):
        units.setdefault(indicator_id, (unit or "").strip().lower())
    # As the gateway decides: a "number" with fractional values (a Gini coefficient) is not a head count.
    fractional = disclosing.fractional_indicators(rows.values())
    return Truth(
        rows=rows,
        by_key={
            (r["indicator__code"], r["period"], r["geography__code"], r["breakdown_key"]): pk for pk, r in rows.items()
        },
        withheld={pk for pk, reliability in decisions.items() if reliability is disclosure.Reliability.WITHHELD},
        is_percent={i: units.get(i, "") in PERCENT_UNITS for i in indicator_ids},
        is_count={i: units.get(i, "") in disclosing.COUNT_UNITS and i not in fractional for i in indicator_ids},
        parents=dict(Geography.objects.values_list("pk", "parent_id")),
        thresholds=disclosing.thresholds(),
    )


# --------------------------------------------------------------------------- observations in any output


def _number(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def check_observations(output: str, records: Iterable[tuple[int, dict]], truth: Truth) -> list[Finding]:
    """`records`: (observation id, the figures the output gives for it). Checks each record on its own, then
    the blanks of all of them together against the totals and other groups they add up to."""
    findings: list[Finding] = []
    minimum = truth.thresholds.minimum
    published: dict[int, dict[str, float | None]] = {}
    for pk, record in records:
        if pk not in truth.rows:
            continue
        figures = {name: _number(record.get(name)) for name in FIGURES}
        published[pk] = figures
        label = truth.label(pk)
        raw = truth.rows[pk]
        if pk in truth.withheld:
            shown = [name for name in FIGURES if figures[name] is not None]
            if shown:
                findings.append(Finding(output, label, f"withheld, but {', '.join(shown)} published"))
        for name in COUNTS:
            if disclosure.is_small(figures[name], minimum):
                findings.append(Finding(output, label, f"small count published: {name} = {figures[name]:g}"))
        if truth.is_count[raw["indicator_id"]] and disclosure.is_small(figures["value"], minimum):
            findings.append(Finding(output, label, f"small count published as the value: {figures['value']:g}"))
        findings += _recomputed(output, label, figures, truth.is_percent[raw["indicator_id"]], minimum)
    findings += _differencing(output, published, truth)
    return findings


def _recomputed(output: str, label: str, figures: dict, is_percent: bool, minimum: int) -> list[Finding]:
    """Counts that follow from the published figures of one observation."""
    findings = []
    value = figures["value"]
    if value is None:
        return findings
    share = value / 100 if is_percent else value
    error = figures["standard_error"]
    if figures["sample_size"] is None and error and 0 < share < 1:
        error = error / 100 if is_percent else error
        n = round(share * (1 - share) / error**2)
        if disclosure.is_small(n, minimum):
            findings.append(Finding(output, label, f"n recomputable from value and SE: p(1 − p)/SE² ≈ {n}"))
    denominator = figures["denominator"]
    if figures["numerator"] is None and denominator and 0 <= share <= 1:
        numerator = round(share * denominator)
        for name, count in (("numerator", numerator), ("denominator − numerator", denominator - numerator)):
            if disclosure.is_small(count, minimum):
                findings.append(Finding(output, label, f"{name} recomputable from value × denominator ≈ {count:g}"))
    return findings


def _differencing(output: str, published: dict[int, dict], truth: Truth) -> list[Finding]:
    """Blank counts narrowed by the attacker's linear programme over groups adding to the total and districts
    to the city, with everything this output publishes (the same tables as disclosing.decide builds)."""
    findings = []
    tables: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in truth.rows.values():
        tables[(row["indicator_id"], row["period"])].append(row)
    for (indicator_id, _period), rows in tables.items():
        names = [*COUNTS, "value"] if truth.is_count[indicator_id] else list(COUNTS)
        for name in names:
            cells = [row for row in rows if row[name] is not None]
            hidden_pks = {row["pk"] for row in cells if published.get(row["pk"], {}).get(name) is None}
            if not hidden_pks:
                continue
            table, pks = disclosing.count_table(cells, name, truth.parents)
            hidden = [index for index, pk in enumerate(pks) if pk in hidden_pks]
            primary = disclosure.primary_cells(table, truth.thresholds) & set(hidden)
            if not primary:
                continue
            for exposure in disclosure.audit(table, hidden, primary, truth.thresholds):
                findings.append(
                    Finding(
                        output,
                        truth.label(pks[exposure.cell]),
                        f"{name} {exposure.reason} from the totals and other groups or districts",
                    )
                )
    return findings


# --------------------------------------------------------------------------- the outputs


def _api_observations(truth: Truth, on: date) -> list[Finding]:
    from teilhabe.api.v1.observations import ObservationOutput

    data = ObservationOutput(list(list_public_observations(on=on)), many=True).data
    return check_observations("API /api/v1/observations/", ((row["id"], row) for row in data), truth)


_N_IN_TEXT = re.compile(r"\bn\s*=\s*(\d+)")


def _api_assessments(truth: Truth) -> list[Finding]:
    """Components and explanations: no small n, no value of a withheld observation."""
    from teilhabe.api.v1.assessments import AssessmentOutput

    output = "API /api/v1/assessments/"
    minimum = truth.thresholds.minimum
    withheld_values: dict[tuple[int, int, str, int], list[float]] = defaultdict(list)
    for pk in truth.withheld:
        row = truth.rows[pk]
        if row["value"] is not None:
            key = (row["indicator_id"], row["geography_id"], row["breakdown_key"], row["period_start"].year)
            withheld_values[key].append(row["value"])
    findings = []
    assessments = Assessment.objects.select_related("indicator", "geography").order_by("pk")
    for assessment, data in zip(assessments, AssessmentOutput(assessments, many=True).data, strict=True):
        label = f"assessment {assessment.pk} ({data['components'].get('label', assessment.indicator.code)})"
        for path, value in _walk(data["components"]):
            if path.endswith("sample_size") and disclosure.is_small(_number(value), minimum):
                findings.append(Finding(output, label, f"small count in the components: {path} = {value}"))
        for language in ("explanation_de", "explanation_en"):
            for match in _N_IN_TEXT.finditer(data.get(language) or ""):
                if disclosure.is_small(int(match.group(1)), minimum):
                    findings.append(Finding(output, label, f"small count in {language}: “{match.group(0)}”"))
        if assessment.series_kind == Assessment.SeriesKind.GAP:
            continue
        components = data["components"]
        for which in ("base", "current"):
            year, value = components.get(f"{which}_year"), _number(components.get(f"{which}_value"))
            key = (assessment.indicator_id, assessment.geography_id, assessment.breakdown_key, year)
            if value is not None and any(math.isclose(value, v, rel_tol=1e-9) for v in withheld_values.get(key, ())):
                findings.append(Finding(output, label, f"{which}_value is the value of a withheld observation"))
    return findings


def _walk(value: object, path: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    else:
        yield path, value


def _export_records(rows: Iterable[dict], dimensions: list[str], truth: Truth) -> Iterator[tuple[int, dict]]:
    for row in rows:
        key = make_key({d: row[d] for d in dimensions if row.get(d)})
        pk = truth.by_key.get((row.get("indicator"), row.get("period"), row.get("geography"), key))
        if pk is not None:
            yield pk, row


def _opensdg(output: str, text: str, indicator_code: str, truth: Truth, city_codes: set[str]) -> list[Finding]:
    """An Open SDG file: Year, breakdown columns, GeoCode, Value. A Value is the last period of its year."""
    latest: dict[tuple[str, str, int], dict] = {}
    for row in sorted(
        (r for r in truth.rows.values() if r["indicator__code"] == indicator_code),
        key=lambda r: (r["period_start"], r["period"]),
    ):
        geo = "" if row["geography__code"] in city_codes else row["geography__code"]
        latest[(geo, row["breakdown_key"], parse_period(row["period"]).year)] = row
    findings = []
    for line in csv.DictReader(io.StringIO(text)):
        categories = {k: v for k, v in line.items() if k not in ("Year", "GeoCode", "Value") and v}
        row = latest.get((line.get("GeoCode") or "", make_key(categories), int(line["Year"])))
        if row is not None and row["pk"] in truth.withheld and _number(line.get("Value")) is not None:
            findings.append(Finding(output, truth.label(row["pk"]), "withheld, but its value is published"))
    return findings


def _downloads(truth: Truth, on: date) -> list[Finding]:
    """The public export (CSV, XLSX, Open SDG) and the data package, built as the download job builds them."""
    import openpyxl

    from teilhabe.api import open_data
    from teilhabe.monitoring.exporting import export_concept

    dimensions = list(BreakdownDimension.objects.values_list("code", flat=True))
    city_codes = set(Geography.objects.filter(level=Geography.Level.CITY).values_list("code", flat=True))
    findings = []
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        export = export_concept(root, formats=("csv", "xlsx"), public_only=True, opensdg=True, today=on)
        open_data.write_package(root, export.files, "audit")
        with open(root / "csv" / "observations.csv", encoding="utf-8", newline="") as handle:
            findings += check_observations(
                "download observations.csv", _export_records(csv.DictReader(handle), dimensions, truth), truth
            )
        workbook = openpyxl.load_workbook(root / "concept.xlsx", read_only=True)
        sheets = [name for name in workbook.sheetnames if name == "observations" or name.startswith("observations_")]
        rows = []
        for name in sheets:
            lines = workbook[name].iter_rows(values_only=True)
            header = [str(cell) for cell in next(lines)]
            rows += [dict(zip(header, ["" if c is None else str(c) for c in line], strict=False)) for line in lines]
        workbook.close()
        findings += check_observations("download data.xlsx", _export_records(rows, dimensions, truth), truth)
        with zipfile.ZipFile(root / open_data.PACKAGE_NAME) as package:
            text = package.read("observations.csv").decode("utf-8")
            findings += check_observations(
                "data package observations.csv",
                _export_records(csv.DictReader(io.StringIO(text)), dimensions, truth),
                truth,
            )
            codes = {r["indicator__code"] for r in truth.rows.values()}
            for code in sorted(codes):
                name = open_data.opensdg_name(code)
                if name in package.namelist():
                    findings += _opensdg(
                        f"data package {name}", package.read(name).decode("utf-8"), code, truth, city_codes
                    )
    return findings


# --------------------------------------------------------------------------- surveys


def _survey_results(thresholds: disclosure.Thresholds) -> list[Finding]:
    """Public survey results as results.get_results gives them to the page, against the same results
    computed without suppression (the true counts)."""
    from teilhabe.surveys import results
    from teilhabe.surveys.models import Question, Survey

    minimum = thresholds.minimum
    findings = []
    surveys = Survey.objects.filter(results_are_public=True, status__in=(Survey.Status.OPEN, Survey.Status.CLOSED))
    for survey in surveys.order_by("slug"):
        output = f"survey results /{survey.slug}"
        published = results.get_results(survey)
        with _without_suppression():
            true = results.get_results(survey, dataset=published.dataset)
        for question, full in zip(published.questions, true.questions, strict=True):
            label = f"question {question.question.pk}"
            exhaustive = question.question.kind != Question.Kind.MULTIPLE_CHOICE
            for item, full_item in zip(question.items, full.items, strict=True):
                findings += _share_rows(
                    output, f"{label} “{item.label[:40]}”", item, full_item, thresholds, exhaustive=exhaustive
                )
                base = full_item.mean.n if full_item.mean is not None else None
                if item.mean is not None and item.mean.estimate is not None and base is not None and base < minimum:
                    findings.append(Finding(output, label, f"mean of a base of {base} published"))
            for rank in question.ranks:
                if rank.top_k_count is not None and disclosure.is_small(rank.top_k_count, minimum):
                    findings.append(Finding(output, f"{label} “{rank.label[:40]}”", "small ranking count published"))
            number, n = question.number, full.number.n if full.number is not None else None
            if number is not None and n:
                if n < minimum and any(v is not None for v in (number.n, number.mean, number.median)):
                    findings.append(Finding(output, label, f"summary of {n} answers published"))
                if n < thresholds.reliable and (number.minimum is not None or number.maximum is not None):
                    findings.append(Finding(output, label, f"minimum/maximum of {n} answers give single answers"))
        findings += _crosstabs(survey, published.dataset, thresholds)
    return findings


def _share_rows(
    output: str, label: str, item, full_item, thresholds: disclosure.Thresholds, *, exhaustive: bool
) -> list[Finding]:
    """Shown counts not small, no rows of a small base; a withheld row of an item whose rows add up to the
    base not narrowed by the LP audit (base and shown rows known)."""
    minimum = thresholds.minimum
    findings = []
    for row in item.rows:
        if not row.is_withheld and disclosure.is_small(row.count, minimum):
            findings.append(Finding(output, f"{label} “{row.label}”", f"small count published: {row.count}"))
    if item.base is not None and disclosure.is_small(item.base, minimum) and any(not r.is_withheld for r in item.rows):
        findings.append(Finding(output, label, f"rows of a base of {item.base} published"))
    hidden = [index for index, row in enumerate(item.rows) if row.is_withheld]
    if exhaustive and hidden and full_item.base:
        counts = [float(row.count or 0) for row in full_item.rows]
        table = disclosure.Table(
            values=(*counts, float(full_item.base)), relations=((len(counts), tuple(range(len(counts)))),)
        )
        if item.base is None:
            hidden.append(len(counts))
        primary = disclosure.primary_cells(table, thresholds) & set(hidden)
        for exposure in disclosure.audit(table, hidden, primary, thresholds) if primary else ():
            name = full_item.rows[exposure.cell].label if exposure.cell < len(counts) else "base"
            findings.append(
                Finding(output, f"{label} “{name}”", f"count {exposure.reason} from the base and other rows")
            )
    return findings


def _crosstabs(survey, dataset, thresholds: disclosure.Thresholds) -> list[Finding]:
    """Each cross-table as get_crosstab publishes it, against the same table without suppression."""
    from teilhabe.surveys import results

    findings = []
    for variable in results.crosstab_variables(dataset):
        for by in ("immigrant_background", "district"):
            table = results.get_crosstab(dataset, variable=variable.name, by=by)
            if table is None:
                continue
            output = f"cross-table /{survey.slug} {variable.name} × {by}"
            with _without_suppression():
                full = results.get_crosstab(dataset, variable=variable.name, by=by).table
            published = _grid(table.table)
            true = _grid(full)
            for i, row in enumerate(published):
                for j, cell in enumerate(row):
                    if cell is not None and disclosure.is_small(cell, thresholds.minimum):
                        findings.append(Finding(output, f"cell {i},{j}", f"small count published: {cell}"))
            grid = disclosure.grid_table(true)
            columns = len(true[0])
            hidden = [i * columns + j for i, row in enumerate(published) for j, cell in enumerate(row) if cell is None]
            primary = disclosure.primary_cells(grid, thresholds) & set(hidden)
            for exposure in disclosure.audit(grid, hidden, primary, thresholds) if primary else ():
                findings.append(Finding(output, f"cell {exposure.label}", f"count {exposure.reason}"))
    return findings


def _grid(table) -> list[list[int | None]]:
    rows = [
        [cell.count for cell in row] + [total.count] for row, total in zip(table.cells, table.row_totals, strict=True)
    ]
    rows.append([cell.count for cell in table.column_totals] + [table.grand_total.count])
    return rows


@contextmanager
def _without_suppression():
    """Compute survey results and cross-tables with a minimum of 1, i.e. the true counts (never published)."""
    saved = settings.TEILHABE_MIN_PUBLIC_COUNT
    settings.TEILHABE_MIN_PUBLIC_COUNT = 1
    try:
        yield
    finally:
        settings.TEILHABE_MIN_PUBLIC_COUNT = saved


def _climate_index(thresholds: disclosure.Thresholds) -> list[Finding]:
    """The climate index API (and the pages' Score): no value of a group below the minimum n, and no n of
    the other groups of that value (n(all) − n(other group))."""
    from teilhabe.api.v1.surveys import ClimateIndexOutput
    from teilhabe.surveys import barometer
    from teilhabe.surveys.models import IndexResult

    minimum = barometer.climate_minimum()
    output = "API /api/v1/climate-index/"
    findings = []
    results = list(IndexResult.objects.select_related("wave__barometer", "domain", "item").order_by("pk"))
    small = {(r.wave_id, r.domain_id, r.item_id) for r in results if 0 < r.n < minimum}
    context = {"withheld_components": barometer.withheld_components()}
    for result, data in zip(results, ClimateIndexOutput(results, many=True, context=context).data, strict=True):
        label = f"index result {result.pk} ({result})"
        if 0 < result.n < minimum and any(data.get(k) is not None for k in ("estimate", "low", "high", "n")):
            findings.append(Finding(output, label, f"group of {result.n} below the minimum of {minimum} published"))
        elif (result.wave_id, result.domain_id, result.item_id) in small and data.get("n") is not None:
            findings.append(Finding(output, label, "n published beside a withheld group (total minus group)"))
        score = barometer.Score.of(result)
        if 0 < result.n < minimum and score is not None and score.estimate is not None:
            findings.append(Finding("barometer pages", label, f"group of {result.n} shown"))
    return findings


# --------------------------------------------------------------------------- entry point

CHECKS = ("api_observations", "api_assessments", "downloads", "survey_results", "climate_index")


def audit_public_outputs(*, on: date | None = None) -> list[Finding]:
    """Every finding of every public output; empty when nothing withheld can be read or recomputed."""
    day = on or timezone.localdate()
    truth = load_truth(on=day)
    return [
        *_api_observations(truth, day),
        *_api_assessments(truth),
        *_downloads(truth, day),
        *_survey_results(truth.thresholds),
        *_climate_index(truth.thresholds),
    ]
