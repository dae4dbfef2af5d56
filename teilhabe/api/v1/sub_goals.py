"""Sub-goals (Teilziele) of the areas of action."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from teilhabe.api.views import PublicDetailView, PublicListView, ReadParameters
from teilhabe.monitoring.models import SubGoal

from .parameters import MAX_ID, edition_parameter, selected_edition


class SubGoalParameters(ReadParameters):
    edition = edition_parameter()
    area = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only the sub-goals of this area (id)."
    )


class SubGoalOutput(serializers.ModelSerializer):
    area_code = serializers.SlugRelatedField(source="area", slug_field="code", read_only=True)
    edition = serializers.SlugRelatedField(source="area.edition", slug_field="code", read_only=True)
    indicators = serializers.SerializerMethodField()
    measures = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)

    class Meta:
        model = SubGoal
        fields = [
            "id",
            "edition",
            "area",
            "area_code",
            "code",
            "position",
            "text",
            "text_de",
            "text_en",
            "indicators",
            "measures",
        ]
        read_only_fields = fields

    def get_indicators(self, sub_goal: SubGoal) -> list[str]:
        """Codes of the indicators that measure this sub-goal."""
        return [version.indicator.code for version in sub_goal.indicator_versions.all()]


def _sub_goals():
    return (
        SubGoal.objects.select_related("area", "area__edition")
        .prefetch_related("indicator_versions__indicator", "measures")
        .order_by("area__position", "area__code", "position", "code")
    )


@extend_schema(parameters=[SubGoalParameters])
class SubGoalList(PublicListView):
    """Sub-goals of an edition (default: the current one), with the indicators and measures serving them."""

    serializer_class = SubGoalOutput
    parameters_class = SubGoalParameters

    def get_queryset(self):
        rows = _sub_goals().filter(area__edition=selected_edition(self.parameters))
        if "area" in self.parameters:
            rows = rows.filter(area_id=self.parameters["area"])
        return rows


class SubGoalDetail(PublicDetailView):
    serializer_class = SubGoalOutput

    def get_queryset(self):
        return _sub_goals()
