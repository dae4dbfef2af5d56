"""teilhabe import_opensdg DIR — import an Open SDG data repository into a concept edition."""

from pathlib import Path

from django.core.management.base import CommandError

from teilhabe.core.management.base import TeilhabeCommand
from teilhabe.monitoring import services
from teilhabe.monitoring.opensdg_import import OpenSdgImportFailed, import_opensdg

SHOWN_LEFT_OUT = 20


class Command(TeilhabeCommand):
    progress = True

    help = (
        "Import an Open SDG data repository (data/indicator_*.csv, meta/*.md, indicator-config/*.yml) into a "
        "concept edition, with its progress settings. Everything that is data is imported; rows that are not "
        "are left out and named (file, row, column, reason), or refused with --strict. A re-run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="The repository (holding data/ and meta/).")
        parser.add_argument("--edition", help="Code of the edition to create or update (default: from DIR's name).")
        parser.add_argument("--title", help="Title of a new edition (default: 'Open SDG: <DIR name>').")
        parser.add_argument("--actor", default="import_opensdg", help="System actor recorded in the history.")
        parser.add_argument("--strict", action="store_true", help="Refuse the whole repository if any row is not data.")
        parser.add_argument(
            "--missing-marker",
            action="append",
            default=[],
            metavar="TEXT",
            help="A further cell text that means 'no value' (besides empty, '..', '-', 'x', 'n/a', 'NaN', 'Inf').",
        )
        parser.add_argument("--report", metavar="FILE", help="Write every left-out row to FILE (one per line).")

    def handle(self, *args, **options):
        try:
            report = import_opensdg(
                repository=options["directory"],
                user=services.get_system_actor(options["actor"]),
                edition_code=options["edition"],
                title=options["title"],
                strict=options["strict"],
                missing_markers=tuple(options["missing_marker"]),
                progress=self.progress_bar,
            )
        except OpenSdgImportFailed as failure:
            raise CommandError(
                f"Nothing was imported; {len(failure.problems)} problem(s):\n{failure.describe()}"
            ) from None
        self.stdout.write(
            f"Edition {report.edition.code}: {report.indicators} indicators; observations {report.created} "
            f"created, {report.updated} updated, {report.deleted} deleted, {report.unchanged} unchanged; "
            f"{report.rows_without_value} rows without a value and {len(report.left_out)} rows that are not data "
            "left out."
        )
        for line in report.several_series:
            self.stdout.write(line)  # several Units or Series in one file (docs/opensdg.md)
        if report.placeholders:
            self.stdout.write(f"Indicators without data (placeholder files): {', '.join(report.placeholders)}.")
        if options["report"]:
            Path(options["report"]).write_text("".join(f"{line}\n" for line in report.left_out), encoding="utf-8")
            self.stdout.write(f"Left-out rows written to {options['report']}.")
        if report.left_out:
            self.stdout.write("Left out (not data):")
            for line in report.left_out[:SHOWN_LEFT_OUT]:
                self.stdout.write(f"- {line}")
            if len(report.left_out) > SHOWN_LEFT_OUT:
                more = len(report.left_out) - SHOWN_LEFT_OUT
                self.stdout.write(f"... and {more} more (--report FILE lists all).")
