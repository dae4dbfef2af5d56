"""The public documentation of a procedure as files: PDF (through the reports app), CSV and XLSX.

The web pages render the same queries (views.documentation_*). The CSV and XLSX are built once per data
version and language and kept in the page cache (views.documentation_download); the PDF is built by a
background job (tasks.build_documentation_pdf) and kept with the data stamp
it was built from, so a page can tell whether it is current.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from teilhabe.core.cache import bump_data_version
from teilhabe.core.models import SiteProfile
from teilhabe.core.printing import render_pdf as render_document
from teilhabe.core.tabular import WorkbookWriter
from teilhabe.core.tabular import csv_lines as table_csv_lines
from teilhabe.core.tabular import write_csv as write_table_csv

from . import queries
from .models import DocumentationBuild, Procedure

PDF_TEMPLATE = "participation/documentation_pdf.html"
FORMATS = ("html", "pdf", "csv", "xlsx")


def documentation_context(procedure: Procedure, *, contribution_limit: int | None = None) -> dict:
    """Everything the complete documentation shows, for the PDF and the single-file HTML."""
    sections = []
    remaining = contribution_limit
    for section in queries.list_documentation_areas(procedure):
        rows = queries.list_area_contributions(procedure, section.area)
        if remaining is not None:
            rows = rows[: max(remaining, 0)]
        contributions = list(_in_chunks(rows))
        if remaining is not None:
            remaining -= len(contributions)
        sections.append((section, contributions))
    return {
        "procedure": procedure,
        "overview": queries.get_documentation_overview(procedure),
        "events": list(queries.list_events(procedure)),
        "sections": sections,
        "limits": queries.get_limits(procedure),
        "generated_at": timezone.now(),
        "generated_on": timezone.localdate(),
        # For core/document.html: the illustrative note and the author.
        "is_illustrative": procedure.is_illustrative,
        "site_profile": SiteProfile.current(),
        # Bar widths for the print style sheet (the web pages use participation.css).
        "percents": range(101),
    }


def _in_chunks(rows, size: int = 500) -> Iterator:
    """Evaluate a long queryset page by page, each page with its evaluations and links loaded in fixed queries."""
    offset = 0
    while True:
        chunk = queries.prepare_page(rows[offset : offset + size])
        yield from chunk
        if len(chunk) < size:
            return
        offset += size


def render_html(procedure: Procedure, *, language: str, contribution_limit: int | None = None) -> str:
    """The complete documentation as one HTML file (the PDF's source)."""
    with translation.override(language):
        context = documentation_context(procedure, contribution_limit=contribution_limit)
        return render_to_string(PDF_TEMPLATE, {**context, "LANGUAGE_CODE": language})


def render_pdf(procedure: Procedure, *, language: str, contribution_limit: int | None = None) -> bytes:
    """The documentation as a tagged PDF (PDF/UA-1), printed by core.printing like every city document."""
    with translation.override(language):
        context = documentation_context(procedure, contribution_limit=contribution_limit)
    with _garbage_collection_paused():
        return render_document(PDF_TEMPLATE, context, language=language)


@contextmanager
def _garbage_collection_paused() -> Iterator[None]:
    """Layout of a long document creates millions of small objects that live until the PDF is written; the
    cyclic collector would scan them over and over (layout of 2,000 contributions took twice as long).
    Reference counting still frees what becomes garbage; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def count_pages(pdf: bytes) -> int | None:
    """Pages of a PDF, when pypdf is installed (it is in development and CI; the page count is optional)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(pdf)).pages)


def build_pdf(*, procedure_id: int, language: str) -> DocumentationBuild:
    """Render the PDF and store it as the procedure's current build for this language (the job's body)."""
    procedure = Procedure.objects.get(pk=procedure_id)
    stamp = queries.documentation_stamp(procedure)
    build, _created = DocumentationBuild.objects.get_or_create(
        procedure=procedure, language=language, defaults={"data_stamp": stamp}
    )
    try:
        pdf = render_pdf(procedure, language=language)
    except Exception:
        DocumentationBuild.objects.filter(pk=build.pk).update(
            status=DocumentationBuild.Status.FAILED, finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        build = DocumentationBuild.objects.select_for_update().get(pk=build.pk)
        old_name = build.file.name if build.file else ""
        build.file.save(f"{procedure.slug}-{language}.pdf", ContentFile(pdf), save=False)
        build.status = DocumentationBuild.Status.READY
        build.data_stamp = stamp
        build.finished_at = timezone.now()
        build.page_count = count_pages(pdf)
        build.save()
        # The documentation pages name the current PDF's date and length.
        transaction.on_commit(bump_data_version)
    if old_name and old_name != build.file.name:
        build.file.storage.delete(old_name)
    return build


def write_csv(procedure: Procedure, stream: io.TextIOBase) -> int:
    """All published contributions with their evaluations as CSV (UTF-8, comma-separated); returns the row count."""
    return write_table_csv(queries.iter_export_rows(procedure), queries.EXPORT_COLUMNS, stream)


def csv_lines(procedure: Procedure) -> Iterator[str]:
    """The same CSV line by line, for a streaming response."""
    return table_csv_lines(queries.iter_export_rows(procedure), queries.EXPORT_COLUMNS)


def write_xlsx(procedure: Procedure, stream: BinaryIO) -> int:
    """The CSV's rows as an XLSX sheet (written in constant memory)."""
    workbook = WorkbookWriter()
    sheet = workbook.add_sheet("contributions")
    sheet.append(list(queries.EXPORT_COLUMNS))
    for row in queries.iter_export_rows(procedure):
        sheet.append(row)
    workbook.save(stream)
    return sheet.rows - 1


DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_bytes(procedure: Procedure, format: str) -> bytes:
    """The contributions export as one file's bytes (CSV in UTF-8, or XLSX), for the cached public download."""
    if format == "csv":
        text = io.StringIO(newline="")
        write_csv(procedure, text)
        return text.getvalue().encode("utf-8")
    if format == "xlsx":
        binary = io.BytesIO()
        write_xlsx(procedure, binary)
        return binary.getvalue()
    raise ValueError(f"Unknown download format {format!r}; choose one of {', '.join(DOWNLOAD_TYPES)}.")


def write_documentation(procedure: Procedure, *, format: str, output: Path, language: str) -> int:
    """Write the documentation in one format to a file; returns rows (csv/xlsx) or pages (pdf) or bytes (html)."""
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}; choose one of {', '.join(FORMATS)}.")
    output = Path(output)
    if format == "csv":
        with output.open("w", encoding="utf-8", newline="") as stream:
            return write_csv(procedure, stream)
    if format == "xlsx":
        with output.open("wb") as stream:
            return write_xlsx(procedure, stream)
    if format == "pdf":
        pdf = render_pdf(procedure, language=language)
        output.write_bytes(pdf)
        return count_pages(pdf) or 0
    html = render_html(procedure, language=language)
    output.write_text(html, encoding="utf-8")
    return len(html.encode())
