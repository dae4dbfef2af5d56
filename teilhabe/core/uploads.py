"""Validators for uploaded files: size limit and an allow-list of types checked by content, not name.

Office files (XLSX, DOCX, ODT) are zip archives of XML parts. Before anything parses one, `check_archive`
refuses decompression bombs (a small upload that unpacks to gigabytes: the total uncompressed size, the
number of parts and each large part's compression ratio are limited) and XML parts that declare a DTD
(entity expansion, "billion laughs"); openpyxl additionally parses through defusedxml.
"""

import re
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Leading bytes of the file types teilhabe accepts as attachments.
SIGNATURES = {
    "pdf": [b"%PDF-"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpg": [b"\xff\xd8\xff"],
    "xlsx": [b"PK\x03\x04"],
    "docx": [b"PK\x03\x04"],
    "odt": [b"PK\x03\x04"],
}
DOCUMENT_TYPES = ("pdf", "png", "jpg", "xlsx", "docx", "odt")
ARCHIVE_TYPES = ("xlsx", "docx", "odt")
# A part may be compressed this much only while it is small; XML of real workbooks stays far below.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_SCAN_CHUNK = 64 * 1024
# Browsers sniff about the first 512 bytes; markers of an HTML page there make a file a polyglot.
HTML_SNIFF_BYTES = 1024
_HTML_MARKER = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|meta|object|embed)", re.IGNORECASE)


def validate_upload(upload, *, allowed: Iterable[str] = DOCUMENT_TYPES, max_bytes: int | None = None) -> str:
    """Check size and type of an uploaded file; return its type or raise ValidationError naming the problem."""
    limit = max_bytes or settings.TEILHABE_MAX_UPLOAD_BYTES
    name = getattr(upload, "name", "") or ""
    if upload.size > limit:
        raise ValidationError(
            _("The file %(name)s is %(size)s bytes; at most %(limit)s bytes are allowed.")
            % {"name": name, "size": upload.size, "limit": limit}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    extension = "jpg" if extension == "jpeg" else extension
    allowed = tuple(allowed)
    if extension not in allowed:
        raise ValidationError(
            _("The file %(name)s has a type that is not accepted; allowed: %(types)s.")
            % {"name": name, "types": ", ".join(allowed)}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError(
            _("The content of %(name)s is not a %(type)s file.") % {"name": name, "type": extension.upper()}
        )
    upload.seek(0)
    try:
        _check_parses_as(upload, extension=extension, name=name)
    finally:
        upload.seek(position)
    if extension in ARCHIVE_TYPES:
        upload.seek(0)
        try:
            check_archive(upload, name=name)
        finally:
            upload.seek(position)
    return extension


def _check_parses_as(upload, *, extension: str, name: str) -> None:
    """A PDF must be read by a PDF parser and an image decoded by Pillow; neither may start like HTML (a
    polyglot that a browser, sniffing the first bytes, would run as a page)."""
    head = upload.read(HTML_SNIFF_BYTES)
    upload.seek(0)
    not_a = _("%(name)s is not a readable %(type)s file.") % {"name": name, "type": extension.upper()}
    if extension in ("pdf", "png", "jpg") and _HTML_MARKER.search(head):
        raise ValidationError(
            _("%(name)s contains HTML at its start; a %(type)s file must not.")
            % {"name": name, "type": extension.upper()}
        )
    if extension == "pdf":
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            reader = PdfReader(upload, strict=False)
            if len(reader.pages) < 1:
                raise ValidationError(not_a)
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
            raise ValidationError(not_a) from error
    elif extension in ("png", "jpg"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as image:
                if image.format != {"png": "PNG", "jpg": "JPEG"}[extension]:
                    raise ValidationError(not_a)
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
            raise ValidationError(not_a) from error


def check_archive(file, *, name: str) -> None:
    """Refuse a zip-based office file before it is parsed: raise ValidationError naming the file and the problem.

    `file` is a path or a seekable binary file. Sizes come from the archive's directory; zipfile never
    returns more bytes than a part declares, so the limits hold for what a parser can read.
    """
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValidationError(
            _("%(name)s is not a readable zip archive (XLSX, DOCX, ODT).") % {"name": name}
        ) from error
    with archive:
        members = archive.infolist()
        if len(members) > settings.TEILHABE_ARCHIVE_MAX_MEMBERS:
            raise ValidationError(
                _("%(name)s holds %(count)s parts; at most %(limit)s are allowed.")
                % {"name": name, "count": len(members), "limit": settings.TEILHABE_ARCHIVE_MAX_MEMBERS}
            )
        total = sum(member.file_size for member in members)
        if total > settings.TEILHABE_ARCHIVE_MAX_UNCOMPRESSED_BYTES:
            raise ValidationError(
                _("%(name)s unpacks to %(size)s bytes; at most %(limit)s bytes are allowed.")
                % {"name": name, "size": total, "limit": settings.TEILHABE_ARCHIVE_MAX_UNCOMPRESSED_BYTES}
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > RATIO_CHECKED_FROM_BYTES and ratio > settings.TEILHABE_ARCHIVE_MAX_RATIO:
                raise ValidationError(
                    _("%(name)s: the part %(part)s is compressed %(ratio)d to 1; at most %(limit)d to 1 is allowed.")
                    % {
                        "name": name,
                        "part": member.filename,
                        "ratio": ratio,
                        "limit": settings.TEILHABE_ARCHIVE_MAX_RATIO,
                    }
                )
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels", ".vml")) and _declares_dtd(archive, member):
                raise ValidationError(
                    _("%(name)s: the part %(part)s declares XML entities (a DTD), which are not accepted.")
                    % {"name": name, "part": member.filename}
                )


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_SCAN_CHUNK):
                if _DTD.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
        return False  # unreadable parts are refused by the parser with its own message
    return False
