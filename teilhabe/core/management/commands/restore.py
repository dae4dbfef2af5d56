"""`teilhabe restore FILE`: restore a backup into an empty database and MEDIA_ROOT, then verify it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teilhabe.core import backup
from teilhabe.core.management.base import TeilhabeCommand


class Command(TeilhabeCommand):
    atomic = False  # fills an empty database with the backup's own tables
    requires_migrated_database = False
    progress = True

    help = "Restore a backup into the configured (empty) database and MEDIA_ROOT and verify the result."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            verification = backup.restore_backup(file, progress=self.progress_bar)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        _report(self, verification)


def _report(command: BaseCommand, verification: backup.Verification) -> None:
    for problem in verification.problems:
        command.stderr.write(problem)
    if not verification.ok:
        raise CommandError(f"Verification failed: {len(verification.problems)} differences (listed above).")
    command.stdout.write(
        command.style.SUCCESS(
            f"Verified: {verification.tables_checked} tables and {verification.rows_checked} rows match the backup."
        )
    )
