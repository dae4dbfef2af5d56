"""The `teilhabe` console command: Django's management commands under the product's name."""

import os
import sys

# Console log level per --verbosity: a command prints what it did; library INFO lines
# (axes starting up, weasyprint fetching CSS) appear only when asked for with -v 2.
_LOG_LEVEL_BY_VERBOSITY = {0: "ERROR", 1: "WARNING", 2: "INFO", 3: "DEBUG"}


def verbosity_of(arguments: list[str]) -> int:
    """The --verbosity/-v value given on a command line (1, Django's default, when absent)."""
    value = None
    for index, argument in enumerate(arguments):
        if argument in ("-v", "--verbosity") and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith("--verbosity="):
            value = argument.split("=", 1)[1]
        elif argument.startswith("-v") and argument[2:].isdigit():
            value = argument[2:]
    try:
        return int(value) if value is not None else 1
    except ValueError:
        return 1


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teilhabe.settings")
    if "TEILHABE_LOG_LEVEL" not in os.environ:
        level = _LOG_LEVEL_BY_VERBOSITY.get(min(max(verbosity_of(arguments), 0), 3), "WARNING")
        os.environ["TEILHABE_LOG_LEVEL"] = level
    from django.core.management import execute_from_command_line

    execute_from_command_line(["teilhabe", *arguments])
    return 0
