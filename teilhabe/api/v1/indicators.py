"""Indicators as defined in an edition (default: the current one): definition, unit, direction, source."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from teilhabe.accounts.models import Authority
from teilhabe.api.fields import OptionalURLField
from teilhabe.api.views import PublicDetailView, PublicListView, ReadParameters
from teilhabe.monitoring.models import AreaOfAction, IndicatorVersion, Measure

from .parameters import MAX_ID, code_of, edition_parameter, selected_edition


class IndicatorParameters(ReadParameters):
    edition = edition_parameter()
    area = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Only indicators of this area or of its nested topics (id).",
    )
    authority = code_of(
        Authority.objects.all(),
        help_text="Only indicators this authority is responsible for.",
        missing=_("There is no authority with the code “{value}”."),
    )
    status = serializers.ChoiceField(choices=IndicatorVersion.Status.choices, required=False)


class AuthorityOutput(serializers.ModelSerializer):
    class Meta:
        model = Authority
        fields = ["code", "name", "abbreviation"]
        read_only_fields = fields


class IndicatorOutput(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code", read_only=True)
    edition = serializers.SlugRelatedField(slug_field="code", read_only=True)
    area_code = serializers.SlugRelatedField(source="area", slug_field="code", read_only=True)
    sub_goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    group_a = serializers.SerializerMethodField()
    group_b = serializers.SerializerMethodField()
    authority = AuthorityOutput(read_only=True, allow_null=True)
    breakdowns = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)
    measures = serializers.SerializerMethodField()
    source_url = OptionalURLField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorVersion
        fields = [
            "code",
            "edition",
            "area",
            "area_code",
            "sub_goals",
            "status",
            "position",
            "title",
            "title_de",
            "title_en",
            "definition",
            "definition_de",
            "definition_en",
            "unit",
            "unit_de",
            "unit_en",
            "decimals",
            "direction",
            "comparison",
            "group_a",
            "group_b",
            "gap_metric",
            "data_source",
            "data_source_de",
            "data_source_en",
            "source_url",
            "authority",
            "breakdowns",
            "profile",
            "minimum_sample_size",
            "measures",
            "page_url",
        ]
        read_only_fields = fields

    def get_group_a(self, version: IndicatorVersion) -> str | None:
        """Breakdown key of the group compared (gap indicators)."""
        return version.group_a.key if version.group_a else None

    def get_group_b(self, version: IndicatorVersion) -> str | None:
        """Breakdown key of the reference group (gap indicators)."""
        return version.group_b.key if version.group_b else None

    def get_measures(self, version: IndicatorVersion) -> list[str]:
        """Codes of the measures linked to this indicator."""
        return [measure.code for measure in version.indicator.measures.all()]

    def get_page_url(self, version: IndicatorVersion) -> str:
        """The indicator's page on the portal."""
        return self.context["request"].build_absolute_uri(version.get_absolute_url())


def _versions():
    return (
        IndicatorVersion.objects.select_related(
            "indicator", "edition", "area", "authority", "group_a__dimension", "group_b__dimension"
        )
        .prefetch_related(
            "sub_goals",
            "breakdowns",
            Prefetch("indicator__measures", queryset=Measure.objects.order_by("code")),
        )
        .order_by("area__position", "position", "indicator__code")
    )


@extend_schema(parameters=[IndicatorParameters])
class IndicatorList(PublicListView):
    """The indicators of an edition (default: the current one) with their definitions there."""

    serializer_class = IndicatorOutput
    parameters_class = IndicatorParameters

    def get_queryset(self):
        parameters = self.parameters
        rows = _versions().filter(edition=selected_edition(parameters))
        if "area" in parameters:
            rows = rows.filter(area_id__in=[parameters["area"], *_child_ids(parameters["area"])])
        if parameters.get("authority") is not None:
            rows = rows.filter(authority=parameters["authority"])
        if "status" in parameters:
            rows = rows.filter(status=parameters["status"])
        return rows


def _child_ids(area_id: int) -> list[int]:
    return list(AreaOfAction.objects.filter(parent_id=area_id).values_list("pk", flat=True))


class IndicatorDetailParameters(ReadParameters):
    edition = edition_parameter()


@extend_schema(parameters=[IndicatorDetailParameters])
class IndicatorDetail(PublicDetailView):
    """One indicator as defined in the given edition; default: the current one, else its latest version."""

    serializer_class = IndicatorOutput
    parameters_class = IndicatorDetailParameters

    def get_object(self):
        versions = _versions().filter(indicator__code=self.kwargs["code"])
        edition = selected_edition(self.parameters)
        version = versions.filter(edition=edition).first() if edition else None
        if version is None and "edition" not in self.parameters:
            version = versions.order_by("-edition__adopted_on", "-pk").first()
        if version is None:
            raise Http404
        return version
