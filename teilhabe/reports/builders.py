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


def annual_report_rows(edition: Edition) -> list[TargetRow]:
    """Every target of the edition with the stored assessment of its series, in concept order."""
    versions = {
        version.indicator_id: version
        for version in IndicatorVersion.objects.filter(edition=edition).select_related(
            "indicator", "area", "group_a__dimension", "group_b__dimension"
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
                components=_components(assessment.components if assessment else {}, decimals, unit, marked),
                has_limited=bool(marked),
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


def annual_report_context(edition: Edition) -> dict:
    rows = annual_report_rows(edition)
    return {
        "edition": edition,
        "site_profile": SiteProfile.current(),
        "is_illustrative": is_illustrative(edition),
        "rows": rows,
        "summary": status_summary(rows),
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
