"""The city's documents built from the data: the concept edition and the annual progress report.

Each builder reads the edition once (fixed number of queries), assembles plain rows and renders
them: PDF through `teilhabe.core.printing.render_pdf`, the annual report's tables also as XLSX (teilhabe.core.tabular).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teilhabe.core import formatting
from teilhabe.core.models import SiteProfile
from teilhabe.core.printing import render_pdf
from teilhabe.core.tabular import WorkbookWriter
from teilhabe.monitoring import queries as monitoring_queries
from teilhabe.monitoring.models import (
    AreaOfAction,
    Assessment,
    BreakdownCategory,
    Edition,
    IndicatorVersion,
    SubGoal,
    Target,
)
from teilhabe.monitoring.status_labels import (
    COMPONENT_LABELS,
    STATUS_ORDER,
    TARGET_MISSED,
    UNCERTAIN_LABEL,
    display_status,
    format_component,
    status_label,
)


def is_illustrative(edition: Edition) -> bool:
    """Demo content is labelled as such in every document built from it."""
    return edition.is_illustrative or SiteProfile.current().is_illustrative


def group_labels() -> dict[str, str]:
    """Breakdown key of each single category → "Dimension: category", in the active language."""
    return {
        category.key: f"{category.dimension.name}: {category.name}"
        for category in BreakdownCategory.objects.select_related("dimension")
    }


def group_label(key: str, labels: dict[str, str]) -> str:
    if not key:
        return _("Total")
    return ", ".join(labels.get(part, part) for part in key.split("|"))


# --- The concept edition -------------------------------------------------------------------------


@dataclass
class IndicatorEntry:
    version: IndicatorVersion
    targets: list[tuple[Target, str]]  # each target with the label of its group


@dataclass
class AreaEntry:
    area: AreaOfAction
    sub_goals: list[SubGoal]
    indicators: list[IndicatorEntry]
    topics: list[AreaEntry] = field(default_factory=list)


def _concept_areas(edition: Edition, labels: dict[str, str]) -> list[AreaEntry]:
    versions = (
        IndicatorVersion.objects.filter(edition=edition)
        .exclude(status=IndicatorVersion.Status.RETIRED)
        .select_related("indicator", "authority")
        .order_by("position", "indicator__code")
    )
    targets = (
        Target.objects.filter(edition=edition)
        .select_related("geography")
        .order_by("kind", "breakdown_key", "geography__level", "geography__position")
    )
    areas = (
        AreaOfAction.objects.filter(edition=edition)
        .prefetch_related(
            Prefetch("sub_goals", queryset=SubGoal.objects.order_by("position", "code")),
            Prefetch("indicator_versions", queryset=versions),
        )
        .order_by("position", "code")
    )
    targets_by_indicator: dict[int, list[tuple[Target, str]]] = {}
    for target in targets:
        label = _("Gap between groups") if target.kind == Target.Kind.GAP else group_label(target.breakdown_key, labels)
        targets_by_indicator.setdefault(target.indicator_id, []).append((target, label))
    entries = {
        area.pk: AreaEntry(
            area=area,
            sub_goals=list(area.sub_goals.all()),
            indicators=[
                IndicatorEntry(version, targets_by_indicator.get(version.indicator_id, []))
                for version in area.indicator_versions.all()
            ],
        )
        for area in areas
    }
    top: list[AreaEntry] = []
    for entry in entries.values():
        parent = entries.get(entry.area.parent_id) if entry.area.parent_id else None
        (parent.topics if parent else top).append(entry)
    return top


def concept_context(edition: Edition) -> dict:
    """Everything the concept document shows; read in the active language."""
    return {
        "edition": edition,
        "site_profile": SiteProfile.current(),
        "is_illustrative": is_illustrative(edition),
        "areas": _concept_areas(edition, group_labels()),
        "attachments": list(edition.attachments.order_by("title")),
        "generated_on": timezone.localdate(),
    }


def build_concept_pdf(edition: Edition, *, language: str) -> bytes:
    with translation.override(language):
        return render_pdf("reports/concept.html", concept_context(edition), language=language)


# --- The annual progress report ------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """One target with its assessment, as the report and its workbook show it."""

    area: str
    indicator_code: str
    indicator_title: str
    unit: str
    decimals: int
    group: str
    geography: str
    baseline_value: float
    baseline_year: int
    target_value: float
    target_year: int
    status: str
    status_label: str
    is_uncertain: bool
    score: float | None
    progress_value: float | None
    explanation: str
    components: tuple[tuple[str, str], ...]
    has_limited: bool = False  # a component is in parentheses: limited reliability
    field_code: str = ""  # the field of action (top-level area) the indicator belongs to
    is_gap: bool = False
    is_city: bool = True  # the whole city, not a district
    change_unit_source: str = ""  # the indicator's own unit: changes of a share are percentage points
    parity: float = 0.0  # the value of "no gap": 0 for a difference, 1 for a ratio or parity index
    base_year: int | None = None  # of the assessment (the first value it uses)
    base_value: float | None = None
    current_year: int | None = None
    current_value: float | None = None
    compact_unit: str = ""  # the unit in the report's compact tables: percentage points as "pp"
    base_text: str = "–"  # the assessment's base and latest value as the compact tables show them: in
    current_text: str = "–"  # parentheses where of limited reliability (docs/methods/disclosure-control.md)
    base_limited: bool = False
    current_limited: bool = False
    needed_text: str = ""  # the change needed per year to reach the target, formatted ("+0.58 points a year")

    @property
    def gap_closing_per_year(self) -> float | None:
        """How much closer to parity the gap came per year between the assessment's base and latest value
        (negative: the gap widened); None where the series is not a gap or has too few values."""
        if not self.is_gap or None in (self.base_value, self.current_value, self.base_year, self.current_year):
            return None
        if self.current_year <= self.base_year:
            return None
        closer = abs(self.base_value - self.parity) - abs(self.current_value - self.parity)
        return closer / (self.current_year - self.base_year)

    @property
    def gap_closing_text(self) -> str:
        """The change per year towards parity, signed, one place more than the values (as changes per year are
        shown everywhere), in percentage points for shares."""
        return formatting.format_change(
            self.gap_closing_per_year, self.decimals + 1, self.change_unit_source, short=True
        )


def _series_kind(target: Target) -> str:
    if target.kind == Target.Kind.GAP:
        return Assessment.SeriesKind.GAP
    return Assessment.SeriesKind.GROUP if target.breakdown_key else Assessment.SeriesKind.TOTAL


def _components(
    components: dict, decimals: int, unit: str, reliabilities: dict[str, str] | None = None
) -> tuple[tuple[str, str], ...]:
    """The components as the indicator page shows them (status_labels.format_component); a value of limited
    reliability in parentheses (monitoring.queries.component_reliabilities)."""
    shown = []
    for key, label in COMPONENT_LABELS.items():
        text = format_component(key, components.get(key), decimals, unit)
        if text is not None:
            shown.append((str(label), formatting.mark_reliability(text, (reliabilities or {}).get(key))))
    return tuple(shown)


def _number(value: object):
    """A stored component as a number (components are JSON: anything else reads as missing)."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _marked_value(components: dict, key: str, decimals: int, unit: str, marked: dict[str, str]) -> str:
    value = _number(components.get(key))
    if value is None:
        return "–"
    return formatting.mark_reliability(formatting.format_value(value, decimals, unit), marked.get(key))


