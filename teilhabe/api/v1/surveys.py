"""The integration barometer in the API: structure vs. climate per area of action, and the climate index values.

Both read the same queries as the public pages (teilhabe.surveys.barometer), so they cannot disagree.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from teilhabe.api.views import PublicListView, ReadParameters
from teilhabe.monitoring.status_labels import STATUS_ORDER
from teilhabe.surveys import barometer
from teilhabe.surveys.models import Barometer, GroupCode, IndexResult

from .parameters import edition_parameter, selected_edition


def barometer_parameter() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Barometer.objects.all(),
        required=False,
        help_text="Barometer short name; default: the one with the latest computed wave.",
        error_messages={
            "does_not_exist": _("There is no barometer with the short name “{value}”."),
            "invalid": _("This is not a valid short name."),
        },
    )


class StructureVsClimateParameters(ReadParameters):
    edition = edition_parameter()
    barometer = barometer_parameter()


class StatusCountsOutput(serializers.Serializer):
    """Indicators of the area (its topics included) by the status of their headline series at city level."""

    target_achieved = serializers.IntegerField()
    substantial_progress = serializers.IntegerField()
    moderate_progress = serializers.IntegerField()
    limited_progress = serializers.IntegerField()
    deterioration = serializers.IntegerField()
    not_available = serializers.IntegerField()


class GroupClimateOutput(serializers.Serializer):
    score = serializers.FloatField(allow_null=True, help_text="Climate score 0–100 in the latest wave.")
    low = serializers.FloatField(allow_null=True, help_text="Lower bound of the 95 % confidence interval.")
    high = serializers.FloatField(allow_null=True, help_text="Upper bound of the 95 % confidence interval.")
    n = serializers.IntegerField(allow_null=True, help_text="Respondents with a score.")
    previous_score = serializers.FloatField(allow_null=True, help_text="Score in the previous wave.")
    change = serializers.FloatField(allow_null=True, help_text="Score minus previous score, in points.")
    change_low = serializers.FloatField(allow_null=True)
    change_high = serializers.FloatField(allow_null=True)


class ClimateOutput(serializers.Serializer):
    barometer = serializers.CharField()
    wave = serializers.IntegerField()
    previous_wave = serializers.IntegerField(allow_null=True)
    component_kind = serializers.ChoiceField(choices=["domain", "item"])
    component_code = serializers.CharField(help_text="Domain code or item variable.")
    component_title = serializers.CharField()
    with_immigrant_background = GroupClimateOutput()
    without_immigrant_background = GroupClimateOutput()


class StructureVsClimateOutput(serializers.Serializer):
    area = serializers.IntegerField(help_text="Id of the area of action (see /api/v1/areas/).")
    area_code = serializers.CharField()
    area_title = serializers.CharField()
    parent_code = serializers.CharField(allow_null=True)
    edition = serializers.CharField()
    indicator_count = serializers.IntegerField()
    status_counts = StatusCountsOutput()
    climate = ClimateOutput(allow_null=True, help_text="Null when no part of the index is linked to the area.")


def _group(group: barometer.GroupClimate | None) -> dict:
    score = group.score if group else None
    previous = group.previous if group else None
    change = group.change if group else None
    return {
        "score": score.estimate if score else None,
        "low": score.low if score else None,
        "high": score.high if score else None,
        "n": score.n if score else None,
        "previous_score": previous.estimate if previous else None,
        "change": change.estimate if change else None,
        "change_low": change.low if change is not None and change.has_interval else None,
        "change_high": change.high if change is not None and change.has_interval else None,
    }


def structure_vs_climate_rows(comparison: barometer.StructureVsClimate) -> list[dict]:
    """One plain row per area of action, as the API and its CSV give them."""
    rows = []
    links = {}
    if comparison.barometer is not None:
        links = {link.area_id: link for link in comparison.barometer.area_links.select_related("domain", "item")}
    for entry in comparison.entries:
        counts = {status.code: status.count for status in entry.status_counts}
        climate = None
        link = links.get(entry.area.pk)
        if entry.climate and link is not None:
            groups = {group.group: group for group in entry.climate}
            climate = {
                "barometer": comparison.barometer.slug,
                "wave": comparison.wave.year,
                "previous_wave": comparison.previous_wave.year if comparison.previous_wave else None,
                "component_kind": "domain" if link.domain_id else "item",
                "component_code": link.domain.code if link.domain_id else link.item.variable,
                "component_title": str(link.component),
                "with_immigrant_background": _group(groups.get(GroupCode.WITH_BACKGROUND.value)),
                "without_immigrant_background": _group(groups.get(GroupCode.WITHOUT_BACKGROUND.value)),
            }
        rows.append(
            {
                "area": entry.area.pk,
                "area_code": entry.area.code,
                "area_title": entry.area.title,
                "parent_code": entry.area.parent.code if entry.area.parent_id else None,
                "edition": comparison.edition.code,
                "indicator_count": entry.indicator_count,
                "status_counts": {code: counts.get(code, 0) for code in STATUS_ORDER},
                "climate": climate,
            }
        )
    return rows


@extend_schema(parameters=[StructureVsClimateParameters])
class StructureVsClimateList(PublicListView):
    """One entry per area of action: the status counts of its structural indicators beside the linked climate
    score of the integration barometer and its change since the previous wave, for people with and without
    an immigrant background."""

    serializer_class = StructureVsClimateOutput
    parameters_class = StructureVsClimateParameters

    def get_queryset(self):
        edition = selected_edition(self.parameters)
        if edition is None:
            return []
        comparison = barometer.get_structure_vs_climate(edition=edition, barometer=self.parameters.get("barometer"))
        return structure_vs_climate_rows(comparison)


class ClimateIndexParameters(ReadParameters):
    barometer = barometer_parameter()
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999, help_text="Wave year.")
    group = serializers.ChoiceField(choices=GroupCode.choices, required=False)


class ClimateIndexOutput(serializers.Serializer):
    barometer = serializers.CharField(source="wave.barometer.slug")
    year = serializers.IntegerField(source="wave.year")
    component_kind = serializers.SerializerMethodField()
    component_code = serializers.SerializerMethodField()
    component_title = serializers.SerializerMethodField()
    group = serializers.ChoiceField(choices=GroupCode.choices)
    estimate = serializers.FloatField(
        allow_null=True,
        help_text="Score 0–100 (weighted mean); null when withheld: fewer respondents than "
        "TEILHABE_CLIMATE_INDEX_MIN_N (docs/methods/disclosure-control.md).",
    )
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField(allow_null=True, help_text="Null when this or another group of the value is withheld.")
    n_effective = serializers.FloatField(allow_null=True)
    is_weighted = serializers.SerializerMethodField()

    def get_component_kind(self, result: IndexResult) -> str:
        return "domain" if result.domain_id else "item" if result.item_id else "overall"

    def get_component_code(self, result: IndexResult) -> str:
        return result.domain.code if result.domain_id else result.item.variable if result.item_id else "overall"

    def get_component_title(self, result: IndexResult) -> str:
        return str(result.domain or result.item or "Integration climate index")

    def get_is_weighted(self, result: IndexResult) -> bool:
        return result.run_id is not None

    def to_representation(self, result: IndexResult) -> dict:
        data = super().to_representation(result)
        if not result.has_interval:
            data["low"] = data["high"] = None
        if barometer.is_withheld_result(result):
            data.update(estimate=None, low=None, high=None, n=None, n_effective=None)
        elif (result.wave_id, result.domain_id, result.item_id) in self.context.get("withheld_components", ()):
            data.update(n=None, n_effective=None)
        return data


@extend_schema(parameters=[ClimateIndexParameters])
class ClimateIndexList(PublicListView):
    """Stored values of the integration climate index (overall, domains, items) by wave and group, with 95 %
    confidence intervals (docs/methods/survey-weighting.md, section 11)."""

    serializer_class = ClimateIndexOutput
    parameters_class = ClimateIndexParameters

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "withheld_components": barometer.withheld_components()}

    def get_queryset(self):
        rows = IndexResult.objects.select_related("wave__barometer", "domain", "item").order_by(
            "wave__barometer__slug", "wave__year", "domain__position", "item__position", "group", "pk"
        )
        if self.parameters.get("barometer") is not None:
            rows = rows.filter(wave__barometer=self.parameters["barometer"])
        if "year" in self.parameters:
            rows = rows.filter(wave__year=self.parameters["year"])
        if "group" in self.parameters:
            rows = rows.filter(group=self.parameters["group"])
        return rows
