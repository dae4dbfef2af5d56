"""Backup archives: what they hold, and the refusals that protect existing data."""

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from teilhabe.core import backup
from tests.accounts.factories import UserFactory


@pytest.fixture
def archive(transactional_db, django_db_serialized_rollback, tmp_path, settings):
    UserFactory(username="anna")
    (settings.MEDIA_ROOT / "editions").mkdir(parents=True)
    (settings.MEDIA_ROOT / "editions" / "concept.pdf").write_bytes(b"%PDF-1.7 illustrative")
    path = tmp_path / "backup.tar"
    call_command("backup", str(path))
    return path


def test_archive_holds_manifest_database_and_media(archive):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json"
    assert "media/editions/concept.pdf" in names
    assert manifest["format"] == "teilhabe-backup"
    assert manifest["database_member"] in names
    assert manifest["tables"]["accounts_user"]["rows"] == 1
    assert set(manifest["media"]) == {"editions/concept.pdf"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_checksums_are_deterministic_and_see_every_change():
    UserFactory(username="anna")
    first = backup.table_checksums(connection)
    assert backup.table_checksums(connection) == first
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET first_name = 'changed'")
    second = backup.table_checksums(connection)
    assert second["accounts_user"].rows == first["accounts_user"].rows
    assert second["accounts_user"].sha256 != first["accounts_user"].sha256
    assert {t: s for t, s in second.items() if t != "accounts_user"} == {
        t: s for t, s in first.items() if t != "accounts_user"
    }


def test_restore_refuses_a_database_that_has_tables(archive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    before = backup.table_checksums(connection)
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive))
    assert backup.table_checksums(connection) == before
    assert not settings.MEDIA_ROOT.exists()


def test_restore_refuses_a_media_root_that_holds_files(archive, settings):
    before = backup.media_checksums(settings.MEDIA_ROOT)
    with pytest.raises(CommandError, match="already holds files"):
        call_command("restore", str(archive))
    assert backup.media_checksums(settings.MEDIA_ROOT) == before


def test_damaged_archive_is_detected(archive, tmp_path):
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/editions/concept.pdf":
                data = data.replace(b"illustrative", b"tampered!!!!")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="media/editions/concept.pdf: checksum differs"):
        call_command("verify_backup", str(damaged), "--archive-only")


def test_verify_reports_differences_with_the_live_database(archive, capsys):
    call_command("verify_backup", str(archive))
    assert "match the backup" in capsys.readouterr().out
    UserFactory(username="bert")
    with pytest.raises(CommandError, match="Verification failed"):
        call_command("verify_backup", str(archive))
    assert "table accounts_user: 2 rows, the backup has 1." in capsys.readouterr().err


def test_not_a_backup_is_refused_clearly(tmp_path, db):
    path = tmp_path / "random.tar"
    path.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="is not a readable teilhabe backup"):
        call_command("verify_backup", str(path), "--archive-only")


def test_unsafe_member_names_are_refused():
    with pytest.raises(backup.BackupError, match="unsafe file name"):
        backup._safe_member_path("media/../../etc/passwd")
