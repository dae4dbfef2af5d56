"""render_pdf: HTML templates to tagged PDF/UA-1."""

import io
import urllib.request

from pypdf import PdfReader

from teilhabe.core.printing import render_pdf


def test_render_pdf_makes_a_tagged_pdf_ua_document(db):
    content = render_pdf("core/document.html", {"is_illustrative": True}, language="en")
    assert content.startswith(b"%PDF-1.7")
    reader = PdfReader(io.BytesIO(content))
    text = reader.pages[0].extract_text()
    assert "Illustrative data." in text
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert b"pdfuaid:part" in content or b"pdfuaid" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()


def test_remote_resources_are_not_fetched(db, tmp_path, settings, monkeypatch):
    """A template that points at another host renders without it, and no connection is attempted."""
    opened = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, url, *a, **k: opened.append(url))
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    (tmp_path / "remote.html").write_text(
        '{% extends "core/document.html" %}{% block content %}<img src="https://example.org/x.png" alt="x">'
        "<p>Local text</p>{% endblock %}"
    )
    content = render_pdf("remote.html", {}, language="de")
    assert "Local text" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert opened == []
