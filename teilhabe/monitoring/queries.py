"""Reads of the monitoring domain; each query owns its joins so callers cannot cause N+1 queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.query import ModelIterable
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import AreaOfAction, Edition, Indicator, IndicatorVersion, Observation


def get_current_edition() -> Edition | None:
    edition = Edition.objects.filter(is_current=True).first()
    return edition or Edition.objects.order_by("-adopted_on", "-pk").first()


def list_fields_of_action(edition: Edition | None) -> QuerySet[AreaOfAction]:
    """The top-level areas of action (fields) of one edition, in the concept's order; none without an edition."""
    if edition is None:
        return AreaOfAction.objects.none()
    return AreaOfAction.objects.filter(edition=edition, parent__isnull=True).order_by("position", "code")


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


# --- Public data: release dates, disclosure control, corrections ------------------------------------
# Pages, API, downloads and assessments read observations through list_public_observations: the one
# gateway to them (nothing before its release date; disclosure control of disclosing.py applied).

SUPPRESSED_COUNT_FIELDS = ("numerator", "denominator", "sample_size")
# Observations disclosed together: decisions are made per indicator, so a chunk holds a few of them.
_DISCLOSURE_CHUNK = 2000


class _PublicObservationIterable(ModelIterable):
    """Applies disclosure control to every instance as it is loaded, so that no caller can forget it.

    Each instance gets `reliability` ("withheld", "limited", "published"), `is_withheld` and
    `is_limited`; a withheld one has value, standard error, counts and progress value None.
    """

    day: date | None = None

    def __iter__(self):
        from . import disclosing

        day = self.day or timezone.localdate()
        chunk: list[Observation] = []

        def flush():
            decisions = disclosing.decide({o.indicator_id for o in chunk}, released=released_by(day))
            for observation in chunk:
                reliability = decisions.get(observation.pk, disclosing.Reliability.WITHHELD)
                yield disclosing.apply(observation, reliability)

        for observation in super().__iter__():
            chunk.append(observation)
            if len(chunk) >= _DISCLOSURE_CHUNK:
                yield from flush()
                chunk = []
        if chunk:
            yield from flush()


def released_by(day: date) -> Q:
    """Observations the public may see on `day`: no release date, or one not after it."""
    return Q(released_on__isnull=True) | Q(released_on__lte=day)


def list_public_observations(*, on: date | None = None) -> QuerySet[Observation]:
    """Observations the public may see on `on` (default: today), with indicator and geography joined.

    Excludes observations whose release date lies in the future and applies disclosure control
    (docs/methods/disclosure-control.md) to every instance it yields: withheld observations have no
    value, standard error, counts or progress value. Filter, order and slice freely, but read figures
    from instances, not through .values()/.values_list(), which bypass it.
    """
    day = on or timezone.localdate()
    rows = (
        Observation.objects.filter(released_by(day))
        .select_related("indicator", "geography")
        .order_by("indicator__code", "geography__code", "breakdown_key", "period_start")
    )
    # The queryset keeps its iterable class through filter()/order_by(); the class carries the day.
    rows._iterable_class = type("PublicObservationIterable", (_PublicObservationIterable,), {"day": day})
    return rows


@dataclass(frozen=True)
class Correction:
    """A change to the value of an observation that was already public when it changed."""

    observation_id: int
    indicator_code: str
    period: str
    breakdown_key: str
    geography_code: str
    old_value: float
    new_value: float
    corrected_at: datetime
    reason: str


