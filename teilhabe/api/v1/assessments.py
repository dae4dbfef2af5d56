"""Progress assessments of each series against its target (docs/methods/progress.md)."""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers

from teilhabe.api.views import PublicDetailView, PublicListView, ReadParameters
from teilhabe.monitoring import queries
from teilhabe.monitoring.models import Assessment, IndicatorVersion

from .parameters import edition_parameter, geography_parameter, indicator_parameter, selected_edition


class AssessmentParameters(ReadParameters):
    edition = edition_parameter()
    indicator = indicator_parameter()
    geography = geography_parameter()
    series_kind = serializers.ChoiceField(choices=Assessment.SeriesKind.choices, required=False)


class AssessmentOutput(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    edition = serializers.SlugRelatedField(slug_field="code", read_only=True)
    geography = serializers.SlugRelatedField(slug_field="code", read_only=True)
    components = serializers.DictField(read_only=True, help_text="The inputs and intermediate values of the method.")
    explanation = serializers.SerializerMethodField()
    limited_reliability = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "indicator",
            "edition",
            "series_kind",
            "breakdown_key",
            "geography",
            "profile",
            "status",
            "score",
            "progress_value",
            "needed_change_per_year",
            "is_uncertain",
            "components",
            "limited_reliability",
            "explanation",
            "explanation_de",
            "explanation_en",
            "computed_at",
        ]
        read_only_fields = fields

    def get_explanation(self, assessment: Assessment) -> str:
        """The plain-language explanation in the requested language (German if there is none)."""
        if translation.get_language() == "en" and assessment.explanation_en:
            return assessment.explanation_en
        return assessment.explanation_de

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=["base_value", "current_value", "sample_size"]),
            help_text="The components that repeat an observation of limited reliability (few cases; pages show "
            "them in parentheses); a gap is as reliable as the less reliable of its two groups. Empty when "
            "every component rests on a fully published observation.",
        )
    )
    def get_limited_reliability(self, assessment: Assessment) -> list[str]:
        reliabilities, versions = self._reliabilities(assessment)
        version = versions.get((assessment.indicator_id, assessment.edition_id))
        return sorted(queries.component_reliabilities(assessment, version, reliabilities))

    def _reliabilities(self, assessment: Assessment) -> tuple[dict, dict]:
        """The observations' reliabilities (read through the public gateway) and the indicator versions, looked
        up once for all assessments of the page and kept in the serializer context."""
        cache = self.context.setdefault("_reliability_cache", {"indicators": set(), "values": {}, "versions": {}})
        if assessment.indicator_id not in cache["indicators"]:
            rows = self.parent.instance if isinstance(self.parent, serializers.ListSerializer) else None
            wanted = {row.indicator_id for row in rows or ()} | {assessment.indicator_id}
            wanted -= cache["indicators"]
            cache["values"].update(queries.get_value_reliabilities(wanted))
            for version in IndicatorVersion.objects.filter(indicator_id__in=wanted).select_related(
                "group_a__dimension", "group_b__dimension"
            ):
                cache["versions"][(version.indicator_id, version.edition_id)] = version
            cache["indicators"] |= wanted
        return cache["values"], cache["versions"]


@extend_schema(parameters=[AssessmentParameters])
class AssessmentList(PublicListView):
    """Stored assessments of an edition (default: the current one)."""

    serializer_class = AssessmentOutput
    parameters_class = AssessmentParameters

    def get_queryset(self):
        parameters = self.parameters
        edition = selected_edition(parameters)
        if edition is None:
            return Assessment.objects.none()
        rows = queries.list_assessments(edition=edition, indicator=parameters.get("indicator"))
        if parameters.get("geography") is not None:
            rows = rows.filter(geography=parameters["geography"])
        if "series_kind" in parameters:
            rows = rows.filter(series_kind=parameters["series_kind"])
        return rows.select_related("edition")


class AssessmentDetail(PublicDetailView):
    serializer_class = AssessmentOutput

    def get_queryset(self):
        return Assessment.objects.select_related("indicator", "edition", "geography")
