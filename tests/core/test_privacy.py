"""The GDPR framework: providers, the sweep of every text column, erasure hooks, retention."""

import datetime as dt
import json

import pytest
from django.core.cache.backends.base import BaseCache
from django.core.management import CommandError, call_command
from django.utils import timezone

from teilhabe.core import privacy
from teilhabe.monitoring.models import Measure
from tests.monitoring.factories import IndicatorVersionFactory, MeasureFactory

EMAIL = "Resident.One@Example.org"


@pytest.fixture
def registry(monkeypatch):
    """An isolated provider registry with one fake provider; the real ones are restored afterwards."""
    calls = []

    def export(email):
        calls.append(("export", email))
        return {"contacts": [email.lower()]}

    def erase(email):
        calls.append(("erase", email))
        return 3

    def retain(before):
        calls.append(("retain", before))
        return 2

    monkeypatch.setattr(privacy, "_providers", {})
    monkeypatch.setattr(privacy, "_erasure_hooks", [])
    privacy.register_provider(privacy.PersonalDataProvider(name="fake", export=export, erase=erase, retain=retain))
    return calls


def test_export_gathers_every_provider(db, registry, capsys):
    call_command("export_personal_data", EMAIL)
    document = json.loads(capsys.readouterr().out)
    assert document["email"] == EMAIL
    assert document["data"] == {"fake": {"contacts": ["resident.one@example.org"]}}
    assert registry == [("export", EMAIL)]


def test_export_refuses_something_that_is_not_an_address(db, registry):
    with pytest.raises(CommandError, match="is not an e-mail address"):
        call_command("export_personal_data", "nobody")
    assert registry == []


def test_erasure_calls_providers_then_sweeps_every_text_column_and_history(db, registry):
    measure = MeasureFactory(description=f"Contact {EMAIL.lower()} for details.", title="Measure")
    measure.title = "Measure, renamed"
    measure.save()
    version = IndicatorVersionFactory(profile_parameters={"contact": EMAIL, "notes": [f"ask {EMAIL.upper()}"]})
    report = privacy.erase_personal_data(EMAIL)
    assert registry == [("erase", EMAIL)]
    assert report.records_by_provider == {"fake": 3}
    measure.refresh_from_db()
    assert measure.description == "Contact [erased] for details."
    assert [h.description for h in measure.history.all()] == ["Contact [erased] for details."] * 2
    version.refresh_from_db()
    assert version.profile_parameters == {"contact": "[erased]", "notes": ["ask [erased]"]}
    # rows changed: the measure, its two historical rows, the version and its historical row
    assert report.residual_replacements == 5


def test_erasure_keeps_unique_values_unique(db, registry):
    first = MeasureFactory(code="a")
    second = MeasureFactory(code="b")
    Measure.objects.filter(pk=first.pk).update(code="x-resident.one@example.org")
    Measure.objects.filter(pk=second.pk).update(code="y-resident.one@example.org")
    privacy.erase_personal_data(EMAIL)
    assert sorted(Measure.objects.values_list("code", flat=True)) == sorted(
        [f"x-[erased-{first.pk}]", f"y-[erased-{second.pk}]"]
    )


def test_erasure_is_all_or_nothing(db, monkeypatch):
    monkeypatch.setattr(privacy, "_providers", {})
    measure = MeasureFactory(description=f"Contact {EMAIL}")

    def failing(email):
        raise RuntimeError("provider broke")

    privacy.register_provider(privacy.PersonalDataProvider(name="broken", export=dict, erase=failing))
    with pytest.raises(RuntimeError):
        privacy.erase_personal_data(EMAIL)
    measure.refresh_from_db()
    assert measure.description == f"Contact {EMAIL}"


def test_erasure_hooks_invalidate_generated_documents_and_leftover_files_are_reported(db, registry, settings, capsys):
    reports = settings.MEDIA_ROOT / "reports"
    reports.mkdir(parents=True)
    generated = reports / "annual.html"
    generated.write_text(f"<p>Proposal by {EMAIL}</p>", encoding="utf-8")
    upload = settings.MEDIA_ROOT / "minutes.txt"
    upload.write_text(f"Minutes, attendee {EMAIL.lower()}", encoding="utf-8")
    privacy.register_erasure_hook(lambda email: generated.unlink())
    call_command("erase_personal_data", EMAIL, "--no-input")
    output = capsys.readouterr().out
    assert not generated.exists()
    assert "Files in MEDIA_ROOT that still contain the address" in output
    assert str(upload) in output


