"""`teilhabe export_personal_data EMAIL`: everything stored about an e-mail address, as JSON on stdout."""

from django.core.management.base import BaseCommand, CommandError

from teilhabe.core import privacy


class Command(BaseCommand):
    help = "Print everything stored about an e-mail address as JSON (GDPR art. 15)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            document = privacy.export_personal_data(email)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(privacy.export_as_json(document))
