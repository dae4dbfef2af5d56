"""Personal data on request and by the calendar (GDPR art. 15, 17 and 5(1)(e)): export, erasure, retention.

Each context that stores personal data registers one provider in its AppConfig.ready():

    from teilhabe.core import privacy

    privacy.register_provider(privacy.PersonalDataProvider(
        name="participation",
        export=export_contact_data,     # (email) -> dict: everything held about that address, JSON-serialisable
        erase=erase_contact_data,       # (email) -> int: anonymise it; return the number of records changed
        retain=expire_contact_data,     # (before: datetime) -> int: anonymise contact data recorded before then
    ))

The contract:

- Match the address case-insensitively. Anonymise, do not delete, what published documentation needs
  (a contribution's text stays; its author's name and address go). Delete what has no further purpose.
- Work inside the caller's transaction (no commits of your own) and write with QuerySet.update() or
  the ORM, never by editing files.
- `export` returns only the person's own data, never secrets (password hashes, token keys).
- `retain` is optional; omit it for data that is not contact data.

After the providers, `erase_personal_data` sweeps every text and JSON column of every model (historical
tables of django-simple-history included) and replaces any remaining occurrence of the address, so a copy
in a note, a log table or a past version does not survive. Generated documents (reports, exports) are
invalidated by hooks that their owners register with `register_erasure_hook` (the participation context
withdraws the documentation PDFs and recomputes derived text such as `normalised_text`); files in MEDIA_ROOT
that still contain the address afterwards, in their bytes or in the text of a PDF or XLSX, are reported for
manual review (uploaded PDFs cannot be edited).

Rendered pages, API answers and downloads in the page cache may quote the address too. Erasure bumps the data
version (no cached entry is served again) and clears every cache alias except the counter store, which holds
counts, idempotency records and the data version, never rendered text; `find_in_caches` then reads what is
left in each of those caches (the database table, a local-memory dict, Redis by SCAN, cache files) and the
report names any entry that still contains the address.
"""

from __future__ import annotations

import base64
import gzip
import json
import pickle
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection, connections, models, router, transaction
from django.utils import timezone

from .cache import bump_data_version
from .counters import ALIAS as COUNTERS_ALIAS

ERASED = "[erased]"
TEXT_FIELDS = (models.CharField, models.TextField)
NOT_TEXT = (models.FileField,)  # a varchar column, but a path we must not rewrite


@dataclass(frozen=True)
class PersonalDataProvider:
    name: str
    export: Callable[[str], dict]
    erase: Callable[[str], int]
    retain: Callable[[datetime], int] | None = None


@dataclass(frozen=True)
class ErasureReport:
    email: str
    records_by_provider: dict[str, int]
    residual_replacements: int
    files_to_review: list[str] = field(default_factory=list)
    cache_entries_left: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.records_by_provider.values()) + self.residual_replacements


_providers: dict[str, PersonalDataProvider] = {}
_erasure_hooks: list[Callable[[str], None]] = []


def register_provider(provider: PersonalDataProvider) -> None:
    """Register (or replace, by name) a context's provider."""
    _providers[provider.name] = provider


def register_erasure_hook(hook: Callable[[str], None]) -> None:
    """Call `hook(email)` after each erasure, e.g. to delete or rebuild generated documents."""
    if hook not in _erasure_hooks:
        _erasure_hooks.append(hook)


def registered_providers() -> list[PersonalDataProvider]:
    return [_providers[name] for name in sorted(_providers)]


def normalise_email(email: str) -> str:
    email = (email or "").strip()
    if "@" not in email or len(email) < 3:
        raise ValueError(f"{email!r} is not an e-mail address.")
    return email


def export_personal_data(email: str) -> dict:
    """Everything every provider holds about the address, as one JSON-serialisable document."""
    email = normalise_email(email)
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "data": {provider.name: provider.export(email) for provider in registered_providers()},
    }


