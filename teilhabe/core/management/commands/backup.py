"""`teilhabe backup FILE`: the database and uploaded files in one verifiable archive (docs/deployment.md)."""

import os
from pathlib import Path

from django.core.management.base import CommandError

from teilhabe.core import backup
from teilhabe.core.management.base import TeilhabeCommand


class Command(TeilhabeCommand):
    atomic = False  # reads a consistent snapshot itself and writes only the archive
    progress = True

    help = "Write a backup (database, uploaded files, manifest with checksums) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        folder = file.resolve().parent
        if not folder.is_dir():
            raise CommandError(f"The folder {folder} does not exist; nothing was written.")
        if not os.access(folder, os.W_OK):
            raise CommandError(f"Permission denied: cannot write to the folder {folder}; nothing was written.")
        try:
            manifest = backup.create_backup(file, progress=self.progress_bar)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(summary.rows for summary in manifest.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {file}: {len(manifest.tables)} tables, {rows} rows, "
                f"{len(manifest.media)} uploaded files ({manifest.engine})."
            )
        )
