"""Backup → restore into an empty database → identical checksums, on SQLite and PostgreSQL."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from teilhabe.core import backup
from teilhabe.monitoring.models import EditionAttachment
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import (
    EditionFactory,
    IndicatorVersionFactory,
    MeasureFactory,
    ObservationFactory,
    TargetFactory,
)


def _populate() -> None:
    """Rows of many kinds: unicode, floats, JSON, history, many-to-many, an uploaded file."""
    UserFactory(username="ümit", first_name="Ümit", last_name="Özdemir", roles=["authority_staff"])
    version = IndicatorVersionFactory(profile_parameters={"limit": 100, "thresholds": {"a": 0.1}})
    ObservationFactory(indicator=version.indicator, value=0.1 + 0.2, standard_error=1e-9)
    TargetFactory(indicator=version.indicator, target_value=92.5, note="Zielwert „Schule“")
    measure = MeasureFactory(title="Sprachförderung", description="Mehrzeilig\nmit Umbrüchen")
    measure.indicators.add(version.indicator)
    attachment = EditionAttachment(edition=EditionFactory(), title="Konzept")
    attachment.file.save("konzept.pdf", ContentFile(b"%PDF-1.7 illustrative"), save=True)


def _round_trip(tmp_path, target_settings: dict, settings) -> None:
    archive = tmp_path / "backup.tar"
    restored_media = tmp_path / "restored-media"
    source_tables = backup.table_checksums(connection)
    manifest = backup.create_backup(archive)
    target = backup.connection_for(target_settings)
    try:
        verification = backup.restore_backup(archive, connection=target, media_root=restored_media)
        assert verification.problems == []
        assert verification.ok
        assert manifest.tables == source_tables
        assert backup.table_checksums(target) == source_tables
        assert source_tables["monitoring_observation"].rows == 1
        assert source_tables["monitoring_historicalmeasure"].rows == 1
        assert backup.media_checksums(restored_media) == backup.media_checksums(settings.MEDIA_ROOT) != {}
        # A change in the restored copy is caught by the verification.
        with target.cursor() as cursor:
            cursor.execute("UPDATE monitoring_target SET target_value = 93.0")
        again = backup.verify_backup(archive, connection=target, media_root=restored_media)
        assert again.problems == ["table monitoring_target: same row count (1) but different content."]
    finally:
        target.close()


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_backup_restores_identically(tmp_path, settings):
    _populate()
    _round_trip(tmp_path, {**connection.settings_dict, "NAME": str(tmp_path / "restored.sqlite3")}, settings)


@pytest.fixture
def scratch_postgresql_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    admin = backup.connection_for({**connection.settings_dict, "NAME": "postgres"}, "scratch_admin")
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**connection.settings_dict, "NAME": name}
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_backup_restores_identically(tmp_path, settings, scratch_postgresql_database):
    _populate()
    _round_trip(tmp_path, scratch_postgresql_database, settings)
