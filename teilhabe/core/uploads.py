"""Validators for uploaded files: size limit and an allow-list of types checked by content, not name."""

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
    return extension
