"""HTML templates to tagged, accessible PDF (PDF/UA-1) with WeasyPrint: the one printer of every document the city prints
(reports: concept and annual report; participation: the procedure documentation)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

PRINT_STYLESHEET = "core/print.css"
PDF_VARIANT = "pdf/ua-1"
# Documents embed local files only (the stylesheet, data: images); nothing from another host.
LOCAL_PROTOCOLS = ("file", "data")


def render_html(template_name: str, context: dict, *, language: str) -> str:
    """The document's HTML in `language` (the template sets <html lang> and the <title>)."""
    with translation.override(language):
        return render_to_string(template_name, {**context, "LANGUAGE_CODE": language})


def render_pdf(template_name: str, context: dict, *, language: str) -> bytes:
    """Render a template (extending "core/document.html") to a PDF/UA-1 document.

    PDF/UA needs a document language and title: the base template sets both from `language`
    and its `title` block. Only local files are read (the print stylesheet, fonts installed on
    the machine); nothing is fetched from another host.
    """
    html = render_html(template_name, context, language=language)
    fetcher = URLFetcher(allowed_protocols=LOCAL_PROTOCOLS)
    stylesheet = CSS(filename=finders.find(PRINT_STYLESHEET), url_fetcher=fetcher)
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT)