def test_erase_command_asks_before_erasing(db, registry, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("erase_personal_data", EMAIL)
    assert registry == []


def test_retention_passes_the_cutoff_to_every_provider(db, registry, settings, capsys):
    settings.TEILHABE_CONTACT_RETENTION_DAYS = 30
    before = timezone.now()
    call_command("apply_retention")
    after = timezone.now()
    [(kind, cutoff)] = registry
    assert kind == "retain"
    assert before - dt.timedelta(days=30) <= cutoff <= after - dt.timedelta(days=30)
    assert "fake: 2 records anonymised or deleted" in capsys.readouterr().out


def test_accounts_registers_its_provider():
    assert "accounts" in [provider.name for provider in privacy.registered_providers()]


# --- The leftover scan of the caches ----------------------------------------------------------------


def _xlsx_with(text: str) -> bytes:
    import io

    from teilhabe.core.tabular import WorkbookWriter

    workbook = WorkbookWriter()
    workbook.add_sheet("contacts").append(["contact", text])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _fill(alias: str) -> None:
    """Entries of each kind a page cache holds: a page, an API answer, a download; one without the address."""
    import gzip

    from django.core.cache import caches
    from django.http import HttpResponse

    store = caches[alias]
    store.set("page", ("token", f"<p>Write to {EMAIL.upper()}</p>".encode(), {"Content-Type": "text/html"}))
    store.set("api", ("token", gzip.compress(f'{{"contact": "{EMAIL}"}}'.encode())))
    store.set("download", ("token", _xlsx_with(EMAIL)))
    store.set("response", HttpResponse(f"Contact: {EMAIL.lower()}"))
    store.set("clean", ("token", b"<p>Nothing personal</p>"))


def _keys(found: list[str], alias: str) -> set[str]:
    """The cache keys of the scan's hits in one alias (a file cache names its files, not the keys)."""
    from django.core.cache import caches

    store = caches[alias]
    if hasattr(store, "_key_to_file"):
        files = {store._key_to_file(key): key for key in ("page", "api", "download", "response", "clean")}
        return {files[entry.removeprefix(f"{alias}: ")] for entry in found}
    return {entry.rsplit(":", 1)[-1] for entry in found}


@pytest.fixture
def redis_pages(settings):
    import os
    import uuid

    import redis

    database = int(os.environ.get("TEILHABE_TEST_REDIS_DB", "13"))
    client = redis.Redis.from_url(f"redis://127.0.0.1:6379/{database}")
    client.ping()  # fails loudly when Redis is not running: CI starts it
    prefix = f"test-pages-{uuid.uuid4().hex}"
    return (
        client,
        prefix,
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{database}",
            "KEY_PREFIX": prefix,
        },
    )


@pytest.mark.parametrize("backend", ["database", "locmem", "file", "redis"])
def test_cache_scan_finds_the_address_in_every_kind_of_page_cache(db, settings, tmp_path, request, backend):
    """The scan reads each backend's own storage: the table, the process's dict, cache files, Redis by SCAN."""
    # given: a page cache of this kind beside the default one
    configs = {
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "teilhabe_cache"},
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "scan-test"},
        "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    cleanup = None
    if backend == "redis":
        client, prefix, configs["redis"] = request.getfixturevalue("redis_pages")

        def cleanup():
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)

    settings.CACHES = {**settings.CACHES, "scanned": configs[backend]}
    try:
        _fill("scanned")
        # when
        found = [entry for entry in privacy.find_in_caches(EMAIL) if entry.startswith("scanned: ")]
        # then: the page (any case), the gzip-compressed API answer, the XLSX's cells and the pickled response
        assert _keys(found, "scanned") == {"page", "api", "download", "response"}
    finally:
        if cleanup:
            cleanup()


def test_cache_scan_leaves_the_counter_store_alone(db):
    """The counter store holds counts and the data version only; it is neither scanned nor cleared."""
    from django.core.cache import caches

    assert "counters" not in privacy.page_cache_aliases()
    caches["counters"].set("teilhabe:test-marker", f"not rendered {EMAIL}")
    assert privacy.find_in_caches(EMAIL) == []
    privacy.clear_page_caches()
    assert caches["counters"].get("teilhabe:test-marker") == f"not rendered {EMAIL}"


class UnlistableCache(BaseCache):
    """Stands in for a backend such as Memcached, which cannot enumerate its keys."""

    def __init__(self, location, params):
        super().__init__(params)


def test_a_cache_that_cannot_list_its_entries_is_refused_not_passed(db, settings):
    """A scan that silently skipped such a cache would report "nothing left" without having looked."""
    settings.CACHES = {**settings.CACHES, "scanned": {"BACKEND": "tests.core.test_privacy.UnlistableCache"}}
    with pytest.raises(NotImplementedError, match="cannot list its entries"):
        privacy.find_in_caches(EMAIL)