def annual_report_rows(edition: Edition) -> list[TargetRow]:
    """Every target of the edition with the stored assessment of its series, in concept order."""
    versions = {
        version.indicator_id: version
        for version in IndicatorVersion.objects.filter(edition=edition).select_related(
            "indicator", "area__parent", "group_a__dimension", "group_b__dimension"
        )
    }
    reliabilities = monitoring_queries.get_value_reliabilities(versions)
    assessments = {
        (a.indicator_id, a.series_kind, a.breakdown_key, a.geography_id): a
        for a in Assessment.objects.filter(edition=edition)
    }
    labels = group_labels()
    english = translation.get_language() == "en"
    rows = []
    targets = (
        Target.objects.filter(edition=edition)
        .select_related("indicator", "geography")
        .order_by("indicator__code", "kind", "geography__level", "geography__position", "breakdown_key")
    )
    for target in targets:
        version = versions.get(target.indicator_id)
        assessment = assessments.get(
            (target.indicator_id, _series_kind(target), target.breakdown_key, target.geography_id)
        )
        decimals = version.decimals if version else 1
        marked = monitoring_queries.component_reliabilities(assessment, version, reliabilities)
        explanation = ""
        if assessment is not None:
            explanation = (
                assessment.explanation_en if english and assessment.explanation_en else assessment.explanation_de
            )
        status = display_status(assessment.status, assessment.components) if assessment else "not_available"
        unit = version.unit if version else ""
        if target.kind == Target.Kind.GAP and version and version.gap_metric != IndicatorVersion.GapMetric.DIFFERENCE:
            unit = ""  # ratios and parity indices have no unit
        elif target.kind == Target.Kind.GAP:
            unit = formatting.change_unit(unit)
        components = assessment.components if assessment else {}
        compact_unit = (
            formatting.change_unit(version.unit, short=True) if target.kind == Target.Kind.GAP and unit else unit
        )
        field_area = (version.area.parent or version.area) if version else None
        rows.append(
            TargetRow(
                area=version.area.title if version else "",
                indicator_code=target.indicator.code,
                indicator_title=version.title if version else target.indicator.code,
                unit=unit,
                decimals=decimals,
                group=_("Gap between groups")
                if target.kind == Target.Kind.GAP
                else group_label(target.breakdown_key, labels),
                geography=target.geography.name,
                baseline_value=target.baseline_value,
                baseline_year=target.baseline_year,
                target_value=target.target_value,
                target_year=target.target_year,
                status=status,
                status_label=status_label(status),
                is_uncertain=bool(assessment and assessment.is_uncertain),
                score=assessment.score if assessment else None,
                progress_value=assessment.progress_value if assessment else None,
                explanation=explanation,
                needed_text=(
                    format_component("needed_change_per_year", assessment.needed_change_per_year, decimals, unit) or ""
                    if assessment is not None and assessment.needed_change_per_year is not None
                    else ""
                ),
                components=_components(components, decimals, unit, marked),
                has_limited=bool(marked),
                field_code=field_area.code if field_area else "",
                is_gap=target.kind == Target.Kind.GAP,
                is_city=target.geography.parent_id is None,
                change_unit_source="" if version is None or unit == "" else version.unit,
                parity=1.0 if version and version.gap_metric != IndicatorVersion.GapMetric.DIFFERENCE else 0.0,
                base_year=_number(components.get("base_year")),
                base_value=_number(components.get("base_value")),
                current_year=_number(components.get("current_year")),
                current_value=_number(components.get("current_value")),
                compact_unit=compact_unit,
                base_text=_marked_value(components, "base_value", decimals, compact_unit, marked),
                current_text=_marked_value(components, "current_value", decimals, compact_unit, marked),
                base_limited="base_value" in marked,
                current_limited="current_value" in marked,
            )
        )
    # Concept order: area, then the indicator's position in it (the sort is stable within an indicator).
    position = {
        version.indicator.code: (version.area.position, version.area.code, version.position)
        for version in versions.values()
    }
    rows.sort(key=lambda row: position.get(row.indicator_code, (0, "", 0)))
    return rows


