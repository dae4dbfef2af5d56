"""`teilhabe verify_backup FILE`: compare the database and MEDIA_ROOT with a backup's manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teilhabe.core import backup

from .restore import _report


class Command(BaseCommand):
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
            verification = backup.verify_backup(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        _report(self, verification)
