"""Reads of the monitoring domain; each query owns its joins so callers cannot cause N+1 queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import AreaOfAction, Edition, Indicator, IndicatorVersion


def get_current_edition() -> Edition | None:
    edition = Edition.objects.filter(is_current=True).first()
    return edition or Edition.objects.order_by("-adopted_on", "-pk").first()


def list_top_areas_with_indicators(edition: Edition) -> QuerySet[AreaOfAction]:
    """Fields of action with their topics and each topic's indicator versions, for the concept overview."""
    versions = (
        IndicatorVersion.objects.filter(edition=edition)
        .exclude(status=IndicatorVersion.Status.RETIRED)
        .select_related("indicator")
        .order_by("position", "indicator__code")
    )
    topics = AreaOfAction.objects.filter(edition=edition).prefetch_related(
        Prefetch("indicator_versions", queryset=versions)
    )
    return (
        AreaOfAction.objects.filter(edition=edition, parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=topics), Prefetch("indicator_versions", queryset=versions))
        .order_by("position", "code")
    )


def get_area(edition_code: str, code: str) -> AreaOfAction:
    return get_object_or_404(
        AreaOfAction.objects.select_related("edition", "parent").prefetch_related(
            "sub_goals",
            "children",
            Prefetch(
                "indicator_versions",
                queryset=IndicatorVersion.objects.select_related("indicator", "authority").order_by(
                    "position", "indicator__code"
                ),
            ),
        ),
        edition__code=edition_code,
        code=code,
    )


def get_indicator_version(code: str, edition: Edition | None = None) -> IndicatorVersion:
    """The indicator's version in the given (default: current) edition, or its latest version."""
    indicator = get_object_or_404(Indicator, code=code)
    versions = IndicatorVersion.objects.filter(indicator=indicator).select_related(
        "indicator", "edition", "area", "area__parent", "authority", "group_a", "group_b"
    )
    edition = edition or get_current_edition()
    version = versions.filter(edition=edition).first() if edition else None
    return version or get_object_or_404(versions.order_by("-edition__adopted_on", "-pk")[:1])


def list_assessments(*, edition: Edition, indicator=None, geography_code: str | None = None) -> QuerySet:
    """Stored assessments (see models.Assessment), optionally for one indicator and/or one geography.

    Each row holds status, score, progress value, needed change per year, whether it is uncertain, its
    components (dict) and the explanation in German and English (`explanation_de`, `explanation_en`).
    """
    from .models import Assessment

    rows = Assessment.objects.filter(edition=edition).select_related("indicator", "geography")
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    if geography_code is not None:
        rows = rows.filter(geography__code=geography_code)
    return rows.order_by("indicator__code", "series_kind", "breakdown_key", "geography__code")