def status_summary(rows: list[TargetRow]) -> list[tuple[str, str, int]]:
    """(status code, label, number of targets) for every status, best first."""
    counts = Counter(row.status for row in rows)
    return [(code, status_label(code), counts.get(code, 0)) for code in STATUS_ORDER]


# How many gaps the summary names as closing fastest and widening most, and how many key gaps a field shows.
TOP_GAPS = 5
KEY_GAPS_PER_FIELD = 8


@dataclass
class FieldSpread:
    """One field of action as the report's spread shows it."""

    area: AreaOfAction
    rows: list[TargetRow]
    summary: list[tuple[str, str, int]]
    key_gaps: list[TargetRow]


# Bar colours of the status chart (WeasyPrint's SVG reads colours from attributes, not from the stylesheet); each
# has at least 3:1 contrast against white (WCAG 1.4.11), and the count is written beside every bar.
BAR_COLOURS = {
    "target_achieved": "#1b5e20",
    "substantial_progress": "#2e7d32",
    "target_missed": "#8a1c1c",
    "moderate_progress": "#8c6d00",
    "limited_progress": "#b35c00",
    "deterioration": "#b71c1c",
}


def status_bars(summary: list[tuple[str, str, int]], *, width: float = 100.0) -> dict:
    """Horizontal bars per status for an inline SVG: length relative to the largest count. SVG coordinates are
    preformatted strings (a template would write them with the reader's decimal comma)."""
    largest = max((count for _code, _label, count in summary), default=0) or 1
    bars = []
    for index, (code, label, count) in enumerate(summary):
        length = width * count / largest
        bars.append(
            {
                "code": code,
                "colour": BAR_COLOURS.get(code, "#6b6b6b"),
                "label": label,
                "count": count,
                "y": f"{index * 7}",
                "length": f"{length:.2f}",
                "count_x": f"{66 + length:.2f}",
            }
        )
    return {"bars": bars, "height": f"{len(bars) * 7}"}


def moving_gaps(rows: list[TargetRow]) -> tuple[list[TargetRow], list[TargetRow]]:
    """The city-wide gaps closing fastest and those widening most (per year, towards or away from parity)."""
    moving = [row for row in rows if row.is_city and row.gap_closing_per_year is not None]
    closing = sorted((r for r in moving if r.gap_closing_per_year > 0), key=lambda r: -r.gap_closing_per_year)
    widening = sorted((r for r in moving if r.gap_closing_per_year < 0), key=lambda r: r.gap_closing_per_year)
    return closing[:TOP_GAPS], widening[:TOP_GAPS]


