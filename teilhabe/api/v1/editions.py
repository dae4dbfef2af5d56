"""Concept editions (2006, 2013 update, 2017 update, ...) with their attachments."""

from __future__ import annotations

from rest_framework import serializers

from teilhabe.api.views import PublicDetailView, PublicListView
from teilhabe.monitoring.models import Edition, EditionAttachment


class AttachmentOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = EditionAttachment
        fields = ["title", "title_de", "title_en", "published_on", "url"]
        read_only_fields = fields

    def get_url(self, attachment: EditionAttachment) -> str:
        return self.context["request"].build_absolute_uri(attachment.file.url)


class EditionOutput(serializers.ModelSerializer):
    supersedes = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    attachments = AttachmentOutput(many=True, read_only=True)

    class Meta:
        model = Edition
        fields = [
            "code",
            "title",
            "title_de",
            "title_en",
            "description",
            "description_de",
            "description_en",
            "adopted_on",
            "supersedes",
            "decision_reference",
            "decision_on",
            "is_current",
            "is_illustrative",
            "attachments",
        ]
        read_only_fields = fields


def _editions():
    return Edition.objects.select_related("supersedes").prefetch_related("attachments").order_by("-adopted_on", "code")


class EditionList(PublicListView):
    """Every edition of the concept, newest first."""

    serializer_class = EditionOutput

    def get_queryset(self):
        return _editions()


class EditionDetail(PublicDetailView):
    serializer_class = EditionOutput
    lookup_field = "code"

    def get_queryset(self):
        return _editions()
