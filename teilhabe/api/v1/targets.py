"""Target values (Zielwerte) with target years, for a group's value or for the gap between groups."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from teilhabe.api.views import PublicDetailView, PublicListView, ReadParameters
from teilhabe.monitoring.models import Target

from .parameters import edition_parameter, geography_parameter, indicator_parameter, selected_edition


class TargetParameters(ReadParameters):
    edition = edition_parameter()
    indicator = indicator_parameter()
    geography = geography_parameter()
    kind = serializers.ChoiceField(choices=Target.Kind.choices, required=False)


class TargetOutput(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    edition = serializers.SlugRelatedField(slug_field="code", read_only=True)
    geography = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "indicator",
            "edition",
            "kind",
            "breakdown_key",
            "geography",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "note",
            "note_de",
            "note_en",
        ]
        read_only_fields = fields


def _targets():
    return Target.objects.select_related("indicator", "edition", "geography").order_by(
        "indicator__code", "kind", "breakdown_key", "geography__code"
    )


@extend_schema(parameters=[TargetParameters])
class TargetList(PublicListView):
    """Targets of an edition (default: the current one)."""

    serializer_class = TargetOutput
    parameters_class = TargetParameters

    def get_queryset(self):
        parameters = self.parameters
        rows = _targets().filter(edition=selected_edition(parameters))
        if parameters.get("indicator") is not None:
            rows = rows.filter(indicator=parameters["indicator"])
        if parameters.get("geography") is not None:
            rows = rows.filter(geography=parameters["geography"])
        if "kind" in parameters:
            rows = rows.filter(kind=parameters["kind"])
        return rows


class TargetDetail(PublicDetailView):
    serializer_class = TargetOutput

    def get_queryset(self):
        return _targets()
