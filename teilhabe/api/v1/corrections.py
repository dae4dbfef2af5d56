"""The public corrections log: changes to observation values after they were published."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from teilhabe.api.views import PublicListView, ReadParameters
from teilhabe.monitoring import queries

from .parameters import indicator_parameter


class CorrectionParameters(ReadParameters):
    indicator = indicator_parameter()


class CorrectionOutput(serializers.Serializer):
    observation = serializers.IntegerField(source="observation_id")
    indicator = serializers.CharField(source="indicator_code")
    period = serializers.CharField()
    breakdown_key = serializers.CharField(allow_blank=True)
    geography = serializers.CharField(source="geography_code")
    old_value = serializers.FloatField()
    new_value = serializers.FloatField()
    corrected_at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)


@extend_schema(parameters=[CorrectionParameters])
class CorrectionList(PublicListView):
    """Corrections to already published values, newest first, with the reason given."""

    serializer_class = CorrectionOutput
    parameters_class = CorrectionParameters

    def get_queryset(self):
        return queries.list_corrections(indicator=self.parameters.get("indicator"))
