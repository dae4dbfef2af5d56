"""Document downloads: the stored file for the current data, or 202 "being built, retry" while a job runs."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.http import http_date
from django_tasks import TaskResultStatus

from teilhabe.monitoring.models import Edition

from . import storage, tasks
from .storage import ReportKind

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
CONTENT_TYPES = {
    ReportKind.CONCEPT_PDF: "application/pdf",
    ReportKind.ANNUAL_REPORT_PDF: "application/pdf",
    ReportKind.ANNUAL_REPORT_XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def concept_pdf(request: HttpRequest, edition: str, language: str | None = None) -> HttpResponse:
    return _document(request, ReportKind.CONCEPT_PDF, edition, language)


def annual_report_pdf(request: HttpRequest, edition: str, language: str | None = None) -> HttpResponse:
    return _document(request, ReportKind.ANNUAL_REPORT_PDF, edition, language)


def annual_report_xlsx(request: HttpRequest, edition: str, language: str | None = None) -> HttpResponse:
    return _document(request, ReportKind.ANNUAL_REPORT_XLSX, edition, language)


def _document(request: HttpRequest, kind: ReportKind, edition_code: str, language: str | None) -> HttpResponse:
    language = language or translation.get_language()
    if language not in dict(settings.LANGUAGES):
        raise Http404
    edition = get_object_or_404(Edition, code=edition_code)
    version = storage.current_data_version()
    path = storage.report_path(kind, edition_code=edition.code, language=language, data_version=version)
    if not path.exists() and storage.claim_build(path):
        result = tasks.build_report.enqueue(kind.value, edition.code, language, version)
        if result.status == TaskResultStatus.FAILED:  # only an immediate backend fails here
            logger.error("Building %s for edition %s (%s) failed", kind.value, edition.code, language)
            raise RuntimeError(f"building {kind.value} failed: {result.errors}")
    if not path.exists():
        response = render(request, "reports/pending.html", {"edition": edition}, status=202)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = FileResponse(
        path.open("rb"), content_type=CONTENT_TYPES[kind], filename=_filename(kind, edition, language)
    )
    response["Last-Modified"] = http_date(path.stat().st_mtime)
    return response


def _filename(kind: ReportKind, edition: Edition, language: str) -> str:
    return f"{edition.code}-{language}-{kind.value}"
