"""`teilhabe send_review_reminders`: remind authorities of items past the review deadline (run daily)."""

from django.conf import settings

from teilhabe.core.management.base import TeilhabeCommand
from teilhabe.participation import services


class Command(TeilhabeCommand):
    help = "E-mail each authority that leads items older than TEILHABE_REVIEW_DEADLINE_DAYS a list of them."

    def handle(self, *args, **options):
        count = services.send_review_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminders queued for {count} authorities (deadline {settings.TEILHABE_REVIEW_DEADLINE_DAYS} days)."
            )
        )
