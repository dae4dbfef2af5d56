"""Background jobs that build the documents (django-tasks; immediate in tests and the demo)."""

from __future__ import annotations

from django_tasks import task

from teilhabe.monitoring.models import Edition

from . import builders, storage

BUILDERS = {
    storage.ReportKind.CONCEPT_PDF: builders.build_concept_pdf,
    storage.ReportKind.ANNUAL_REPORT_PDF: builders.build_annual_report_pdf,
    storage.ReportKind.ANNUAL_REPORT_XLSX: builders.build_annual_report_xlsx,
}


@task()
def build_report(kind: str, edition_code: str, language: str, data_version: str) -> str:
    """Build one document for one data version and store it; returns the file's path."""
    report_kind = storage.ReportKind(kind)
    path = storage.report_path(report_kind, edition_code=edition_code, language=language, data_version=data_version)
    try:
        edition = Edition.objects.get(code=edition_code)
        content = BUILDERS[report_kind](edition, language=language)
        storage.store(path, content)
    finally:
        storage.release_build(path)
    return str(path)