def field_spreads(edition: Edition, rows: list[TargetRow]) -> list[FieldSpread]:
    """Each field of action (top-level area) with its targets, their status counts and its key city-wide gaps."""
    fields = AreaOfAction.objects.filter(edition=edition, parent__isnull=True).order_by("position", "code")
    spreads = []
    for area in fields:
        own = [row for row in rows if row.field_code == area.code]
        if not own:
            continue
        gaps = [row for row in own if row.is_gap and row.is_city]
        spreads.append(FieldSpread(area, own, status_summary(own), gaps[:KEY_GAPS_PER_FIELD]))
    return spreads


def annual_report_context(edition: Edition) -> dict:
    rows = annual_report_rows(edition)
    summary = status_summary(rows)
    closing, widening = moving_gaps(rows)
    spreads = field_spreads(edition, rows)
    return {
        "status_bars": status_bars(summary),
        "closing_gaps": closing,
        "widening_gaps": widening,
        "missed": [row for row in rows if row.status == TARGET_MISSED],
        "spreads": [(spread, status_bars(spread.summary)) for spread in spreads],
        # targets of an indicator without a version in this edition belong to no field; the annex still lists them
        # the legend of the parentheses under the tables that show a marked value
        "annex_limited": any(row.current_limited for row in rows),
        "gaps_limited": any(row.base_limited or row.current_limited for row in closing + widening),
        "unfielded": [row for row in rows if row.field_code not in {spread.area.code for spread in spreads}],
        "edition": edition,
        "site_profile": SiteProfile.current(),
        "is_illustrative": is_illustrative(edition),
        "rows": rows,
        "summary": summary,
        "uncertain_label": UNCERTAIN_LABEL,
        "report_year": timezone.localdate().year,
        "generated_on": timezone.localdate(),
    }


def build_annual_report_pdf(edition: Edition, *, language: str) -> bytes:
    with translation.override(language):
        return render_pdf("reports/annual_report.html", annual_report_context(edition), language=language)


def build_annual_report_xlsx(edition: Edition, *, language: str) -> bytes:
    """The report's tables as a workbook: the status summary and every target with its assessment."""
    with translation.override(language):
        context = annual_report_context(edition)
        workbook = WorkbookWriter()
        summary = workbook.add_sheet(_("Summary"))
        summary.append(
            [
                f"{context['site_profile'].city_name}: {_('Annual progress report')} "
                f"{context['report_year']} – {edition.title}"
            ],
            bold=True,
        )
        if context["is_illustrative"]:
            summary.append([_("Illustrative data: generated for demonstration, not official statistics.")])
        summary.append([_("As of"), context["generated_on"]])
        summary.append([])
        summary.append([_("Status"), _("Targets")])
        for _code, label, count in context["summary"]:
            summary.append([label, count])
        targets = workbook.add_sheet(
            _("Targets"), widths=(24, 10, 40, 10, 28, 16, 10, 10, 10, 10, 22, 10, 8, 10, 60, 60), freeze_header=True
        )
        header = [
            _("Area of action"),
            _("Indicator"),
            _("Title"),
            _("Unit"),
            _("Group"),
            _("Geography"),
            _("Baseline year"),
            _("Baseline value"),
            _("Target year"),
            _("Target value"),
            _("Status"),
            _("Uncertain"),
            _("Score"),
            _("Progress measure"),
            _("Explanation"),
            _("Components"),
        ]
        targets.append(header, bold=True)
        for row in context["rows"]:
            value_format = formatting.spreadsheet_format(row.decimals)
            targets.append(
                [
                    row.area,
                    row.indicator_code,
                    row.indicator_title,
                    row.unit,
                    row.group,
                    row.geography,
                    row.baseline_year,
                    row.baseline_value,
                    row.target_year,
                    row.target_value,
                    row.status_label,
                    _("yes") if row.is_uncertain else _("no"),
                    None if row.score is None else round(row.score, 2),
                    None if row.progress_value is None else round(row.progress_value, 3),
                    row.explanation,
                    "; ".join(f"{label}: {value}" for label, value in row.components),
                ],
                wrap_from=14,
                # the stored values stay numbers, shown with the indicator's decimals (never as 0.5777777)
                number_formats={7: value_format, 9: value_format, 12: "0.00", 13: "0.000"},
            )
        return workbook.to_bytes()
