"""Participation procedures, their events and published contributions with their evaluations (read-only, public).

Only what the public pages show leaves here: published contributions, published evaluations (every
revision, the current one first), never contact data, receipt tokens, drafts, opinions or moderation notes.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers

from teilhabe.api.views import PublicDetailView, PublicListView, ReadParameters
from teilhabe.monitoring.models import AreaOfAction, Geography
from teilhabe.participation import queries, workflow
from teilhabe.participation.models import (
    Contribution,
    Evaluation,
    Event,
    EventAttendance,
    Phase,
    Procedure,
)

from .parameters import code_of, indicator_parameter


def _page_url(serializer: serializers.Serializer, obj) -> str:
    return serializer.context["request"].build_absolute_uri(obj.get_absolute_url())


# --- Procedures ----------------------------------------------------------------------------------------


class PhaseOutput(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["title", "title_de", "title_en", "starts_on", "ends_on"]
        read_only_fields = fields


class ProcedureOutput(serializers.ModelSerializer):
    edition = serializers.SlugRelatedField(slug_field="code", read_only=True)
    phases = PhaseOutput(many=True, read_only=True)
    page_url = serializers.SerializerMethodField()
    documentation_url = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = [
            "slug",
            "title",
            "title_de",
            "title_en",
            "description",
            "description_de",
            "description_en",
            "edition",
            "is_open_for_contributions",
            "is_illustrative",
            "phases",
            "page_url",
            "documentation_url",
        ]
        read_only_fields = fields

    def get_page_url(self, procedure: Procedure) -> str:
        """The procedure's public page."""
        return _page_url(self, procedure)

    def get_documentation_url(self, procedure: Procedure) -> str:
        """The procedure's public documentation (web pages, PDF, CSV, XLSX)."""
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(
            reverse("participation:documentation_overview", kwargs={"slug": procedure.slug})
        )


def _procedures():
    return (
        Procedure.objects.select_related("edition")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "position")))
        .order_by("-created_at", "slug")
    )


class ProcedureList(PublicListView):
    serializer_class = ProcedureOutput

    def get_queryset(self):
        return _procedures()


class ProcedureDetail(PublicDetailView):
    serializer_class = ProcedureOutput
    lookup_field = "slug"

    def get_queryset(self):
        return _procedures()


# --- Events --------------------------------------------------------------------------------------------


class AttendanceOutput(serializers.ModelSerializer):
    stakeholder_group = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = EventAttendance
        fields = ["stakeholder_group", "count"]
        read_only_fields = fields


class EventOutput(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    stakeholder_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    attendance_by_group = AttendanceOutput(source="attendances", many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    interpretation_languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "procedure",
            "title",
            "title_de",
            "title_en",
            "summary",
            "summary_de",
            "summary_en",
            "held_on",
            "format",
            "district",
            "is_online",
            "venue",
            "organiser",
            "moderating_organisation",
            "stakeholder_groups",
            "attendance_total",
            "attendance_by_group",
            "languages",
            "interpretation_languages",
            "agenda",
            "minutes",
            "page_url",
        ]
        read_only_fields = fields

    def get_page_url(self, event: Event) -> str:
        """The event's public page."""
        return _page_url(self, event)


class EventParameters(ReadParameters):
    procedure = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Procedure.objects.all(),
        required=False,
        help_text="Procedure short name.",
        error_messages={"does_not_exist": _("There is no procedure with the short name “{value}”.")},
    )
    district = code_of(
        Geography.objects.all(), help_text="District code.", missing=_("There is no geography with the code “{value}”.")
    )
    # Not "format": that query parameter chooses the response format (JSON or CSV).
    event_format = serializers.ChoiceField(
        choices=Event.Format.choices, required=False, help_text="Only events of this format."
    )


def _events():
    return (
        Event.objects.select_related("procedure", "district")
        .prefetch_related(
            "stakeholder_groups",
            Prefetch("attendances", queryset=EventAttendance.objects.select_related("stakeholder_group")),
        )
        .order_by("held_on", "pk")
    )


@extend_schema(parameters=[EventParameters])
class EventList(PublicListView):
    serializer_class = EventOutput
    parameters_class = EventParameters

    def get_queryset(self):
        parameters = self.parameters
        rows = _events()
        if parameters.get("procedure") is not None:
            rows = rows.filter(procedure=parameters["procedure"])
        if parameters.get("district") is not None:
            rows = rows.filter(district=parameters["district"])
        if "event_format" in parameters:
            rows = rows.filter(format=parameters["event_format"])
        return rows


class EventDetail(PublicDetailView):
    serializer_class = EventOutput

    def get_queryset(self):
        return _events()


# --- Contributions with their evaluations --------------------------------------------------------------


class EvaluationOutput(serializers.ModelSerializer):
    authority = serializers.SlugRelatedField(slug_field="code", read_only=True)
    measures = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    indicators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    sub_goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    targets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "revision",
            "disposition",
            "justification",
            "revision_reason",
            "authority",
            "published_at",
            "measures",
            "indicators",
            "sub_goals",
            "targets",
        ]
        read_only_fields = fields


