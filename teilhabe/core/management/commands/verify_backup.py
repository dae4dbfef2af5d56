"""`teilhabe verify_backup FILE`: compare the database and MEDIA_ROOT with a backup's manifest."""

from pathlib import Path

from django.core.management.base import CommandError

from teilhabe.core import backup
from teilhabe.core.management.base import TeilhabeCommand

from .restore import _report


class Command(TeilhabeCommand):
    atomic = False  # writes nothing
    requires_migrated_database = False  # an empty database is reported as differing from the backup
    progress = True

    help = "Check a backup's integrity and compare the database's tables (row counts, checksums) with it."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--archive-only", action="store_true", help="Only check the archive's own checksums, not the database."
        )

    def handle(self, *args, file, archive_only, **options):
        try:
            problems = backup.verify_archive(file)
            if problems:
                raise CommandError("The backup is damaged: " + " ".join(problems))
            if archive_only:
                self.stdout.write(self.style.SUCCESS(f"{file}: every member matches its checksum."))
                return
            verification = backup.verify_backup(file, progress=self.progress_bar)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        _report(self, verification)
