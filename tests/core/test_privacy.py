"""The GDPR framework: providers, the sweep of every text column, erasure hooks, retention."""

import datetime as dt
import json

import pytest
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
