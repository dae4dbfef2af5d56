"""teilhabe export_opensdg DIR — write an edition as an Open SDG data repository (docs/opensdg.md)."""

from django.core.management.base import CommandError

from teilhabe.core.management.base import TeilhabeCommand
from teilhabe.monitoring.models import Edition
from teilhabe.monitoring.opensdg_export import export_opensdg


class Command(TeilhabeCommand):
    atomic = False  # reads only
    help = (
        "Write a concept edition as an Open SDG data repository: data/indicator_<id>.csv, meta/<id>.yml, "
        "translations/<language>/indicators.yml and config_data.yml. Public values only (unreleased and "
        "withheld values are left out). Importing the result with import_opensdg and exporting again gives "
        "the same files."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="Where to write the repository (created if missing).")
        parser.add_argument("--edition", help="Code of the edition (default: the current one, else the newest).")

    def handle(self, *args, **options):
        editions = Edition.objects.all()
        if options["edition"]:
            edition = editions.filter(code=options["edition"]).first()
            if edition is None:
                known = ", ".join(editions.values_list("code", flat=True)) or "none"
                raise CommandError(f"There is no edition {options['edition']!r} (editions: {known}).")
        else:
            edition = editions.filter(is_current=True).first() or editions.order_by("-pk").first()
            if edition is None:
                raise CommandError("There is no edition to export.")
        result = export_opensdg(edition=edition, directory=options["directory"])
        self.stdout.write(
            f"Edition {edition.code}: {result.indicators} indicators, {result.rows} data rows "
            f"({result.withheld} withheld values and any not yet released left out); {len(result.files)} files written to "
            f"{result.directory}."
        )
