"""Areas of action (fields and, nested inside them, topics) with their we-statements."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from teilhabe.api.views import PublicDetailView, PublicListView, ReadParameters
from teilhabe.monitoring.models import AreaOfAction

from .parameters import MAX_ID, edition_parameter, selected_edition


class AreaParameters(ReadParameters):
    edition = edition_parameter()
    # A choice, not a BooleanField: DRF reads a missing boolean in a query string as false.
    top_level = serializers.ChoiceField(
        choices=["true", "false"],
        required=False,
        help_text="true: only fields of action (no parent); false: only nested topics.",
    )
    parent = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only the topics of this area (id)."
    )


class AreaOutput(serializers.ModelSerializer):
    edition = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent_code = serializers.SlugRelatedField(source="parent", slug_field="code", read_only=True, allow_null=True)
    children = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sub_goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AreaOfAction
        fields = [
            "id",
            "edition",
            "code",
            "parent",
            "parent_code",
            "children",
            "position",
            "title",
            "title_de",
            "title_en",
            "we_statement",
            "we_statement_de",
            "we_statement_en",
            "description",
            "description_de",
            "description_en",
            "sub_goals",
        ]
        read_only_fields = fields


def _areas():
    return (
        AreaOfAction.objects.select_related("edition", "parent")
        .prefetch_related("children", "sub_goals")
        .order_by("edition__code", "parent_id", "position", "code")
    )


@extend_schema(parameters=[AreaParameters])
class AreaList(PublicListView):
    """Areas of action of an edition (default: the current one); nested areas name their parent."""

    serializer_class = AreaOutput
    parameters_class = AreaParameters

    def get_queryset(self):
        rows = _areas().filter(edition=selected_edition(self.parameters))
        if "top_level" in self.parameters:
            rows = rows.filter(parent__isnull=self.parameters["top_level"] == "true")
        if "parent" in self.parameters:
            rows = rows.filter(parent_id=self.parameters["parent"])
        return rows


class AreaDetail(PublicDetailView):
    serializer_class = AreaOutput

    def get_queryset(self):
        return _areas()
