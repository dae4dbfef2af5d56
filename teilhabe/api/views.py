"""Base views of the public read API: JSON and CSV, validated query parameters, the requested language,
responses cached per data version with ETag and Last-Modified (teilhabe.api.caching)."""

from __future__ import annotations

from itertools import islice

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from rest_framework import generics, mixins, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from teilhabe.core.tabular import csv_lines

from . import caching
from .renderers import CSVRenderer, _serializer_columns, flatten
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


# Rows serialised at a time by a streamed CSV list.
CSV_CHUNK = 1000
# A complete CSV up to this many rows is rendered at once and cached like any read; a longer one is streamed.
CSV_STREAM_ROWS = 5000
PAGE_PARAMETERS = ("page", "page_size")


class PublicListView(mixins.ListModelMixin, PublicReadView):
    """A list: JSON in pages (`count`, `next`, `previous` say so); CSV complete (X-Total-Count says how many
    rows), streamed row by row when long, never silently cut. A client that asks for a page (`page` or
    `page_size`) gets that page, and the answer says so: X-Total-Count, X-Page, X-Page-Size, a Link header
    with the next and previous pages, and the file name ("observations-page-2-of-4.csv")."""

    def read(self, request, *args, **kwargs) -> Response:
        is_csv = request.accepted_renderer.format == "csv"
        if is_csv and not any(name in request.query_params for name in PAGE_PARAMETERS):
            return self.complete_csv()
        response = self.list(request, *args, **kwargs)
        page = getattr(self.paginator, "page", None) if self.paginator is not None else None
        if is_csv and page is not None:
            response["X-Total-Count"] = str(page.paginator.count)
            response["X-Page"] = str(page.number)
            response["X-Page-Size"] = str(page.paginator.per_page)
            links = [
                f'<{url}>; rel="{rel}"'
                for url, rel in ((self.paginator.get_next_link(), "next"), (self.paginator.get_previous_link(), "prev"))
                if url
            ]
            if links:
                response["Link"] = ", ".join(links)
            resource = request.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".csv") or "data"
            response["Content-Disposition"] = (
                f'attachment; filename="{resource}-page-{page.number}-of-{page.paginator.num_pages}.csv"'
            )
        return response

    def complete_csv(self):
        """Every row as CSV: rendered at once (and kept in the cache) up to CSV_STREAM_ROWS rows, else streamed."""
        queryset = self.filter_queryset(self.get_queryset())
        total = len(queryset) if isinstance(queryset, list) else queryset.count()
        if total > CSV_STREAM_ROWS:
            response = self.stream_csv(queryset)
        else:
            response = Response(self.get_serializer(queryset, many=True).data)
        response["X-Total-Count"] = str(total)
        return response

    def stream_csv(self, queryset) -> StreamingHttpResponse:
        """Every row of the list as CSV, serialised a chunk at a time so memory stays flat however long it is.

        The response is not kept in the API's cache (it may be large); the columns are the serializer's, a
        nested object's keys taken from the first rows."""
        items = queryset.iterator(chunk_size=CSV_CHUNK) if hasattr(queryset, "iterator") else iter(queryset)
        language = self.language

        def chunks():
            with translation.override(language):
                while chunk := list(islice(items, CSV_CHUNK)):
                    yield [flatten(row) for row in self.get_serializer(chunk, many=True).data]

        flat_chunks = chunks()
        with translation.override(language):
            first = next(flat_chunks, [])
            columns = _csv_columns(_serializer_columns(self.get_serializer()), first)

        def rows():
            for chunk in ([first], flat_chunks):
                for flat_rows in chunk:
                    for row in flat_rows:
                        yield [row.get(column, "") for column in columns]

        return StreamingHttpResponse(csv_lines(rows(), columns), content_type="text/csv; charset=utf-8")


def _csv_columns(declared: list[str], rows: list[dict]) -> list[str]:
    """The serializer's columns, a nested object's column replaced by the keys its rows have ("title.de")."""
    seen = list(dict.fromkeys(key for row in rows for key in row))
    columns: list[str] = []
    for name in declared:
        nested = [key for key in seen if key.startswith(f"{name}.")]
        columns.extend(nested if nested and name not in seen else [name])
    columns.extend(key for key in seen if key not in columns)
    return columns


class PublicDetailView(mixins.RetrieveModelMixin, PublicReadView):
    def read(self, request, *args, **kwargs) -> Response:
        return self.retrieve(request, *args, **kwargs)


def docs(request: HttpRequest) -> HttpResponse:
    """The interactive API documentation (Swagger UI from drf-spectacular-sidecar, started by a static script);
    its way back to the portal speaks the language the reader came with (`?lang=`, else the browser's)."""
    with translation.override(requested_language(request)):
        return render(request, "api/docs.html")
