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


# `teilhabe help` lists the product's commands first, grouped as in docs/management-commands.md
# (a test keeps the two in step); Django's and the libraries' commands follow.
COMMAND_GROUPS: dict[str, tuple[str, ...]] = {
    "Set-up and demo": ("load_demo", "shell", "db_worker"),
    "Monitoring data": (
        "import_data",
        "export_data",
        "import_opensdg",
        "export_opensdg",
        "load_boundaries",
        "assess_progress",
        "disclosure_audit",
    ),
    "Participation": ("build_documentation", "send_review_reminders"),
    "Accounts, data protection and operations": (
        "offboard_user",
        "export_personal_data",
        "erase_personal_data",
        "apply_retention",
        "backup",
        "restore",
        "verify_backup",
    ),
}


def grouped_help() -> str:
    """The main help text: the product's commands by group, then every other command on one line each group."""
    from django.core.management import get_commands

    commands = get_commands()
    lines = ["Usage: teilhabe COMMAND [options]   (teilhabe help COMMAND for a command's options)", ""]
    ours = set()
    for title, names in COMMAND_GROUPS.items():
        lines.append(f"{title}:")
        for name in names:
            if name in commands:
                lines.append(f"    {name}")
                ours.add(name)
        lines.append("")
    others: dict[str, list[str]] = {}
    for name, app in commands.items():
        if name not in ours:
            others.setdefault(app.rpartition(".")[2], []).append(name)
    lines.append("Other commands (Django and libraries):")
    for app in sorted(others):
        lines.append(f"    [{app}] {', '.join(sorted(others[app]))}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teilhabe.settings")
    if "TEILHABE_LOG_LEVEL" not in os.environ:
        level = _LOG_LEVEL_BY_VERBOSITY.get(min(max(verbosity_of(arguments), 0), 3), "WARNING")
        os.environ["TEILHABE_LOG_LEVEL"] = level
    if arguments in ([], ["help"], ["--help"], ["-h"]):
        import django

        django.setup()
        sys.stdout.write(grouped_help())
        return 0
    from django.core.management import execute_from_command_line

    execute_from_command_line(["teilhabe", *arguments])
    return 0