class BundleReference(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    page_url = serializers.URLField(read_only=True)


class ContributionOutput(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    event = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    bundle = serializers.SerializerMethodField()
    review_state = serializers.SerializerMethodField()
    evaluation = serializers.SerializerMethodField()
    earlier_evaluations = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Contribution
        fields = [
            "id",
            "procedure",
            "kind",
            "title",
            "text",
            "language",
            "source",
            "event",
            "district",
            "areas",
            "created_at",
            "bundle",
            "review_state",
            "evaluation",
            "earlier_evaluations",
            "page_url",
        ]
        read_only_fields = fields

    @extend_schema_field(BundleReference(allow_null=True))
    def get_bundle(self, contribution: Contribution) -> dict | None:
        """The bundle it was evaluated in together with others raising the same concern."""
        bundle = contribution.bundle
        if bundle is None:
            return None
        return {"id": bundle.pk, "title": bundle.title, "page_url": _page_url(self, bundle)}

    @extend_schema_field(serializers.ChoiceField(choices=[s.value for s in workflow.State if s != "bundled"]))
    def get_review_state(self, contribution: Contribution) -> str:
        """Where its review stands (its bundle's review when it is in one)."""
        return queries.effective_review(contribution).state

    def _published(self, contribution: Contribution) -> list[Evaluation]:
        review = queries.effective_review(contribution)
        if review.state != workflow.State.PUBLISHED:
            return []
        return sorted(review.published_revisions, key=lambda evaluation: -evaluation.revision)

    @extend_schema_field(EvaluationOutput(allow_null=True))
    def get_evaluation(self, contribution: Contribution) -> dict | None:
        """The current published evaluation, or null while it is being reviewed."""
        revisions = self._published(contribution)
        return EvaluationOutput(revisions[0], context=self.context).data if revisions else None

    @extend_schema_field(EvaluationOutput(many=True))
    def get_earlier_evaluations(self, contribution: Contribution) -> list[dict]:
        """Earlier published revisions that a correction replaced, newest first."""
        return EvaluationOutput(self._published(contribution)[1:], many=True, context=self.context).data

    def get_page_url(self, contribution: Contribution) -> str:
        """The contribution's public page."""
        return _page_url(self, contribution)


class ContributionParameters(ReadParameters):
    procedure = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Procedure.objects.all(),
        required=False,
        help_text="Procedure short name.",
        error_messages={"does_not_exist": _("There is no procedure with the short name “{value}”.")},
    )
    event = serializers.IntegerField(required=False, min_value=1, help_text="Only contributions from this event.")
    area = code_of(
        AreaOfAction.objects.all(),
        help_text="Area of action code.",
        missing=_("There is no area of action with the code “{value}”."),
    )
    kind = serializers.ChoiceField(choices=Contribution.Kind.choices, required=False)
    source = serializers.ChoiceField(choices=Contribution.Source.choices, required=False)
    disposition = serializers.ChoiceField(
        choices=Evaluation.Disposition.choices,
        required=False,
        help_text="Only contributions whose current evaluation has it.",
    )
    indicator = indicator_parameter()


def _contributions():
    published = (
        Evaluation.objects.filter(published_at__isnull=False)
        .select_related("authority")
        .prefetch_related("measures", "indicators", "sub_goals", "targets")
    )
    return (
        queries.public_contributions()
        .select_related("procedure", "district", "bundle__procedure", "bundle__review", "review")
        .prefetch_related(
            "areas",
            Prefetch("review__evaluations", queryset=published, to_attr="published_revisions"),
            Prefetch("bundle__review__evaluations", queryset=published, to_attr="published_revisions"),
        )
        .order_by("pk")
    )


@extend_schema(parameters=[ContributionParameters])
class ContributionList(PublicListView):
    serializer_class = ContributionOutput
    parameters_class = ContributionParameters

    def get_queryset(self):
        from django.db.models import Q

        parameters = self.parameters
        rows = _contributions()
        if parameters.get("procedure") is not None:
            rows = rows.filter(procedure=parameters["procedure"])
        if "event" in parameters:
            rows = rows.filter(event_id=parameters["event"])
        if parameters.get("area") is not None:
            rows = rows.filter(pk__in=Contribution.objects.filter(areas=parameters["area"]).values("pk"))
        for name in ("kind", "source"):
            if name in parameters:
                rows = rows.filter(**{name: parameters[name]})
        published = Q(review__state=workflow.State.PUBLISHED) | Q(bundle__review__state=workflow.State.PUBLISHED)
        if "disposition" in parameters:
            value = parameters["disposition"]
            rows = rows.filter(published).filter(
                Q(review__published_evaluation__disposition=value)
                | Q(bundle__review__published_evaluation__disposition=value)
            )
        if parameters.get("indicator") is not None:
            rows = rows.filter(pk__in=queries.list_contributions_for_indicator(parameters["indicator"]).values("pk"))
        return rows


class ContributionDetail(PublicDetailView):
    serializer_class = ContributionOutput

    def get_queryset(self):
        return _contributions()