def erase_personal_data(email: str) -> ErasureReport:
    """Anonymise the address everywhere: providers first, then a sweep of every text column; all or nothing."""
    email = normalise_email(email)
    with transaction.atomic():
        counts = {provider.name: provider.erase(email) for provider in registered_providers()}
        residual = scrub_text_columns(email)
    # Cached pages, API answers and downloads may quote the address. The new data version makes every entry
    # unusable at once; clearing removes the bytes (they are all rebuilt from the erased data on demand).
    bump_data_version()
    clear_page_caches()
    for hook in _erasure_hooks:
        hook(email)
    return ErasureReport(
        email=email,
        records_by_provider=counts,
        residual_replacements=residual,
        files_to_review=[str(path) for path in find_in_media(email)],
        cache_entries_left=find_in_caches(email),
    )


def apply_retention(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Anonymise contact data older than TEILHABE_CONTACT_RETENTION_DAYS, provider by provider."""
    days = settings.TEILHABE_CONTACT_RETENTION_DAYS if days is None else days
    before = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        return {
            provider.name: provider.retain(before) for provider in registered_providers() if provider.retain is not None
        }


# --- The sweep ------------------------------------------------------------------


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, TEXT_FIELDS) and not isinstance(f, NOT_TEXT) and not f.primary_key
    ]


def _json_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]


def _swept_models() -> Iterator[type[models.Model]]:
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            yield model


def scrub_text_columns(email: str) -> int:
    """Replace the address in every text and JSON column of every model; returns the number of rows changed.

    Works on tables and columns directly (from each model's _meta): model attributes and managers may be
    rewritten by django-modeltranslation, which would leave the untranslated column untouched.
    """
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    like = f"%{email.lower()}%"
    quote = connection.ops.quote_name
    changed = 0
    for model in _swept_models():
        fields = _text_fields(model) + _json_fields(model)
        if not fields:
            continue
        table, pk_column = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns = ", ".join(quote(f.column) for f in fields)
        condition = " OR ".join(f"LOWER(CAST({quote(f.column)} AS TEXT)) LIKE %s" for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk_column}, {columns} FROM {table} WHERE {condition}", [like] * len(fields))
            rows = cursor.fetchall()
        for pk, *values in rows:
            updates = {}
            for f, value in zip(fields, values, strict=True):
                if isinstance(f, models.JSONField):
                    decoded = json.loads(value) if isinstance(value, str) else value
                    scrubbed = _scrub_json(decoded, pattern)
                    if scrubbed != decoded:
                        updates[f] = f.get_db_prep_value(scrubbed, connection)
                elif isinstance(value, str) and pattern.search(value):
                    new = pattern.sub(f"[erased-{pk}]" if f.unique else ERASED, value)
                    updates[f] = new[: f.max_length] if f.max_length else new
            if updates:
                assignments = ", ".join(f"{quote(f.column)} = %s" for f in updates)
                with connection.cursor() as cursor:
                    cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s", [*updates.values(), pk])
                changed += 1
    return changed


def _scrub_json(value, pattern: re.Pattern):
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub_json(item, pattern) for item in value]
    if isinstance(value, dict):
        return {_scrub_json(key, pattern): _scrub_json(item, pattern) for key, item in value.items()}
    return value


def find_in_media(email: str, *, media_root: Path | None = None) -> list[Path]:
    """Files under MEDIA_ROOT that contain the address, any case: in their bytes (UTF-8 or UTF-16) or in the
    text extracted from them (PDF page text, whose streams are compressed; XLSX cells, which are zipped)."""
    root = Path(media_root or settings.MEDIA_ROOT)
    if not root.exists():
        return []
    needles = [email.lower().encode("utf-8"), email.lower().encode("utf-16-le")]
    hits = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        content = path.read_bytes()
        if any(needle in content.lower() for needle in needles) or email.lower() in extracted_text(content).lower():
            hits.append(path)
    return hits


def page_cache_aliases() -> list[str]:
    """Every cache that may hold rendered content: all of settings.CACHES but the counter store (counts only)."""
    return [alias for alias in settings.CACHES if alias != COUNTERS_ALIAS]


def clear_page_caches() -> None:
    """Empty every cache that may hold rendered content; rate-limit counts and the data version stay."""
    for alias in page_cache_aliases():
        caches[alias].clear()


def find_in_caches(email: str) -> list[str]:
    """Entries of the page caches whose value contains the address, any case, as "alias: key".

    The value is read as the cache stores it (unpickled) and searched in every text and byte string inside it,
    including the text of cached PDF and XLSX downloads and gzip-compressed bodies.
    """
    needle = email.lower()
    hits = []
    for alias in page_cache_aliases():
        for key, value in _cache_entries(caches[alias]):
            if _holds(value, needle, seen=set()):
                hits.append(f"{alias}: {key}")
    return sorted(hits)


def _cache_entries(backend) -> Iterator[tuple[str, object]]:
    """Every (key, value) stored in a cache backend, expired ones included (their bytes are still there)."""
    if isinstance(backend, DatabaseCache):
        database = connections[router.db_for_read(backend.cache_model_class)]
        table = database.ops.quote_name(backend._table)
        with database.cursor() as cursor:
            cursor.execute(f"SELECT cache_key, value FROM {table}")  # the table name is our setting
            for key, value in cursor.fetchall():
                yield key, pickle.loads(base64.b64decode(value.encode("latin1")))  # as DatabaseCache.get reads it
    elif isinstance(backend, LocMemCache):
        with backend._lock:
            stored = list(backend._cache.items())
        for key, value in stored:
            yield key, pickle.loads(value)
    elif isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=False)
        pattern = f"{backend.key_prefix}:*" if backend.key_prefix else "*"
        for key in client.scan_iter(match=pattern, count=500):
            value = client.get(key)
            if value is not None:
                yield key.decode("utf-8", "replace"), backend._cache._serializer.loads(value)
    elif isinstance(backend, FileBasedCache):
        for path in backend._list_cache_files():
            try:
                with open(path, "rb") as handle:
                    pickle.load(handle)  # the expiry time
                    yield path, pickle.loads(zlib.decompress(handle.read()))
            except (FileNotFoundError, EOFError, zlib.error):
                continue
    elif not isinstance(backend, DummyCache):
        raise NotImplementedError(
            f"{type(backend).__name__} cannot list its entries; use the database, Redis, file or local-memory cache."
        )


def _holds(value: object, needle: str, *, seen: set[int]) -> bool:
    """Whether the needle (lower case) occurs in any text or bytes inside value (containers, objects' fields)."""
    if isinstance(value, str):
        return needle in value.lower()
    if isinstance(value, bytes | bytearray | memoryview):
        content = bytes(value)
        if content.startswith(b"\x1f\x8b"):
            try:
                content = gzip.decompress(content)
            except (OSError, EOFError):
                pass
        lowered = content.lower()
        return (
            needle.encode("utf-8") in lowered
            or needle.encode("utf-16-le") in lowered
            or needle in extracted_text(content).lower()
        )
    if id(value) in seen:
        return False
    seen.add(id(value))
    if isinstance(value, dict):
        return any(_holds(key, needle, seen=seen) or _holds(item, needle, seen=seen) for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds(item, needle, seen=seen) for item in value)
    if hasattr(value, "__dict__"):  # e.g. an HttpResponse kept by Django's cache middleware
        return _holds(vars(value), needle, seen=seen)
    return False


def extracted_text(content: bytes) -> str:
    """The text a reader sees in a PDF or an XLSX file ("" for other files or ones that cannot be read)."""
    import io
    import zipfile

    if content.startswith(b"%PDF-"):
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(content), strict=False)
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception:  # a damaged PDF is still compared byte by byte
            return ""
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                # Every XML part, uncompressed: cells, shared strings, sheet names, document properties.
                return "\n".join(
                    archive.read(info).decode("utf-8", "ignore")
                    for info in archive.infolist()
                    if info.filename.endswith(".xml") and info.file_size < 256 * 1024 * 1024
                )
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
            return ""
    return ""


def export_as_json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True, default=str)