def list_corrections(*, indicator: Indicator | None = None, on: date | None = None) -> list[Correction]:
    """Corrections to published values, newest first, derived from the observations' revision history.

    A revision counts when it changed the value of a public observation whose previous value was
    already released (no release date, or a release date on or before the day of the change).
    """
    history = Observation.history.model
    public = list_public_observations(on=on)
    if indicator is not None:
        public = public.filter(indicator=indicator)
    revised = (
        history.objects.filter(id__in=public.values("pk"))
        .values("id")
        .annotate(revisions=Count("history_id"))
        .filter(revisions__gt=1)
        .values("id")
    )
    records = (
        history.objects.filter(id__in=revised)
        .order_by("id", "history_date", "history_id")
        .values(
            "id",
            "value",
            "released_on",
            "history_date",
            "history_type",
            "history_change_reason",
            "period",
            "breakdown_key",
            "indicator__code",
            "geography__code",
            "indicator_id",
        )
    )
    corrections: list[Correction] = []
    previous = None
    for record in records:
        if previous is not None and previous["id"] == record["id"] and record["history_type"] == "~":
            changed_on = timezone.localdate(record["history_date"])
            was_public = previous["released_on"] is None or previous["released_on"] <= changed_on
            if was_public and record["value"] != previous["value"]:
                corrections.append(
                    Correction(
                        observation_id=record["id"],
                        indicator_code=record["indicator__code"],
                        period=record["period"],
                        breakdown_key=record["breakdown_key"],
                        geography_code=record["geography__code"],
                        old_value=previous["value"],
                        new_value=record["value"],
                        corrected_at=record["history_date"],
                        reason=record["history_change_reason"] or "",
                    )
                )
        previous = record
    # A withheld observation's old and new values are withheld too.
    from . import disclosing

    day = on or timezone.localdate()
    indicator_ids = {record["indicator_id"] for record in records}
    decisions = disclosing.decide(indicator_ids, released=released_by(day)) if corrections else {}
    corrections = [c for c in corrections if decisions.get(c.observation_id) is not disclosing.Reliability.WITHHELD]
    corrections.sort(key=lambda correction: correction.corrected_at, reverse=True)
    return corrections


# Components of an assessment that repeat an observed value (or count): shown as that value's reliability.
_COMPONENT_YEARS = {"base_value": "base_year", "current_value": "current_year", "sample_size": "current_year"}


def get_value_reliabilities(indicator_ids: Iterable[int], *, on: date | None = None) -> dict[tuple, str]:
    """The reliability ("published", "limited", "withheld") of every public observation of the indicators by
    (indicator id, geography id, breakdown key, year), read through the public gateway."""
    return reliability_lookup(list_public_observations(on=on).filter(indicator_id__in=list(indicator_ids)))


def reliability_lookup(observations: Iterable[Observation]) -> dict[tuple, str]:
    """(indicator id, geography id, breakdown key, year) → reliability of observations already read through
    the gateway; of several periods in one year the least reliable."""
    found: dict[tuple, str] = {}
    rank = {"withheld": 2, "limited": 1}
    for row in observations:
        key = (row.indicator_id, row.geography_id, row.breakdown_key, row.period_start.year)
        if rank.get(row.reliability, 0) >= rank.get(found.get(key), 0):
            found[key] = row.reliability
    return found


def component_reliabilities(assessment, version, reliabilities: dict[tuple, str]) -> dict[str, str]:
    """Which components of a stored assessment are of limited reliability (to be shown in parentheses): the
    base and latest value and the sample size repeat the observation of their year; a gap repeats the less
    reliable of its two groups."""
    if assessment is None:
        return {}
    if assessment.series_kind == "gap" and version is not None and version.group_a_id and version.group_b_id:
        keys = [version.group_a.key, version.group_b.key]
    else:
        keys = [assessment.breakdown_key]
    components = assessment.components or {}
    marked = {}
    for name, year_name in _COMPONENT_YEARS.items():
        year = components.get(year_name)
        if components.get(name) is None or not isinstance(year, int | float) or isinstance(year, bool):
            continue
        year = int(year)
        found = {reliabilities.get((assessment.indicator_id, assessment.geography_id, key, year)) for key in keys}
        if "limited" in found or "withheld" in found:
            marked[name] = "limited"  # a withheld value never reaches an assessment; mark it as uncertain at most
    return marked
