"""Measures (Maßnahmen) of the authorities, with the sub-goals and indicators they serve."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from teilhabe.accounts.models import Authority
from teilhabe.api.fields import OptionalURLField
from teilhabe.api.views import PublicDetailView, PublicListView, ReadParameters
from teilhabe.monitoring.models import Measure

from .indicators import AuthorityOutput
from .parameters import MAX_ID, code_of, indicator_parameter


class MeasureParameters(ReadParameters):
    indicator = indicator_parameter()
    sub_goal = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only measures serving this sub-goal (id)."
    )
    authority = code_of(
        Authority.objects.all(),
        help_text="Only measures of this authority.",
        missing=_("There is no authority with the code “{value}”."),
    )
    status = serializers.ChoiceField(choices=Measure.Status.choices, required=False)


class MeasureOutput(serializers.ModelSerializer):
    authority = AuthorityOutput(read_only=True, allow_null=True)
    sub_goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    indicators = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)
    url = OptionalURLField(help_text="A link to more about the measure.")
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = [
            "code",
            "title",
            "title_de",
            "title_en",
            "description",
            "description_de",
            "description_en",
            "authority",
            "status",
            "starts_on",
            "ends_on",
            "url",
            "sub_goals",
            "indicators",
            "page_url",
        ]
        read_only_fields = fields

    def get_page_url(self, measure: Measure) -> str:
        """The measure's page on the portal."""
        return self.context["request"].build_absolute_uri(measure.get_absolute_url())


def _measures():
    return Measure.objects.select_related("authority").prefetch_related("sub_goals", "indicators").order_by("code")


@extend_schema(parameters=[MeasureParameters])
class MeasureList(PublicListView):
    serializer_class = MeasureOutput
    parameters_class = MeasureParameters

    def get_queryset(self):
        parameters = self.parameters
        rows = _measures()
        if parameters.get("indicator") is not None:
            rows = rows.filter(indicators=parameters["indicator"])
        if "sub_goal" in parameters:
            rows = rows.filter(sub_goals=parameters["sub_goal"])
        if parameters.get("authority") is not None:
            rows = rows.filter(authority=parameters["authority"])
        if "status" in parameters:
            rows = rows.filter(status=parameters["status"])
        return rows


class MeasureDetail(PublicDetailView):
    serializer_class = MeasureOutput
    lookup_field = "code"

    def get_queryset(self):
        return _measures()
