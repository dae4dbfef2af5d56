"""`teilhabe build_documentation PROCEDURE_SLUG --format html|pdf|csv|xlsx --output FILE`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from teilhabe.core.management.base import TeilhabeCommand
from teilhabe.participation import documentation
from teilhabe.participation.models import Procedure


class Command(TeilhabeCommand):
    progress = True

    help = "Write the public documentation of a participation procedure as HTML, PDF, CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("procedure", help="Short name (slug) of the procedure.")
        parser.add_argument("--format", choices=documentation.FORMATS, default="pdf")
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the document (html, pdf).",
        )

    def handle(self, *args, procedure: str, format: str, output: str, language: str, **options):
        found = Procedure.objects.filter(slug=procedure).first()
        if found is None:
            known = ", ".join(Procedure.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"There is no procedure “{procedure}” (known: {known}).")
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        with self.progress_bar(total=1, desc=f"{format.upper()} documentation of {procedure}") as bar:
            amount = documentation.write_documentation(found, format=format, output=path, language=language)
            bar.update(1)
        unit = {"csv": "contributions", "xlsx": "contributions", "pdf": "pages", "html": "bytes"}[format]
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({amount} {unit})."))
