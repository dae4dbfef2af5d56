"""Django's shell, auto-importing only models that can be imported by name.

django-simple-history creates its historical models at run time (``HistoricalContribution`` and
the many-to-many through models): they are registered with the app registry but cannot be
imported from their module, so Django's shell listed each of them as a failure on every start.
"""

import sys

from django.apps import apps
from django.core.management.commands.shell import Command as ShellCommand


class Command(ShellCommand):
    def get_auto_imports(self) -> list[str]:
        paths = []
        for model in reversed(apps.get_models()):
            module = sys.modules.get(model.__module__)
            if module is not None and getattr(module, model.__name__, None) is model:
                paths.append(f"{model.__module__}.{model.__name__}")
        return paths

    def handle(self, **options):
        # `teilhabe shell -c "..."` prints what the code prints and nothing else.
        if options.get("command") and options.get("verbosity", 1) == 1:
            options["verbosity"] = 0
        return super().handle(**options)
