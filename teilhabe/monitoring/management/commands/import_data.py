"""teilhabe import_data FILE... — import the concept and observations from CSV/XLSX (docs/data-formats.md)."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from teilhabe.accounts import permissions
from teilhabe.core.management.base import TeilhabeCommand
from teilhabe.monitoring import services
from teilhabe.monitoring.importing.cells import DecimalMode
from teilhabe.monitoring.importing.problems import ImportFailed


class Command(TeilhabeCommand):
    progress = True

    help = "Import concept tables and observations from CSV or XLSX files or directories; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE", help="CSV/XLSX files or directories holding them.")
        actor = parser.add_mutually_exclusive_group()
        actor.add_argument("--as", dest="username", help="Record this (department admin) user in the history.")
        actor.add_argument(
            "--actor", default="import_data", help="Record this named system actor (default: import_data)."
        )
        parser.add_argument("--encoding", default="utf-8", help="Encoding of CSV files (default utf-8; e.g. latin-1).")
        parser.add_argument(
            "--decimal",
            choices=["comma", "point"],
            default=None,
            help="Decimal separator of the files; default: decided per value where unambiguous.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report, write nothing.")

    def handle(self, *args, **options):
        user = self._acting_user(options)
        try:
            report = services.import_data(
                paths=options["paths"],
                user=user,
                decimal=DecimalMode(options["decimal"] or "auto"),
                encoding=options["encoding"],
                dry_run=options["dry_run"],
                progress=self._byte_progress,
            )
        except ImportFailed as failure:
            raise CommandError(
                f"Nothing was imported; {len(failure.problems)} problem(s):\n{failure.describe()}"
            ) from failure
        verb = "would be" if report.dry_run else "were"
        for table in report.tables:
            self.stdout.write(
                f"{table.kind}: {table.created} {verb} created, {table.updated} updated, {table.unchanged} unchanged"
            )
        if report.dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def _acting_user(self, options):
        if options["username"]:
            try:
                user = get_user_model().objects.get(username=options["username"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"There is no user '{options['username']}'.") from None
            if not permissions.can_import_data(user):
                raise CommandError(f"User '{user.username}' may not import data (needs the department admin role).")
            return user
        return services.get_system_actor(options["actor"])

    def _byte_progress(self, label, total):
        """The importer's progress hook: a bar over the bytes of one file (drawn only for a person watching)."""
        bar = self.progress_bar(total=total or None, desc=label, unit="B", unit_scale=True)

        def update(position):
            bar.update(max(0, position - bar.n))
            if total and position >= total:
                bar.close()

        return update
