"""Observations: one value per indicator, period, group and geography; only released data, counts suppressed."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from teilhabe.api.views import PublicDetailView, PublicListView, ReadParameters
from teilhabe.monitoring import queries
from teilhabe.monitoring.breakdowns import BreakdownKeyError, make_key, parse_key
from teilhabe.monitoring.models import BreakdownCategory, Geography, Observation
from teilhabe.monitoring.periods import PeriodError, parse_period

from .parameters import geography_parameter, indicator_parameter

TOTAL = "total"


def _period(text: str):
    try:
        return parse_period(text)
    except PeriodError as error:
        raise serializers.ValidationError(str(error)) from None


class ObservationParameters(ReadParameters):
    indicator = indicator_parameter()
    period = serializers.CharField(required=False, help_text="One period: 2016, 2016/17 or 2016-12-31.")
    period_from = serializers.CharField(required=False, help_text="Periods starting on or after this one's start.")
    period_to = serializers.CharField(required=False, help_text="Periods ending on or before this one's end.")
    breakdown = serializers.CharField(
        required=False,
        help_text="Exactly this breakdown key, e.g. `migration_background=yes|sex=female`; `total` for totals.",
    )
    group = serializers.CharField(
        required=False, help_text="Every breakdown containing this category, e.g. `migration_background=yes`."
    )
    geography = geography_parameter()
    district = geography_parameter("A district's code (same as `geography`, limited to districts).")

    def validate_period(self, value: str) -> str:
        return _period(value).code

    def validate_period_from(self, value: str):
        return _period(value)

    def validate_period_to(self, value: str):
        return _period(value)

    def validate_breakdown(self, value: str) -> str:
        if value.strip() == TOTAL:
            return ""
        try:
            return make_key(parse_key(value.strip()))
        except BreakdownKeyError as error:
            raise serializers.ValidationError(str(error)) from None

    def validate_group(self, value: str) -> str:
        dimension, separator, category = value.strip().partition("=")
        if not separator:
            raise serializers.ValidationError(_("Give the group as dimension=category, e.g. sex=female."))
        if not BreakdownCategory.objects.filter(dimension__code=dimension, code=category).exists():
            raise serializers.ValidationError(
                _("There is no category “%(category)s” in a dimension “%(dimension)s”.")
                % {"category": category, "dimension": dimension}
            )
        return f"{dimension}={category}"

    def validate_district(self, value: Geography) -> Geography:
        if value.level != Geography.Level.DISTRICT:
            raise serializers.ValidationError(_("“%(code)s” is not a district.") % {"code": value.code})
        return value

    def validate(self, data: dict) -> dict:
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start.start > end.end:
            raise serializers.ValidationError({"period_to": _("The end of the range lies before its start.")})
        geography, district = data.get("geography"), data.get("district")
        if geography and district and geography != district:
            raise serializers.ValidationError({"district": _("Give either a geography or a district, not both.")})
        return data


class ObservationOutput(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    geography = serializers.SlugRelatedField(slug_field="code", read_only=True)
    value = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Null when withheld for too few cases (docs/methods/disclosure-control.md); then every count "
        "and the standard error are null too.",
    )
    reliability = serializers.ChoiceField(
        choices=["withheld", "limited", "published"],
        read_only=True,
        help_text="withheld: no figure, too few cases; limited: limited reliability (shown in parentheses).",
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "indicator",
            "period",
            "period_kind",
            "period_start",
            "period_end",
            "breakdown_key",
            "geography",
            "value",
            "reliability",
            "numerator",
            "denominator",
            "standard_error",
            "sample_size",
            "is_provisional",
            "source",
            "released_on",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


def _containing(group: str) -> Q:
    """Breakdown keys that contain one dimension=category pair (keys are sorted, '|'-separated)."""
    return (
        Q(breakdown_key=group)
        | Q(breakdown_key__startswith=f"{group}|")
        | Q(breakdown_key__endswith=f"|{group}")
        | Q(breakdown_key__contains=f"|{group}|")
    )


@extend_schema(parameters=[ObservationParameters])
class ObservationList(PublicListView):
    """Released observations; counts (numerator, denominator, sample size) below the threshold are null."""

    serializer_class = ObservationOutput
    parameters_class = ObservationParameters

    def get_queryset(self):
        parameters = self.parameters
        rows = queries.list_public_observations()
        if parameters.get("indicator") is not None:
            rows = rows.filter(indicator=parameters["indicator"])
        if "period" in parameters:
            rows = rows.filter(period=parameters["period"])
        if "period_from" in parameters:
            rows = rows.filter(period_start__gte=parameters["period_from"].start)
        if "period_to" in parameters:
            rows = rows.filter(period_end__lte=parameters["period_to"].end)
        if "breakdown" in parameters:
            rows = rows.filter(breakdown_key=parameters["breakdown"])
        if "group" in parameters:
            rows = rows.filter(_containing(parameters["group"]))
        geography = parameters.get("geography") or parameters.get("district")
        if geography is not None:
            rows = rows.filter(geography=geography)
        return rows


class ObservationDetail(PublicDetailView):
    serializer_class = ObservationOutput

    def get_queryset(self):
        return queries.list_public_observations()
