"""`teilhabe load_demo`: load the illustrative demo of the whole product (docs/management-commands.md).

Each context that has demo content provides `<context>.demo.load_demo(*, seed, reset)`, returning counts of
what it created (an empty mapping: already loaded), and may provide `delete_demo()`. This command finds them,
loads them in dependency order and reports what each created.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from types import ModuleType

from django.core.management.base import CommandError
from django.db import transaction

from teilhabe.core.management.base import TeilhabeCommand
from teilhabe.monitoring.demo import DEFAULT_SEED, DEMO_USERS, DemoRefused

# In dependency order: participation and surveys refer to the monitoring concept.
DEMO_MODULES = (
    ("monitoring", "teilhabe.monitoring.demo"),
    ("participation", "teilhabe.participation.demo"),
    ("surveys", "teilhabe.surveys.demo"),
)


def find_demo_parts() -> list[tuple[str, ModuleType]]:
    """The contexts that ship demo content, in loading order."""
    parts = []
    for label, name in DEMO_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name is None or not (name == error.name or name.startswith(f"{error.name}.")):
                raise  # the module exists but one of its own imports is missing
            continue
        parts.append((label, module))
    return parts


def _call(function, **options):
    """Pass only the options the function accepts, so every context can grow its own loader."""
    accepted = inspect.signature(function).parameters
    return function(**{name: value for name, value in options.items() if name in accepted})


class Command(TeilhabeCommand):
    progress = True

    help = "Load the illustrative demo (a fictional city's concept, data, procedures and surveys)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Seed of the generated demo data (default {DEFAULT_SEED})."
        )
        parser.add_argument("--reset", action="store_true", help="Delete the demo content first and load it again.")

    def handle(self, *args, seed: int, reset: bool, **options):
        parts = find_demo_parts()
        try:
            with transaction.atomic():
                if reset:
                    # Later contexts refer to earlier ones, so they are removed first.
                    for _label, module in reversed(parts):
                        if hasattr(module, "delete_demo"):
                            module.delete_demo()
                for label, module in self.progress_bar(parts, desc="demo"):
                    result = _call(module.load_demo, seed=seed, reset=reset and not hasattr(module, "delete_demo"))
                    self._report(label, result)
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write("Demo accounts (illustrative data only; never use these passwords elsewhere):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<12} {user.password:<22} {user.role}")

    def _report(self, label: str, result) -> None:
        if isinstance(result, Mapping):
            if not result:
                self.stdout.write(f"{label}: demo already loaded, nothing changed (use --reset to load it again).")
                return
            counts = ", ".join(f"{count} {name}" for name, count in result.items())
            self.stdout.write(self.style.SUCCESS(f"{label}: loaded {counts}."))
        elif result is None:
            self.stdout.write(self.style.SUCCESS(f"{label}: loaded."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{label}: {result}"))
