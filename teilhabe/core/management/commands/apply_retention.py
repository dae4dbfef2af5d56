"""`teilhabe apply_retention`: anonymise contact data older than TEILHABE_CONTACT_RETENTION_DAYS (run daily)."""

from teilhabe.core import privacy
from teilhabe.core.management.base import TeilhabeCommand


class Command(TeilhabeCommand):
    help = "Anonymise contact data older than the retention period (TEILHABE_CONTACT_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override the retention period for this run.")

    def handle(self, *args, days, **options):
        counts = privacy.apply_retention(days=days)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} records anonymised or deleted")
        self.stdout.write(self.style.SUCCESS(f"Retention applied ({sum(counts.values())} records)."))
