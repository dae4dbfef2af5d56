"""`teilhabe backup FILE`: the database and uploaded files in one verifiable archive (docs/deployment.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teilhabe.core import backup


class Command(BaseCommand):
    help = "Write a backup (database, uploaded files, manifest with checksums) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            manifest = backup.create_backup(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(summary.rows for summary in manifest.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {file}: {len(manifest.tables)} tables, {rows} rows, "
                f"{len(manifest.media)} uploaded files ({manifest.engine})."
            )
        )
