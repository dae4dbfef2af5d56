"""teilhabe export_data DIR — write the whole concept in the import format (docs/data-formats.md)."""

from teilhabe.core.management.base import TeilhabeCommand
from teilhabe.monitoring.exporting import export_concept


class Command(TeilhabeCommand):
    progress = True  # reads in one transaction: the files show one state of the data

    help = "Export the concept as CSV files and an XLSX workbook, plus Open-SDG CSV files per indicator."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--format", choices=["csv", "xlsx", "both"], default="both")
        parser.add_argument(
            "--public-only",
            action="store_true",
            help="Leave out unreleased observations and blank small counts (open data).",
        )
        parser.add_argument("--no-opensdg", action="store_true", help="Skip the Open SDG files.")

    def handle(self, *args, **options):
        formats = ("csv", "xlsx") if options["format"] == "both" else (options["format"],)
        result = export_concept(
            options["directory"],
            formats=formats,
            public_only=options["public_only"],
            opensdg=not options["no_opensdg"],
            progress=self.progress_bar,
        )
        for kind, count in result.rows.items():
            self.stdout.write(f"{kind}: {count} rows")
        self.stdout.write(f"{len(result.files)} files written to {result.directory}")
