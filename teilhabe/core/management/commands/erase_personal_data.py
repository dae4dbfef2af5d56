"""`teilhabe erase_personal_data EMAIL`: anonymise an e-mail address everywhere (GDPR art. 17)."""

from django.core.management.base import CommandError

from teilhabe.core import privacy
from teilhabe.core.management.base import TeilhabeCommand


class Command(TeilhabeCommand):
    help = "Anonymise an e-mail address and the personal data linked to it, everywhere, irreversibly."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Do not ask to confirm.")

    def handle(self, *args, email, interactive, **options):
        try:
            email = privacy.normalise_email(email)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if interactive:
            answer = input(f"Erase all personal data of {email}? This cannot be undone. Type 'yes' to continue: ")
            if answer != "yes":
                raise CommandError("Erasure cancelled; nothing was changed.")
        report = privacy.erase_personal_data(email)
        for name, count in report.records_by_provider.items():
            self.stdout.write(f"{name}: {count} records anonymised or deleted")
        self.stdout.write(f"other columns: {report.residual_replacements} rows where the address was replaced")
        if report.files_to_review:
            self.stdout.write(self.style.WARNING("Files in MEDIA_ROOT that still contain the address (review them):"))
            for path in report.files_to_review:
                self.stdout.write(f"  {path}")
        if report.cache_entries_left:
            self.stdout.write(self.style.WARNING("Cache entries that still contain the address (clear the cache):"))
            for entry in report.cache_entries_left:
                self.stdout.write(f"  {entry}")
        self.stdout.write(self.style.SUCCESS("Erasure complete."))
