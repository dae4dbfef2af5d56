"""teilhabe load_boundaries FILE — load the districts' outlines for the portal map (docs/data-formats.md)."""

from pathlib import Path

from django.core.management.base import CommandError

from teilhabe.core.management.base import TeilhabeCommand
from teilhabe.monitoring import services
from teilhabe.monitoring.boundaries import BoundaryError, load_district_boundaries


class Command(TeilhabeCommand):
    help = "Load district boundaries (GeoJSON FeatureCollection, lon/lat) for the portal's map; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help="A GeoJSON file with one (Multi)Polygon per district.")
        parser.add_argument(
            "--code-property", default="code", help="The feature property holding the district code (default: code)."
        )
        parser.add_argument("--actor", default="load_boundaries", help="The named system actor recorded (default).")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            text = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        try:
            boundaries = load_district_boundaries(
                text=text,
                user=services.get_system_actor(options["actor"]),
                code_property=options["code_property"],
                source=path.name,
            )
        except BoundaryError as error:
            raise CommandError(
                f"Nothing was loaded; {len(error.problems)} problem(s):\n" + "\n".join(error.problems)
            ) from None
        self.stdout.write(f"Loaded outlines of {len(boundaries.districts)} district(s) from {path.name}.")
