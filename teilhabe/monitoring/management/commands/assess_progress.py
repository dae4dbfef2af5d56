"""teilhabe assess_progress — every indicator's progress status, score and series components."""

import json
import math

import yaml
from django.core.management.base import CommandError

from teilhabe.core.management.base import TeilhabeCommand
from teilhabe.monitoring.assessing import calculation_components
from teilhabe.monitoring.models import Edition
from teilhabe.monitoring.queries import get_current_edition

SUMMARY_KEYS = ("progress_status", "score")


class Command(TeilhabeCommand):
    atomic = False  # writes nothing
    progress = True

    help = (
        "Write every indicator's progress status and score with per-series components to standard output, "
        "in the shape of Open SDG's indicator_calculation_components.yml."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", help="Edition code (default: the current edition).")
        parser.add_argument("--format", choices=["yaml", "json", "table"], default="yaml")

    def handle(self, *args, **options):
        if options["edition"]:
            edition = Edition.objects.filter(code=options["edition"]).first()
            if edition is None:
                raise CommandError(f"There is no edition '{options['edition']}'.")
        else:
            edition = get_current_edition()
            if edition is None:
                raise CommandError("There is no edition yet.")
        result = calculation_components(edition=edition, progress_bar=self.progress_bar)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        elif options["format"] == "yaml":
            self.stdout.write(yaml.safe_dump(result, allow_unicode=True, sort_keys=True), ending="")
        else:
            self.stdout.write(_table(result))


def _number(value) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _table(result: dict) -> str:
    """One line per indicator, then one indented line per series."""
    lines = []
    for indicator_id, entry in result.items():
        lines.append(f"{indicator_id:<14} {entry['progress_status'] or '-':<22} {_number(entry['score']):>9}")
        for label, series in entry.items():
            if label in SUMMARY_KEYS:
                continue
            lines.append(
                f"  {label:<60.60} {series['status']:<22} {_number(series['score']):>9} "
                f"P={_number(series['progress_value'])} {_number(series['base_year'])}→"
                f"{_number(series['current_year'])}"
            )
    return "\n".join(lines)
