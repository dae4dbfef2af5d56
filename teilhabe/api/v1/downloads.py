"""Open data downloads: the data package (zip), the XLSX workbook and each indicator's Open-SDG CSV.

Built by a background job once per data version (teilhabe.api.tasks.build_open_data) and served from those
files; until the files of the current version exist, the answer is 202 with Retry-After. The package and the
workbook count against the per-address export budget (settings.TEILHABE_RATE_EXPORTS); the per-indicator
Open-SDG files, which a platform fetches one by one, only against the API rate.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, renderer_classes, throttle_classes
from rest_framework.renderers import BaseRenderer

from teilhabe.api import open_data, tasks
from teilhabe.api.throttling import ApiRateThrottle, ExportRateThrottle
from teilhabe.monitoring.exporting import WORKBOOK_NAME
from teilhabe.monitoring.models import Indicator

ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
RETRY_AFTER_SECONDS = 10
PENDING = OpenApiResponse(description="The downloads of the current data are being built; retry after `Retry-After`.")


class _Passthrough(BaseRenderer):
    """Content negotiation for file downloads: the view returns the file itself."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def _file(name: str, content_type: str, filename: str) -> HttpResponse:
    """A file of the current data version's downloads, or 202 while they are being built."""
    version = open_data.current_version()
    directory = open_data.built_directory(version)
    if directory is None and open_data.claim_build(version):
        result = tasks.build_open_data.enqueue(version)
        if result.status == TaskResultStatus.FAILED:  # only an immediate backend fails here
            raise RuntimeError(f"building the open data downloads failed: {result.errors}")
        directory = open_data.built_directory(version)
    if directory is None:
        response = JsonResponse(
            {"detail": _("The downloads are being built from the current data; retry shortly.")}, status=202
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    path = directory / name
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=content_type, as_attachment=True, filename=filename)
    response["Last-Modified"] = http_date(path.stat().st_mtime)
    return response


@extend_schema(
    responses={
        (200, ZIP): OpenApiResponse(
            OpenApiTypes.BINARY,
            description=(
                "Frictionless data package: datapackage.json and one CSV per table (import format), Open-SDG "
                "files under opensdg/. Unpacked, it re-imports with `teilhabe import_data <folder>`."
            ),
        ),
        202: PENDING,
    }
)
@api_view(["GET"])
@renderer_classes([_Passthrough])
@throttle_classes([ApiRateThrottle, ExportRateThrottle])
def datapackage(request):
    """All public data as a data package (zip)."""
    return _file(open_data.PACKAGE_NAME, ZIP, "teilhabe-datapackage.zip")


@extend_schema(
    responses={
        (200, XLSX): OpenApiResponse(
            OpenApiTypes.BINARY, description="All public data as one workbook, a sheet per table (import format)."
        ),
        202: PENDING,
    }
)
@api_view(["GET"])
@renderer_classes([_Passthrough])
@throttle_classes([ApiRateThrottle, ExportRateThrottle])
def workbook(request):
    """All public data as an XLSX workbook."""
    return _file(WORKBOOK_NAME, XLSX, "teilhabe-data.xlsx")


@extend_schema(
    responses={
        (200, CSV): OpenApiResponse(
            OpenApiTypes.STR,
            description="Open SDG layout: Year, one column per breakdown dimension, GeoCode (empty for the city), "
            "Value.",
        ),
        202: PENDING,
        404: OpenApiResponse(description="No such indicator."),
    }
)
@api_view(["GET"])
@renderer_classes([_Passthrough])
def indicator_opensdg(request, code: str):
    """One indicator's released observations in the Open SDG data layout."""
    if not Indicator.objects.filter(code=code).exists():
        raise Http404
    name = open_data.opensdg_name(code)
    return _file(name, CSV, name.rsplit("/", 1)[-1])
