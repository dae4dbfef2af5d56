"""teilhabe import_opensdg DIR — import an Open SDG data repository into a concept edition."""

from django.core.management.base import BaseCommand, CommandError

from teilhabe.monitoring import services
from teilhabe.monitoring.opensdg_import import OpenSdgImportFailed, import_opensdg


class Command(BaseCommand):
    help = (
        "Import an Open SDG data repository (data/indicator_*.csv, meta/*.md, indicator-config/*.yml) into a "
        "concept edition, with its progress settings; all or nothing, and a re-run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="The repository (holding data/ and meta/).")
        parser.add_argument("--edition", help="Code of the edition to create or update (default: from DIR's name).")
        parser.add_argument("--title", help="Title of a new edition (default: 'Open SDG: <DIR name>').")
        parser.add_argument("--actor", default="import_opensdg", help="System actor recorded in the history.")

    def handle(self, *args, **options):
        try:
            report = import_opensdg(
                repository=options["directory"],
                user=services.get_system_actor(options["actor"]),
                edition_code=options["edition"],
                title=options["title"],
            )
        except OpenSdgImportFailed as failure:
            raise CommandError(
                f"Nothing was imported; {len(failure.problems)} problem(s):\n{failure.describe()}"
            ) from None
        self.stdout.write(
            f"Edition {report.edition.code}: {report.indicators} indicators; observations {report.created} "
            f"created, {report.updated} updated, {report.deleted} deleted, {report.unchanged} unchanged; "
            f"{report.rows_without_value} rows without a value left out."
        )
