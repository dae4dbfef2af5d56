"""Base views of the public read API: JSON and CSV, validated query parameters, the requested language."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from rest_framework import generics, mixins, serializers
from rest_framework.renderers import JSONRenderer

from .renderers import CSVRenderer


class ReadParameters(serializers.Serializer):
    """Query parameters every read endpoint accepts; each resource's filter serializer extends it."""

    lang = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="Language of the unsuffixed text fields (e.g. `title`); default: the Accept-Language header. "
        "The fields with a language suffix (`title_de`, `title_en`) always hold both.",
    )


def requested_language(request) -> str:
    """`?lang=`, else the Accept-Language header (or language cookie), else the default language.

    LocaleMiddleware gives unprefixed paths the default language; the API has no prefixes, so it
    reads the header itself.
    """
    language = request.GET.get("lang", "")
    if language in dict(settings.LANGUAGES):
        return language
    return translation.get_language_from_request(request, check_path=False)


class PublicReadView(generics.GenericAPIView):
    """Anyone may read; `parameters_class` validates the query string (400 naming the parameter)."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    parameters_class: type[serializers.Serializer] = ReadParameters

    def dispatch(self, request, *args, **kwargs):
        language = requested_language(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    @property
    def parameters(self) -> dict:
        """The validated query parameters; raises ValidationError (400) on a bad or unknown value."""
        if not hasattr(self, "_parameters"):
            checked = self.parameters_class(data=self.request.query_params)
            checked.is_valid(raise_exception=True)
            self._parameters = checked.validated_data
        return self._parameters

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "parameters": self.parameters}


class PublicListView(mixins.ListModelMixin, PublicReadView):
    def get(self, request, *args, **kwargs):
        self.parameters  # noqa: B018 -- validate before any query runs
        return self.list(request, *args, **kwargs)


class PublicDetailView(mixins.RetrieveModelMixin, PublicReadView):
    def get(self, request, *args, **kwargs):
        self.parameters  # noqa: B018 -- validate before any query runs
        return self.retrieve(request, *args, **kwargs)


def docs(request: HttpRequest) -> HttpResponse:
    """The interactive API documentation (Swagger UI from drf-spectacular-sidecar, started by a static script)."""
    return render(request, "api/docs.html")
