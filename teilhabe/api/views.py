"""Base views of the public read API: JSON and CSV, validated query parameters, the requested language,
responses cached per data version with ETag and Last-Modified (teilhabe.api.caching)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from rest_framework import generics, mixins, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from . import caching
from .renderers import CSVRenderer
from .throttling import ApiRateThrottle, CsvExportRateThrottle


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
    """Anyone may read; `parameters_class` validates the query string (400 naming the parameter).

    What a read returns depends on the data, the address, the format and the language, never on who
    asks, so every GET is answered from the response cache when it can be. The cache is consulted in
    `get()`, after `initial()` has negotiated the format and run authentication, permissions and the
    throttle: cached and 304 answers count against the rate limit like any other.
    """

    renderer_classes = [JSONRenderer, CSVRenderer]
    # A read as CSV is an export: it also counts against the per-address export budget.
    throttle_classes = [ApiRateThrottle, CsvExportRateThrottle]
    parameters_class: type[serializers.Serializer] = ReadParameters

    def dispatch(self, request, *args, **kwargs):
        self.language = requested_language(request)
        self.cached_read: caching.CachedRead | None = None
        with translation.override(self.language):
            response = super().dispatch(request, *args, **kwargs)
            response["Content-Language"] = self.language
            if self._is_fresh_public_read(response):
                response = caching.store(request, self.cached_read, response)
        return response

    def get(self, request, *args, **kwargs):
        self.cached_read = caching.look_up(request, language=self.language)
        answer = caching.answer_from_cache(request._request, self.cached_read)
        if answer is not None:
            return answer
        self.parameters  # noqa: B018 -- validate before any query runs
        return self.read(request, *args, **kwargs)

    def read(self, request, *args, **kwargs) -> Response:
        """The resource itself (list or detail), rendered when the cache has no answer."""
        raise NotImplementedError

    def _is_fresh_public_read(self, response) -> bool:
        return (
            self.cached_read is not None
            and isinstance(response, Response)
            and response.status_code == 200
            and not getattr(response, "exception", False)
        )

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
    def read(self, request, *args, **kwargs) -> Response:
        return self.list(request, *args, **kwargs)


class PublicDetailView(mixins.RetrieveModelMixin, PublicReadView):
    def read(self, request, *args, **kwargs) -> Response:
        return self.retrieve(request, *args, **kwargs)


def docs(request: HttpRequest) -> HttpResponse:
    """The interactive API documentation (Swagger UI from drf-spectacular-sidecar, started by a static script)."""
    return render(request, "api/docs.html")
